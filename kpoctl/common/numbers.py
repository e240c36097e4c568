"""A number as a person writes it in a file or a sheet: 95, not 95.0; 94.1, not 94.10000001."""

from __future__ import annotations


def number_text(value: float | int) -> str:
    """Integral floats without their '.0' (below 1e15, where a float is still exact), other
    floats as Python's shortest round-tripping repr, ints as they are."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)
