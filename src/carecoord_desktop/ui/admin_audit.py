"""The Audit log tab: who did what, to which patient, in words; and a check that it is intact."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
)

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.services import audit, audit_text, audit_view
from carecoord_desktop.services.permissions import Permission
from carecoord_desktop.ui.admin_common import DATE_TIME, QT_DATE, AdminTab, button, table
from carecoord_desktop.ui.dialogs import error_label, show_error
from carecoord_desktop.ui.table_model import Column, RowsTableModel

WHEN = DATE_TIME + ":%S"  # seconds matter when events are compared
COLUMNS = ["No.", "When", "Who", "What", "Patient", "Details"]


class AuditTab(AdminTab):
    permissions = (Permission.VIEW_AUDIT,)

    def __init__(self, state, parent=None) -> None:
        super().__init__(state, parent)
        self.page: audit_view.AuditPage | None = None
        self.model = RowsTableModel(
            [
                Column(COLUMNS[0], lambda r: f"{r.id:,}", align_right=True),
                Column(COLUMNS[1], lambda r: audit_text.local_time(r.at, WHEN)),
                Column(COLUMNS[2], lambda r: r.who),
                Column(COLUMNS[3], lambda r: r.action),
                Column(COLUMNS[4], lambda r: r.patient),
                Column(COLUMNS[5], lambda r: r.details),
            ]
        )
        filters = QHBoxLayout()
        self.action = QComboBox()
        self.action.addItem("All actions", None)
        for code, words in audit_text.ACTION_WORDS.items():
            self.action.addItem(words, str(code))
        self.who = QLineEdit()
        self.who.setPlaceholderText("Staff member's name")
        self.who.setClearButtonEnabled(True)
        self.who.setMinimumWidth(150)
        self.since = QDateEdit(QDate.currentDate().addDays(-30))
        self.until = QDateEdit(QDate.currentDate())
        for d in (self.since, self.until):
            d.setCalendarPopup(True)
            d.setDisplayFormat(QT_DATE)
        self.apply_button = button("Show")
        self.apply_button.clicked.connect(self.refresh)
        self.who.returnPressed.connect(self.refresh)
        self.verify_button = button("Verify the log")
        self.verify_button.setToolTip(
            "Check that no event was changed or removed since it was written."
        )
        self.verify_button.clicked.connect(self.verify)
        for w in (
            QLabel("Action"),
            self.action,
            self.who,
            QLabel("From"),
            self.since,
            QLabel("to"),
            self.until,
            self.apply_button,
        ):
            filters.addWidget(w)
        filters.addStretch(1)
        self.count = QLabel()
        self.count.setObjectName("pageSubtitle")
        self.count.setWordWrap(True)
        count_row = QHBoxLayout()
        count_row.addWidget(self.count, 1)
        count_row.addWidget(self.verify_button)
        self.error = error_label()
        self.view = table(self.model, wrap_column=COLUMNS.index("Details"))
        layout = QVBoxLayout(self.body)
        layout.addLayout(filters)
        layout.addLayout(count_row)
        layout.addWidget(self.error)
        layout.addWidget(self.view)

    def query(self) -> audit_view.AuditQuery:
        since = datetime.combine(self.since.date().toPython(), time.min).astimezone(UTC)
        until = datetime.combine(self.until.date().toPython(), time.min).astimezone(UTC)
        return audit_view.AuditQuery(
            action=self.action.currentData(),
            who=self.who.text().strip() or None,
            since=since,
            until=until + timedelta(days=1),
        )

    def load(self) -> None:
        self.error.hide()
        if self.since.date() > self.until.date():
            show_error(self.error, "The From date is after the To date: change one of them.")
            return
        self.page = audit_view.list_page(self.state.ws, self.state.actor, self.query())
        self.model.set_rows(self.page.lines)
        self.count.setText(audit_view.summary(self.page))

    def clear(self) -> None:
        self.page = None
        self.model.set_rows([])
        self.count.clear()

    def verify(self) -> None:
        try:
            report = audit.verify_chain(self.state.ws)
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        events = f"{report.rows:,} event{'' if report.rows == 1 else 's'}"
        if report.ok:
            QMessageBox.information(
                self,
                "Audit log intact",
                f"All {events} in the log are as they were written: none was changed or removed.",
            )
        else:
            QMessageBox.critical(
                self,
                "Audit log changed",
                f"Event No. {report.first_bad_id:,}: {report.problem}.\n\n"
                "Tell the practice manager, and keep the backups made before that event.",
            )
