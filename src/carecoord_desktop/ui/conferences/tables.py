"""The columns of the conference lists (the practice's and the record's tab): short lists the
services return whole."""

from __future__ import annotations

from carecoord_desktop.services.conferences.types import ConferenceSummary, status_label
from carecoord_desktop.ui.conferences.when import when_text
from carecoord_desktop.ui.widgets.table_model import Column


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


def length_word(s: ConferenceSummary) -> str:
    return f"{s.minutes} min" if s.minutes is not None else ""


def conference_columns(*, with_patient: bool) -> list[Column]:
    columns = [
        Column("When", lambda s: when_text(s.scheduled_at)),
        Column("Status", lambda s: status_label(s.status)),
        Column("Title", lambda s: s.title),
        Column("Where", where_word),
        Column("People", people_word),
        Column("Agreement", agreement_word),
        Column("Organiser", lambda s: s.organiser_name),
        Column("Length", length_word, align_right=True),
    ]
    if with_patient:
        columns[1:1] = [Column("Patient", lambda s: f"{s.patient_name} ({s.practice_id})")]
    return columns
