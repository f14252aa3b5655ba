"""A complete, realistic (synthetic) care conference summary and pack: Mr Moss's conference
with his GP, the pharmacist and the physiotherapist. For the docs' page images, the bench and
tests that need a full document. Nothing here comes from a real patient."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from carecoord_desktop.documents.careplan_data import PatientIdentifiers
from carecoord_desktop.documents.careplan_sample import PRACTICE  # the same sample practice
from carecoord_desktop.documents.conference_data import (
    AgendaEntry,
    CheckLine,
    ConferenceDetails,
    ConferencePackDocument,
    ConferenceSummaryDocument,
    DecisionEntry,
    GoalProgress,
    HospitalStay,
    MedicineChange,
    MedicineLine,
    OpenReferral,
    OverdueTask,
    PatientAgreement,
    Person,
    SentTo,
    TimeRecord,
)

HELD_ON = date(2026, 4, 14)

PATIENT = PatientIdentifiers(
    full_name="Harold James Moss",
    practice_id="P-000042",
    date_of_birth=date(1951, 2, 9),
    national_id="2951 60417 3",
    national_id_label="Medicare",
    preferred_name="Harry",
    preferred_language="en",
)

CONFERENCE = ConferenceDetails(
    title="Care conference",
    scheduled_at=datetime(2026, 4, 14, 10, 30),
    planned_minutes=30,
    place="Riverside Family Practice, meeting room 2",
    video_link="https://meet.example.org/riverside-moss",
    organiser="Jane Lee, Care coordinator",
    status="Held",
    reference="Conference 7",
)

PEOPLE = (
    Person("Dr Anita Patel", "General practitioner", "Riverside Family Practice",
           "Practice staff", "Attended", "In person", "02 9555 0100", True, True),
    Person("Jane Lee", "Care coordinator", "Riverside Family Practice",
           "Practice staff", "Attended", "In person", "02 9555 0104", True, True),
    Person("Tom Nguyen", "Pharmacist", "Riverside Pharmacy",
           "Care team", "Attended", "Phone", "02 9555 2211", True, True),
    Person("Sarah Okafor", "Physiotherapist", "Active Steps Physiotherapy",
           "Care team", "Attended", "Video", "sarah@activesteps.example", True, True),
    Person("Harold Moss", "Patient", "", "Patient", "Attended", "In person",
           "0400 111 222", True, False),
    Person("Helen Moss", "Carer (daughter)", "", "Carer", "Attended", "Phone",
           "0400 333 444", True, False),
    Person("Lena Ortiz", "Podiatrist", "Riverside Foot Clinic",
           "Care team", "Declined", "", "02 9555 3300", False, True),
)  # fmt: skip

AGREEMENT = PatientAgreement(True, date(2026, 4, 2), "Verbal", "Agreed by phone with his daughter")

AGENDA = (
    AgendaEntry(
        "HbA1c 8.1 % against a target of 7 % or lower",
        "Goal off track",
        "Goal: \"I want my sugar down so my feet stay healthy\". Latest 8.1 % on 2 Apr 2026.",
        "Sugar control has slipped since he stopped driving to the shops: fewer fresh meals. "
        "Tom confirmed he takes metformin as prescribed. Dr Patel to review in 4 weeks.",
        True,
    ),
    AgendaEntry(
        "Follow up the podiatry referral",
        "Open referral",
        "Referred to Riverside Foot Clinic on 3 Mar 2026; no reply yet.",
        "Lena Ortiz sent apologies; the clinic has an appointment on 28 April.",
        True,
    ),
    AgendaEntry(
        "Discharged from Riverside Hospital after a fall",
        "Recent hospital stay",
        "Admitted 20 Mar 2026, discharged 23 Mar 2026 (fall at home, no fracture).",
        "Sarah assessed his balance by video: a home exercise program twice a week. "
        "A grab rail for the bathroom is needed.",
        True,
    ),
    AgendaEntry(
        "Ibuprofen stopped at discharge",
        "Medicine change",
        "Stopped 23 Mar 2026 (kidney function); paracetamol 1 g as needed instead.",
        "Tom explained the change to Harry and Helen; a home medicines review is offered.",
        True,
    ),
    AgendaEntry(
        "How do I get to my appointments now I can't drive?",
        "Patient's question",
        "",
        "Community transport can take him to the podiatrist and the practice; "
        "Jane will refer him.",
        True,
    ),
    AgendaEntry("Blood pressure review overdue", "Overdue task",
                "Task due 1 Apr 2026, Practice nurse.", "", False),
)  # fmt: skip

DECISIONS = (
    DecisionEntry(
        "Refer Harry to Riverbend Community Transport",
        "Task",
        "Jane Lee",
        date(2026, 4, 21),
        "How do I get to my appointments now I can't drive?",
        task="Task 41 on the board",
    ),
    DecisionEntry(
        "Home medicines review by the pharmacist",
        "Task",
        "Tom Nguyen (outside provider) via Nurses' queue",
        date(2026, 5, 12),
        "Ibuprofen stopped at discharge",
        task="Task 42 on the board",
    ),
    DecisionEntry(
        "Add a home exercise program for balance, twice a week",
        "Plan change",
        "",
        None,
        "Discharged from Riverside Hospital after a fall",
        plan_change='Care plan version 4: new intervention "Home exercise program for '
        'balance, twice a week" (physiotherapist)',
    ),
    DecisionEntry(
        "Review HbA1c and blood pressure at the practice",
        "Task",
        "Dr Anita Patel",
        date(2026, 5, 12),
        "HbA1c 8.1 % against a target of 7 % or lower",
        task="Task 43 on the board",
    ),
    DecisionEntry(
        "Helen will help with a weekly shopping list of fresh food",
        "Note",
        agenda_item="HbA1c 8.1 % against a target of 7 % or lower",
    ),
)

TIMES = TimeRecord(
    datetime(2026, 4, 14, 10, 32),
    datetime(2026, 4, 14, 11, 6),
    34,
    "20 to under 40 minutes",
    "739",
    "750",
)

CHECK = (
    CheckLine("team", "Team size and mix", True,
              "Dr Anita Patel (General practitioner) and 3 other providers of 3 "
              "disciplines attended."),
    CheckLine("agreement", "Patient's agreement", True, "Agreed (verbal) on 2 Apr 2026."),
    CheckLine("times", "Day, start and end times", True,
              "14 Apr 2026, 10:32 to 11:06: 34 minutes."),
    CheckLine("participants", "Participants named", True,
              "All 6 attendees named with their discipline."),
    CheckLine("discussion", "Matters discussed and decisions", True,
              "Minutes for 5 of 6 agenda items; 5 decisions."),
    CheckLine("summary_offered", "Summary offered and given to the team", True,
              "Offered to Harold Moss on 14 Apr 2026; given to 3 providers."),
)  # fmt: skip

SENT_TO = (
    SentTo("Harold Moss (patient)", "By hand", HELD_ON, "Jane Lee"),
    SentTo("Dr Anita Patel", "Printed", HELD_ON, "Jane Lee"),
    SentTo("Tom Nguyen, Riverside Pharmacy", "Secure message", HELD_ON, "Jane Lee"),
    SentTo("Sarah Okafor, Active Steps Physiotherapy", "Email", HELD_ON, "Jane Lee"),
)

SUMMARY = ConferenceSummaryDocument(
    practice=PRACTICE,
    patient=PATIENT,
    conference=CONFERENCE,
    participants=PEOPLE,
    agreement=AGREEMENT,
    times=TIMES,
    agenda=AGENDA,
    decisions=DECISIONS,
    pack_name="MBS multidisciplinary case conference (items 735-758)",
    check=CHECK,
    sent_to=SENT_TO,
    printed_at=datetime(2026, 4, 14, 11, 20),
    printed_by="Jane Lee",
)

_UPCOMING = replace(CONFERENCE, scheduled_at=datetime(2026, 4, 14, 10, 30), status="Scheduled")
_INVITED = tuple(
    replace(p, attendance="Accepted" if p.name != "Lena Ortiz" else "Invited",
            joined_how="", attended=False)
    for p in PEOPLE
)  # fmt: skip

PACK = ConferencePackDocument(
    practice=PRACTICE,
    patient=PATIENT,
    conference=_UPCOMING,
    participants=_INVITED,
    agreement=AGREEMENT,
    agenda=tuple(replace(a, minutes="", discussed=False) for a in AGENDA),
    problems=(
        "Type 2 diabetes (since 2012)",
        "Hypertension (since 2009)",
        "Osteoarthritis of both knees",
        "Fall at home, March 2026",
    ),
    medicines=(
        MedicineLine("Metformin XR 1000 mg", "1 tablet oral at night"),
        MedicineLine("Perindopril 5 mg", "1 tablet oral in the morning"),
        MedicineLine("Atorvastatin 20 mg", "1 tablet oral at night"),
        MedicineLine("Paracetamol 665 mg modified release", "2 tablets oral up to 3 times a day"),
    ),
    allergies=("Penicillin (rash, moderate)",),
    goals=(
        GoalProgress(
            "I want my sugar down so my feet stay healthy",
            "HbA1c",
            "7 % or lower",
            "8.1 %",
            date(2026, 4, 2),
            date(2026, 9, 1),
            "In progress",
            False,
        ),
        GoalProgress(
            "Keep my blood pressure down",
            "Systolic BP",
            "140 mmHg or lower",
            "132 mmHg",
            date(2026, 3, 30),
            date(2026, 6, 1),
            "In progress",
            True,
        ),
        GoalProgress(
            "Walk to the letterbox and back every day",
            "Daily steps",
            "3000 steps/day or more",
            "",
            None,
            date(2026, 7, 1),
            "Not started",
            None,
        ),
    ),
    referrals=(
        OpenReferral(
            "Lena Ortiz, Podiatrist, Riverside Foot Clinic",
            "Annual diabetic foot check; callus on the left foot",
            "Sent",
            date(2026, 3, 3),
            "Routine",
        ),
    ),
    overdue_tasks=(OverdueTask("Blood pressure review", "Practice nurse", date(2026, 4, 1)),),
    hospital_stays=(
        HospitalStay("Admission", date(2026, 3, 20), "Riverside Hospital", "Fall at home"),
        HospitalStay("Discharge", date(2026, 3, 23), "Riverside Hospital", "No fracture"),
    ),
    medicine_changes=(
        MedicineChange(date(2026, 3, 23), "Stopped ibuprofen 400 mg (kidney function)"),
        MedicineChange(date(2026, 3, 23), "Started paracetamol 665 mg modified release"),
    ),
    patient_questions=("How do I get to my appointments now I can't drive?",),
    plan="Care plan version 3, active, saved 5 March 2026",
    pack_name="MBS multidisciplinary case conference (items 735-758)",
    check=(
        CheckLine(
            "team", CHECK[0].name, False, "No GP is recorded as attending: mark who attended."
        ),
        CHECK[1],
        CheckLine("times", CHECK[2].name, False, "Start the meeting to stamp the day and time."),
        CheckLine("participants", CHECK[3].name, False, "Record who attended."),
        CheckLine(
            "discussion", CHECK[4].name, False, "Write the minutes of the matters discussed."
        ),
        CheckLine(
            "summary_offered",
            CHECK[5].name,
            False,
            "Offer the summary to the patient and record it.",
        ),
    ),
    printed_at=datetime(2026, 4, 13, 16, 5),
    printed_by="Jane Lee",
)


def not_yet_held(doc: ConferenceSummaryDocument) -> ConferenceSummaryDocument:
    """The same conference before it is held: no times, no minutes, no decisions."""
    return replace(
        doc,
        conference=replace(doc.conference, status="Scheduled"),
        participants=tuple(
            replace(p, attendance="Invited", joined_how="", attended=False)
            for p in doc.participants
        ),
        times=TimeRecord(),
        agenda=tuple(replace(a, minutes="", discussed=False) for a in doc.agenda),
        decisions=(),
        sent_to=(),
        check=(
            CheckLine(
                "team",
                CHECK[0].name,
                False,
                "No one is recorded as attending yet: the GP and at least two "
                "other providers of different disciplines must attend.",
            ),
            CHECK[1],
            CheckLine(
                "times",
                CHECK[2].name,
                False,
                "Not held yet: stamp the start and end in the meeting.",
            ),
            CHECK[3],
            CheckLine("discussion", CHECK[4].name, False, "No minutes or decisions recorded yet."),
            CheckLine(
                "summary_offered",
                CHECK[5].name,
                False,
                "The summary has not been offered to the patient yet.",
            ),
        ),
    )


def many_items(doc, count: int = 30):
    """A summary or pack with `count` agenda items (a long meeting, a long record)."""
    items = tuple(
        AgendaEntry(
            f"Agenda item {i}: review of a matter raised from the record with a long title",
            "Added" if i % 3 else "Overdue task",
            f"Detail for item {i}.",
            f"Minutes for item {i}: the team discussed it and agreed what to do next. " * 2
            if i % 2
            else "",
            bool(i % 2),
        )
        for i in range(1, count + 1)
    )
    return replace(doc, agenda=items)


def long_names(doc):
    """Long names and organisations everywhere a name prints."""
    longer = "Dr Maximiliana Alexandra Wolfeschlegelsteinhausen-Bergerdorff"
    people = (
        replace(doc.participants[0], name=longer,
                organisation="Riverside and Districts Community Health Cooperative Limited"),
        *doc.participants[1:],
    )  # fmt: skip
    patient = replace(
        doc.patient,
        full_name="Harold Bartholomew Montgomery Fitzwilliam-Worthington Moss",
    )
    return replace(doc, participants=people, patient=patient)


def right_to_left(doc):
    """A patient and a carer whose names (and a question) are in Arabic and Hebrew script."""
    patient = replace(doc.patient, full_name="هارون موسى", preferred_language="ar")
    people = tuple(
        replace(p, name="هارون موسى") if p.kind == "Patient"
        else replace(p, name="הלן משה") if p.kind == "Carer" else p
        for p in doc.participants
    )  # fmt: skip
    agenda = (AgendaEntry("كيف أصل إلى مواعيدي؟", "Patient's question"), *doc.agenda)
    return replace(doc, patient=patient, participants=people, agenda=agenda)
