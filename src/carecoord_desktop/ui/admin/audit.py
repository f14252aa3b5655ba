"""The Audit log tab: who did what, to which patient, in words; and a check that it is intact."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
)

from carecoord_desktop.errors import CareCoordError, ValidationError
from carecoord_desktop.services import audit_anchors, audit_text, audit_view
from carecoord_desktop.services.patients import rules as patient_rules
from carecoord_desktop.services.permissions import Permission
from carecoord_desktop.ui.admin.common import DATE, DATE_TIME, AdminTab, button, table
from carecoord_desktop.ui.widgets.messages import error_label, show_error
from carecoord_desktop.ui.widgets.table_model import Column, RowsTableModel

WHEN = DATE_TIME + ":%S"  # seconds matter when events are compared
PERIODS = [("Last 7 days", 7), ("Last 30 days", 30), ("Last 12 months", 365), ("All time", None)]
CHOSEN = "Chosen dates"
COLUMNS = ["No.", "When", "Who", "What", "Patient", "Details"]


def typed_date(text: str) -> date | None:
    """A date typed as d/m/yyyy, dd/mm/yyyy or yyyy-mm-dd, exactly (the forms' one rule);
    None if it is not one."""
    try:
        return patient_rules.typed_date(text, "date", "date")
    except ValidationError:
        return None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min).astimezone(UTC)  # local midnight


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
        self.who.setPlaceholderText("Who")
        self.who.setToolTip("Part of a staff member's name or user name")
        self.who.setClearButtonEnabled(True)
        self.who.setMinimumWidth(150)
        # Dates are typed as text and read by one rule (d/m/yyyy or yyyy-mm-dd), never
        # nudged by a date spin box; a preset fills them in, so the range used is always shown.
        self.period = QComboBox()
        for label, days in PERIODS:
            self.period.addItem(label, days)
        self.period.addItem(CHOSEN, None)
        self.since = QLineEdit()
        self.until = QLineEdit()
        for field in (self.since, self.until):
            field.setPlaceholderText("dd/mm/yyyy")
            field.setMaximumWidth(120)
            field.textEdited.connect(self._dates_typed)
            field.returnPressed.connect(self.refresh)
        self.period.currentIndexChanged.connect(self._period_chosen)
        self.period.setCurrentIndex(1)  # the last 30 days
        self._period_chosen()
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
            self.period,
            QLabel("from"),
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

    def _period_chosen(self, *_args) -> None:
        days = self.period.currentData()
        if self.period.currentText() == CHOSEN:
            return
        today = date.today()
        self.since.setText("" if days is None else (today - timedelta(days=days)).strftime(DATE))
        self.until.setText("" if days is None else today.strftime(DATE))

    def _dates_typed(self, *_args) -> None:
        self.period.blockSignals(True)
        self.period.setCurrentIndex(self.period.findText(CHOSEN))
        self.period.blockSignals(False)

    def query(self) -> audit_view.AuditQuery | None:
        """The filters, or None after saying at the field which date cannot be read."""
        bounds = []
        for field, name in ((self.since, "From"), (self.until, "To")):
            typed = field.text().strip()
            day = typed_date(typed) if typed else None
            if typed and day is None:
                show_error(
                    self.error,
                    f"The {name} date “{typed}” is not a date: type it as dd/mm/yyyy, "
                    f"for example {date.today():%d/%m/%Y}.",
                )
                field.setFocus()
                field.selectAll()
                return None
            bounds.append(day)
        since, until = bounds
        if since and until and since > until:
            show_error(self.error, "The From date is after the To date: change one of them.")
            self.since.setFocus()
            return None
        return audit_view.AuditQuery(
            action=self.action.currentData(),
            who=self.who.text().strip() or None,
            since=_start_of(since) if since else None,
            until=_start_of(until + timedelta(days=1)) if until else None,
        )

    def load(self) -> None:
        self.error.hide()
        query = self.query()
        if query is None:
            return
        self.page = audit_view.list_page(self.state.ws, self.state.actor, query)
        self.model.set_rows(self.page.lines)
        self.count.setText(audit_view.summary(self.page))

    def clear(self) -> None:
        self.page = None
        self.model.set_rows([])
        self.count.clear()

    def verify(self) -> None:
        try:
            # The chain, the checkpoint and backups that anchor it, and its append-only triggers.
            report = audit_anchors.verify_all(self.state.ws)
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        if report.ok:
            show_intact(self, report)
        else:
            QMessageBox.critical(
                self,
                "Audit log changed",
                "\n".join(f"{p[0].upper()}{p[1:]}." for p in report.problems)
                + "\n\nTell the practice manager, and keep the backups made before that event.",
            )


def show_intact(parent, report: audit_anchors.Verdict) -> None:
    """The good answer in words, the chain head below in small print for the practice record."""
    found, compared, details = report.words()
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle("Audit log intact")
    box.setTextFormat(Qt.TextFormat.RichText)  # the informative text too: the small print
    box.setText(escape(found, quote=False))
    box.setInformativeText(
        f"<p>{escape(compared, quote=False)}</p><p style='font-size: small; color: #4a5568;'>"
        f"<b>Details for the practice record</b><br>{escape(details, quote=False)}</p>"
    )
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.exec()
