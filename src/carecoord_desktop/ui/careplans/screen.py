"""The Care plans screen: the practice's plans, soonest review first, filtered by status, review
due or overdue, and coordinator, with a search by patient or plan. Enter opens the plan's
editor; "Open record" opens the patient's record through the shell's one opener.

The list is read on the thread pool (one audited query) whenever a filter changes or a change
notice touches plans or patients.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.models.careplan import PlanStatus
from carecoord_desktop.services.careplans.practice_list import PlanFilter, practice_plans
from carecoord_desktop.services.changes import Changes, Kind
from carecoord_desktop.services.patients import register
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.ui.careplans.windows import open_editor
from carecoord_desktop.ui.shell.workers import start_job
from carecoord_desktop.ui.widgets.messages import error_label, show_error
from carecoord_desktop.ui.widgets.table_model import Column, RowsTableModel

_TITLE = 2  # the "Plan" column: the one that gives way to a narrow window


class _PlansModel(RowsTableModel):
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            row = self.rows[index.row()]
            if row.overdue and index.column() == 4:
                return QBrush(QColor("#8e1b12"))
        return super().data(index, role)


def _review(row) -> str:
    if row.next_review_on is None:
        return "not scheduled"
    return f"{row.next_review_on:%d/%m/%Y}" + (" — overdue" if row.overdue else "")


class CarePlansScreen(QWidget):
    def __init__(self, ctx) -> None:
        super().__init__()
        self.setObjectName("carePlansScreen")
        self.ctx, self.state = ctx, ctx.state
        self._generation = 0
        self._coordinators_loaded = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Care plans")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        subtitle = QLabel(
            "The practice's care plans, the soonest review first. Enter opens the plan; "
            "Ctrl+E opens the patient's record."
        )
        subtitle.setObjectName("pageSubtitle")
        subtitle.setWordWrap(True)
        layout.addWidget(subtitle)

        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("planSearch")
        self.search.setPlaceholderText("Find by patient name, practice ID or plan title")
        self.search.setClearButtonEnabled(True)
        self.which = QComboBox()
        self.which.setObjectName("planFilter")
        for f in PlanFilter:
            self.which.addItem(f.label, f.value)
        self.coordinator = QComboBox()
        self.coordinator.setObjectName("coordinatorFilter")
        self.coordinator.addItem("Any coordinator", None)
        show = QLabel("&Show")
        show.setBuddy(self.which)
        by = QLabel("Coordinator")
        by.setBuddy(self.coordinator)
        bar.addWidget(self.search, 2)
        bar.addWidget(show)
        bar.addWidget(self.which)
        bar.addWidget(by)
        bar.addWidget(self.coordinator)
        layout.addLayout(bar)

        self.model = _PlansModel(
            [
                Column("Patient", lambda r: r.patient_name),
                Column("Practice ID", lambda r: r.practice_id),
                Column("Plan", lambda r: r.title),
                Column("Status", lambda r: PlanStatus(r.status).label),
                Column("Next review", _review),
                Column("Coordinator", lambda r: r.coordinator or "—"),
                Column("Version", lambda r: r.revision, align_right=True),
                Column("Updated", lambda r: f"{r.updated_at.astimezone():%d/%m/%Y}"),
            ],
            self,
        )
        self.table = QTableView()
        self.table.setObjectName("carePlansTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)
        self.table.doubleClicked.connect(lambda _i: self.open_plan())
        self.table.viewport().installEventFilter(self)
        enter = QShortcut(QKeySequence(Qt.Key.Key_Return), self.table)
        enter.setContext(Qt.ShortcutContext.WidgetShortcut)
        enter.activated.connect(self.open_plan)
        record = QShortcut(QKeySequence("Ctrl+E"), self)
        record.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        record.activated.connect(self.open_record)
        layout.addWidget(self.table, 1)
        self.count = QLabel()
        self.count.setObjectName("planCount")
        layout.addWidget(self.count)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.open_button = QPushButton("&Open plan")
        self.open_button.setObjectName("primary")
        self.open_button.clicked.connect(self.open_plan)
        self.record_button = QPushButton("Open patient &record")
        self.record_button.clicked.connect(self.open_record)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.record_button)
        buttons.addStretch(1)
        self.templates_button = QPushButton("&Templates…")
        self.templates_button.setToolTip("The practice's care plan templates: copy, edit, retire")
        self.templates_button.clicked.connect(self.edit_templates)
        self.templates_button.setVisible(can(self.state.actor, Permission.EDIT_CARE_PLANS))
        buttons.addWidget(self.templates_button)
        layout.addLayout(buttons)

        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(250)
        self.debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self.debounce.start())
        self.which.activated.connect(lambda _i: self.refresh())
        self.coordinator.activated.connect(lambda _i: self.refresh())
        self.state.changes_published.connect(self._changes_published)
        self.state.actor_changed.connect(self._actor_changed)
        self.state.workspace_replaced.connect(self.refresh)
        self.refresh()

    def _actor_changed(self, actor) -> None:
        self.templates_button.setVisible(can(actor, Permission.EDIT_CARE_PLANS))
        self.refresh()

    def edit_templates(self) -> None:
        from carecoord_desktop.ui.careplans.templates_dialog import TemplatesDialog

        dialog = TemplatesDialog(self.state, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    # -- shell hooks -------------------------------------------------------------------------
    def screen_shown(self) -> None:
        self.refresh()

    def reset_for_new_user(self) -> None:
        self.search.clear()
        self.which.setCurrentIndex(0)
        self.coordinator.setCurrentIndex(0)
        self.model.set_rows([])

    def save_ui_state(self) -> object:
        return {"widths": [self.table.columnWidth(c) for c in range(self.model.columnCount())]}

    def restore_ui_state(self, value) -> None:
        widths = value.get("widths") if isinstance(value, dict) else None
        for column, width in enumerate(widths or []):
            if isinstance(width, int) and width > 20:
                self.table.setColumnWidth(column, width)

    # -- the list ----------------------------------------------------------------------------
    def _changes_published(self, changes: Changes) -> None:
        if changes.touches({Kind.CARE_PLANS, Kind.PATIENT}) or changes.membership:
            self.refresh()

    def refresh(self) -> None:
        self.debounce.stop()
        self._generation += 1
        generation = self._generation
        start_job(
            self,
            _listing,
            self.state.ws,
            self.state.actor,
            PlanFilter(self.which.currentData()),
            self.coordinator.currentData(),
            self.search.text(),
            not self._coordinators_loaded,
            on_done=lambda found: generation == self._generation and self._listed(found),
            on_failed=lambda exc: show_error(self.error, exc),
        )

    def _fit_plan_column(self) -> None:
        """A long plan title gives way (elided; its tooltip holds it all) so Next review and
        the rest stay in view; the room left by a scroll bar that is about to appear counts."""
        others = sum(
            self.table.columnWidth(c) for c in range(self.model.columnCount()) if c != _TITLE
        )
        room = self.table.viewport().width() - others
        bar = self.table.verticalScrollBar()
        rows = self.table.verticalHeader().length()
        if not bar.isVisible() and rows > self.table.viewport().height():
            room -= bar.sizeHint().width()  # the rows overflow: the bar takes this much soon
        wanted = self.table.sizeHintForColumn(_TITLE)
        width = max(160, min(wanted, room))
        if self.table.columnWidth(_TITLE) != width:
            self.table.setColumnWidth(_TITLE, width)

    def eventFilter(self, watched, event) -> bool:  # Qt override
        # The window made narrower (or wider) after the list came, or the scroll bar came:
        # the title fits again.
        resized = event.type() == QEvent.Type.Resize and self.model.rows
        if resized and watched is self.table.viewport():
            self._fit_plan_column()
        return super().eventFilter(watched, event)

    def _listed(self, found) -> None:
        listing, coordinators = found
        if coordinators is not None:
            self._coordinators_loaded = True
            for uid, name in coordinators:
                self.coordinator.addItem(name, uid)
        current = self.current()
        self.model.set_rows(listing.rows)
        self.table.resizeColumnsToContents()
        self._fit_plan_column()
        self.error.hide()
        n = len(listing.rows)
        more = " (the first ones: narrow the search to see the rest)" if listing.more else ""
        self.count.setText(f"{n} plan{'s' if n != 1 else ''}{more}")
        rows = listing.rows
        keep = next((i for i, r in enumerate(rows) if current and r.plan_id == current.plan_id), 0)
        if rows:
            self.table.selectRow(keep)
        self.open_button.setEnabled(bool(rows))
        self.record_button.setEnabled(bool(rows))

    def current(self):
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def open_plan(self):
        row = self.current()
        return open_editor(self.state, row.plan_id, self) if row else None

    def open_record(self):
        row = self.current()
        return self.ctx.open_record(row.patient_id) if row else None


def _listing(ws, actor, which, coordinator_id, search, with_coordinators: bool):
    listing = practice_plans(ws, actor, which=which, coordinator_id=coordinator_id, search=search)
    coordinators = register.coordinator_options(ws, actor) if with_coordinators else None
    return listing, coordinators
