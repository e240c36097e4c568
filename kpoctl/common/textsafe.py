"""Text from a scorecard made inert for a terminal: what a YAML string or a file name
may hold (escape sequences, control characters, undecodable bytes) is shown, never
obeyed."""

from __future__ import annotations

import re

# C0 and C1 controls and DEL, lone surrogates (undecodable bytes of a file name), and the
# line and paragraph separators: each would move the cursor, colour or retitle the
# terminal, or break a line a reader or a parser counts on.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _escape(match: re.Match) -> str:
    char = match.group()
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def plain(text: str) -> str:
    """`text` with every control character written as an escape (\\x1b, \\udc80)."""
    return _UNSAFE.sub(_escape, text)


# What XML 1.0 cannot hold at all, even escaped: most C0 controls, U+FFFE/U+FFFF and
# lone surrogates.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    """`text` that an XML document can hold: what XML forbids, written as an escape."""
    return _NOT_XML.sub(_escape, text)


# A sheet cell (OOXML's ST_Xstring) writes what XML cannot hold as _xHHHH_, and a literal
# "_xHHHH_" with its underscore escaped (_x005F_): Excel reads both back; openpyxl does neither.
_OOXML_LITERAL = re.compile("_(?=x[0-9A-Fa-f]{4}_)")
_OOXML_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")


def ooxml_escaped(text: str) -> str:
    """`text` as an xlsx cell holds it, so that a spreadsheet reads back exactly `text`."""
    return _NOT_XML.sub(lambda found: f"_x{ord(found.group()):04X}_", _OOXML_LITERAL.sub("_x005F_", text))


def ooxml_unescaped(text: str) -> str:
    """The text an xlsx cell stands for (the inverse of ooxml_escaped, and Excel's reading)."""
    return _OOXML_ESCAPE.sub(lambda found: chr(int(found.group(1), 16)), text) if "_x" in text else text


def markdown_cell(text: str) -> str:
    """`text` inert in a markdown table cell: no HTML, no broken row, no stray pipe.

    Inside a code span (`<KPO id>`) markdown shows `<` as it is, so it stays as it is;
    escaping it there would print `&lt;`. Spans are honoured only where they are
    certain: single backticks in pairs, none escaped. Anything else is escaped whole."""
    text = plain(text)
    parts = text.split("`")
    certain = len(parts) % 2 == 1 and "``" not in text and "\\`" not in text
    if not certain:
        return _outside_code(text)
    return "`".join(part.replace("|", "\\|") if inside else _outside_code(part)
                    for inside, part in ((i % 2 == 1, part) for i, part in enumerate(parts)))


def _outside_code(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
