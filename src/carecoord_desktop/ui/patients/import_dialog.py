"""Import a patient list from a CSV file (choose file, map columns, check, import), and the
"Export list to CSV…" action of the Patients screen.

The checks and the import run on a worker behind a progress dialog; the dialog itself holds
only plain data the services return.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.interop.csv.decoding import ENCODING_NAMES, MixedEncodingError
from carecoord_desktop.services.patients import export as patient_export
from carecoord_desktop.services.patients import imports as patient_import
from carecoord_desktop.services.patients.imports import (
    DATE_FORMATS,
    FIELDS,
    CsvPreview,
    ImportPlan,
    ImportResult,
)
from carecoord_desktop.ui.shell.state import AppState
from carecoord_desktop.ui.shell.workers import Job, start_with_progress
from carecoord_desktop.ui.widgets.messages import error_label, show_error
from carecoord_desktop.ui.widgets.table_model import Column, RowsTableModel

NOT_IN_FILE = "(not in file)"
FILE, MAPPING, PREVIEW, DONE = range(4)
_CSV_FILTER = "CSV files (*.csv *.txt);;All files (*)"


def _title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("pageTitle")
    return label


def _note(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("pageSubtitle")
    label.setWordWrap(True)
    return label


def _table(model) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view


def _fit(view: QTableView, cap: int = 200) -> None:
    view.resizeColumnsToContents()
    header = view.horizontalHeader()
    for col in range(header.count() - 1):
        header.resizeSection(col, min(header.sectionSize(col) + 12, cap))


def _dob(value) -> str:
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else ""


class PatientImportDialog(QDialog):
    """Choose a CSV file → map its columns → check every row → import → done.

    Tests drive it without file dialogs: `load_file(path)`, then `next_step()`.
    """

    patients_imported = Signal(object)  # ImportResult
    step_done = Signal(bool)  # a worker step (read, check, import) ended; True if it succeeded

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.preview: CsvPreview | None = None
        self.plan: ImportPlan | None = None
        self.result_value: ImportResult | None = None
        self.setWindowTitle("Import patients from a CSV file")
        self.resize(1000, 700)
        layout = QVBoxLayout(self)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._file_page())
        self.pages.addWidget(self._mapping_page())
        self.pages.addWidget(self._preview_page())
        self.pages.addWidget(self._done_page())
        layout.addWidget(self.pages, 1)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.back_button = QPushButton("Back")
        self.back_button.clicked.connect(self.back_step)
        self.next_button = QPushButton("Next")
        self.next_button.setObjectName("primary")
        self.next_button.setMinimumWidth(190)  # its text changes per page ("Import 10,000 …")
        self.next_button.clicked.connect(self.next_step)
        self.close_button = QPushButton("Cancel")
        self.close_button.clicked.connect(self.reject)
        buttons.addStretch(1)
        for button in (self.back_button, self.next_button, self.close_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self._show(FILE)

    # -- pages -----------------------------------------------------------------------------------
    def _file_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(_title("Import patients from a CSV file"))
        box.addWidget(
            _note(
                "Export the patient list from the other system as CSV (comma, semicolon or tab "
                "separated, with a first row of column names). Next you choose which column "
                "holds what, then every row is checked before anything is saved."
            )
        )
        row = QHBoxLayout()
        self.choose_button = QPushButton("Choose CSV file…")
        self.choose_button.setObjectName("primary")
        self.choose_button.clicked.connect(self._choose_file)
        row.addWidget(self.choose_button)
        row.addStretch(1)
        box.addLayout(row)
        self.file_label = _note("No file chosen.")
        box.addWidget(self.file_label)
        box.addWidget(self._encoding_box())
        box.addStretch(1)
        return page

    def _encoding_box(self) -> QGroupBox:
        """Shown only for a file that mixes encodings: the user, not the app, decides."""
        self.encoding_box = QGroupBox("How should this file be read?")
        self.encoding_box.setObjectName("encodingChoice")
        box = QVBoxLayout(self.encoding_box)
        self.encoding_detail = _note()
        box.addWidget(self.encoding_detail)
        self.encoding_buttons: dict[str, QPushButton] = {}
        for key, text in (
            ("utf-8", "Read as UTF-8 and reject the lines it cannot read"),
            ("cp1252", "Read it all as Windows-1252"),
        ):
            button = QPushButton(text)
            button.setObjectName(f"encoding_{key}")
            button.clicked.connect(lambda _c=False, k=key: self._reload(k))
            row = QHBoxLayout()
            row.addWidget(button)
            row.addStretch(1)
            box.addLayout(row)
            self.encoding_buttons[key] = button
        self.encoding_box.hide()
        return self.encoding_box

    def _mapping_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(_title("Which column holds what?"))
        self.file_summary = _note()
        box.addWidget(self.file_summary)
        self.file_notes = _note()
        self.file_notes.setObjectName("fileNotes")
        self.file_notes.setStyleSheet("font-weight: 600;")
        box.addWidget(self.file_notes)
        form_host = QWidget()
        self.mapping_form = QFormLayout(form_host)
        self.mapping_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.mapping_form.setHorizontalSpacing(14)
        self.combos: dict[str, QComboBox] = {}
        self.samples: dict[str, QLabel] = {}
        for f in FIELDS:
            combo = QComboBox()
            combo.setObjectName(f"map_{f.name}")
            combo.setMinimumWidth(220)
            combo.currentIndexChanged.connect(lambda _i, name=f.name: self._sample(name))
            sample = _note()
            sample.setMinimumWidth(260)
            cell = QHBoxLayout()
            cell.setSpacing(12)
            cell.addWidget(combo)
            cell.addWidget(sample, 1)
            label = QLabel(f"<b>{f.label} *</b>" if f.required else f.label)
            self.mapping_form.addRow(label, cell)
            self.combos[f.name] = combo
            self.samples[f.name] = sample
        self.date_format = QComboBox()
        self.date_format.setObjectName("dateFormat")
        for key, label in DATE_FORMATS.items():
            self.date_format.addItem(label, key)
        date_row = QHBoxLayout()
        date_row.addWidget(self.date_format)
        date_row.addStretch(1)
        self.mapping_form.addRow("Dates of birth are written", date_row)
        box.addWidget(form_host)
        box.addStretch(1)
        box.addWidget(_note("* needed for every patient. Example values are from the first row."))
        return page

    def _preview_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(_title("Check before importing"))
        self.counts = QLabel()
        self.counts.setObjectName("importCounts")
        self.counts.setStyleSheet("font-size: 12pt; font-weight: 600;")
        box.addWidget(self.counts)
        self.notes = _note()
        box.addWidget(self.notes)
        ready = QGroupBox("Ready to import (the first rows, as they will be saved)")
        ready_box = QVBoxLayout(ready)
        self.ready_model = RowsTableModel(
            [
                Column("Line", lambda r: r[0], align_right=True),
                Column("Family name", lambda r: r[1]["family_name"]),
                Column("Given name", lambda r: r[1]["given_name"]),
                Column("Date of birth", lambda r: _dob(r[1]["date_of_birth"])),
                Column("Sex", lambda r: str(r[1]["sex"]).capitalize()),
                Column("Medicare", lambda r: r[1]["medicare_number"]),
                Column("Phone", lambda r: r[1]["phone"]),
                Column("Practice ID", lambda r: r[1]["practice_id"] or "(next free)"),
            ]
        )
        self.ready_view = _table(self.ready_model)
        ready_box.addWidget(self.ready_view)
        box.addWidget(ready, 2)
        rejected = QGroupBox("Rejected rows (not imported)")
        rejected_box = QVBoxLayout(rejected)
        self.rejected_model = RowsTableModel(
            [
                Column("Line", lambda r: r.line, align_right=True),
                Column("Row", lambda r: ", ".join(v for v in r.values if v.strip())[:80]),
                Column("Why", lambda r: "; ".join(r.reasons)),
            ]
        )
        self.rejected_view = _table(self.rejected_model)
        rejected_box.addWidget(self.rejected_view)
        save_row = QHBoxLayout()
        self.save_rejected_button = QPushButton("Save rejected rows as CSV…")
        self.save_rejected_button.clicked.connect(self._save_rejected)
        save_row.addWidget(self.save_rejected_button)
        save_row.addStretch(1)
        rejected_box.addLayout(save_row)
        box.addWidget(rejected, 3)
        self.all_or_nothing = QCheckBox(
            "Import only if every row is valid (otherwise import the valid rows and report "
            "the rest)"
        )
        self.all_or_nothing.setChecked(True)
        self.all_or_nothing.toggled.connect(self._update_import_button)
        box.addWidget(self.all_or_nothing)
        self.import_hint = _note()
        box.addWidget(self.import_hint)
        return page

    def _done_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(_title("Import finished"))
        self.done_text = QLabel()
        self.done_text.setWordWrap(True)
        self.done_text.setStyleSheet("font-size: 12pt;")
        box.addWidget(self.done_text)
        self.done_save_button = QPushButton("Save rejected rows as CSV…")
        self.done_save_button.clicked.connect(self._save_rejected)
        row = QHBoxLayout()
        row.addWidget(self.done_save_button)
        row.addStretch(1)
        box.addLayout(row)
        box.addStretch(1)
        return page

    # -- steps -----------------------------------------------------------------------------------
    def load_file(self, path: str | Path, encoding: str = "auto") -> Job:
        """Read the file on a worker (up to 100 MB), then show the mapping page; step_done(False)
        with a message if it is unusable (a file that mixes encodings shows the choice of how to
        read it)."""
        self.error.hide()
        self.encoding_box.hide()
        self._path = Path(path)
        return self._run(
            "Reading the file…",
            patient_import.read_csv,
            path,
            encoding=encoding,
            on_done=self._file_read,
            on_failed=self._file_refused,
        )

    def _file_refused(self, exc: Exception) -> None:
        self.file_label.setText(f"Chosen: {self._path.name}")
        if isinstance(exc, MixedEncodingError):
            self.encoding_detail.setText(str(exc))
            self.encoding_box.show()
            self.preview = None
        else:
            show_error(self.error, exc)
        self._show(FILE)

    def _run(self, label, fn, *args, on_done, on_failed=None, **kwargs) -> Job:
        """One step on a worker behind a modal wait; step_done(ok) says when it is over."""

        def done(result) -> None:
            on_done(result)
            self.step_done.emit(True)

        def failed(exc: Exception) -> None:
            (on_failed or (lambda e: show_error(self.error, e)))(exc)
            self.step_done.emit(False)

        return start_with_progress(self, label, fn, *args, on_done=done, on_failed=failed, **kwargs)

    def _file_read(self, preview) -> None:
        self.preview = preview
        self.plan = None
        self.file_label.setText(f"Chosen: {preview.path}")
        self.file_notes.setText(" ".join(preview.notes))
        self.file_notes.setVisible(bool(preview.notes))
        self.file_summary.setText(
            f"{preview.path.name}: {preview.total_rows:,} rows, {preview.delimiter_name}-"
            f"separated, {ENCODING_NAMES.get(preview.encoding, preview.encoding)} text, "
            f"{len(preview.headers)} columns. Choose the file's column for each field; leave "
            f"“{NOT_IN_FILE}” for the ones it does not have."
        )
        guessed = patient_import.guess_mapping(preview.headers)
        for name, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(NOT_IN_FILE, None)
            for header in preview.headers:
                combo.addItem(header, header)
            combo.setCurrentIndex(max(0, combo.findData(guessed[name])) if guessed[name] else 0)
            combo.blockSignals(False)
            self._sample(name)
        self._show(MAPPING)

    def mapping(self) -> dict[str, str | None]:
        return {name: combo.currentData() for name, combo in self.combos.items()}

    def set_mapping(self, field: str, header: str | None) -> None:
        combo = self.combos[field]
        combo.setCurrentIndex(max(0, combo.findData(header)) if header else 0)

    def next_step(self) -> None:
        self.error.hide()
        page = self.pages.currentIndex()
        if page == FILE:
            if self.preview is None:
                self._choose_file()
            else:
                self._show(MAPPING)
        elif page == MAPPING:
            self._check()
        elif page == PREVIEW:
            self._import()
        else:
            self.accept()

    def back_step(self) -> None:
        self.error.hide()
        page = self.pages.currentIndex()
        if page in (MAPPING, PREVIEW):
            self._show(page - 1)

    def _check(self) -> None:
        assert self.preview is not None
        self._run(
            "Checking every row…",
            patient_import.validate,
            self.state.ws,
            self.state.actor,
            self.preview.path,
            self.mapping(),
            date_format=self.date_format.currentData(),
            encoding=self.preview.encoding_choice,
            with_progress=True,
            on_done=self._checked,
        )

    def _checked(self, plan) -> None:
        self.plan = plan
        ready = plan.accepted_count
        self.counts.setText(
            f"{ready:,} row{'' if ready == 1 else 's'} ready to import, "
            f"{plan.rejected_count:,} rejected."
        )
        self.notes.setText(" ".join(plan.notes))
        self.ready_model.set_rows(list(zip(plan.accepted_lines, plan.preview(), strict=False)))
        self.rejected_model.set_rows(plan.rejected)
        _fit(self.ready_view)
        _fit(self.rejected_view, cap=260)
        self.save_rejected_button.setEnabled(bool(plan.rejected))
        self._show(PREVIEW)
        if not ready:
            show_error(
                self.error,
                "No row can be imported. Check the column mapping (Back) and the reasons "
                "given for the rejected rows.",
            )

    def _import(self) -> None:
        assert self.plan is not None
        self._run(
            f"Importing {self.plan.accepted_count:,} patients…",
            patient_import.import_rows,
            self.state.ws,
            self.state.actor,
            self.plan,
            all_or_nothing=self.all_or_nothing.isChecked(),
            with_progress=True,
            on_done=self._imported,
        )

    def _imported(self, changed) -> None:
        result = self.state.publish(changed)
        self.result_value = result
        text = (
            f"Imported {result.imported:,} patient{'' if result.imported == 1 else 's'} "
            f"({result.first_practice_id} to {result.last_practice_id}). "
            "They are on the Patients screen now."
        )
        if result.rejected:
            text += (
                f"\n\n{result.rejected:,} row{'' if result.rejected == 1 else 's'} "
                "were not imported: save them as CSV, fix them and import that file."
            )
        self.done_text.setText(text)
        self.done_save_button.setVisible(bool(result.rejected))
        self._show(DONE)
        self.patients_imported.emit(result)

    def save_rejected_to(self, path: str | Path) -> bool:
        assert self.plan is not None
        try:
            patient_import.report_csv(self.plan, path)
        except CareCoordError as exc:
            show_error(self.error, exc)
            return False
        return True

    # -- helpers ---------------------------------------------------------------------------------
    def _reload(self, encoding: str) -> None:
        self.load_file(self._path, encoding)

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose the CSV file to import", str(Path.home()), _CSV_FILTER
        )
        if path:
            self.load_file(path)

    def _save_rejected(self) -> None:
        if self.plan is None:
            return
        default = self.plan.path.with_name(f"{self.plan.path.stem} - rejected rows.csv")
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the rejected rows", str(default), "CSV files (*.csv)"
        )
        if path and self.save_rejected_to(path):
            QMessageBox.information(
                self,
                "Rejected rows saved",
                f"Saved {self.plan.rejected_count:,} rows with a 'reasons' column to {path}.",
            )

    def _sample(self, name: str) -> None:
        header = self.combos[name].currentData()
        label = self.samples[name]
        if not header or self.preview is None or not self.preview.rows:
            label.setText("")
            return
        value = self.preview.rows[0][self.preview.headers.index(header)].strip()
        label.setText(f"e.g. {value[:40]}" if value else "(empty in the first row)")

    def _update_import_button(self) -> None:
        if self.pages.currentIndex() != PREVIEW or self.plan is None:
            return
        plan = self.plan
        blocked = self.all_or_nothing.isChecked() and plan.rejected_count > 0
        self.next_button.setEnabled(plan.accepted_count > 0 and not blocked)
        self.next_button.setText(f"Import {plan.accepted_count:,} patients")
        if blocked:
            self.import_hint.setText(
                f"Nothing will be imported while {plan.rejected_count:,} rows are rejected. "
                f"Fix them and check again, or untick the box to import the "
                f"{plan.accepted_count:,} valid rows now."
            )
        else:
            self.import_hint.setText("")

    def _show(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        self.back_button.setVisible(page in (MAPPING, PREVIEW))
        self.next_button.setEnabled(True)
        self.next_button.setVisible(page != FILE or self.preview is not None)
        self.next_button.setText(
            {FILE: "Next", MAPPING: "Check rows", PREVIEW: "Import", DONE: "Close"}[page]
        )
        self.close_button.setVisible(page != DONE)
        self._update_import_button()


def export_patient_list(
    state: AppState,
    parent: QWidget | None,
    flt,
    *,
    sort: str = "name",
    descending: bool = False,
    path: str | Path | None = None,
) -> Job | None:
    """Ask where to save (unless `path` is given), export on a worker and say how it went.

    Returns the export's job (finished(count) or failed(error)), or None if cancelled.
    """
    if path is None:
        default = Path.home() / f"patients-{date.today().isoformat()}.csv"
        chosen, _ = QFileDialog.getSaveFileName(
            parent, "Export the list to CSV", str(default), "CSV files (*.csv)"
        )
        if not chosen:
            return None
        path = chosen

    def done(count: int) -> None:
        QMessageBox.information(
            parent,
            "List exported",
            f"Exported {count:,} patient{'' if count == 1 else 's'} to {path}. The file holds "
            "patient data: keep it on practice computers only.",
        )

    return start_with_progress(
        parent,
        "Exporting the list…",
        patient_export.export_list,
        state.ws,
        state.actor,
        flt,
        sort=sort,
        descending=descending,
        path=path,
        with_progress=True,
        on_done=done,
        on_failed=lambda exc: QMessageBox.warning(parent, "Export not done", str(exc)),
    )
