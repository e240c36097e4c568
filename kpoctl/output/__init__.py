"""Layer 6: what users read: reporters of findings, views (count, tree, orphans, report), explain, schemas."""
