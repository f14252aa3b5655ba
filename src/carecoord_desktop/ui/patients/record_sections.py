"""The sections (tabs) of the patient record window, each declared once.

A feature adds a tab to every patient's record by adding one `SectionSpec` to `RECORD_SECTIONS`:
the record window builds its tabs from the list, builds a section only for a role with its
permission, hands it each record it shows, and re-reads the record for a section only when a
change notice touches one of the section's `kinds`. A section is a QWidget with
`show_record(rec)`; one holding editable lists exposes them as `list_sections` so the window can
lock them on an archived or merged record.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.services.changes import Kind
from carecoord_desktop.services.patients.types import PatientRecord
from carecoord_desktop.services.permissions import Permission
from carecoord_desktop.ui.patients.list_model import _medicare as medicare_text
from carecoord_desktop.ui.patients.sections import (
    ListSection,
    ListSpec,
    list_specs,
    medicines_table,
)
from carecoord_desktop.ui.shell.record_tabs import SectionContext, SectionSpec, sections_for

__all__ = ["RECORD_SECTIONS", "SectionContext", "SectionSpec", "sections_for"]


def _list_specs(ctx: SectionContext) -> dict[str, ListSpec]:
    """The record's list specs by key, built once per window (one asks for staff names)."""
    specs = getattr(ctx.window, "_record_list_specs", None)
    if specs is None:
        specs = {spec.key: spec for _title, group in list_specs(ctx.state) for spec in group}
        ctx.window._record_list_specs = specs
    return specs


# -- the summary -----------------------------------------------------------------------------------
_ACD_LABELS = {"none": "None recorded", "discussed": "Discussed", "documented": "Documented"}


def _d(value) -> str:
    return f"{value:%d/%m/%Y}" if value else "—"


def _t(value) -> str:
    return escape(value) if value else "<span style='color:#8a96a3'>—</span>"


class SummaryPage(QScrollArea):
    """Identity, contact, language, advance care directive, social needs and function."""

    def __init__(self, _ctx: SectionContext) -> None:
        super().__init__()
        self.summary = QWidget()
        self.summary_grid = QGridLayout(self.summary)
        self.summary_grid.setHorizontalSpacing(14)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWidget(self.summary)

    def show_record(self, rec: PatientRecord) -> None:
        while self.summary_grid.count():
            item = self.summary_grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        interpreter = (
            "<span style='color:#8e1b12; font-weight:700'>YES — book an interpreter</span>"
            if rec.interpreter_needed
            else "No"
        )
        acd = _ACD_LABELS.get(rec.acd_status.value, rec.acd_status.value)
        cards = [
            (0, "Identity", [
                ("Given name", _t(rec.given_name)), ("Family name", _t(rec.family_name)),
                ("Preferred name", _t(rec.preferred_name)),
                ("Date of birth", f"{_d(rec.date_of_birth)} (age {rec.age})"),
                ("Sex", rec.sex.value.capitalize()), ("Practice ID", rec.practice_id),
                ("Medicare", _t(medicare_text(rec.medicare_number))),
                ("Previous names", _t(rec.previous_names)),
                ("Previous identifiers", _t(rec.previous_identifiers)),
            ]),
            (0, "Contact", [
                ("Phone", _t(rec.phone)), ("E-mail", _t(rec.email)),
                ("Address", _t(rec.address)), ("Lives alone", "Yes" if rec.lives_alone else "No"),
            ]),
            (1, "Language and communication", [
                ("Preferred language", _t(rec.preferred_language)),
                ("Interpreter needed", interpreter),
                ("Communication", _t(rec.communication_preferences)),
                ("Cultural / religious", _t(rec.cultural_considerations)),
            ]),
            (1, "Advance care directive", [
                ("Status", acd), ("Date", _d(rec.acd_date)),
                ("Where it is kept", _t(rec.acd_location)),
            ]),
            (2, "Social needs", [
                ("Housing", _t(rec.housing)), ("Transport", _t(rec.transport)),
                ("Finances", _t(rec.finances)), ("Social isolation", _t(rec.social_isolation)),
            ]),
            (2, "Function", [("Functional status", _t(rec.functional_status))]),
        ]  # fmt: skip
        rows = {0: 0, 1: 0, 2: 0}
        for column, title, items in cards:
            box = QGroupBox(title)
            form = QFormLayout(box)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
            for label, value in items:
                text = QLabel(value)
                text.setWordWrap(True)
                text.setTextFormat(Qt.TextFormat.RichText)
                text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                name = QLabel(label)
                name.setObjectName("pageSubtitle")
                form.addRow(name, text)
            self.summary_grid.addWidget(box, rows[column], column, Qt.AlignmentFlag.AlignTop)
            rows[column] += 1
        self.summary_grid.setRowStretch(max(rows.values()), 1)
        for column in rows:
            self.summary_grid.setColumnStretch(column, 1)


# -- the lists -------------------------------------------------------------------------------------
class ListsPage(QWidget):
    """One or more of the record's editable lists, stacked."""

    def __init__(self, ctx: SectionContext, keys: tuple[str, ...]) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.list_sections: list[ListSection] = []
        for key in keys:
            section = ListSection(_list_specs(ctx)[key], ctx.window)
            self.list_sections.append(section)
            layout.addWidget(section, 1)

    def show_record(self, rec: PatientRecord) -> None:
        for section in self.list_sections:
            section.set_rows(rec.id, getattr(rec, section.spec.rows_attr))


def _lists(*keys: str) -> Callable[[SectionContext], QWidget]:
    return lambda ctx: ListsPage(ctx, keys)


def _medicines(_ctx: SectionContext) -> QWidget:
    page = medicines_table()
    page.show_record = lambda rec: page.model().set_rows(rec.medications)
    return page


RECORD_SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        "summary", "Summary", Permission.VIEW_PATIENTS, SummaryPage, frozenset({Kind.PATIENT}), 10
    ),
    SectionSpec(
        "conditions",
        "Conditions && allergies",
        Permission.VIEW_PATIENTS,
        _lists("conditions", "allergies"),
        frozenset({Kind.CONDITIONS, Kind.ALLERGIES}),
        20,
    ),
    SectionSpec(
        "medicines",
        "Medicines",
        Permission.VIEW_PATIENTS,
        _medicines,
        frozenset({Kind.MEDICINES}),
        30,
    ),
    SectionSpec(
        "hospital",
        "Hospital",
        Permission.VIEW_PATIENTS,
        _lists("hospital"),
        frozenset({Kind.HOSPITAL}),
        40,
    ),
    SectionSpec(
        "people",
        "People",
        Permission.VIEW_PATIENTS,
        _lists("contacts", "care_team"),
        frozenset({Kind.CONTACTS, Kind.CARE_TEAM}),
        50,
    ),
)
