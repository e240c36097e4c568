"""The briefing book's chart (report --format html): where a value, the target and its
band are drawn is what a manager reads off it, so each is checked against the others."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from kpoctl.output.views.html import PAD_B, PAD_L, PAD_R, PAD_T, H, W, chart_svg
from kpoctl.output.views.report import ReportRow

PLOT_TOP, PLOT_BOTTOM = PAD_T, H - PAD_B  # where values are drawn, between the padding


def row(values, target=95.0, direction="at_least", tolerance=1.0, targets=None, unit="%") -> ReportRow:
    periods = [f"2026-{month:02d}" for month in range(1, len(values) + 1)]
    in_force = targets if targets is not None else [target] * len(values)
    return ReportRow("t", "k", "KPI", "OTIF", unit, target, direction, values[-1], periods[-1], "on track", None,
                     tolerance=tolerance, history=list(zip(periods, values, in_force)))


def chart(r: ReportRow) -> ET.Element:
    return ET.fromstring(chart_svg(r))


def marks(svg: ET.Element) -> list[tuple[str, float, float]]:
    """Each actual's mark: its status and the centre it was drawn around, in order."""
    found = []
    for element in svg:
        status = element.get("class")
        if status not in ("on-track", "at-risk", "off-track", "no-target"):
            continue
        if element.tag == "circle":
            found.append((status, float(element.get("cx")), float(element.get("cy"))))
            continue
        x, y = map(float, re.match(r"M(\S+) (\S+)", element.get("d")).groups())
        found.append((status, x, y + 4) if status == "at-risk" else (status, x + 3.5, y + 3.5))  # a triangle, a cross
    return found


def target_line(svg: ET.Element) -> float:
    (line,) = [e for e in svg if e.tag == "line" and e.get("class") == "target"]
    assert line.get("y1") == line.get("y2")
    return float(line.get("y1"))


def band(svg: ET.Element) -> tuple[float, float] | None:
    """The tolerance band's top and bottom edge."""
    rects = [e for e in svg if e.get("class") == "band"]
    if not rects:
        return None
    top = float(rects[0].get("y"))
    return top, top + float(rects[0].get("height"))


def stepped_target(svg: ET.Element) -> list[tuple[float, float]]:
    """The corners of the line interim targets draw, one per actual."""
    (steps,) = [e for e in svg if e.tag == "polyline" and e.get("class") == "target"]
    return [tuple(map(float, point.split(","))) for point in steps.get("points").split()]


def texts(svg: ET.Element) -> dict[str, ET.Element]:
    return {e.text: e for e in svg if e.tag == "text"}


def test_a_higher_value_is_drawn_higher_and_the_scale_uses_the_plot():
    values = [90.0, 97.0, 93.0, 99.0, 91.0]
    drawn = marks(chart(row(values, tolerance=None)))
    heights = [y for _, _, y in drawn]
    assert sorted(range(5), key=lambda i: heights[i]) == sorted(range(5), key=lambda i: -values[i])
    # the highest and lowest value sit near the plot's edges, inside it: a margin, not a squashed chart
    plot = PLOT_BOTTOM - PLOT_TOP
    assert PLOT_TOP < min(heights) < PLOT_TOP + plot * 0.1
    assert PLOT_BOTTOM - plot * 0.1 < max(heights) < PLOT_BOTTOM
    # and on the same scale: equal steps of value are equal steps of height
    tall = chart(row([90.0, 95.0, 100.0], tolerance=None))
    y90, y95, y100 = (y for _, _, y in marks(tall))
    assert y90 - y95 == pytest.approx(y95 - y100, abs=0.11)


def test_the_scale_reaches_the_target_and_its_band_too():
    """Values all above the target: the target line and the band are drawn, not cut off."""
    svg = chart(row([97.0, 98.0, 99.0], target=90.0, tolerance=5.0))
    assert PLOT_TOP < target_line(svg) < PLOT_BOTTOM
    top, bottom = band(svg)
    assert PLOT_TOP < top and bottom < PLOT_BOTTOM and bottom > max(y for _, _, y in marks(svg))


@pytest.mark.parametrize(("direction", "values", "edges"), [
    ("at_least", [94.0, 95.0, 97.0], (1, 0)),  # the band runs from the target down to target - tolerance
    ("at_most", [94.0, 95.0, 96.0], (2, 1)),  # from target + tolerance down to the target
    ("equal", [94.0, 95.0, 96.0], (2, 0)),  # on either side of it
])
def test_a_value_on_the_target_is_on_its_line_and_the_band_is_its_tolerance(direction, values, edges):
    svg = chart(row(values, direction=direction))
    drawn = marks(svg)
    assert drawn[1][2] == pytest.approx(target_line(svg), abs=0.11)  # 95 is drawn on the target line
    top, bottom = band(svg)
    assert (top, bottom) == (pytest.approx(drawn[edges[0]][2], abs=0.11), pytest.approx(drawn[edges[1]][2], abs=0.11))
    assert texts(svg).get("target 95%") is not None


def test_no_tolerance_no_band():
    assert band(chart(row([94.0, 96.0], tolerance=0.0))) is None
    assert band(chart(row([94.0, 96.0], tolerance=None))) is None


def test_the_actuals_span_the_axis_evenly_and_one_actual_stands_in_its_middle():
    svg = chart(row([90.0, 91.0, 92.0, 93.0]))
    xs = [x for _, x, _ in marks(svg)]
    assert xs[0] == pytest.approx(PAD_L, abs=0.11) and xs[-1] == pytest.approx(W - PAD_R, abs=0.11)
    steps = [b - a for a, b in zip(xs, xs[1:])]
    assert max(steps) - min(steps) < 0.2
    (axis,) = [e for e in svg if e.tag == "line" and e.get("class") is None]
    assert (float(axis.get("x1")), float(axis.get("x2"))) == (PAD_L, W - PAD_R)
    assert float(axis.get("y1")) == float(axis.get("y2")) == PLOT_BOTTOM
    (_, x, _), = marks(chart(row([90.0])))
    assert x == pytest.approx((PAD_L + W - PAD_R) / 2, abs=0.11)
    periods = lambda svg: [e.text for e in svg if e.tag == "text" and e.text.startswith("2026-")]  # noqa: E731
    assert periods(svg) == ["2026-01", "2026-04"]  # the first and the last, under each end of the axis
    assert periods(chart(row([90.0]))) == ["2026-01"]  # said once
    assert periods(chart(row([90.0, 91.0]))) == ["2026-01", "2026-02"]


def test_a_flat_series_on_its_target_is_drawn_in_the_middle():
    """Every value the same and equal to the target: no span to scale by (no division by zero);
    the line is drawn across the middle of the plot."""
    svg = chart(row([95.0, 95.0, 95.0], tolerance=None))
    middle = PLOT_TOP + (PLOT_BOTTOM - PLOT_TOP) / 2
    assert all(y == pytest.approx(middle, abs=0.11) for _, _, y in marks(svg))
    assert target_line(svg) == pytest.approx(middle, abs=0.11)


def test_interim_targets_are_a_stepped_line_and_each_actual_is_judged_by_its_own():
    values, interim = [82.0, 84.0, 91.0], [80.0, 85.0, 90.0]
    svg = chart(row(values, target=95.0, tolerance=1.0, targets=interim))
    drawn = marks(svg)
    assert [status for status, _, _ in drawn] == ["on-track", "at-risk", "on-track"]  # not all off the final 95
    corners = stepped_target(svg)
    assert [x for x, _ in corners] == pytest.approx([x for _, x, _ in drawn], abs=0.11)
    heights = [y for _, y in corners]
    assert heights[0] > heights[1] > heights[2]  # the target rises with each interim step
    assert not [e for e in svg if e.tag == "line" and e.get("class") == "target"] and band(svg) is None
    # an actual equal to its interim target is drawn on the stepped line
    svg = chart(row([80.0, 85.0, 90.0], targets=interim))
    assert [y for _, _, y in marks(svg)] == pytest.approx([y for _, y in stepped_target(svg)], abs=0.11)


def test_two_targets_are_already_a_stepped_line():
    """One interim target before the final one: the line steps from the first to the second."""
    svg = chart(row([80.0, 95.0], target=95.0, tolerance=1.0, targets=[80.0, 95.0]))
    assert [y for _, _, y in marks(svg)] == pytest.approx([y for _, y in stepped_target(svg)], abs=0.11)
    assert not [e for e in svg if e.tag == "line" and e.get("class") == "target"]


def test_each_status_has_its_own_shape():
    svg = chart(row([90.0, 94.5, 96.0], tolerance=1.0))
    shapes = [(e.tag, e.get("class"), e.get("fill")) for e in svg if e.get("class") in ("on-track", "at-risk", "off-track")]
    assert shapes == [("path", "off-track", None), ("path", "at-risk", "currentColor"),
                      ("circle", "on-track", "currentColor")]
    cross, triangle = chart_svg(row([90.0])), chart_svg(row([94.5]))
    assert cross.count(" M") == 1 and triangle.rstrip().count(" Z") == 1  # a cross is two strokes; a triangle closes


def test_without_a_target_every_actual_is_a_ring_and_no_way_is_called_better():
    svg = chart(row([3.0, 5.0], target=None, direction=None, tolerance=None, targets=[None, None]))
    assert [(e.tag, e.get("fill")) for e in svg if e.get("class") == "no-target"] == [("circle", "none")] * 2
    assert not [e for e in svg if e.get("class") in ("target", "band")]
    assert not [t for t in texts(svg) if t and "better" in t]
    assert svg.get("aria-label") == "OTIF: 2 actuals from 2026-01 to 2026-02, latest 5%"


@pytest.mark.parametrize(("values", "label_below"), [([90.0, 99.0], True), ([99.0, 90.0], False)])
def test_the_latest_value_is_labelled_beside_its_mark_inside_the_chart(values, label_below):
    svg = chart(row(values, tolerance=None))
    _, x, y = marks(svg)[-1]
    label = texts(svg)[f"{values[-1]:g}%"]
    assert (float(label.get("y")) > y) == label_below  # above the mark, or below it at the top
    assert 0 < float(label.get("y")) < H and float(label.get("x")) < x and label.get("text-anchor") == "end"


@pytest.mark.parametrize(("target", "label_below"), [(99.0, True), (91.0, False)])
def test_the_target_is_labelled_above_its_line_or_below_it_at_the_top(target, label_below):
    svg = chart(row([90.0, 92.0], target=target, tolerance=None))
    label = texts(svg)[f"target {target:g}%"]
    assert (float(label.get("y")) > target_line(svg)) == label_below
    assert PLOT_TOP < float(label.get("y")) < PLOT_BOTTOM
