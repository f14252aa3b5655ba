"""Duplicates and merging: the possible-duplicate panel of the patient form, and the dialog that
merges another record of the same person into the open one."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients import register as registry
from carecoord_desktop.services.patients.register import PatientFilter
from carecoord_desktop.services.patients.types import PatientRecord
from carecoord_desktop.ui.patients.list_model import _medicare as medicare_text
from carecoord_desktop.ui.widgets.fitted_table import FittedTableView
from carecoord_desktop.ui.widgets.messages import error_label, show_error
from carecoord_desktop.ui.widgets.table_model import Column, RowsTableModel

MAX_RESULTS = 50


def _table(model) -> FittedTableView:
    view = FittedTableView()
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    return view


class DuplicatePanel(QFrame):
    """The possible duplicates of a save: "Go back" (the default, so Enter never saves a
    duplicate), "Open the existing record", and "Save anyway", which stays disabled until the
    user ticks that they checked it is a different person."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("duplicatePanel")
        self.setStyleSheet(
            "QFrame#duplicatePanel { background: #fff4d6; border: 1px solid #e0c066; "
            "border-radius: 4px; }"
        )
        layout = QVBoxLayout(self)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("font-weight: 600; color: #6b4e00; border: none;")
        layout.addWidget(self.message)
        self.model = RowsTableModel(
            [
                Column("Practice ID", lambda c: c.practice_id),
                Column("Name", lambda c: c.name),
                Column("Born", lambda c: f"{c.date_of_birth:%d/%m/%Y}"),
                Column("Why it may be the same person", lambda c: c.reason),
            ],
            self,
        )
        self.table = _table(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.doubleClicked.connect(lambda _index: self.open_existing.click())
        layout.addWidget(self.table)
        self.different = QCheckBox(
            "I have checked: this is a different person (for example on the same Medicare "
            "card, or with the same name and birthday)"
        )
        self.different.setStyleSheet("border: none;")
        layout.addWidget(self.different)
        row = QHBoxLayout()
        self.go_back = QPushButton("Go back")
        self.go_back.setToolTip("Close this warning and check what you typed; nothing is saved")
        self.open_existing = QPushButton("Open the existing record")
        self.open_existing.setToolTip("Open the chosen record; what you typed here stays")
        self.save_anyway = QPushButton("Save anyway")
        self.save_anyway.setToolTip("Tick the box above first: it is a different person")
        self.save_anyway.setAutoDefault(False)
        self.save_anyway.setEnabled(False)
        self.different.toggled.connect(self.save_anyway.setEnabled)
        row.addStretch(1)
        row.addWidget(self.save_anyway)
        row.addWidget(self.open_existing)
        row.addWidget(self.go_back)
        layout.addLayout(row)

    def buttons(self) -> tuple[QPushButton, ...]:
        return (self.go_back, self.open_existing, self.save_anyway)

    def chosen(self):
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def show_candidates(self, error: patients.PossibleDuplicateError) -> None:
        self.model.set_rows(error.candidates)
        self.different.setChecked(False)
        self.table.selectRow(0)
        rows_height = sum(self.table.rowHeight(r) for r in range(len(error.candidates)))
        header = self.table.horizontalHeader().sizeHint().height()
        self.table.setFixedHeight(min(header + rows_height + 4, 160))
        n = len(error.candidates)
        self.message.setText(
            f"Possible duplicate: {n} patient{'s' if n != 1 else ''} on the register may be this "
            "person. Nothing is saved yet and nothing you typed is lost. If it is the same "
            "person, open the existing record; if you are sure it is someone else, tick the box "
            "and save anyway."
        )
        self.show()


class MergeDialog(QDialog):
    """Choose another record of the same person; everything of it moves into `keep`.

    `merged(PatientRecord kept, int merged_away_id)` after the merge.
    """

    merged = Signal(object, int)

    def __init__(self, state, keep: PatientRecord, parent=None) -> None:
        super().__init__(parent)
        self.state, self.keep = state, keep
        self.other = None
        self.setWindowTitle(f"Merge into {keep.display_name}")
        self.setMinimumSize(820, 560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Use this when one person has two records. The record you are in "
            f"(<b>{keep.practice_id} {keep.display_name}</b>) is kept. Everything on the other "
            "record — conditions, allergies, medicines, contacts, care team and hospital events "
            "— moves into it, its names and identifiers are kept as previous ones, and the "
            "other record is archived. This cannot be undone from here."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        find = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Practice ID, name, date of birth or Medicare number")
        self.search.returnPressed.connect(self.find)
        find_button = QPushButton("Find")
        find_button.clicked.connect(self.find)
        find.addWidget(self.search, 1)
        find.addWidget(find_button)
        layout.addLayout(find)
        self.model = RowsTableModel(
            [
                Column("Practice ID", lambda r: r.practice_id),
                Column("Name", lambda r: r.display_name),
                Column("Born", lambda r: f"{r.date_of_birth:%d/%m/%Y}"),
                Column("Medicare", lambda r: medicare_text(r.medicare_number)),
                Column("Conditions", lambda r: r.conditions_summary),
            ],
            self,
        )
        self.results = _table(self.model)
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.selectionModel().selectionChanged.connect(self._chosen)
        layout.addWidget(self.results, 1)
        self.compare = QLabel("Find and choose the other record to compare them side by side.")
        self.compare.setTextFormat(Qt.TextFormat.RichText)
        self.compare.setWordWrap(True)
        layout.addWidget(self.compare)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        self.merge_button = QPushButton("Merge into the kept record…")
        self.merge_button.setObjectName("primary")
        self.merge_button.setEnabled(False)
        self.merge_button.clicked.connect(self.merge)
        buttons.addWidget(cancel)
        buttons.addWidget(self.merge_button)
        layout.addLayout(buttons)

    def find(self) -> None:
        text = self.search.text().strip()
        if not text:
            show_error(self.error, "Type a practice ID, name or date of birth to find the record.")
            return
        ws, actor = self.state.ws, self.state.actor
        try:
            ids = registry.query_ids(ws, actor, PatientFilter(text=text))
            ids = [i for i in ids if i != self.keep.id][:MAX_RESULTS]
            rows = registry.fetch_rows(ws, actor, ids)
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        self.model.set_rows([rows[i] for i in ids if i in rows])
        if not ids:
            show_error(self.error, f"No other record matches “{text}”.")
        else:
            self.error.hide()
            self.results.selectRow(0)

    def _chosen(self, *_args) -> None:
        picked = self.results.selectionModel().selectedRows()
        self.other = self.model.row_at(picked[0].row()) if picked else None
        self.merge_button.setEnabled(self.other is not None)
        if self.other is None:
            return
        k, o = self.keep, self.other
        active = sum(1 for m in k.medications if m.status == "active")
        rows = [
            ("Practice ID", k.practice_id, o.practice_id),
            ("Name", k.display_name, o.display_name),
            ("Born", f"{k.date_of_birth:%d/%m/%Y}", f"{o.date_of_birth:%d/%m/%Y}"),
            (
                "Medicare",
                medicare_text(k.medicare_number) or "—",
                medicare_text(o.medicare_number) or "—",
            ),
            ("Conditions", str(len(k.conditions)), o.conditions_summary or "none"),
            ("Active medicines", str(active), str(o.medication_count)),
        ]
        cells = "".join(
            f"<tr><td><b>{label}</b></td><td>{a}</td><td>{b}</td></tr>" for label, a, b in rows
        )
        self.compare.setText(
            "<table cellspacing='0' cellpadding='3'><tr><th></th><th align='left'>Kept (this "
            "record)</th><th align='left'>Merged in, then archived</th></tr>" + cells + "</table>"
        )

    def merge(self) -> None:
        if self.other is None:
            return
        o = self.other
        answer = QMessageBox.question(
            self,
            "Merge records",
            f"Move everything of {o.practice_id} {o.display_name} into {self.keep.practice_id} "
            f"{self.keep.display_name} and archive {o.practice_id}?",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            rec = self.state.publish(
                patients.merge_patients(self.state.ws, self.state.actor, self.keep.id, o.id)
            )
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        self.merged.emit(rec, o.id)
        self.accept()
