"""Layer 7: the command line and the commands that write (record, init, baseline) or compare (diff)."""
