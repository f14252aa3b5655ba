"""The columns of the conference lists (the practice's and the record's tab): short lists the
services return whole."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from carecoord_desktop.services.conferences.types import ConferenceSummary, status_label
from carecoord_desktop.ui.conferences.when import when_text
from carecoord_desktop.ui.widgets.table_model import Column, RowsTableModel


def agreement_word(s: ConferenceSummary) -> str:
    if s.agreed is None:
        return "Not recorded" if s.status in ("scheduled", "in_progress") else ""
    return "Agreed" if s.agreed else "Declined"


def people_word(s: ConferenceSummary) -> str:
    if s.status == "held" or s.attended:
        return f"{s.attended} of {s.invited} attended"
    return f"{s.invited} invited"


def where_word(s: ConferenceSummary) -> str:
    if s.place and s.video_link:
        return f"{s.place} and video"
    return s.place or ("Video" if s.video_link else "")


def status_word(s: ConferenceSummary) -> str:
    """ "Held (42 min)": how long it ran decides the item claimed."""
    word = status_label(s.status)
    return f"{word} ({s.minutes} min)" if s.minutes is not None else word


def conference_columns(*, with_patient: bool) -> list[Column]:
    """The practice's list names the patient and leaves the title to the window (most are
    "Care conference"); the record's tab, with room to spare, shows it."""
    columns = [
        Column("When", lambda s: when_text(s.scheduled_at)),
        Column("Status", status_word),
        Column("Where", where_word),
        Column("People", people_word),
        Column("Agreement", agreement_word),
        Column("Organiser", lambda s: s.organiser_name),
    ]
    if with_patient:
        columns[1:1] = [Column("Patient", lambda s: f"{s.patient_name} ({s.practice_id})")]
    else:
        columns[2:2] = [Column("Title", lambda s: s.title)]
    return columns


class ConferencesModel(RowsTableModel):
    """The lists' rows, with what needs doing in colour: an agreement not recorded yet
    (orange), a cancelled conference (grey)."""

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            if not 0 <= index.row() < len(self.rows):
                return None
            row = self.rows[index.row()]
            if row.status == "cancelled":
                return QColor("#6b7480")
            if self.columns[index.column()].title == "Agreement" and agreement_word(row) == (
                "Not recorded"
            ):
                return QColor("#8a4b00")
            return None
        return super().data(index, role)
