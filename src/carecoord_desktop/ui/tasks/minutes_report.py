"""The month's coordination minutes: every patient with time logged, most first, and who is
near or past the 20 / 40 / 60-minute thresholds; a patient's row opens their record."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.services.tasks import minutes as minutes_service
from carecoord_desktop.ui.shell.workers import start_job
from carecoord_desktop.ui.widgets.fitted_table import FittedTableView
from carecoord_desktop.ui.widgets.messages import error_label, show_error
from carecoord_desktop.ui.widgets.table_model import Column, RowsTableModel

MONTHS_BACK = 12


def _status(row) -> str:
    t = row.threshold
    if t.reached and t.near:
        return f"Past {t.reached} · {t.to_next} min to {t.next}"
    if t.reached:
        return f"Past {t.reached}"
    if t.near:
        return f"Near {t.next} ({t.to_next} min to go)"
    return ""


class _Rows(RowsTableModel):
    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if index.isValid() and role == Qt.ItemDataRole.BackgroundRole:
            t = self.rows[index.row()].threshold
            if t.near:
                return QBrush(QColor("#fff4d6"))
            if t.reached:
                return QBrush(QColor("#e8f4ea"))
        return super().data(index, role)


def _month_options(today: date) -> list[date]:
    first, out = today.replace(day=1), []
    for _ in range(MONTHS_BACK):
        out.append(first)
        first = (first.replace(day=1) - date.resolution).replace(day=1)
    return out


class MinutesReportDialog(QDialog):
    def __init__(self, state, open_record, parent=None) -> None:
        super().__init__(parent)
        self.state, self.open_record = state, open_record
        self.setWindowTitle("Coordination minutes — month report")
        self.resize(820, 560)
        self.rows: list = []
        self.loading = False
        self.month = QComboBox()
        for first in _month_options(date.today()):
            self.month.addItem(f"{first:%B %Y}", first)
        self.month.currentIndexChanged.connect(self.reload)
        self.only_near = QCheckBox("Only patients near or past 20, 40 or 60 minutes")
        self.only_near.setChecked(True)
        self.only_near.toggled.connect(self._show)
        self.summary = QLabel()
        self.summary.setObjectName("pageSubtitle")
        self.error = error_label()
        self.model = _Rows(
            [
                Column("Patient", lambda r: r.patient_name),
                Column("Practice ID", lambda r: r.practice_id),
                Column("Minutes", lambda r: r.minutes, align_right=True),
                Column("Entries", lambda r: r.entries, align_right=True),
                Column("Threshold", _status),
            ],
            self,
        )
        self.table = FittedTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.doubleClicked.connect(self._open)
        self.table.setToolTip("Double-click a patient to open their record")
        top = QHBoxLayout()
        top.addWidget(QLabel("Month"))
        top.addWidget(self.month)
        top.addWidget(self.only_near, 1)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.reload()

    def reload(self) -> None:
        self.loading = True
        month = self.month.currentData()
        start_job(
            self,
            minutes_service.monthly_totals,
            self.state.ws,
            self.state.actor,
            month,
            on_done=self._arrived,
            on_failed=self._failed,
        )

    def _arrived(self, rows) -> None:
        self.loading = False
        self.rows = rows
        self._show()

    def _failed(self, exc: CareCoordError) -> None:
        self.loading = False
        show_error(self.error, exc)

    def _show(self) -> None:
        shown = (
            [r for r in self.rows if r.threshold.reached or r.threshold.near]
            if self.only_near.isChecked()
            else self.rows
        )
        self.model.set_rows(shown)
        counts = {
            t: sum(1 for r in self.rows if (r.threshold.reached or 0) >= t) for t in (20, 40, 60)
        }
        near = sum(1 for r in self.rows if r.threshold.near)
        self.summary.setText(
            f"{len(self.rows)} patients with minutes · past 20: {counts[20]} · past 40: "
            f"{counts[40]} · past 60: {counts[60]} · within 5 minutes of the next: {near}"
        )

    def _open(self, index) -> None:
        row = self.model.row_at(index.row())
        self.open_record(row.patient_id)
