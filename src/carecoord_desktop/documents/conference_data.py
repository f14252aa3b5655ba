"""Plain input for the two care conference documents: the summary (for the patient and the
team, after the meeting) and the pack (to prepare from, before it).

No database and no Qt: services/conferences/document_data.py builds these from a stored
conference and the record; tests and the bench build them by hand (documents/conference_sample).
Every field is already words a reader sees (names, not ids; labels, not enum values), so the
renderers only lay out. Times are the practice's local wall-clock time, ready to print.
Text in the patient's words (questions, goals) is kept as typed, in any script.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from carecoord_desktop.documents.careplan_data import PatientIdentifiers, PracticeHeader

__all__ = [
    "AgendaEntry",
    "CheckLine",
    "ConferenceDetails",
    "ConferencePackDocument",
    "ConferenceSummaryDocument",
    "DecisionEntry",
    "GoalProgress",
    "HospitalStay",
    "MedicineChange",
    "MedicineLine",
    "OpenReferral",
    "OverdueTask",
    "PatientAgreement",
    "Person",
    "SentTo",
    "TimeRecord",
]


@dataclass(frozen=True)
class ConferenceDetails:
    title: str  # "Care conference"
    scheduled_at: datetime  # local time
    planned_minutes: int = 30
    place: str = ""  # "Practice meeting room"
    video_link: str = ""  # "https://meet.example.org/abc" (printed as text)
    organiser: str = ""  # "Jane Lee, Care coordinator"
    status: str = ""  # "Scheduled", "In progress", "Held", "Cancelled"
    cancel_reason: str = ""
    reference: str = ""  # "Conference 12"


@dataclass(frozen=True)
class Person:
    """An invitee or attendee, as addressed for this conference."""

    name: str
    discipline: str  # "General practitioner", "Pharmacist", "Patient", "Carer"
    organisation: str = ""
    kind: str = ""  # "Practice staff", "Care team", "Patient", "Carer", "Other provider"
    attendance: str = ""  # "Invited", "Accepted", "Declined", "Attended", "Did not attend"
    joined_how: str = ""  # "In person", "Phone", "Video" ("" when not attended or unknown)
    contact: str = ""  # phone or email, for the pack's invitee list
    attended: bool = False
    is_provider: bool = True  # a formal care provider (not the patient or a carer)


@dataclass(frozen=True)
class PatientAgreement:
    agreed: bool | None  # None: not asked yet; False: the patient declined
    on: date | None = None
    how: str = ""  # "Verbal", "Written"
    note: str = ""


@dataclass(frozen=True)
class TimeRecord:
    """The meeting's stamped times and what they count as."""

    started_at: datetime | None = None  # local time
    ended_at: datetime | None = None
    elapsed_minutes: int | None = None
    tier: str = ""  # "20 to under 40 minutes"
    organiser_item: str = ""  # "739" ("" under 15 minutes)
    participant_item: str = ""  # "750"


@dataclass(frozen=True)
class AgendaEntry:
    title: str
    source: str = ""  # "Goal off track", "Overdue task", "Patient's question", "Added", ...
    detail: str = ""  # what in the record raised it
    minutes: str = ""  # what was discussed
    discussed: bool = False


@dataclass(frozen=True)
class DecisionEntry:
    text: str
    kind: str = "Note"  # "Note", "Task", "Plan change"
    owner: str = ""  # "Dr Lee", "Nurses' queue" ("" for a note)
    due: date | None = None
    agenda_item: str = ""  # the agenda item's title it was taken under
    task: str = ""  # "Task 41 on the board" (a task decision)
    plan_change: str = ""  # "Care plan version 4: new goal ..." (a plan decision)


@dataclass(frozen=True)
class CheckLine:
    """One element of the case-conference rule pack, met or not."""

    key: str
    name: str
    met: bool
    detail: str = ""


@dataclass(frozen=True)
class SentTo:
    recipient: str  # "Mr Moss (patient)", "Dr Lee"
    method: str  # "Printed", "Secure message", "By hand", ...
    on: date | None = None
    by: str = ""


@dataclass(frozen=True)
class MedicineLine:
    name: str
    dose: str = ""  # "500 mg oral twice a day"


@dataclass(frozen=True)
class GoalProgress:
    patient_words: str
    measure: str = ""
    target: str = ""  # "7 % or lower"
    latest: str = ""  # "8.1 %" ("" when no readings)
    latest_on: date | None = None
    due: date | None = None
    status: str = ""  # the goal's status
    on_track: bool | None = None  # None: no target or no reading


@dataclass(frozen=True)
class OpenReferral:
    to: str  # "Podiatry, Riverside Foot Clinic"
    reason: str = ""
    status: str = ""  # "Sent", "Acknowledged", ...
    since: date | None = None
    urgency: str = ""


@dataclass(frozen=True)
class OverdueTask:
    title: str
    owner: str = ""
    due: date | None = None


@dataclass(frozen=True)
class HospitalStay:
    what: str  # "Admission", "Discharge", "Emergency department visit"
    on: date | None = None
    where: str = ""
    detail: str = ""


@dataclass(frozen=True)
class MedicineChange:
    on: date | None
    what: str  # "Started metformin 500 mg", "Stopped ibuprofen"


@dataclass(frozen=True)
class ConferenceSummaryDocument:
    """Everything the summary for the patient and the team prints."""

    practice: PracticeHeader
    patient: PatientIdentifiers
    conference: ConferenceDetails
    participants: tuple[Person, ...] = ()
    agreement: PatientAgreement = PatientAgreement(None)
    times: TimeRecord = TimeRecord()
    agenda: tuple[AgendaEntry, ...] = ()
    decisions: tuple[DecisionEntry, ...] = ()
    pack_name: str = "Case conference"  # the rule pack's name
    check: tuple[CheckLine, ...] = ()
    sent_to: tuple[SentTo, ...] = ()
    printed_at: datetime | None = None
    printed_by: str = ""


@dataclass(frozen=True)
class ConferencePackDocument:
    """What the team prepares from: the details, the invitees, the agenda built from the
    record and the record's extract, with room for notes."""

    practice: PracticeHeader
    patient: PatientIdentifiers
    conference: ConferenceDetails
    participants: tuple[Person, ...] = ()
    agreement: PatientAgreement = PatientAgreement(None)
    agenda: tuple[AgendaEntry, ...] = ()
    problems: tuple[str, ...] = ()  # active conditions, chronic first
    medicines: tuple[MedicineLine, ...] = ()
    allergies: tuple[str, ...] = ()
    no_known_allergies: bool = False
    goals: tuple[GoalProgress, ...] = ()
    referrals: tuple[OpenReferral, ...] = ()
    overdue_tasks: tuple[OverdueTask, ...] = ()
    hospital_stays: tuple[HospitalStay, ...] = ()  # the last 90 days
    medicine_changes: tuple[MedicineChange, ...] = ()  # the last 90 days
    patient_questions: tuple[str, ...] = ()
    plan: str = ""  # "Care plan version 3, active, saved 5 March 2026" ("" when none)
    pack_name: str = "Case conference"
    check: tuple[CheckLine, ...] = ()  # what is still to do before/at the meeting
    printed_at: datetime | None = None
    printed_by: str = ""
