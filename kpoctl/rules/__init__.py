"""The rule catalogue of RULES.md: every family imported by name, one registry."""

from kpoctl.rules import cascade, files, focus, practice, smart  # noqa: F401  (registers the rules)
from kpoctl.rules.base import REGISTRY, Context, Rule

__all__ = ["REGISTRY", "Context", "Rule", "get"]


def get(code: str) -> Rule:
    """The rule with this code; KeyError names the closest known code."""
    try:
        return REGISTRY[code.upper()]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(code.upper(), list(REGISTRY), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise KeyError(f"unknown rule code {code!r}{hint}") from None
