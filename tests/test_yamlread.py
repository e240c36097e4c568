"""The YAML reader: YAML 1.2 values as ruamel.yaml reads them, positions, and every way a
file can fail to be one safe document."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from kpoctl.read.yamlread import BadDate, BigNumber, YamlError, decode, parse


def value(text: str):
    return parse(f"k: {text}\n").data["k"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("no", "no"), ("on", "on"), ("yes", "yes"), ("off", "off"), ("y", "y"),
        ("true", True), ("False", False), ("TRUE", True),
        ("0o17", 15), ("017", 17), ("0x1F", 31), ("0b101", 5), ("1_000", 1000), ("+12", 12), ("-0", 0),
        ("1:30", "1:30"), ("1.5", 1.5), ("1.", 1.0), ("1e5", 100000.0), (".5", 0.5),
        ("~", None), ("null", None), ("", None), ("_", "_"),
        ("2026-12-31", dt.date(2026, 12, 31)), ("2026-09", "2026-09"), ("2026-Q3", "2026-Q3"),
        ("'2024'", "2024"), ('"true"', "true"), ("!!str 12", "12"), ("!!int '12'", 12),
    ],
)
def test_scalars_resolve_as_yaml_1_2(text, expected):
    assert value(text) == expected
    assert type(value(text)) is type(expected)


@pytest.mark.parametrize("text, expected", [
    ("True", True), ("false", False), ("FALSE", False), ("Null", None), ("NULL", None), ("nul", "nul"),
    ("Yes", "Yes"), ("tRUE", "tRUE"), ("0", 0), ("-0x1f", -31), ("-0b11", -3), ("-0o17", -15), ("+.5", 0.5),
    ("-.inf", float("-inf")), ("+.INF", float("inf")), ("-1_0.5e1", -105.0),
    # a date must be YYYY-MM-DD to be one (a timestamp with its time may shorten month and day)
    ("2026-1-2", "2026-1-2"), ("2026-01-2", "2026-01-2"), ("2026-1-2 3:04:05", dt.datetime(2026, 1, 2, 3, 4, 5)),
    ("<<<", "<<<"), ("==", "=="), ("~x", "~x"), ("0b12", "0b12"), ("1__", 1),
])
def test_more_plain_scalars_resolve_as_ruamel_reads_them(text, expected):
    """Each spelling of the core schema's booleans, nulls and numbers, against ruamel.yaml itself."""
    assert value(text) == expected and type(value(text)) is type(expected)
    assert _yaml.load(f"k: {text}\n")["k"] == expected


@pytest.mark.parametrize("text, expected", [
    ("!!bool true", True), ("!!bool False", False), ("!!null ''", None), ("!!null null", None),
    ("!!int 0x1F", 31), ("!!int '-7'", -7), ("!!float 2", 2.0), ("!!float '1.5'", 1.5), ("!!float 1e3", 1000.0),
    ("!!timestamp 2026-12-31", dt.date(2026, 12, 31)), ("!!str true", "true"),
    # the non-specific tag `!` resolves as if plain, quoted or not, as ruamel.yaml reads it
    ("! 12", 12), ("! '12'", 12), ("! true", True), ("! ''", None), ("! abc", "abc"),
    ("!!map {a: 1}", {"a": 1}), ("!!seq [1]", [1]), ("! [1]", [1]),
])
def test_a_scalar_with_an_explicit_core_tag_has_the_tags_type(text, expected):
    assert value(text) == expected and type(value(text)) is type(expected)
    assert _yaml.load(f"k: {text}\n")["k"] == expected


@pytest.mark.parametrize("text", ["!!bool yes", "!!int 1.5", "!!float abc", "!!timestamp tomorrow", "!!map x",
                                  "!!seq x", "!!int ''", "!!map [1]", "!!seq {a: 1}", "!!int true", "!!float false",
                                  "!!map 2026-01-01", "!!seq 2026-01-01 10:00:00", "!!bool 1"])
def test_a_scalar_its_explicit_tag_cannot_read_is_refused_where_it_is(text):
    with pytest.raises(YamlError) as info:
        parse(f"a: 1\nk: {text}\n")
    assert (info.value.line, info.value.column) == (2, 4)


@pytest.mark.parametrize("text, expected", [
    ("2026-01-02T03:04:05.5Z", dt.datetime(2026, 1, 2, 3, 4, 5, 500000, tzinfo=dt.timezone.utc)),
    ("2026-01-02 03:04:05.1234567 -05:30",
     dt.datetime(2026, 1, 2, 3, 4, 5, 123457, tzinfo=dt.timezone(-dt.timedelta(hours=5, minutes=30)))),
    ("2026-1-2t3:04:05+2", dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))),
    ("2026-01-02T03:04:05", dt.datetime(2026, 1, 2, 3, 4, 5)),
    # past microseconds, rounded half up and carried over, as ruamel.yaml does
    ("0001-1-1T0:00:00.0000005", dt.datetime(1, 1, 1, 0, 0, 0, 1)),
    ("2026-01-01T00:00:00.9999995", dt.datetime(2026, 1, 1, 0, 0, 1)),
    ("2026-01-01T00:00:00.12345649", dt.datetime(2026, 1, 1, 0, 0, 0, 123456)),
    ("2026-01-01T00:00:00.123456", dt.datetime(2026, 1, 1, 0, 0, 0, 123456)),  # six digits: nothing to round
])
def test_a_timestamp_keeps_its_time_and_zone_for_the_model_to_refuse(text, expected):
    """A date with a time is no date (the model says so, quoting it): the reader keeps it exactly."""
    got = value(text)
    assert got == expected and got.tzinfo == expected.tzinfo
    assert _yaml.load(f"k: {text}\n")["k"] == expected


def test_special_floats_and_odd_values_are_kept_for_the_model_to_judge():
    assert math.isnan(value(".nan"))
    assert value("-.inf") == float("-inf")
    assert isinstance(value("2026-02-30"), BadDate)
    assert isinstance(value("9" * 5000), BigNumber)


_yaml = YAML(typ="safe", pure=True)
_plain = st.text(alphabet="0123456789+-._:eExobTtrufalsFnNOyY~ ", min_size=1, max_size=12)


@settings(max_examples=400, deadline=None)
@given(_plain)
def test_plain_scalars_match_ruamel(text):
    """Differential: whatever ruamel.yaml makes of a plain scalar, the fast reader makes too."""
    source = f"k: {text}\n"
    try:
        expected = _yaml.load(source)
    except Exception:
        return  # ruamel refuses it (e.g. an impossible date): the reader may report it its own way
    try:
        got = parse(source).data
    except YamlError:
        pytest.fail(f"reader refused {source!r}, ruamel read {expected!r}")
    if not isinstance(expected, dict) or not isinstance(got, dict):
        assert got == expected
        return
    want, have = expected.get("k"), got.get("k")
    if isinstance(want, float) and math.isnan(want):
        assert math.isnan(have)
    else:
        assert have == want and type(have) is type(want), (text, have, want)


_stamp = st.from_regex(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]{0,7})?"
                       r"( ?(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?)?", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(_stamp)
def test_dates_and_timestamps_match_ruamel(text):
    """Differential over what looks like a date: a date, a timestamp, or text, as ruamel.yaml has it."""
    try:
        expected = _yaml.load(f"k: {text}\n")["k"]
    except Exception:
        return  # no such day or hour: ruamel refuses, the reader keeps it for the model to refuse
    got = value(text)
    assert got == expected and type(got) is type(expected), (text, got, expected)


def test_positions_of_keys_values_and_items_are_one_based():
    doc = parse("team: a\nobjectives:\n  - id: x\n    level: KPO\n  - {id: y, level: PO}\n")
    assert doc.values[("team",)] == (1, 7)
    assert doc.keys[("team",)] == (1, 1)
    assert doc.values[("objectives", 0)] == (3, 5)
    assert doc.keys[("objectives", 0, "level")] == (4, 5)
    assert doc.values[("objectives", 1, "level")] == (5, 20)
    assert doc.locate(("objectives", 1, "missing")) == (5, 5)


_rt = YAML()  # round trip: keeps where every key, value and item starts
_key = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)
_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(alphabet="abcXYZ 019-.%", max_size=10), st.sampled_from(["2026-01", "2026-12-31", "~", "<<", "="]),
)
_tree = st.recursive(_leaf, lambda children: st.one_of(st.lists(children, max_size=4),
                                                       st.dictionaries(_key, children, max_size=4)), max_leaves=25)


def _dumped(data, flow: bool) -> str:
    import copy
    import io

    dumper = YAML(typ="safe", pure=True)
    dumper.default_flow_style = flow
    out = io.StringIO()
    dumper.dump({"team": "t", "body": data, "again": copy.deepcopy(data)}, out)  # `again`: every scalar read twice
    return out.getvalue()


def _positions(node, path=()):
    """(path, (line, column) of the value, of the key) for every node below `node`, 1-based."""
    if isinstance(node, dict):
        for key in node:
            line, column = node.lc.value(key)
            key_line, key_column = node.lc.key(key)
            yield path + (key,), (line + 1, column + 1), (key_line + 1, key_column + 1)
            yield from _positions(node[key], path + (key,))
    elif isinstance(node, list):
        for index in range(len(node)):
            line, column = node.lc.item(index)
            yield path + (index,), (line + 1, column + 1), None
            yield from _positions(node[index], path + (index,))


@settings(max_examples=300, deadline=None)
@given(_tree, st.booleans())
def test_documents_match_ruamel_value_for_value_and_position_for_position(data, flow):
    """Differential over whole documents, block and flow: the same values as ruamel.yaml
    and every key, value and item where ruamel.yaml's round-trip loader places it."""
    source = _dumped(data, flow)
    doc = parse(source)
    assert doc.data == _yaml.load(source)
    for path, value_at, key_at in _positions(_rt.load(source)):
        assert doc.values.get(path) == value_at, (path, source)
        if key_at is not None:
            assert doc.keys[path] == key_at, (path, source)


@pytest.mark.parametrize(
    "source, line, column, words",
    [
        ("a: 1\na: 2\n", 2, 1, "duplicate key 'a'"),
        ("a: [1,\n", 2, 1, "syntax error"),
        ("x: !!python/object:os.system 1\n", 1, 4, "unsupported tag !!python/object"),
        ("x: !!binary aGk=\n", 1, 4, "unsupported tag !!binary"),
        ("x: !custom {}\n", 1, 4, "unsupported tag !custom"),
        ("- a\n---\n- b\n", 2, 1, "several YAML documents"),
        ("a: *nothing\n", 1, 4, "alias *nothing"),
        ("a: &a [*a]\n", 1, 8, "alias *a"),
        ("? [a]\n: 1\n", 1, 3, "key must be a plain scalar"),
        ("a: 1\x00\n", 1, 5, "U+0000 is not allowed"),
    ],
)
def test_unreadable_documents_are_located(source, line, column, words):
    with pytest.raises(YamlError) as info:
        parse(source)
    assert words in info.value.message
    assert (info.value.line, info.value.column) == (line, column)


@pytest.mark.parametrize("levels", [101, 150, 10_000])
def test_nesting_is_bounded_without_recursion(levels):
    """Past 100 levels the file is refused at its line, whether our bound or libyaml's own
    (newer libyaml stops deep flow nesting itself, in its own words) stops it first."""
    deep = "a: b\nc: " + "[" * levels + "]" * levels + "\n"
    with pytest.raises(YamlError) as info:
        parse(deep)
    assert info.value.line == 2
    ok = "a: " + "[" * 99 + "]" * 99 + "\n"
    assert parse(ok).data is not None


def test_block_nesting_is_bounded_at_the_line_past_the_limit():
    deep = "x:\n" + "".join(" " * i + "- \n" for i in range(300))
    with pytest.raises(YamlError) as info:
        parse(deep)
    assert info.value.line == 101


@pytest.mark.parametrize("source, line, column", [
    ("team: nul\nname: N\x00ul\n", 2, 8),
    ("a: 1\nb: 2\nc: \x07\n", 3, 4),
    ("a: caf\u00e9\nb: \x1b[31m\n", 2, 4),
])
def test_a_control_character_is_located_where_it_is(source, line, column):
    with pytest.raises(YamlError) as info:
        parse(source)
    assert (info.value.line, info.value.column) == (line, column)


@pytest.mark.parametrize("source, expected", [
    ("hello\n", "hello"),  # a document that is one scalar is no team file, and no crash
    ("a: &x 12\nb: *x\n", {"a": 12, "b": 12}),  # an anchored scalar is remembered
    ("{&k a: 1, b: *k}\n", {"a": 1, "b": "a"}),  # so is an anchored key
    ("x: &s k\n*s : 2\n", {"x": "k", "k": 2}),  # an alias of text may be a key
    ("!!str a: 1\n? ! b\n: 2\n", {"a": 1, "b": 2}),  # keys tagged as text
    ("a: 1\n<<: {a: 2, b: 3}\n", {"a": 1, "b": 3}),  # a merge never overrides a key of the mapping
    ("!!str <<: 1\n", {"<<": 1}),  # a tagged or quoted << is a plain key
    ("'<<': {a: 1}\n", {"<<": {"a": 1}}),
    ("x: ! [1]\ny: ! {a: 1}\n", {"x": [1], "y": {"a": 1}}),
])
def test_documents_read_as_ruamel_reads_them(source, expected):
    assert parse(source).data == expected == _yaml.load(source)


@pytest.mark.parametrize("source, line, column", [
    ("!!python/object:os.system a: 1\n", 1, 1),  # a key with any tag but text's is refused, never run
    ("b: 1\n!!int 1: a\n", 2, 1),
    ("x: &l [1]\n*l : 2\n", 2, 1),  # an alias of a list cannot be a key
    ("x: 1\n*nothing : 2\n", 2, 1),  # nor one of nothing
    ("x: &n 1\n*n : 2\n", 2, 1),  # nor one of a number
    ("&k a: 1\n*k : 2\n", 2, 1),  # the same key twice, once through an alias
    ("a:\n  <<: 1\n", 2, 7),  # a merge takes mappings only
])
def test_keys_that_are_not_text_once_are_refused_where_they_are(source, line, column):
    with pytest.raises(YamlError) as info:
        parse(source)
    assert (info.value.line, info.value.column) == (line, column)


@pytest.mark.parametrize("source, nodes", [
    ("a: 1\n", 3),  # every node counts, keys included
    ("a: [1, 2]\n", 5),
    ("a: &x 1\nb: *x\n", 5),
    ("a: &x [1, 2]\nb: *x\n", 9),  # an alias counts as all the nodes it repeats, its collection's too
    ("- 1\n- {a: 1}\n", 5),
    ("x: &s k\n*s : 2\n", 5),  # an alias as a key is one node
    ("{&k a: 1, b: *k}\n", 5),  # so is an alias of a key
])
def test_the_node_limit_is_exact(source, nodes):
    """max_nodes bounds what a document expands to: exactly that many pass, one fewer does not."""
    assert parse(source, max_nodes=nodes).data is not None
    with pytest.raises(YamlError, match=f"more than {nodes - 1} nodes"):
        parse(source, max_nodes=nodes - 1)


def test_a_control_character_on_the_first_line_or_after_a_blank_one_is_located():
    for source, where in (("\x07a: 1\n", (1, 1)), ("\nb: \x07\n", (2, 4)), ("a: 1\n\nb: x\x07\n", (3, 5))):
        with pytest.raises(YamlError) as info:
            parse(source)
        assert (info.value.line, info.value.column) == where, source


def test_a_syntax_error_is_placed_at_the_problem_and_says_its_context():
    """libyaml names the problem and the construct it was in (its words, not ours): both are
    said, and the position is the problem's, not where the construct began."""
    import yaml

    source = "team: a\nobjectives:\n  - id: x\n    level: KPO\n   title: y\n"
    with pytest.raises(yaml.MarkedYAMLError) as reference:
        yaml.load(source, Loader=yaml.CSafeLoader)
    with pytest.raises(YamlError) as info:
        parse(source)
    mark = reference.value.problem_mark
    assert mark.line != reference.value.context_mark.line
    assert (info.value.line, info.value.column) == (mark.line + 1, mark.column + 1)
    assert reference.value.problem in info.value.message and reference.value.context in info.value.message


def test_locate_falls_back_to_the_nearest_recorded_ancestor():
    doc = parse("a:\n  b: [1, {c: 2}]\n")
    assert doc.locate(("a", "b", 1, "c")) == (2, 14)
    assert doc.locate(("a", "b", 1, "c"), key=True) == (2, 11)
    assert doc.locate(("a", "b", 1, "zz"), key=True) == (2, 10)  # no such key: where its mapping is
    assert doc.locate(("nothing", "here")) == (1, 1)
    assert parse("").locate(("a",)) == (1, 1)


def test_alias_bomb_is_stopped_at_the_node_limit():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        prev, name = chr(96 + i), chr(97 + i)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 10)}]")
    with pytest.raises(YamlError, match="more than 100000 nodes") as info:
        parse("\n".join(lines) + "\n")
    assert info.value.line > 1


def test_merge_keys_merge_and_explicit_keys_win():
    doc = parse("base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  b: 3\n")
    assert doc.data["x"] == {"a": 1, "b": 3}


def test_decode_accepts_a_bom_and_refuses_other_encodings():
    assert decode(b"\xef\xbb\xbfteam: a\n") == "team: a\n"
    with pytest.raises(YamlError, match="UTF-16"):
        decode("team: a\n".encode("utf-16"))
    with pytest.raises(YamlError, match="not UTF-8") as info:
        decode(b"team: a\nname: caf\xe9\n")
    assert (info.value.line, info.value.column) == (2, 10)
    with pytest.raises(YamlError) as info:  # a blank first line counts as a line
        decode(b"\nname: caf\xe9\n")
    assert (info.value.line, info.value.column) == (2, 10)
    with pytest.raises(YamlError) as info:  # on the first line, from its first column
        decode(b"\xe9\n")
    assert (info.value.line, info.value.column) == (1, 1)


def test_empty_document_is_none():
    assert parse("").data is None
    assert parse("# only a comment\n").data is None


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85"])
def test_positions_after_a_line_separator_inside_a_value_count_lines_as_yaml_12_does(char):
    """libyaml counts NEL, LS and PS as line breaks (YAML 1.1); editors and YAML 1.2 do not."""
    doc = parse(f'team: a\nname: "x{char}y"\nparent: b\nmeetingx: 1\n')
    assert doc.keys[("parent",)] == (3, 1) and doc.keys[("meetingx",)] == (4, 1)
    assert doc.keys[("team",)] == (1, 1) and doc.values[("name",)] == (2, 7)
    with pytest.raises(YamlError) as error:
        parse(f'team: a\nname: "x{char}y"\nbad: [\n')
    assert error.value.line == 4
