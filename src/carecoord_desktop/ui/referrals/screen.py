"""The "Referrals & resources" screen: the community resources directory (search, category,
add, edit, retire, CSV import with its report) and the practice's open referrals, the ones
waiting too long first; a double-click opens the patient's record."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.models.referral import CATEGORY_LABELS
from carecoord_desktop.services.changes import Kind
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.services.referrals import directory, importing
from carecoord_desktop.services.referrals import referrals as refs
from carecoord_desktop.services.referrals.types import ImportReport
from carecoord_desktop.ui.referrals.dialogs import ResourceDialog
from carecoord_desktop.ui.referrals.tables import referral_columns, resource_columns
from carecoord_desktop.ui.shell.workers import start_job
from carecoord_desktop.ui.widgets.fitted_table import FittedTableView
from carecoord_desktop.ui.widgets.messages import error_label, show_error
from carecoord_desktop.ui.widgets.table_model import RowsTableModel


def _table(model, name: str) -> FittedTableView:
    view = FittedTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(FittedTableView.SelectionBehavior.SelectRows)
    view.setSelectionMode(FittedTableView.SelectionMode.SingleSelection)
    return view


def report_text(report: ImportReport) -> str:
    lines = [f"{report.rows} rows read: {report.summary()}", *report.notes]
    if report.refused:
        lines += ["", "Rows refused (nothing of these was added):"]
        lines += [f"Line {r.line}: {r.name or '(no name)'} — {r.reason}" for r in report.refused]
    return "\n".join(lines)


class ImportReportDialog(QDialog):
    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resourceImportReport")
        self.setWindowTitle("Directory import")
        self.resize(640, 360)
        self.text = QPlainTextEdit(report_text(report))
        self.text.setReadOnly(True)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(box)


class ReferralsScreen(QWidget):
    def __init__(self, state, open_record) -> None:
        super().__init__()
        self.setObjectName("referralsScreen")
        self.state, self.open_record = state, open_record
        self.search = QLineEdit()
        self.search.setObjectName("resourceSearch")
        self.search.setPlaceholderText("Search services: a name, a suburb, 'over 65', 'dementia'…")
        self.search.setClearButtonEnabled(True)
        self.category = QComboBox()
        self.category.setObjectName("resourceCategory")
        self.category.setAccessibleName("Category")
        self.category.addItem("All categories", None)
        for cat, label in CATEGORY_LABELS.items():
            self.category.addItem(label, cat.value)
        self.add_button = QPushButton("Add service…")
        self.edit_button = QPushButton("Edit…")
        self.retire_button = QPushButton("Retire")
        self.import_button = QPushButton("Import CSV…")
        self.resources = RowsTableModel(resource_columns(), self)
        self.resource_table = _table(self.resources, "resourcesTable")
        self.open_model = RowsTableModel(referral_columns(with_patient=True), self)
        self.open_table = _table(self.open_model, "openReferralsTable")
        self.open_label = QLabel()
        self.open_label.setObjectName("openReferralsLabel")
        self.error = error_label()

        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.category)
        for b in (self.add_button, self.edit_button, self.retire_button, self.import_button):
            bar.addWidget(b)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(QLabel("<h3>Community resources directory</h3>"))
        top_layout.addLayout(bar)
        top_layout.addWidget(self.error)
        top_layout.addWidget(self.resource_table, 1)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.open_label)
        bottom_layout.addWidget(self.open_table, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        layout = QVBoxLayout(self)
        layout.addWidget(split)

        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(200)  # search once typing pauses
        self._typing.timeout.connect(self.refresh_directory)
        self.search.textChanged.connect(lambda _t: self._typing.start())
        self.category.currentIndexChanged.connect(lambda _i: self.refresh_directory())
        self.add_button.clicked.connect(lambda: self.edit_resource(None))
        self.edit_button.clicked.connect(lambda: self.edit_resource(self.current_resource()))
        self.retire_button.clicked.connect(self.retire)
        self.import_button.clicked.connect(self.choose_import)
        self.resource_table.doubleClicked.connect(
            lambda _i: self.edit_resource(self.current_resource())
        )
        self.open_table.doubleClicked.connect(self._open_patient)
        self.resource_table.selectionModel().selectionChanged.connect(lambda *_: self._buttons())
        state.changes_published.connect(self._changed)
        state.actor_changed.connect(self._actor_changed)  # a bound slot: gone with the screen
        self.refresh()

    # -- data
    def refresh(self) -> None:
        self.refresh_directory()
        self.refresh_open()

    def _actor_changed(self, _actor) -> None:
        self.refresh()

    def reset_for_new_user(self) -> None:  # shell hook: nothing of the last user's search stays
        self._typing.stop()
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.category.blockSignals(True)
        self.category.setCurrentIndex(0)
        self.category.blockSignals(False)
        self.resource_table.clearSelection()
        self.error.hide()

    def screen_shown(self) -> None:  # shell hook: days waiting move on with the calendar
        self.refresh()

    def _changed(self, changes) -> None:
        if Kind.RESOURCES in changes.kinds:
            self.refresh_directory()
        if Kind.REFERRALS in changes.kinds:
            self.refresh_open()

    def refresh_directory(self) -> None:
        rows = directory.search_resources(
            self.state.ws, self.state.actor, self.search.text(), self.category.currentData()
        )
        self.resources.set_rows(rows)
        self._buttons()

    def refresh_open(self) -> None:
        rows = refs.open_referrals(self.state.ws, self.state.actor)
        self.open_model.set_rows(rows)
        overdue = sum(r.overdue for r in rows)
        self.open_label.setText(
            f"<h3>Open referrals: {len(rows)}"
            + (f" — {overdue} waiting too long (listed first)" if overdue else "")
            + "</h3>"
        )

    def current_resource(self):
        chosen = self.resource_table.selectionModel().selectedRows()
        return self.resources.row_at(chosen[0].row()) if chosen else None

    def _buttons(self) -> None:
        may = can(self.state.actor, Permission.MANAGE_RESOURCES)
        row = self.current_resource()
        for b in (self.add_button, self.import_button):
            b.setEnabled(may)
        self.edit_button.setEnabled(may and row is not None)
        self.retire_button.setEnabled(may and row is not None)
        self.retire_button.setText("Bring back" if row is not None and not row.active else "Retire")

    # -- actions
    def edit_resource(self, row) -> ResourceDialog | None:
        if not can(self.state.actor, Permission.MANAGE_RESOURCES):
            return None
        dialog = ResourceDialog(self.state, row, self)
        dialog.open()
        return dialog

    def retire(self) -> None:
        row = self.current_resource()
        if row is None:
            return
        try:
            self.state.publish(
                directory.set_active(
                    self.state.ws, self.state.actor, row.id, not row.active, version=row.version
                )
            )
        except CareCoordError as exc:
            show_error(self.error, exc)
            self.refresh_directory()

    def choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import services from a CSV file", str(Path.home()), "CSV files (*.csv *.txt)"
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path):
        """Import on a worker thread (a council's list can be long); the report when done."""
        ws, actor = self.state.ws, self.state.actor
        self.import_button.setEnabled(False)
        self.error.hide()
        return start_job(
            self,
            importing.import_resources,
            ws,
            actor,
            path,
            on_done=self._imported,
            on_failed=self._import_failed,
        )

    def _imported(self, result) -> ImportReportDialog:
        self.import_button.setEnabled(True)
        report = self.state.publish(result)
        self.last_report = ImportReportDialog(report, self)
        self.last_report.open()
        return self.last_report

    def _import_failed(self, exc: Exception) -> None:
        self.import_button.setEnabled(True)
        show_error(self.error, exc)

    def _open_patient(self, index) -> None:
        row = self.open_model.row_at(index.row())
        self.open_record(row.patient_id)


def make_screen(ctx) -> QWidget:
    return ReferralsScreen(ctx.state, ctx.open_record)
