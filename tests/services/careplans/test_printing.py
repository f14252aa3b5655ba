"""Printing a stored plan: both PDFs from the plan as saved, who may print which, and an audit
row for every document made, printed or saved that names ids and counts, never the contents."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from carecoord_desktop.errors import PermissionDeniedError, ValidationError
from carecoord_desktop.services import audit
from carecoord_desktop.services.careplans import observations, plans, printing, reviews
from carecoord_desktop.services.careplans.printing import DocumentKind
from carecoord_desktop.services.careplans.types import (
    ActionDraft,
    GoalDraft,
    InterventionDraft,
    PlanDraft,
    ProblemDraft,
    WarningSignDraft,
)

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))


@pytest.fixture
def plan(ws, team, patient):
    """A complete plan by the nurse, with HbA1c readings and the podiatrist responsible."""
    problem = ProblemDraft("Type 2 diabetes", condition_id=patient.conditions[0].id)
    goal = GoalDraft(
        "Keep my sugar down so my feet stay well",
        measure="HbA1c",
        measure_kind="hba1c",
        target_value=7,
        target_unit="%",
        due_on=date.today() + timedelta(days=180),
        problem_uid=problem.uid,
    )
    podiatrist = patient.care_team[0]
    draft = PlanDraft(
        patient_id=patient.id,
        status="active",
        period_start=date.today(),
        period_end=date.today() + timedelta(days=364),
        problems=[problem],
        goals=[goal],
        interventions=[
            InterventionDraft("Review HbA1c", responsible_role="GP", frequency="Every 3 months"),
            InterventionDraft(
                "Foot check",
                responsible_kind="provider",
                responsible_member_id=podiatrist.id,
                frequency="Every 6 months",
            ),
            InterventionDraft(
                "Set up the blood tests",
                responsible_kind="staff",
                responsible_staff_id=team["nurse"].user_id,
                frequency="Quarterly",
            ),
        ],
        actions=[ActionDraft("Walk for 20 minutes after breakfast", frequency="daily")],
        warning_signs=[
            WarningSignDraft(
                "Sugar under 4 and shaky", "Eat jelly beans", "Practice nurse", "03 9000 5555"
            ),
            WarningSignDraft("Chest pain", "Call an ambulance", "Ambulance", "000", urgent=True),
        ],
        medication_notes="Metformin 1 g twice a day\nCheck kidney function yearly",
        symptom_management="Foot pain: see the podiatrist",
        expected_outcome="HbA1c under 7% within 6 months",
        prognosis="Good if walking continues",
        community_services="Meals on Wheels",
        coordination="Podiatry reports are filed in the record",
        preferences="Morning appointments",
        cultural_considerations="Prefers a female clinician",
        review_interval_weeks=13,
    )
    rec = plans.create_plan(ws, team["nurse"], draft).value
    for months, value in ((9, 8.4), (6, 7.9), (3, 7.5)):
        observations.add_observation(
            ws,
            team["nurse"],
            patient.id,
            kind="hba1c",
            value=value,
            observed_on=date.today() - timedelta(days=30 * months),
        )
    reviews.record_agreement(
        ws, team["nurse"], rec.draft.plan_id, by="Patient", on=date.today(), how="Verbal, in person"
    )
    reviews.record_copy(
        ws,
        team["reception"],
        rec.draft.plan_id,
        recipient_kind="patient",
        recipient="Mary Nguyen",
        given_on=date.today(),
        method="printed",
    )
    return rec.draft.plan_id


def audit_rows(ws, admin, patient_id):
    rows, _ = audit.list_events(ws, admin, patient_id=patient_id)
    return [r for r in rows if r.record_type == "care_plan"]


def test_the_plan_pdf_prints_the_stored_plan(ws, team, patient, plan):
    text = text_of(printing.render(ws, team["gp"], plan, DocumentKind.PLAN))
    for words in (
        "Mary Nguyen",
        patient.practice_id,
        "Keep my sugar down so my feet stay well",
        "HbA1c 7 % or lower",
        "Type 2 diabetes",
        "SNOMED 44054006",
        "Sam Foot, Podiatrist, City Podiatry",
        "Every 6 months",
        "GP (Role)",
        "Nurse User (practice nurse)",
        "Walk for 20 minutes after breakfast (daily)",
        "Metformin 1 g twice a day",
        "Check kidney function yearly",
        "Meals on Wheels",
        "Podiatry reports are filed",
        "Morning appointments",
        "Prefers a female clinician",
        "HbA1c under 7% within 6 months",
        "Good if walking continues",
        "Every 13 weeks",
        "Agreed by Patient",
        "Mary Nguyen (patient)",
        "version 2",
        "Goal 1 · HbA1c (%)",
        "Latest 7.5 %",
        "3 readings",
        "Coordination intensity",
        "Active",
    ):
        assert words in text, words


def test_the_handout_prints_the_patients_words_and_who_to_call(ws, team, patient, plan):
    text = text_of(printing.render(ws, team["reception"], plan, DocumentKind.HANDOUT))
    for words in (
        "Your care plan",
        "Mary Nguyen",
        "Keep my sugar down so my feet stay well",
        "Average blood sugar (HbA1c): 7 % or lower",
        "Your last result: 7.5 %",
        "Walk for 20 minutes after breakfast (daily)",
        "Call Practice nurse",
        "000",
        "Call now. Do not wait.",
        "Sam Foot, Podiatrist",
    ):
        assert words in text, words
    assert "SNOMED" not in text and "In progress" not in text  # clinic words stay off it


def test_reception_prints_the_handout_but_not_the_clinical_plan(ws, team, plan):
    printing.render(ws, team["reception"], plan, DocumentKind.HANDOUT)
    with pytest.raises(PermissionDeniedError):
        printing.render(ws, team["reception"], plan, DocumentKind.PLAN)
    with pytest.raises(PermissionDeniedError):
        printing.record_output(
            ws, team["reception"], plan, DocumentKind.PLAN, how="printed", pages=2
        )


@pytest.mark.parametrize("role", ["gp", "nurse", "coordinator"])
def test_clinical_roles_print_both(ws, team, plan, role):
    for kind in DocumentKind:
        assert printing.render(ws, team[role], plan, kind).startswith(b"%PDF")


def test_every_document_made_printed_or_saved_is_audited_without_its_contents(
    ws, admin, team, patient, plan
):
    before = len(audit_rows(ws, admin, patient.id))
    pdf = printing.render(ws, team["gp"], plan, DocumentKind.PLAN)
    printing.render(ws, team["gp"], plan, DocumentKind.HANDOUT, purpose="file")
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    printing.record_output(ws, team["gp"], plan, DocumentKind.PLAN, how="printed", pages=pages)
    printing.record_output(ws, team["gp"], plan, DocumentKind.PLAN, how="saved", pages=pages)
    rows = audit_rows(ws, admin, patient.id)[: len(audit_rows(ws, admin, patient.id)) - before]
    by_action = {(r.action, r.detail) for r in rows}
    assert ("view", f"care plan PDF made for preview (version 2, {pages} pages)") in by_action
    assert any(
        a == "export" and d.startswith("care plan handout PDF wrote to a file")
        for a, d in by_action
    )
    assert ("print", f"care plan printed ({pages} pages)") in by_action
    assert ("export", f"care plan saved ({pages} pages)") in by_action
    for r in rows:
        assert r.record_id == str(plan) and r.patient_id == patient.id
        for secret in ("Mary", "Nguyen", "sugar", "Podiat", patient.practice_id):
            assert secret not in r.detail


def test_the_latest_plan_is_the_open_one(ws, team, patient, plan):
    assert printing.latest_plan_id(ws, team["reception"], patient.id) == plan


def test_a_patient_without_a_plan_gets_a_clear_message(ws, admin, team):
    from carecoord_desktop.services.patients import record as patients
    from carecoord_desktop.services.patients.types import PatientDraft

    other = patients.create_patient(
        ws, admin, PatientDraft(given_name="No", family_name="Plan", date_of_birth=date(1960, 1, 1))
    ).value
    with pytest.raises(ValidationError, match="no care plan yet"):
        printing.latest_plan_id(ws, team["gp"], other.id)


def test_an_unknown_output_is_refused(ws, team, plan):
    with pytest.raises(ValueError):
        printing.record_output(ws, team["gp"], plan, DocumentKind.PLAN, how="faxed", pages=1)


# -- carecoord print plan|handout ---------------------------------------------------------------


def run_cli(ws, monkeypatch, capsys, *argv, user="gp.user"):
    from carecoord_desktop import cli
    from tests_support import STAFF_PASSWORD

    monkeypatch.setattr("sys.stdin", io.StringIO(STAFF_PASSWORD + "\n"))
    code = cli.main(["--workspace", str(ws.folder), *argv, "--as", user, "--password-stdin"])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("kind, words", [("plan", "Management goals"), ("handout", "Your goals")])
def test_cli_prints_both_documents_to_a_file(
    ws, admin, team, patient, plan, tmp_path, monkeypatch, capsys, kind, words
):
    out_file = tmp_path / f"{kind}.pdf"
    code, out, err = run_cli(
        ws,
        monkeypatch,
        capsys,
        "print",
        kind,
        "--patient",
        patient.practice_id.lower(),
        "--out",
        str(out_file),
    )
    assert code == 0, err
    assert "Written:" in out and "Mary" not in out
    text = text_of(out_file.read_bytes())
    assert words in text and "Keep my sugar down" in text
    rows = audit_rows(ws, admin, patient.id)
    assert rows[0].action == "export" and "wrote to a file" in rows[0].detail
    assert rows[0].actor_name.startswith("Gp User")


def test_cli_reception_may_print_the_handout_but_not_the_plan(
    ws, team, patient, plan, tmp_path, monkeypatch, capsys
):
    args = ("--patient", patient.practice_id)
    code, _, err = run_cli(
        ws,
        monkeypatch,
        capsys,
        "print",
        "handout",
        *args,
        "--out",
        str(tmp_path / "h.pdf"),
        user="reception.user",
    )
    assert code == 0, err
    code, _, err = run_cli(
        ws,
        monkeypatch,
        capsys,
        "print",
        "plan",
        *args,
        "--out",
        str(tmp_path / "p.pdf"),
        user="reception.user",
    )
    assert code != 0 and "export patient data" in err
    assert not (tmp_path / "p.pdf").exists()


def test_cli_refuses_another_patients_plan_number(
    ws, admin, team, patient, plan, tmp_path, monkeypatch, capsys
):
    from carecoord_desktop.services.patients import record as patients
    from carecoord_desktop.services.patients.types import PatientDraft

    other = patients.create_patient(
        ws,
        admin,
        PatientDraft(given_name="Ola", family_name="Berg", date_of_birth=date(1970, 2, 2)),
    ).value
    code, _, err = run_cli(
        ws,
        monkeypatch,
        capsys,
        "print",
        "plan",
        "--patient",
        other.practice_id,
        "--id",
        str(plan),
        "--out",
        str(tmp_path / "x.pdf"),
    )
    assert code != 0 and f"no care plan number {plan}" in err
    assert not (tmp_path / "x.pdf").exists()


def test_cli_names_a_missing_folder_and_writes_nothing(
    ws, team, patient, plan, tmp_path, monkeypatch, capsys
):
    code, _, err = run_cli(
        ws,
        monkeypatch,
        capsys,
        "print",
        "handout",
        "--patient",
        patient.practice_id,
        "--out",
        str(tmp_path / "no" / "h.pdf"),
    )
    assert code != 0 and "does not exist" in err


def test_the_plan_pdf_names_what_the_practices_programs_still_need(ws, admin, team, patient):
    from carecoord_desktop.services.careplans import packs

    packs.choose_packs(ws, admin, ["ccm", "gpccmp"])
    thin = PlanDraft(
        patient_id=patient.id, status="active", problems=[ProblemDraft("Type 2 diabetes")]
    )
    plan_id = plans.create_plan(ws, team["gp"], thin).value.draft.plan_id
    first = re.sub(
        r"\s+",
        " ",
        PdfReader(io.BytesIO(printing.render(ws, team["gp"], plan_id, DocumentKind.PLAN)))
        .pages[0]
        .extract_text(),
    )
    for result in (
        packs.check_plan(plans.load_plan(ws, team["gp"], plan_id), p)
        for p in packs.chosen_packs(ws)
    ):
        assert result.missing
        assert f"{result.pack_name} Incomplete. Missing: " in first
        for name in result.missing:
            assert name in first, name
    assert "Expected outcome and prognosis" in first and "Copy offered" in first
