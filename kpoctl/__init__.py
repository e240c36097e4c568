"""kpoctl: keep management scorecards honest.

Kept import-free on purpose: `kpoctl --version` must not pay for pydantic,
networkx or rich.
"""

__version__ = "0.1.0"
