"""The cascade graph, the layer every cross-team rule and view asks: which edges a
scorecard's links make (and which they do not), and the answers to its graph questions
(ancestors, cycles, what reaches the top, depths, the order the tree shows), each on a
scorecard small enough to see the answer in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kpoctl.graph import CASCADES_FROM, MEASURES, PARENT, SUPPORTS, CascadeGraph
from kpoctl.read.load import load


def team(name: str, parent: str | None = None, objectives: str = "", indicators: str = "") -> str:
    """A team file's text: header, then the objectives' and indicators' YAML items as given."""
    text = f"team: {name}\nname: Team {name}\nowner: Head of {name}\nmeeting: monthly\n"
    if parent is not None:
        text += f"parent: {parent}\n"
    if objectives:
        text += "objectives:\n" + objectives
    if indicators:
        text += "indicators:\n" + indicators
    return text


def kpo(id: str, cascades_from: str | None = None, due: str = "2026-12-31") -> str:
    link = f"    cascades_from: {cascades_from}\n" if cascades_from else ""
    return f"  - id: {id}\n    level: KPO\n    title: Reach 95% {id} by year end\n{link}    due: {due}\n"


def po(id: str, supports: str) -> str:
    return f"  - id: {id}\n    level: PO\n    title: Reach 90% {id} by year end\n    supports: {supports}\n    due: 2026-12-31\n"


def kpi(id: str, measures: str | None) -> str:
    link = f"    measures: {measures}\n" if measures else ""
    return f"  - id: {id}\n    level: KPI\n    name: {id} rate\n    unit: '%'\n{link}"


def graph_of(folder: Path, files: dict[str, str]) -> CascadeGraph:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kpoctl.yaml").write_text("today: 2026-11-21\n", encoding="utf-8")
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return CascadeGraph(load(folder, jobs=1))


@pytest.fixture
def chain(tmp_path) -> CascadeGraph:
    """top <- mid <- low, and `side` under top; the OTIF KPO cascaded down to low, a PO of
    mid supporting mid's KPO, and a KPI measuring each KPO."""
    return graph_of(tmp_path, {
        "top.yaml": team("top", objectives=kpo("otif"), indicators=kpi("otif-rate", "otif")),
        "mid.yaml": team("mid", "top", objectives=kpo("otif", "top/otif") + po("otif-ca", "otif"),
                         indicators=kpi("otif-rate", "otif") + kpi("ca-rate", "otif-ca")),
        "low.yaml": team("low", "mid", objectives=kpo("otif", "mid/otif", due="2027-03-31"),
                         indicators=kpi("otif-rate", "otif")),
        "side.yaml": team("side", "top", objectives=kpo("cost"), indicators=kpi("cost-rate", None)),
    })


def test_each_link_is_one_typed_edge_from_the_dependent_to_what_it_depends_on(chain):
    assert sorted(chain.edges) == sorted([
        ("low", "mid", PARENT), ("mid", "top", PARENT), ("side", "top", PARENT),
        ("mid/otif", "top/otif", CASCADES_FROM), ("low/otif", "mid/otif", CASCADES_FROM),
        ("mid/otif-ca", "mid/otif", SUPPORTS),
        ("top/otif-rate", "top/otif", MEASURES), ("mid/otif-rate", "mid/otif", MEASURES),
        ("mid/ca-rate", "mid/otif-ca", MEASURES), ("low/otif-rate", "low/otif", MEASURES),
    ])


def test_a_link_to_nothing_makes_no_edge(tmp_path):
    graph = graph_of(tmp_path, {"a.yaml": team(
        "a", "nobody", objectives=kpo("x", "nobody/x") + po("p", "[x, missing]"),
        indicators=kpi("r", "missing") + kpi("s", "x"))})
    assert sorted(graph.edges) == [("a/p", "a/x", SUPPORTS), ("a/s", "a/x", MEASURES)]
    assert graph.top_teams == []  # a parent that names no team is still a parent: not a top team
    assert graph.cascade_order() == ["a"]  # but its team is a root of the tree


def test_the_first_of_a_team_or_an_entry_given_twice_is_the_one_kept(tmp_path):
    graph = graph_of(tmp_path, {
        "a.yaml": team("a", objectives=kpo("x") + kpo("x", due="2030-01-01"), indicators=kpi("r", "x")),
        "b.yaml": team("a", objectives=kpo("y"), indicators=kpi("q", "y")),
        "c.yaml": team("c"),
    })
    assert list(graph.teams) == ["a", "c"] and graph.teams["a"].file.file == "a.yaml"
    assert [ref.key for ref in graph.entries_by_team["a"]] == ["a/x", "a/r"]
    assert graph.entries["a/x"].entry.due == dt.date(2026, 12, 31)
    assert graph.entries["a/x"].path == ("objectives", 0) and graph.entries["a/r"].path == ("indicators", 0)


def test_lookups_answer_from_the_edges(chain):
    assert [r.key for r in chain.measured_by("mid/otif")] == ["mid/otif-rate"]
    assert [r.key for r in chain.cascaded_from("top/otif")] == ["mid/otif"]
    assert [r.key for r in chain.supported_by("mid/otif")] == ["mid/otif-ca"]
    assert chain.measured_by("side/cost") == chain.supported_by("top/otif") == []
    assert chain.children("top") == ["mid", "side"] and chain.children("low") == []
    assert chain.resolve("mid", "otif-ca").key == "mid/otif-ca"
    assert chain.resolve("mid", None) is None and chain.resolve("mid", "nothing") is None
    assert chain.due_of(chain.entries["low/otif-rate"]) == dt.date(2027, 3, 31)  # the objective it measures
    assert chain.due_of(chain.entries["side/cost-rate"]) is None  # it measures nothing


def test_ancestors_are_every_team_above(chain):
    assert chain.ancestors("low") == {"mid", "top"}
    assert chain.ancestors("mid") == {"top"}
    assert chain.ancestors("top") == set()


def test_a_team_no_parent_link_touches_has_no_ancestors(tmp_path):
    graph = graph_of(tmp_path, {"a.yaml": team("a"), "b.yaml": team("b")})
    assert graph.ancestors("a") == set() and graph.edges == []
    assert graph.top_teams == ["a", "b"] and graph.team_depths() == {"a": 0, "b": 0}


def test_cycles_are_found_whole_a_team_its_own_parent_included(tmp_path):
    graph = graph_of(tmp_path, {
        "top.yaml": team("top"),
        "a.yaml": team("a", "b"), "b.yaml": team("b", "a"),
        "self.yaml": team("self", "self"),
        "under.yaml": team("under", "a"),
    })
    assert graph.cycles(PARENT) == [["a", "b"], ["self"]]
    assert graph.ancestors("a") == {"b"}  # itself left out, though the cycle comes back to it
    assert graph.ancestors("under") == {"a", "b"}
    assert graph.top_teams == ["top"]
    assert graph.team_depths() == {"top": 0}  # no depth for what only a cycle reaches
    assert graph.cascade_order() == ["top", "a", "b", "under", "self"]


def test_no_cycle_is_none(chain):
    assert chain.cycles(PARENT) == [] and chain.cycles(CASCADES_FROM, SUPPORTS) == []


def test_depths_count_the_teams_between_a_team_and_the_top(chain):
    assert chain.team_depths() == {"top": 0, "mid": 1, "side": 1, "low": 2}


def test_the_tree_order_is_depth_first_siblings_by_name(tmp_path):
    graph = graph_of(tmp_path, {
        "z.yaml": team("z"), "a.yaml": team("a"),
        "a2.yaml": team("a2", "a"), "a1.yaml": team("a1", "a"), "a11.yaml": team("a11", "a1"),
    })
    assert graph.cascade_order() == ["a", "a1", "a11", "a2", "z"]


def test_what_reaches_a_top_kpo_through_cascades_and_supports(chain, tmp_path):
    assert chain.reaching_top == {"top/otif", "mid/otif", "low/otif", "mid/otif-ca"}
    # side's KPO is its own: side has a parent, so it is not a top team's
    assert "side/cost" not in chain.reaching_top
    alone = graph_of(tmp_path / "alone", {"a.yaml": team("a", objectives=kpo("x") + po("p", "x"))})
    assert alone.reaching_top == {"a/x", "a/p"}
    assert graph_of(tmp_path / "po-only", {"a.yaml": team("a", objectives=po("p", "nothing"))}).reaching_top == set()


def test_a_link_a_kp002_left_unread_hides_whether_its_chain_reaches_the_top(tmp_path):
    graph = graph_of(tmp_path, {
        "top.yaml": team("top", objectives=kpo("otif")),
        "mid.yaml": team("mid", "top", objectives=kpo("otif", "12")),  # a number, not team/id: KP002
        "low.yaml": team("low", "mid", objectives=kpo("otif", "mid/otif") + kpo("own")),
    })
    unread = (("mid.yaml", "mid", "otif"),)  # the entry whose link was left unread, for the KP002 it waits for
    assert graph.past_unread_links == {"mid/otif": unread, "low/otif": unread}
    assert graph.left_unread(graph.entries["mid/otif"], CASCADES_FROM)
    assert not graph.left_unread(graph.entries["low/otif"], CASCADES_FROM)  # its file has no KP002
    assert not graph.left_unread(graph.entries["mid/otif"], SUPPORTS)
    assert graph.reaching_top == {"top/otif"}


def test_an_entry_and_its_fields_are_found_where_they_are_written(chain):
    ref = chain.entries["mid/otif-ca"]  # the second objective of mid.yaml
    assert ref.is_objective and not chain.entries["mid/ca-rate"].is_objective
    text = (chain.scorecard.root / ref.file.file).read_text().splitlines()
    start = text.index("  - id: otif-ca") + 1
    assert (ref.location().line, ref.location().column) == (start, 5)
    supports = ref.location("supports")
    assert (supports.file, supports.line, supports.column) == ("mid.yaml", start + 3, 5)
    assert text[supports.line - 1].strip().startswith("supports:")
    assert chain.teams["mid"].location("parent").line == text.index("parent: top") + 1


def test_a_team_whose_parent_kp002_left_unread_is_no_top_team(tmp_path):
    graph = graph_of(tmp_path, {"top.yaml": team("top"), "lost.yaml": team("lost", "12")})
    assert graph.teams["lost"].team.parent is None and graph.teams["lost"].invalid("parent")
    assert graph.top_teams == ["top"]
