"""Progress against a goal as a reportlab chart: the readings over time and the target as a line.

reportlab's own graphics (vector, no matplotlib): the chart prints sharp and its labels stay
real text in the PDF.
"""

from __future__ import annotations

import math
from datetime import date

from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors

from carecoord_desktop.documents.careplan_data import Goal
from carecoord_desktop.documents.style import ACCENT, INK, MUTED, RULE, fonts, number

TARGET = colors.HexColor("#2f855a")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _label(ordinal: float) -> str:
    d = date.fromordinal(round(ordinal))
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year % 100:02d}"


def _ticks(low: float, high: float, count: int) -> list[float]:
    step = (high - low) / max(1, count - 1)
    return [low + step * i for i in range(count)]


def _nice_axis(values: list[float], ticks: int = 5) -> tuple[float, float, list[float]]:
    """Round steps (1, 2, 2.5 or 5 × 10ⁿ) that cover the values with a little room."""
    low, high = min(values), max(values)
    span = high - low or max(abs(high), 1.0) * 0.2
    raw = span * 1.2 / (ticks - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor((low - span * 0.1) / step) * step
    stop = math.ceil((high + span * 0.1) / step) * step
    steps = [start + step * i for i in range(round((stop - start) / step) + 1)]
    return start, stop, steps


def goal_chart(goal: Goal, width: float, height: float, *, number_: int | None = None) -> Drawing:
    """Readings of `goal` against its target; a goal without readings gets no chart (callers
    say 'no readings yet' in words instead)."""
    font = fonts()
    points = sorted(goal.observations, key=lambda o: o.on)
    if not points:
        raise ValueError("a progress chart needs at least one reading")
    xs = [p.on.toordinal() for p in points]
    ys = [p.value for p in points]
    x_low, x_high = min(xs), max(xs)
    if x_high - x_low < 30:
        x_low, x_high = x_low - 15, x_high + 15
    y_values = ys + ([goal.target_value] if goal.target_value is not None else [])
    y_low, y_high, y_steps = _nice_axis(y_values)

    drawing = Drawing(width, height)
    title = goal.measure or "Readings"
    if number_ is not None:
        title = f"Goal {number_} · {title}"
    if goal.target_unit:
        title += f" ({goal.target_unit})"
    drawing.add(String(0, height - 10, title, fontName=font.bold, fontSize=8.5, fillColor=INK))

    plot = LinePlot()
    plot.x, plot.y = 34, 22
    plot.width, plot.height = width - 44, height - 44
    series = [list(zip(xs, ys, strict=True))]
    if goal.target_value is not None:
        series.append([(x_low, goal.target_value), (x_high, goal.target_value)])
    plot.data = series
    plot.lines[0].strokeColor = ACCENT
    plot.lines[0].strokeWidth = 1.4
    plot.lines[0].symbol = makeMarker("FilledCircle", size=4, fillColor=ACCENT, strokeColor=ACCENT)
    if goal.target_value is not None:
        plot.lines[1].strokeColor = TARGET
        plot.lines[1].strokeWidth = 1.1
        plot.lines[1].strokeDashArray = (4, 3)
    for axis in (plot.xValueAxis, plot.yValueAxis):
        axis.labels.fontName = font.regular
        axis.labels.fontSize = 7
        axis.labels.fillColor = MUTED
        axis.strokeColor = RULE
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = x_low, x_high
    distinct = sorted(set(xs))
    plot.xValueAxis.valueSteps = distinct if len(distinct) <= 4 else _ticks(x_low, x_high, 4)
    plot.xValueAxis.labelTextFormat = _label
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = y_low, y_high
    plot.yValueAxis.valueSteps = y_steps
    plot.yValueAxis.labelTextFormat = lambda v: number(round(v, 2))
    plot.yValueAxis.visibleGrid = True
    plot.yValueAxis.gridStrokeColor = colors.HexColor("#e4e7eb")
    drawing.add(plot)
    return drawing
