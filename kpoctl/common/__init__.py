"""Layer 0: what every layer may use: the finding, the one usage error, inert text, JSON out, atomic writes."""
