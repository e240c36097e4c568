"""Layer 2: files to model objects: YAML with positions, validation, settings, discovery, the cache."""
