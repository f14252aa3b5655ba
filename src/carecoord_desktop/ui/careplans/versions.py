"""Every saved version of a plan, and a readable diff between any two of them.

The list shows each version's number, when and by whom, what kind of save it was and why; two
choosers pick the versions to compare (the newest against the one before, at first). The diff
is the service's own words, one change a line, marked added / removed / changed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.services.careplans import plans
from carecoord_desktop.ui.shell.workers import start_job
from carecoord_desktop.ui.widgets.fitted_table import FittedTableView
from carecoord_desktop.ui.widgets.messages import error_label, show_error
from carecoord_desktop.ui.widgets.table_model import Column, RowsTableModel

_KIND_WORDS = {
    "created": "Started",
    "saved": "Saved",
    "review_started": "Review started",
    "reviewed": "Reviewed",
    "status": "Status changed",
    "intensity": "Intensity changed",
    "agreement": "Agreement recorded",
}


def line_mark(line: str) -> tuple[str, str]:
    """The sign and colour a diff line is shown with: + added, − removed or cleared, ~ changed."""
    if line.endswith(" added") or line.startswith("Plan started"):
        return "+", "#1d5a2c"
    if line.endswith(" removed") or line.endswith(" cleared"):
        return "−", "#8e1b12"
    return "~", "#12355b"


class VersionsDialog(QDialog):
    def __init__(self, state, plan_id: int, parent=None) -> None:
        super().__init__(parent)
        self.state, self.plan_id = state, plan_id
        self.setObjectName("versionsDialog")
        self.setWindowTitle("Versions and changes")
        self.resize(980, 640)
        layout = QVBoxLayout(self)
        self.model = RowsTableModel(
            [
                Column("Version", lambda r: r.number, align_right=True),
                Column("Saved", lambda r: f"{r.saved_at.astimezone():%d/%m/%Y %H:%M}"),
                Column("By", lambda r: r.saved_by),
                Column("What", lambda r: _KIND_WORDS.get(r.kind, r.kind)),
                Column("Why", lambda r: r.reason),
            ],
            self,
        )
        self.table = FittedTableView()
        self.table.setObjectName("versionsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(FittedTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(FittedTableView.SelectionMode.SingleSelection)
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)

        pick = QHBoxLayout()
        self.older = QComboBox()
        self.older.setObjectName("olderVersion")
        self.newer = QComboBox()
        self.newer.setObjectName("newerVersion")
        for combo in (self.older, self.newer):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        compare_label = QLabel("&Compare version")
        compare_label.setBuddy(self.older)
        pick.addWidget(compare_label)
        pick.addWidget(self.older)
        with_label = QLabel("&with version")
        with_label.setBuddy(self.newer)
        pick.addWidget(with_label)
        pick.addWidget(self.newer)
        pick.addStretch(1)
        self.older.activated.connect(lambda _i: self.compare())
        self.newer.activated.connect(lambda _i: self.compare())
        self.heading = QLabel()
        self.heading.setObjectName("diffHeading")
        self.diff = QListWidget()
        self.diff.setObjectName("diffList")
        self.diff.setWordWrap(True)
        self.diff.setAccessibleName("Changes between the two versions")
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(pick)
        lower_layout.addWidget(self.heading)
        lower_layout.addWidget(self.diff, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setSizes([260, 360])
        layout.addWidget(splitter, 1)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.rows = []
        self.diff_lines: list[str] = []
        start_job(
            self,
            plans.versions,
            state.ws,
            state.actor,
            plan_id,
            on_done=self._listed,
            on_failed=lambda exc: show_error(self.error, exc),
        )

    def _listed(self, rows) -> None:
        self.rows = sorted(rows, key=lambda r: r.number, reverse=True)
        self.model.set_rows(self.rows)
        for combo in (self.older, self.newer):
            combo.clear()
            for row in sorted(self.rows, key=lambda r: r.number):
                combo.addItem(
                    f"{row.number} ({_KIND_WORDS.get(row.kind, row.kind).lower()}, "
                    f"{row.saved_at.astimezone():%d/%m/%Y %H:%M})",
                    row.number,
                )
        if len(self.rows) >= 2:
            self.choose(self.rows[1].number, self.rows[0].number)
        elif self.rows:
            self.choose(self.rows[0].number, self.rows[0].number)

    def _row_chosen(self, current, _previous) -> None:
        """Choosing a version in the list compares it with the one before it."""
        if not current.isValid():
            return
        number = self.model.row_at(current.row()).number
        self.choose(max(1, number - 1), number)

    def choose(self, older: int, newer: int) -> None:
        self.older.setCurrentIndex(self.older.findData(older))
        self.newer.setCurrentIndex(self.newer.findData(newer))
        self.compare()

    def compare(self) -> None:
        a, b = self.older.currentData(), self.newer.currentData()
        if a is None or b is None:
            return
        if a == b:
            self._show_diff(a, b, [])
            return
        start_job(
            self,
            plans.diff,
            self.state.ws,
            self.state.actor,
            self.plan_id,
            min(a, b),
            max(a, b),
            on_done=lambda lines, a=a, b=b: self._show_diff(min(a, b), max(a, b), lines),
            on_failed=lambda exc: show_error(self.error, exc),
        )

    def _show_diff(self, a: int, b: int, lines: list[str]) -> None:
        self.diff_lines = list(lines)
        self.diff.clear()
        if a == b:
            self.heading.setText(f"Version {a} — choose two different versions to compare.")
            return
        self.heading.setText(
            f"<b>From version {a} to version {b}: {len(lines)} "
            f"change{'s' if len(lines) != 1 else ''}</b>"
        )
        for line in lines or ["No differences a person would see."]:
            sign, colour = line_mark(line)
            item = QListWidgetItem(f"{sign}  {line}")
            item.setForeground(QBrush(QColor(colour)))
            self.diff.addItem(item)
