"""Layer 5: the one way every command reads a scorecard and runs the rules over it."""
