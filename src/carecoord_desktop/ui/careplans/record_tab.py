"""The record window's "Care plan" tab: the patient's plans with status, version and next review,
and Start a plan (from the templates for their conditions), Open, Review, Print.

Declared once (`CARE_PLAN_SECTION`) and listed in FEATURE_SECTIONS (ui/shell/screens.py). The
list is read on the thread pool each time the record window shows the record or a change notice
touches the patient's plans.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.models.careplan import OPEN_STATUSES, PlanStatus
from carecoord_desktop.services.careplans import plans
from carecoord_desktop.services.changes import Kind
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.ui.careplans.print_flow import print_stored
from carecoord_desktop.ui.careplans.start_dialog import StartPlanDialog
from carecoord_desktop.ui.careplans.windows import open_editor
from carecoord_desktop.ui.shell.record_tabs import SectionContext, SectionSpec
from carecoord_desktop.ui.shell.workers import start_job
from carecoord_desktop.ui.widgets.fitted_table import FittedTableView
from carecoord_desktop.ui.widgets.messages import error_label, show_error
from carecoord_desktop.ui.widgets.table_model import Column, RowsTableModel


def _d(value) -> str:
    return f"{value:%d/%m/%Y}" if value else "—"


def _review(row) -> str:
    if row.next_review_on is None:
        return "—"
    return _d(row.next_review_on) + (" (overdue)" if row.review_overdue else "")


class CarePlanTab(QWidget):
    def __init__(self, ctx: SectionContext) -> None:
        super().__init__()
        self.setObjectName("carePlanTab")
        self.state, self.window_ = ctx.state, ctx.window
        self.patient_id: int | None = None
        self.patient_name = ""
        self._generation = 0
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setObjectName("carePlanSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.model = RowsTableModel(
            [
                Column("Plan", lambda r: r.title),
                Column("Status", lambda r: PlanStatus(r.status).label),
                Column("Version", lambda r: r.revision, align_right=True),
                Column("Next review", _review),
                Column("Goals", lambda r: r.goals, align_right=True),
                Column("Author", lambda r: r.author_name),
                Column("Updated", lambda r: f"{r.updated_at.astimezone():%d/%m/%Y}"),
            ],
            self,
        )
        self.table = FittedTableView()
        self.table.setObjectName("carePlanTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(FittedTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(FittedTableView.SelectionMode.SingleSelection)
        self.table.doubleClicked.connect(lambda _i: self.open_plan())
        enter = QShortcut(QKeySequence(Qt.Key.Key_Return), self.table)
        enter.setContext(Qt.ShortcutContext.WidgetShortcut)
        enter.activated.connect(self.open_plan)
        layout.addWidget(self.table, 1)
        self.error = error_label()
        layout.addWidget(self.error)
        row = QHBoxLayout()
        self.start_button = QPushButton("&Start a care plan…")
        self.start_button.setObjectName("primary")
        self.start_button.clicked.connect(self.start_plan)
        self.open_button = QPushButton("&Open plan")
        # clicked(bool) would hand open_plan its `checked` False as the plan id
        self.open_button.clicked.connect(lambda: self.open_plan())
        self.review_button = QPushButton("Re&view plan")
        self.review_button.setToolTip("Open the plan and start its review")
        self.review_button.clicked.connect(self.review_plan)
        self.print_button = QToolButton()
        self.print_button.setText("&Print")
        self.print_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.print_button)
        self.print_plan_action = menu.addAction("Care plan…", lambda: self.print_("plan"))
        self.print_handout_action = menu.addAction(
            "Patient handout…", lambda: self.print_("handout")
        )
        self.print_button.setMenu(menu)
        for widget in (self.start_button, self.open_button, self.review_button):
            row.addWidget(widget)
        row.addWidget(self.print_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()

    # -- showing -----------------------------------------------------------------------------
    def show_record(self, rec) -> None:
        self.patient_id, self.patient_name = rec.id, rec.display_name
        self.locked = rec.archived or rec.merged_into_id is not None
        self._generation += 1
        generation = self._generation
        start_job(
            self,
            plans.list_plans,
            self.state.ws,
            self.state.actor,
            rec.id,
            on_done=lambda rows: generation == self._generation and self._listed(rows),
            on_failed=lambda exc: show_error(self.error, exc),
        )

    def _listed(self, rows) -> None:
        current = self.current()
        self.model.set_rows(rows)
        self.error.hide()
        open_plans = [r for r in rows if r.status in {s.value for s in OPEN_STATUSES}]
        if not rows:
            self.summary.setText("No care plan yet.")
        elif open_plans:
            plan = open_plans[0]
            overdue = (
                " — <b style='color:#8e1b12'>review overdue</b>" if plan.review_overdue else ""
            )
            self.summary.setText(
                f"Current plan: <b>{html.escape(plan.title)}</b> "
                f"({PlanStatus(plan.status).label.lower()}, version {plan.revision}); "
                f"next review {_d(plan.next_review_on)}{overdue}."
            )
        else:
            self.summary.setText("No open care plan: the plans below are completed or cancelled.")
        keep = next((i for i, r in enumerate(rows) if current and r.id == current.id), 0)
        if rows:
            self.table.selectRow(keep)
        self._update_buttons()

    def current(self):
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _update_buttons(self) -> None:
        actor = self.state.actor
        may_edit = can(actor, Permission.EDIT_CARE_PLANS)
        row = self.current()
        rows = self.model.rows
        has_open = any(r.status in {s.value for s in OPEN_STATUSES} for r in rows)
        self.start_button.setVisible(may_edit)
        self.start_button.setEnabled(not getattr(self, "locked", False) and not has_open)
        self.start_button.setToolTip(
            "The patient has an open plan: review it, or complete or cancel it first."
            if has_open
            else "Start a plan from the templates for the patient's conditions"
        )
        self.review_button.setVisible(may_edit)
        self.review_button.setEnabled(row is not None and row.status == PlanStatus.ACTIVE.value)
        self.open_button.setEnabled(row is not None)
        self.open_button.setText("&Open plan" if may_edit else "&Read plan")
        self.print_button.setEnabled(row is not None)
        self.print_plan_action.setVisible(can(actor, Permission.EXPORT_DATA))
        self.print_handout_action.setEnabled(can(actor, Permission.PRINT_HANDOUTS))

    # -- actions -----------------------------------------------------------------------------
    def start_plan(self) -> None:
        dialog = StartPlanDialog(self.state, self.patient_id, self.patient_name, self)
        dialog.plan_started.connect(lambda rec: self.open_plan(rec.draft.plan_id))
        self.start_dialog = dialog
        dialog.open()

    def open_plan(self, plan_id: int | None = None):
        if plan_id is None:
            row = self.current()
            if row is None:
                return None
            plan_id = row.id
        return open_editor(self.state, plan_id, self.window_)

    def review_plan(self) -> None:
        editor = self.open_plan()
        if editor is None:
            return
        if editor.record is not None:
            editor.start_review()
        else:
            editor.plan_opened.connect(lambda _rec: editor.start_review())

    def print_(self, kind: str) -> None:
        row = self.current()
        if row is not None:
            print_stored(self, self.state, row.id, kind)


CARE_PLAN_SECTION = SectionSpec(
    key="care_plan",
    title="Care plan",
    permission=Permission.VIEW_PATIENTS,
    factory=CarePlanTab,
    kinds=frozenset({Kind.CARE_PLANS, Kind.CONDITIONS}),
    position=35,
)
