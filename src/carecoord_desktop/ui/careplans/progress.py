"""Progress against each goal: its observations over time with the target as a line (pyqtgraph),
the latest value and trend in words, and "Add observation…" for a new measured value.

A goal is charted from what is stored: a goal added since the last save has no observations
yet, and says so. Values are read on the thread pool; the chart redraws when a change notice
says observations changed.
"""

from __future__ import annotations

import time
from datetime import date, datetime

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.careplan import OBSERVATION_KINDS, ObservationKind
from carecoord_desktop.services.careplans import observations
from carecoord_desktop.services.careplans.types import GoalProgress
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.ui.careplans.binding import read_number
from carecoord_desktop.ui.careplans.dialogs import _FormDialog
from carecoord_desktop.ui.careplans.document import PlanDocument, item_title
from carecoord_desktop.ui.careplans.fields import MEASURES
from carecoord_desktop.ui.shell.workers import start_job
from carecoord_desktop.ui.widgets.form_kit import Field

pg.setConfigOptions(antialias=True, background="w", foreground="#1f2d3a")

_LINE = "#1f5f99"
_TARGET = "#2e7d32"
_DUE = "#8a6d00"


def _stamp(day: date) -> float:
    return time.mktime(datetime(day.year, day.month, day.day, 12).timetuple())


class GoalChart(pg.PlotWidget):
    """One goal's values (dots joined by a line), its target (dashed) and due date (dotted)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent=parent, axisItems={"bottom": pg.DateAxisItem()})
        self.setObjectName("goalChart")
        self.setMinimumHeight(280)
        self.showGrid(x=True, y=True, alpha=0.2)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.getPlotItem().setMenuEnabled(False)
        font = QFont()
        font.setPointSize(9)
        for axis in ("left", "bottom"):
            self.getAxis(axis).setTickFont(font)
        self.legend = self.addLegend(offset=(10, 10))
        self.points = 0

    def show_progress(self, progress: GoalProgress) -> None:
        self.clear()
        self.legend.clear()
        xs = [_stamp(p.observed_on) for p in progress.points]
        ys = [p.value for p in progress.points]
        self.points = len(xs)
        unit = progress.target_unit or (progress.points[0].unit if progress.points else "")
        self.setLabel("left", progress.measure or "Value", units=None)
        self.getAxis("left").setLabel(f"{progress.measure or 'Value'} ({unit})" if unit else None)
        if xs:
            self.plot(
                xs,
                ys,
                pen=pg.mkPen(_LINE, width=2),
                symbol="o",
                symbolSize=9,
                symbolBrush=_LINE,
                symbolPen="w",
                name="Measured",
            )
        spread = list(ys)
        if progress.target_value is not None:
            sign = "≤" if progress.target_direction == "below" else "≥"
            pen = pg.mkPen(_TARGET, width=2, style=Qt.PenStyle.DashLine)
            line = pg.InfiniteLine(
                pos=progress.target_value,
                angle=0,
                pen=pen,
                label=f"Target {sign} {progress.target_value:g} {unit}".strip(),
                labelOpts={
                    "position": 0.12,
                    "anchors": [(0, 1), (0, 1)],
                    "color": _TARGET,
                    "fill": (255, 255, 255, 200),
                },
            )
            self.addItem(line)
            self.legend.addItem(pg.PlotDataItem(pen=pen), "Target")
            spread.append(progress.target_value)
        if progress.due_on is not None:
            due = pg.InfiniteLine(
                pos=_stamp(progress.due_on),
                angle=90,
                pen=pg.mkPen(_DUE, width=1, style=Qt.PenStyle.DotLine),
                label=f"Due {progress.due_on:%d/%m/%Y}",
                labelOpts={"position": 0.92, "color": _DUE, "fill": (255, 255, 255, 200)},
            )
            self.addItem(due)
            xs = [*xs, _stamp(progress.due_on)]
        if not progress.points:  # nothing measured yet: from today to the due date
            xs = [*xs, _stamp(date.today())]
        if spread:
            low, high = min(spread), max(spread)
            pad = (high - low) * 0.15 or max(abs(high) * 0.1, 1)
            self.setYRange(low - pad, high + pad, padding=0)
        if xs:
            left, right = min(xs), max(xs)
            span = (right - left) * 0.06 or 86_400 * 15
            self.setXRange(left - span, right + span, padding=0)


class ObservationDialog(_FormDialog):
    submitted = Signal(object)  # {kind, value, unit, observed_on, label, note}

    def __init__(self, goal, parent=None) -> None:
        specs = [
            Field("kind", "Measured", kind="combo", choices=MEASURES),
            Field("label", "What (for another measure)", hint="For example: minutes walked"),
            Field("value", "Value", required=True),
            Field("unit", "Unit"),
            Field("observed_on", "Measured on", kind="date", required=True),
            Field("note", "Note", kind="long"),
        ]
        super().__init__(
            "Add observation",
            f"A measured value for the goal “{item_title('goals', goal)}”.",
            specs,
            "Add",
            parent,
        )
        kind = goal.measure_kind or ObservationKind.CUSTOM.value
        unit = goal.target_unit or OBSERVATION_KINDS[ObservationKind(kind)][1]
        label = goal.measure if kind == ObservationKind.CUSTOM.value else ""
        self.form.set_values(
            {"kind": kind, "unit": unit, "observed_on": date.today(), "label": label}
        )
        self.first_field = "value"

    def showEvent(self, event) -> None:  # Qt override: the value is what is typed first
        super().showEvent(event)
        self.form.focus("value")

    def emit_values(self, values: dict) -> None:
        try:
            value = read_number(values["value"], "the value")
        except ValidationError as exc:
            self.form.show_problem("value", str(exc))
            return
        if value is None:
            self.form.show_problem("value", "Type the measured value.")
            return
        if values["observed_on"] is None:
            self.form.show_problem("observed_on", "Type the date it was measured.")
            return
        self.submitted.emit(values | {"value": value})


class ProgressPage(QWidget):
    progress_shown = Signal(str)  # goal uid

    def __init__(self, state, doc: PlanDocument, editor) -> None:
        super().__init__()
        self.setObjectName("page_progress")
        self.state, self.doc, self.editor = state, doc, editor
        self.key = "progress"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("Progress charts")
        heading.setObjectName("pageTitle")
        layout.addWidget(heading)
        about = QLabel("Each goal's measured values against its target over time.")
        about.setObjectName("pageSubtitle")
        layout.addWidget(about)
        row = QHBoxLayout()
        self.goals = QListWidget()
        self.goals.setObjectName("progressGoals")
        self.goals.setFixedWidth(260)
        self.goals.setWordWrap(True)
        self.goals.setAccessibleName("Goals")
        self.goals.currentRowChanged.connect(self._goal_chosen)
        row.addWidget(self.goals)
        right = QVBoxLayout()
        self.summary = QLabel()
        self.summary.setObjectName("progressSummary")
        self.summary.setWordWrap(True)
        right.addWidget(self.summary)
        self.chart = GoalChart()
        right.addWidget(self.chart, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Add &observation…")
        self.add_button.clicked.connect(self.add_observation)
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        right.addLayout(buttons)
        row.addLayout(right, 1)
        layout.addLayout(row, 1)
        self.current: GoalProgress | None = None
        self._generation = 0
        doc.draft_replaced.connect(self.refresh_goals)
        doc.list_changed.connect(lambda name: name == "goals" and self.refresh_goals())

    def refresh_goals(self) -> None:
        uid = self.current_uid()
        self.goals.blockSignals(True)
        self.goals.clear()
        for row, goal in enumerate(self.doc.draft.goals):
            item = QListWidgetItem(f"{row + 1}. {item_title('goals', goal) or '(new goal)'}")
            item.setData(Qt.ItemDataRole.UserRole, goal.uid)
            self.goals.addItem(item)
        self.goals.blockSignals(False)
        uids = [g.uid for g in self.doc.draft.goals]
        self.goals.setCurrentRow(uids.index(uid) if uid in uids else (0 if uids else -1))
        if not uids:
            self._say("The plan has no goals yet: add them on the Goals page.")
        self._update_button()

    def current_uid(self) -> str | None:
        item = self.goals.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def select_uid(self, uid: str | None) -> None:
        for row in range(self.goals.count()):
            if self.goals.item(row).data(Qt.ItemDataRole.UserRole) == uid:
                self.goals.setCurrentRow(row)

    def focus_field(self, _name=None) -> None:
        self.goals.setFocus()

    def _update_button(self) -> None:
        may = can(self.state.actor, Permission.EDIT_CARE_PLANS)
        self.add_button.setVisible(may)
        self.add_button.setEnabled(self.current is not None)

    def _goal_chosen(self, _row: int) -> None:
        self.refresh()

    def refresh(self) -> None:
        uid = self.current_uid()
        self.current = None
        self._update_button()
        if uid is None or self.editor.record is None:
            return
        stored = {g.uid for g in self.editor.record.draft.goals}
        if uid not in stored:
            self.chart.clear()
            self._say("This goal is not saved yet: save the plan, then add its observations.")
            return
        self._generation += 1
        generation = self._generation
        start_job(
            self,
            observations.goal_progress,
            self.state.ws,
            self.state.actor,
            self.editor.plan_id,
            uid,
            on_done=lambda p: generation == self._generation and self._shown(p),
            on_failed=lambda exc: self._say(str(exc)),
        )

    def _say(self, text: str) -> None:
        self.summary.setText(text)

    def _shown(self, progress: GoalProgress) -> None:
        self.current = progress
        self.chart.show_progress(progress)
        self.summary.setText(progress_words(progress))
        self._update_button()
        self.progress_shown.emit(progress.goal_uid)

    def add_observation(self) -> None:
        goal = self.doc.item("goals", self.current_uid() or "")
        if goal is None or self.current is None:
            return
        dialog = ObservationDialog(goal, self)
        self.observation_dialog = dialog

        def submitted(values: dict) -> None:
            try:
                result = observations.add_observation(
                    self.state.ws,
                    self.state.actor,
                    self.doc.draft.patient_id,
                    goal_uid=goal.uid,
                    **values,
                )
            except ValidationError as exc:
                dialog.show_problem(exc)
                return
            dialog.accept()
            self.state.publish(result)  # the notice redraws the chart (editor → refresh)

        dialog.submitted.connect(submitted)
        dialog.open()


def progress_words(p: GoalProgress) -> str:
    unit = p.target_unit
    target = ""
    if p.target_value is not None:
        sign = "at or below" if p.target_direction == "below" else "at or above"
        target = f" Target: {sign} {p.target_value:g} {unit}".rstrip() + "."
    if not p.points:
        return f"<b>{_e(p.patient_words)}</b><br>No observations yet.{target}"
    last = p.points[-1]
    met = {
        True: " — <b style='color:#2e7d32'>on target</b>",
        False: " — <b style='color:#8e1b12'>not yet on target</b>",
    }.get(p.met, "")
    trend = f", {p.trend}" if p.trend else ""
    return (
        f"<b>{_e(p.patient_words)}</b><br>Latest {last.value:g} {last.unit} on "
        f"{last.observed_on:%d/%m/%Y}{met}{trend}. {len(p.points)} "
        f"observation{'s' if len(p.points) != 1 else ''}.{target}"
    )


def _e(text: str) -> str:
    import html

    return html.escape(text or "")


__all__ = ["GoalChart", "ProgressPage", "QColor"]
