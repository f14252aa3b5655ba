"""The record's lists (problem list, allergies, hospital events, next of kin and carers,
care team): their columns, item forms and services, and the section widget that shows one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, dataclass, fields
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.models.patient import ContactMethod, HospitalEventKind
from carecoord_desktop.services import accounts
from carecoord_desktop.services.patients import (
    lists as patient_lists,
)
from carecoord_desktop.services.patients import (
    record as patients,
)
from carecoord_desktop.services.patients import (
    register as registry,
)
from carecoord_desktop.services.patients.rules import ALLERGY_SEVERITIES, CONDITION_STATUSES
from carecoord_desktop.services.patients.types import (
    AllergyDraft,
    CareTeamDraft,
    ConditionDraft,
    ContactDraft,
    HospitalEventDraft,
    PatientRecord,
)
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.ui.patients.conflict_banner import RowFormDialog
from carecoord_desktop.ui.shell.state import AppState
from carecoord_desktop.ui.widgets.fitted_table import FittedTableView
from carecoord_desktop.ui.widgets.form_kit import Field, ItemFormDialog, enum_choices
from carecoord_desktop.ui.widgets.table_model import Column, RowsTableModel


class RecordTableModel(RowsTableModel):
    """Rows of a list; rows the spec highlights (severe allergies) show bold dark red."""

    def __init__(self, columns, highlight=lambda row: False, parent=None) -> None:
        super().__init__(columns, parent)
        self.highlight = highlight

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if index.isValid() and self.highlight(self.rows[index.row()]):
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#8e1b12"))
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor("#fde8e8"))
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
        return super().data(index, role)


def record_table(model) -> FittedTableView:
    view = FittedTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    return view


# -- what every tab shows: the allergy line; the read-only medicines ------------------------------
_SEVERE = "background-color: #8e1b12; color: white; font-weight: 700;"
ALLERGY_STYLES = {
    # listed (severe ones marked in the text) | recorded none | not recorded
    "listed": "background: #fde8e8; color: #8e1b12; border: 1px solid #e5a3a3; "
    "border-radius: 3px; padding: 5px 10px;",
    "none": "background: #e7f3ea; color: #1d5a2c; border: 1px solid #a9d3b3; "
    "border-radius: 3px; padding: 5px 10px;",
    "unknown": "background: #fff4d6; color: #6b4e00; border: 1px solid #e0c066; "
    "border-radius: 3px; padding: 5px 10px;",
}


def allergy_banner(rec: PatientRecord) -> tuple[str, str]:
    """(rich text, style key) of the allergy line every tab of the record shows."""
    if rec.allergies:
        order = {"severe": 0, "moderate": 1, "mild": 2}
        items = []
        for a in sorted(rec.allergies, key=lambda a: (order.get(a.severity, 3), a.substance)):
            what = escape(a.substance)
            detail = ", ".join(escape(x) for x in (a.severity, a.reaction) if x)
            if a.severity == "severe":
                what = f"<span style='{_SEVERE}'>&nbsp;⚠ {what.upper()}&nbsp;</span>"
            items.append(f"{what} ({detail})" if detail else what)
        return "<b>Allergies:</b> " + "; ".join(items), "listed"
    if rec.allergy_status == "none_known":
        return "<b>No known allergies</b> (recorded)", "none"
    return (
        "<b>Allergies not yet recorded</b> (nobody has recorded them, or “none known”)",
        "unknown",
    )


def medicines_table() -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    note = QLabel(
        "Read only: medicines are reconciled and changed on the medication reconciliation "
        "screen (coming in a later release)."
    )
    note.setObjectName("pageSubtitle")
    note.setWordWrap(True)
    layout.addWidget(note)
    model = RowsTableModel(
        [
            Column("Medicine", lambda m: m.name),
            Column("Dose", lambda m: m.dose),
            Column("Route", lambda m: m.route),
            Column("Frequency", lambda m: m.frequency),
            Column("Status", lambda m: m.status.capitalize()),
            Column("Started", lambda m: _d(m.started) if m.started else ""),
        ],
        page,
    )
    page.model = lambda: model
    page.view = record_table(model)
    layout.addWidget(page.view)
    return page


# -- the record's lists: columns, form fields and services ----------------------------------------
@dataclass(frozen=True)
class ListSpec:
    key: str
    title: str
    noun: str
    rows_attr: str  # PatientRecord attribute
    permission: Permission
    columns: tuple[Column, ...]
    specs: tuple[Field, ...]
    draft: type
    add: Callable
    update: Callable
    remove: Callable
    highlight: Callable[[object], bool] = lambda row: False
    describe: Callable[[object], str] = str


_SYSTEMS = {"http://snomed.info/sct": "SNOMED CT", "http://hl7.org/fhir/sid/icd-10": "ICD-10"}


def _yes(flag: bool) -> str:
    return "Yes" if flag else ""


def _d(value) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def _care_team_staff(state: AppState) -> list[tuple[str, object]]:
    # Only administrators may list every account; others choose among the coordinators.
    if can(state.actor, Permission.MANAGE_USERS):
        staff = [(u.id, u.full_name) for u in accounts.list_users(state.ws, state.actor)]
    else:
        staff = registry.coordinator_options(state.ws, state.actor)
    return [("External provider (type the name)", None)] + [(n, i) for i, n in staff]


def list_specs(state: AppState) -> list[tuple[str, tuple[ListSpec, ...]]]:
    """(tab title, lists on it) in tab order."""
    # No severity is chosen for the user: adding an allergy asks for it (and for the reaction).
    severities = [("Choose…", None)] + [(s.capitalize(), s) for s in ALLERGY_SEVERITIES]
    statuses = [(s.capitalize(), s) for s in CONDITION_STATUSES]
    methods = enum_choices(ContactMethod, {ContactMethod.EMAIL: "E-mail"})
    kinds = enum_choices(
        HospitalEventKind,
        {HospitalEventKind.ADMISSION: "Admission", HospitalEventKind.ED_VISIT: "ED visit"},
    )
    kind_label = dict((k, t) for t, k in kinds)
    pl = patient_lists
    conditions = ListSpec(
        "conditions", "Problem list", "condition", "conditions", Permission.EDIT_CARE_PLANS,
        (Column("Condition", lambda r: r.display),
         Column("Code", lambda r: f"{_SYSTEMS.get(r.code_system, r.code_system or '')} "
                f"{r.code or ''}".strip()),
         Column("Onset", lambda r: _d(r.onset)), Column("Status", lambda r: r.status.capitalize()),
         Column("Chronic", lambda r: _yes(r.chronic))),
        (Field("display", "Condition", required=True), Field("code_system", "Code system",
         hint="For example SNOMED CT"), Field("code", "Code"), Field("onset", "Onset", "date"),
         Field("status", "Status", "combo", choices=statuses),
         Field("chronic", "Chronic", "check")),
        ConditionDraft, pl.add_condition, pl.update_condition, pl.remove_condition,
        describe=lambda r: r.display,
    )  # fmt: skip
    allergies = ListSpec(
        "allergies", "Allergies and adverse reactions", "allergy", "allergies",
        Permission.EDIT_CARE_PLANS,
        (Column("Substance", lambda r: r.substance), Column("Reaction", lambda r: r.reaction),
         Column("Severity", lambda r: (r.severity or "unknown").upper()
                if r.severity == "severe" else (r.severity or "unknown").capitalize())),
        (Field("substance", "Substance", required=True, hint="Medicine, food or other"),
         Field("reaction", "Reaction", required=True,
               hint="What happened, for example rash or anaphylaxis; type “not known” if "
               "nobody knows"),
         Field("severity", "Severity", "combo", required=True, choices=severities,
               hint="Severe reactions are shown in red on every page of the record")),
        AllergyDraft, pl.add_allergy, pl.update_allergy, pl.remove_allergy,
        highlight=lambda r: r.severity == "severe", describe=lambda r: r.substance,
    )  # fmt: skip
    hospital = ListSpec(
        "hospital", "Admissions and ED visits", "hospital event", "hospital_events",
        Permission.EDIT_CARE_PLANS,
        (Column("Type", lambda r: kind_label.get(r.kind, r.kind)),
         Column("From", lambda r: _d(r.start_date)), Column("To", lambda r: _d(r.end_date)),
         Column("Facility", lambda r: r.facility), Column("Reason", lambda r: r.reason)),
        (Field("kind", "Type", "combo", choices=kinds),
         Field("start_date", "Start", "date", required=True),
         Field("end_date", "Discharged", "date"), Field("facility", "Facility"),
         Field("reason", "Reason")),
        HospitalEventDraft, pl.add_hospital_event, pl.update_hospital_event,
        pl.remove_hospital_event,
        describe=lambda r: f"{kind_label.get(r.kind, r.kind)} on {_d(r.start_date)}",
    )  # fmt: skip
    contacts = ListSpec(
        "contacts", "Next of kin and carers", "contact", "contacts", Permission.EDIT_PATIENTS,
        (Column("Name", lambda r: r.name), Column("Relationship", lambda r: r.relationship),
         Column("Phone", lambda r: r.phone), Column("E-mail", lambda r: r.email),
         Column("Next of kin", lambda r: _yes(r.is_next_of_kin)),
         Column("Carer", lambda r: _yes(r.is_carer)), Column("Notes", lambda r: r.notes)),
        (Field("name", "Name", required=True), Field("relationship", "Relationship"),
         Field("phone", "Phone"), Field("email", "E-mail"),
         Field("is_next_of_kin", "Next of kin", "check"), Field("is_carer", "Carer", "check"),
         Field("notes", "Notes", "long")),
        ContactDraft, pl.add_contact, pl.update_contact, pl.remove_contact,
        describe=lambda r: r.name,
    )  # fmt: skip
    care_team = ListSpec(
        "care_team", "Care team", "care team member", "care_team", Permission.EDIT_PATIENTS,
        (Column("Name", lambda r: r.name), Column("Role", lambda r: r.role),
         Column("Organisation", lambda r: r.organisation), Column("Phone", lambda r: r.phone),
         Column("E-mail", lambda r: r.email),
         Column("Reach by", lambda r: dict((m, t) for t, m in methods).get(r.preferred_contact))),
        (Field("staff_user_id", "Practice staff", "combo", choices=_care_team_staff(state)),
         Field("name", "Name", hint="Required for an external provider; for practice staff "
               "their own name is used"),
         Field("role", "Role", required=True, hint="For example podiatrist"),
         Field("organisation", "Organisation"), Field("phone", "Phone"),
         Field("email", "E-mail"), Field("preferred_contact", "Reach by", "combo",
                                         choices=methods),
         Field("notes", "Notes", "long")),
        CareTeamDraft, pl.add_care_team_member, pl.update_care_team_member,
        pl.remove_care_team_member, describe=lambda r: f"{r.name} ({r.role})",
    )  # fmt: skip
    return [
        ("Conditions && allergies", (conditions, allergies)),
        ("Hospital", (hospital,)),
        ("People", (contacts, care_team)),
    ]


def row_values(spec: ListSpec, row=None) -> dict:
    """The form's values for an existing row (edit), or the draft's defaults (add)."""
    if row is None:
        # A choice the user must make (a "Choose…" entry) starts unmade, whatever the default.
        ask = {
            f.name
            for f in spec.specs
            if f.kind == "combo" and f.required and None in dict(f.choices).values()
        }
        return {
            f.name: f.default
            for f in fields(spec.draft)
            if f.default is not MISSING and f.name not in ask
        }
    return {f.name: getattr(row, f.name) for f in fields(spec.draft)}


def make_draft(spec: ListSpec, values: dict):
    return spec.draft(
        **{k: v for k, v in values.items() if k in {f.name for f in fields(spec.draft)}}
    )


class ListSection(QGroupBox):
    """One list of the record with Add / Edit / Remove. A write publishes its change notice
    (the window refreshes from it); `changed()` asks for a re-read after a refused removal."""

    changed = Signal()

    def __init__(self, spec: ListSpec, parent=None) -> None:
        super().__init__(spec.title, parent)
        self.spec = spec
        self.state = parent.state
        self.patient_id: int | None = None
        self.dialog: ItemFormDialog | None = None
        self.model = RecordTableModel(spec.columns, spec.highlight, self)
        self.view = record_table(self.model)
        self.view.doubleClicked.connect(lambda _index: self.edit())
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.empty = QLabel(f"No {spec.noun} recorded.")
        self.empty.setObjectName("pageSubtitle")
        self.add_button = QPushButton(f"Add {spec.noun}…")
        self.edit_button = QPushButton("Edit…")
        self.remove_button = QPushButton("Remove…")
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.remove_button.clicked.connect(self.remove)
        # Why Add / Edit / Remove are greyed (a role, an archived record), said in the section.
        self.locked_note = QLabel()
        self.locked_note.setObjectName("pageSubtitle")
        self.locked_note.setWordWrap(True)
        self.locked_note.hide()
        self.buttons = QHBoxLayout()
        self.buttons.addWidget(self.empty)
        self.buttons.addStretch(1)
        for b in (self.add_button, self.edit_button, self.remove_button):
            self.buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.locked_note)
        layout.addLayout(self.buttons)
        self.editable = True

    def add_action(self, button: QPushButton) -> None:
        """A further action of this list, shown before its Add button."""
        self.buttons.insertWidget(self.buttons.indexOf(self.add_button), button)

    def set_rows(self, patient_id: int, rows) -> None:
        self.patient_id = patient_id
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)
        self._selection_changed()

    def set_editable(self, editable: bool, reason: str) -> None:
        self.editable = editable
        for b in (self.add_button, self.edit_button, self.remove_button):
            b.setToolTip(reason)
        self.locked_note.setText(reason)
        self.locked_note.setVisible(not editable and bool(reason))
        self._selection_changed()

    def _selection_changed(self, *_args) -> None:
        chosen = self.selected() is not None
        self.add_button.setEnabled(self.editable)
        self.edit_button.setEnabled(self.editable and chosen)
        self.remove_button.setEnabled(self.editable and chosen)

    def selected(self):
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def add(self) -> None:
        spec, pid = self.spec, self.patient_id
        self._open(
            f"Add {spec.noun}",
            lambda values: self.state.publish(
                spec.add(self.state.ws, self.state.actor, pid, make_draft(spec, values))
            ),
            row_values(spec),
        )

    def edit(self) -> None:
        row = self.selected()
        if row is None or not self.editable:
            return
        spec, ws, actor = self.spec, self.state.ws, self.state.actor
        pid = self.patient_id

        def stored():  # the row as saved now (after a stale save), or None if removed
            rec = patients.reread_record(ws, actor, pid)
            now = next((r for r in getattr(rec, spec.rows_attr) if r.id == row.id), None)
            return None if now is None else (row_values(spec, now), now.version)

        self.dialog = RowFormDialog(
            f"Edit {spec.noun}",
            spec.specs,
            lambda v, version: self.state.publish(
                spec.update(ws, actor, row.id, make_draft(spec, v), version=version)
            ),
            row_values(spec, row),
            row.version,
            stored,
            lambda v: self.state.publish(spec.add(ws, actor, pid, make_draft(spec, v))),
            self,
        )
        self.dialog.reloaded.connect(self.changed)  # the list behind shows the saved rows
        self._show(self.dialog)

    def _open(self, title: str, save, initial) -> None:
        self._show(ItemFormDialog(title, self.spec.specs, save, initial, self))

    def _show(self, dialog: ItemFormDialog) -> None:
        self.dialog = dialog  # a saved write publishes its notice: the window refreshes from it
        dialog.open()

    def remove(self) -> None:
        row = self.selected()
        if row is None:
            return
        answer = QMessageBox.question(
            self,
            f"Remove {self.spec.noun}",
            f"Remove {self.spec.describe(row)} from this record? The removal is kept in the "
            "audit log.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            # The version shown: a row someone changed or removed meanwhile is not removed blind.
            self.state.publish(
                self.spec.remove(self.state.ws, self.state.actor, row.id, version=row.version)
            )
        except CareCoordError as exc:
            QMessageBox.warning(self, f"Remove {self.spec.noun}", str(exc))
            self.changed.emit()  # the row may have gone meanwhile: show the list as it is
