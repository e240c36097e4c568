"""The rule catalogue of RULES.md: every family imported by name, one registry."""

from kpoctl.rules import cascade, files, focus, frameworks, history, practice, smart  # noqa: F401  (registers the rules)
from kpoctl.rules.base import REGISTRY, Context, Rule

__all__ = ["REGISTRY", "Context", "Rule", "closest_code", "get"]

_LOOKALIKE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def closest_code(text: str) -> str | None:
    """The known code a mistyped one most likely meant (`KP1O1` -> KP101)."""
    import difflib

    upper = text.upper()
    fixed = upper[:2] + upper[2:].translate(_LOOKALIKE)
    if fixed in REGISTRY:
        return fixed
    close = difflib.get_close_matches(fixed, list(REGISTRY), n=1, cutoff=0.5)
    return close[0] if close else None


def get(code: str) -> Rule:
    """The rule with this code; KeyError names the closest known code."""
    try:
        return REGISTRY[code.upper()]
    except KeyError:
        close = closest_code(code)
        hint = f" (did you mean {close}?)" if close else ""
        raise KeyError(f"unknown rule code {code!r}{hint}") from None
