"""A complete, realistic (synthetic) care plan and handout: for the docs' page images, the bench
and tests that need a full document. Nothing here comes from a real patient."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from carecoord_desktop.documents.careplan_data import (
    Agreement,
    Appointment,
    CarePlanDocument,
    CopyGiven,
    Goal,
    HandoutDocument,
    Intervention,
    Observation,
    PatientIdentifiers,
    PlanHeader,
    PracticeHeader,
    Problem,
    Signature,
    WarningSign,
)

TODAY = date(2026, 3, 5)

PRACTICE = PracticeHeader(
    name="Riverside Family Practice",
    address="12 Wattle Street, Riverside NSW 2000",
    phone="02 9555 0100",
    provider_number="PR-48211",
    is_demo=True,
)
PATIENT = PatientIdentifiers(
    full_name="Margaret Anne O'Connor",
    practice_id="P-000123",
    date_of_birth=date(1951, 7, 14),
    national_id="2951 60417 1",
    national_id_label="Medicare",
    preferred_name="Maggie",
    preferred_language="en",
)


def _series(start: float, step: float, months: int, first: date) -> tuple[Observation, ...]:
    return tuple(
        Observation(on=first + timedelta(days=91 * i), value=round(start + step * i, 1))
        for i in range(months)
    )


GOALS = (
    Goal(
        "I want my sugar levels under control so I can keep my feet healthy",
        "HbA1c",
        7.0,
        "%",
        "below",
        TODAY.replace(year=2026, month=9, day=1),
        "In progress",
        "High",
        "Type 2 diabetes",
        _series(8.6, -0.4, 4, date(2025, 3, 10)),
    ),
    Goal(
        "I want to walk to the shops and back without stopping",
        "Daily steps",
        6000,
        "steps/day",
        "above",
        date(2026, 8, 1),
        "In progress",
        "Medium",
        "Osteoarthritis",
        _series(2500, 800, 4, date(2025, 3, 12)),
    ),
    Goal(
        "Keep my blood pressure down so I don't have a stroke like my sister",
        "Systolic BP",
        130,
        "mmHg",
        "below",
        date(2026, 6, 30),
        "In progress",
        "High",
        "Hypertension",
        _series(152, -5, 4, date(2025, 3, 10)),
    ),
    Goal(
        "Feel less down and sleep through the night",
        "PHQ-9",
        5,
        "score",
        "below",
        date(2026, 6, 1),
        "In progress",
        "Medium",
        "Depression",
        _series(14, -2, 4, date(2025, 3, 20)),
    ),
    Goal(
        "Lose a bit of weight before my granddaughter's wedding",
        "Weight",
        78,
        "kg",
        "below",
        date(2026, 10, 15),
        "Not started",
        "Low",
        "Type 2 diabetes",
    ),
)

INTERVENTIONS = (
    Intervention(
        "HbA1c, kidney function and lipids blood tests",
        "Practice nurse",
        "Role",
        "Every 3 months",
        "Active",
        "Type 2 diabetes",
    ),
    Intervention(
        "Medication review and adjustment of diabetes and blood pressure medicines",
        "Dr Priya Patel (GP)",
        "Staff",
        "Every 3 months",
        "Active",
    ),
    Intervention(
        "Foot check and nail care",
        "Sam Nguyen, Riverside Podiatry",
        "External provider",
        "Every 6 months",
        "Planned",
        "Type 2 diabetes",
    ),
    Intervention(
        "Eye screening for diabetic retinopathy",
        "City Eye Clinic",
        "External provider",
        "Every 2 years",
        "Planned",
        "Type 2 diabetes",
    ),
    Intervention(
        "Home blood pressure log review",
        "Jane Lee (Care coordinator)",
        "Staff",
        "Monthly phone call",
        "Active",
        "Hypertension",
    ),
    Intervention(
        "Group exercise programme for knees",
        "Riverside Community Health",
        "External provider",
        "Weekly, 8 weeks",
        "Planned",
        "Osteoarthritis",
        is_service=True,
    ),
    Intervention(
        "Talking therapy sessions",
        "Dr Ellen Hart, psychologist",
        "External provider",
        "Fortnightly, 10 sessions",
        "Active",
        "Depression",
    ),
)

WARNINGS = (
    WarningSign(
        "Chest pain, face drooping, weak arm or slurred speech",
        "Call an ambulance straight away",
        "Ambulance",
        "000",
        urgent=True,
    ),
    WarningSign(
        "Blood sugar under 4 and you feel shaky or confused",
        "Have 3 jelly beans or half a glass of juice, then check again in 15 minutes",
        "Practice nurse",
        "02 9555 0100",
    ),
    WarningSign(
        "Blood pressure over 180 on two readings",
        "Rest 5 minutes and check again; if still high call the practice today",
        "Riverside Family Practice",
        "02 9555 0100",
    ),
    WarningSign(
        "Thoughts of harming yourself", "Talk to someone now", "Lifeline", "13 11 14", urgent=True
    ),
)

APPOINTMENTS = (
    Appointment(
        datetime(2026, 3, 19, 10, 30, tzinfo=UTC),
        "Practice nurse",
        "Riverside Family Practice",
        "Blood tests and blood pressure",
    ),
    Appointment(
        datetime(2026, 4, 2, 14, 0, tzinfo=UTC),
        "Sam Nguyen (podiatrist)",
        "Riverside Podiatry, 3 Mill Road",
        "Foot check",
    ),
    Appointment(
        datetime(2026, 6, 4, 9, 15, tzinfo=UTC),
        "Dr Priya Patel",
        "Riverside Family Practice",
        "Care plan review",
    ),
)


def sample_plan(*, goals: int | None = None) -> CarePlanDocument:
    """A complete plan; `goals` repeats the goals and interventions to make it longer."""
    goal_list, interventions = GOALS, INTERVENTIONS
    if goals is not None:
        goal_list = tuple(
            replace(
                GOALS[i % len(GOALS)],
                patient_words=f"{GOALS[i % len(GOALS)].patient_words}"
                + (f" ({i // len(GOALS) + 1})" if i >= len(GOALS) else ""),
            )
            for i in range(goals)
        )
        interventions = tuple(INTERVENTIONS[i % len(INTERVENTIONS)] for i in range(goals))
    return CarePlanDocument(
        practice=PRACTICE,
        patient=PATIENT,
        plan=PlanHeader(
            status="Active",
            version=3,
            version_date=datetime(2026, 3, 5, 11, 20, tzinfo=UTC),
            author="Jane Lee, Care coordinator",
            period_start=date(2026, 3, 5),
            period_end=date(2027, 3, 4),
            intensity="Active",
            intensity_reason="HbA1c still above target after two reviews",
            programs=("CMS chronic care management", "GP chronic condition management plan"),
            plan_id=17,
        ),
        problems=(
            Problem("Type 2 diabetes", "SNOMED 44054006", date(2014, 5, 2)),
            Problem("Hypertension", "SNOMED 38341003", date(2010, 9, 1)),
            Problem(
                "Osteoarthritis of both knees",
                "SNOMED 239873007",
                date(2019, 2, 11),
                "Worse in the cold; limits walking",
            ),
            Problem("Depression", "SNOMED 35489007", date(2024, 8, 20)),
        ),
        goals=goal_list,
        interventions=interventions,
        patient_actions=(
            "Check blood sugar before breakfast and write it in the diary",
            "Walk for 20 minutes every morning, building up to 30",
            "Take blood pressure at home twice a week and bring the log",
            "Take all medicines as on the medicine list; use the pill box",
            "Cut down on sweet drinks: water or tea without sugar",
        ),
        medication_notes=(
            "Metformin 1 g twice daily with meals; sitagliptin added at version 2",
            "Perindopril 5 mg daily; check potassium and kidney function at each blood test",
            "Sertraline 50 mg daily: review effect and side effects at the June review",
            "Pharmacist home medicines review requested (HMR) — pill box set up weekly",
        ),
        symptom_management=(
            "Knee pain: paracetamol regularly before walking, heat pack, exercise programme",
            "Low mood: talking therapy, regular routine, phone check-in if sessions are missed",
            "Low blood sugar: carry jelly beans; family know the signs",
        ),
        warning_signs=WARNINGS,
        preferences=(
            "Prefers morning appointments; daughter Ann comes to reviews",
            "Does not want insulin unless there is no other option",
        ),
        cultural_considerations=(
            "Catholic; fasting days in Lent: adjust sugar monitoring and medicine timing",
        ),
        community_services=("Meals on Wheels, three days a week",),
        coordination=(
            "Podiatry and eye clinic reports are sent to the practice and filed in the record",
            "The care coordinator books specialist appointments and follows up each report",
            "Psychologist sends a progress letter after session 5 and session 10",
        ),
        expected_outcome=(
            "With the current plan HbA1c is expected to reach 7% within 6 months and blood "
            "pressure to stay under 130/80. Prognosis is good if walking is kept up; knee pain "
            "may limit exercise in winter."
        ),
        review_schedule="Every 3 months (GPCCMP review), full plan renewed within 12 months",
        next_review=date(2026, 6, 4),
        reviews=(
            "4 Dec 2025, Dr Priya Patel: sitagliptin added, HbA1c 7.8% (target 7%)",
            "3 Sep 2025, Jane Lee: walking goal raised from 3,000 to 6,000 steps",
        ),
        agreement=Agreement(
            True, "Patient, with daughter Ann present", date(2026, 3, 5), "Verbal, in person"
        ),
        copies=(
            CopyGiven("Patient", date(2026, 3, 5), "Printed, handed over"),
            CopyGiven("Sam Nguyen, Riverside Podiatry", date(2026, 3, 6), "Secure message"),
        ),
        appointments=APPOINTMENTS,
        signatures=(
            Signature("Patient", "Margaret O'Connor"),
            Signature("GP", "Dr Priya Patel"),
            Signature("Care coordinator", "Jane Lee", date(2026, 3, 5)),
        ),
        printed_at=datetime(2026, 3, 5, 11, 42, tzinfo=UTC),
        printed_by="Jane Lee",
        completeness=(
            ("CMS chronic care management (CCM) care plan", ()),
            ("GP chronic condition management plan (GPCCMP)", ()),
        ),
    )


def sample_handout(*, language: str = "en") -> HandoutDocument:
    plan = sample_plan()
    patient = plan.patient
    goals = plan.goals
    actions = plan.patient_actions
    if language == "he":
        patient = replace(patient, full_name="מרים כהן", preferred_language="he")
        goals = (
            replace(
                goals[0], patient_words="אני רוצה שהסוכר יהיה מאוזן כדי לשמור על הרגליים שלי בריאות"
            ),
            replace(goals[1], patient_words="ללכת לחנות ובחזרה בלי לעצור"),
            *goals[2:3],
        )
        actions = ("לבדוק סוכר לפני ארוחת הבוקר ולרשום ביומן", "ללכת 20 דקות כל בוקר", *actions[2:])
    elif language == "ar":
        patient = replace(patient, full_name="فاطمة حداد", preferred_language="ar")
        words = "أريد أن أتحكم في مستوى السكر لأحافظ على صحة قدمي"
        goals = (replace(goals[0], patient_words=words), *goals[1:3])
        actions = ("أمشي عشرين دقيقة كل صباح", *actions[1:])
    return HandoutDocument(
        practice=plan.practice,
        patient=patient,
        plan_version=plan.plan.version,
        plan_date=plan.plan.version_date.date(),
        goals=goals,
        daily_actions=actions,
        medication_notes=(
            "Take your medicines as on your medicine list. Use your pill box.",
            "Do not stop a medicine without talking to us first.",
        ),
        warning_signs=plan.warning_signs,
        appointments=plan.appointments,
        care_team=(
            ("Jane Lee, your care coordinator", "02 9555 0100"),
            ("Dr Priya Patel, your GP", "02 9555 0100"),
        ),
        next_review=plan.next_review,
        printed_at=plan.printed_at,
    )
