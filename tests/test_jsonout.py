"""JSON out (kpoctl.common.jsonout): what scripts read, the same however it is written."""

from __future__ import annotations

import io

from kpoctl.common.jsonout import dumps, write_json

DATA = [{"team": "qualité", "title": "Délais ≤ 2 j", "children": []}]


def test_json_goes_out_as_utf8_bytes_after_the_text_before_it():
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8")
    stream.write("before\n")
    write_json(stream, DATA)
    stream.flush()
    assert raw.getvalue() == b"before\n" + dumps(DATA).encode("utf-8")
    assert "qualité" in raw.getvalue().decode("utf-8")


def test_json_to_a_text_only_stream_is_the_same_text():
    stream = io.StringIO()
    write_json(stream, DATA)
    assert stream.getvalue() == dumps(DATA)
    assert stream.getvalue().startswith('[\n  {\n    "team": "qualité"') and stream.getvalue().endswith("}\n]\n")
