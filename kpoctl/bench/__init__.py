"""Benchmark support: a generator of large, realistic scorecards."""
