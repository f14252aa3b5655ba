"""The invitees of a conference as the details page edits them: a small table model over
ParticipantDrafts, the words for kinds, attendance and how people joined, the live line that
says whether the team meets the case-conference rule, and the "Someone else…" form."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from carecoord_desktop.models.conference import Attendance, JoinMethod, ParticipantKind
from carecoord_desktop.services.conferences import rules
from carecoord_desktop.services.conferences.types import (
    Invitable,
    ParticipantDraft,
    ParticipantRow,
    attendance_label,
)
from carecoord_desktop.ui.widgets.form_kit import Field

_Index = QModelIndex | QPersistentModelIndex

KIND_WORDS = {
    ParticipantKind.STAFF.value: "Practice staff",
    ParticipantKind.PROVIDER.value: "Care team",
    ParticipantKind.PATIENT.value: "Patient",
    ParticipantKind.CARER.value: "Carer",
    ParticipantKind.OTHER.value: "Other provider",
}
JOIN_WORDS = {
    JoinMethod.IN_PERSON.value: "In person",
    JoinMethod.PHONE.value: "Phone",
    JoinMethod.VIDEO.value: "Video",
}
ATTENDANCE_CHOICES = [(attendance_label(a.value), a.value) for a in Attendance]
JOIN_CHOICES = [("Not recorded", None)] + [(w, v) for v, w in JOIN_WORDS.items()]
PROVIDER_KINDS = {ParticipantKind.STAFF.value, ParticipantKind.PROVIDER.value,
                  ParticipantKind.OTHER.value}  # fmt: skip

SOMEONE_ELSE_FIELDS = (
    Field("name", "Name", required=True),
    Field("discipline", "Discipline", required=True,
          hint="What they do: Pharmacist, Physiotherapist, Aged care assessor…"),
    Field("organisation", "Organisation"),
    Field("contact", "Phone or email"),
)  # fmt: skip


class _AsRow:
    """A draft as the rule pack reads a participant (its discipline, whether a provider)."""

    def __init__(self, p: ParticipantDraft | Invitable) -> None:
        self.discipline = p.discipline
        self.is_provider = str(p.kind) in PROVIDER_KINDS


def is_gp(p: ParticipantDraft | Invitable) -> bool:
    """A GP by the rule pack's reading of the discipline ("GP", "General practitioner"…)."""
    return rules.is_gp(_AsRow(p))


def draft_of(row: ParticipantRow) -> ParticipantDraft:
    return ParticipantDraft(
        kind=row.kind,
        name=row.name,
        discipline=row.discipline,
        staff_user_id=row.staff_user_id,
        care_team_member_id=row.care_team_member_id,
        organisation=row.organisation,
        contact=row.contact,
        attendance=row.attendance,
        joined_how=row.joined_how,
        id=row.id,
    )


def draft_from_invitable(who: Invitable) -> ParticipantDraft:
    return ParticipantDraft(
        kind=who.kind,
        name=who.name,
        discipline=who.discipline,
        staff_user_id=who.staff_user_id,
        care_team_member_id=who.care_team_member_id,
        organisation=who.organisation,
        contact=who.contact,
    )


def same_person(a: ParticipantDraft | Invitable, b: ParticipantDraft | Invitable) -> bool:
    """One person offered twice (a staff member, a care team entry, the patient, a carer)."""
    if a.staff_user_id is not None or b.staff_user_id is not None:
        return a.staff_user_id == b.staff_user_id
    if a.care_team_member_id is not None or b.care_team_member_id is not None:
        return a.care_team_member_id == b.care_team_member_id
    return str(a.kind) == str(b.kind) and a.name.strip().lower() == b.name.strip().lower()


def invitable_label(who: Invitable) -> str:
    """ "Priya Shah — Pharmacist, Corner Pharmacy (care team)"; the patient and carers are
    named by their discipline alone ("Harold Moss — Patient")."""
    where = f", {who.organisation}" if who.organisation else ""
    if str(who.kind) not in PROVIDER_KINDS:
        return f"{who.name} — {who.discipline}{where}"
    return f"{who.name} — {who.discipline}{where} ({KIND_WORDS.get(who.kind, who.kind).lower()})"


def team_status(people: Sequence[ParticipantDraft], *, held: bool) -> tuple[bool, str]:
    """Whether the team meets the case-conference rule: a GP and at least two other formal
    care providers of different disciplines (MBS items 735-758). Before the meeting this counts
    who is invited and has not declined; once it is held, who attended."""

    def counts(p: ParticipantDraft) -> bool:
        if str(p.kind) not in PROVIDER_KINDS:
            return False
        attendance = str(p.attendance)
        if held:
            return attendance == Attendance.ATTENDED.value
        return attendance not in (Attendance.DECLINED.value, Attendance.ABSENT.value)

    team = [p for p in people if counts(p)]
    gps = [p for p in team if is_gp(p)]
    others: dict[str, str] = {}  # one per discipline, as the rule pack counts them
    for p in team:
        key = rules.discipline_key(_AsRow(p))
        if not is_gp(p) and key and key not in others:
            others[key] = p.discipline.strip()
    who = "attended" if held else "invited"
    missing = []
    if not gps:
        missing.append("a GP")
    if len(others) < 2:
        need = 2 - len(others)
        missing.append(
            f"{need} more provider{'s' if need > 1 else ''} of another discipline"
            if others
            else "two other providers of different disciplines"
        )
    found = ", ".join((["GP"] if gps else []) + list(others.values())) or "nobody yet"
    if missing:
        return (
            False,
            f"Case-conference team not met ({who}: {found}). Needs {' and '.join(missing)}.",
        )
    return True, f"Case-conference team met ({who}: {found})."


class ParticipantsModel(QAbstractTableModel):
    """The invitees as the form holds them (saved with the details)."""

    # Who someone is (practice staff, care team, patient, carer) is in the tooltip: the
    # discipline and organisation already say it, and the table must fit half a window.
    HEADERS = ("Name", "Discipline", "Organisation", "Attendance", "Joined by")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.people: list[ParticipantDraft] = []

    def set_people(self, people: Sequence[ParticipantDraft]) -> None:
        self.beginResetModel()
        self.people = list(people)
        self.endResetModel()

    def add(self, person: ParticipantDraft) -> int:
        row = len(self.people)
        self.beginInsertRows(QModelIndex(), row, row)
        self.people.append(person)
        self.endInsertRows()
        return row

    def remove(self, row: int) -> ParticipantDraft:
        self.beginRemoveRows(QModelIndex(), row, row)
        person = self.people.pop(row)
        self.endRemoveRows()
        return person

    def change(self, row: int, **values: Any) -> None:
        self.people[row] = replace(self.people[row], **values)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt override
        return 0 if parent.isValid() else len(self.people)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt override
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.people):
            return None
        p = self.people[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            kind = KIND_WORDS.get(str(p.kind), str(p.kind))
            return f"{p.name}: {p.discipline} ({kind})" + (f", {p.contact}" if p.contact else "")
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                p.name,
                p.discipline,
                p.organisation or "",
                attendance_label(str(p.attendance)),
                JOIN_WORDS.get(p.joined_how or "", ""),
            )[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 3:
            if str(p.attendance) in (Attendance.DECLINED.value, Attendance.ABSENT.value):
                return QColor("#8a2b12")
            if str(p.attendance) == Attendance.ATTENDED.value:
                return QColor("#1d6b34")
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self.people):
            return str(section + 1)
        return None
