"""Completeness packs: a complete plan has every element; an incomplete one names each missing
element; the timing rules of the GPCCMP; a new program is a new file."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta

import pytest

from carecoord_desktop.knowledge.careplans import load_packs, resources_dir
from carecoord_desktop.services.careplans import packs, plans, reviews
from carecoord_desktop.services.careplans.packs import PlanContext, check_plan
from carecoord_desktop.services.careplans.types import (
    ActionDraft,
    GoalDraft,
    InterventionDraft,
    PlanDraft,
    ProblemDraft,
    WarningSignDraft,
)

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

CCM = (
    "Problem list",
    "Expected outcome and prognosis",
    "Measurable treatment goals",
    "Symptom management",
    "Planned interventions and who is responsible",
    "Medication management",
    "Community and social services ordered",
    "How outside agencies and specialists are coordinated",
    "Schedule for periodic review",
)
GPCCMP = (
    "Health needs and conditions",
    "Management goals",
    "Patient actions",
    "Treatments and services",
    "Arrangements for providing treatments and services",
    "Review arrangements",
    "Patient agreement recorded",
    "Copy offered",
)


def complete_plan(patient_id: int = 1) -> PlanDraft:
    today = date.today()
    return PlanDraft(
        patient_id=patient_id,
        status="active",
        period_start=today,
        problems=[ProblemDraft("Type 2 diabetes")],
        goals=[
            GoalDraft(
                "Get my sugars down",
                measure="HbA1c",
                measure_kind="hba1c",
                target_value=53,
                target_unit="mmol/mol",
                due_on=today + timedelta(weeks=26),
            )
        ],
        interventions=[
            InterventionDraft("HbA1c every 3 months", responsible_role="GP", frequency="3-monthly"),
            InterventionDraft(
                "Podiatry", responsible_role="Podiatrist", frequency="Yearly", is_service=True
            ),
        ],
        actions=[ActionDraft("Walk after dinner", "Most days")],
        warning_signs=[WarningSignDraft("Sugar below 4", "Eat jellybeans", "Nurse")],
        medication_notes="Metformin with meals",
        symptom_management="Hypo plan",
        expected_outcome="HbA1c at target",
        prognosis="Good",
        community_services="NDSS",
        coordination="Letters to the endocrinologist",
        review_interval_weeks=13,
        agreed_by="Patient",
        agreed_on=today,
        agreed_how="Verbal, in person",
        copy_offered=True,
    )


def test_the_packs_name_exactly_the_issues_elements():
    shipped = load_packs()
    assert tuple(e.name for e in shipped["ccm"].elements) == CCM
    assert tuple(e.name for e in shipped["gpccmp"].elements) == GPCCMP
    assert shipped["gpccmp"].effective_from == "2025-07-01"
    assert all(p.sources for p in shipped.values())


@pytest.mark.parametrize("key", ["ccm", "gpccmp"])
def test_a_complete_plan_has_every_element(key):
    result = check_plan(complete_plan(), load_packs()[key])
    assert result.complete and result.missing == ()
    assert all(t.present for t in result.timing)


@pytest.mark.parametrize("key,names", [("ccm", CCM), ("gpccmp", GPCCMP)])
def test_an_empty_plan_names_every_missing_element(key, names):
    empty = PlanDraft(patient_id=1, review_interval_weeks=None)
    result = check_plan(empty, load_packs()[key])
    assert result.missing == names
    assert all(e.why for e in result.elements)


def test_each_gap_is_named_on_its_own():
    pack = load_packs()["ccm"]
    plan = complete_plan()
    plan.goals[0].target_value = None
    plan.interventions[1].responsible_role = ""
    plan.prognosis = ""
    result = check_plan(plan, pack)
    assert result.missing == (
        "Expected outcome and prognosis",
        "Measurable treatment goals",
        "Planned interventions and who is responsible",
    )
    detail = {e.name: e.detail for e in result.elements}
    assert "'Get my sugars down'" in detail["Measurable treatment goals"]
    assert "'Podiatry'" in detail["Planned interventions and who is responsible"]
    assert detail["Expected outcome and prognosis"] == "not written: prognosis"


def test_gpccmp_timing_rules():
    pack = load_packs()["gpccmp"]
    today = date(2026, 6, 1)
    plan = complete_plan()
    plan.period_start = date(2026, 5, 1)
    timing = {
        t.key: t
        for t in check_plan(
            plan, pack, PlanContext(today=today, other_prepared=(date(2025, 9, 1),))
        ).timing
    }
    assert not timing["prepared_12_months"].present
    assert "1 Sep 2026" in timing["prepared_12_months"].detail
    plan.review_interval_weeks = 4
    timing = {t.key: t for t in check_plan(plan, pack, PlanContext(today=today)).timing}
    assert not timing["review_3_months"].present
    plan.review_interval_weeks = 13
    late = PlanContext(today=date(2027, 11, 2), prepared_on=date(2026, 5, 1))
    timing = {t.key: t for t in check_plan(plan, pack, late).timing}
    assert not timing["allied_health_18_months"].present
    reviewed = PlanContext(
        today=date(2027, 11, 2), prepared_on=date(2026, 5, 1), last_review_on=date(2027, 9, 1)
    )
    timing = {t.key: t for t in check_plan(plan, pack, reviewed).timing}
    assert timing["allied_health_18_months"].present


def test_a_new_program_is_a_new_file(tmp_path):
    root = tmp_path / "resources"
    shutil.copytree(resources_dir() / "careplans", root / "careplans")
    (root / "careplans" / "packs" / "nz.json").write_text(
        json.dumps(
            {
                "key": "nz",
                "name": "Long-term conditions plan",
                "sources": [{"organisation": "Te Whatu Ora", "title": "Long-term conditions"}],
                "elements": [
                    {
                        "key": "goals",
                        "name": "Goals",
                        "why": "List goals.",
                        "check": {"kind": "list", "field": "goals", "min": 1},
                    },
                    {
                        "key": "signs",
                        "name": "Warning signs",
                        "why": "List them.",
                        "check": {"kind": "list", "field": "warning_signs", "min": 2},
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    nz = packs.pack("nz", root)
    assert check_plan(complete_plan(), nz).missing == ("Warning signs",)


def test_the_practice_chooses_its_packs_and_a_saved_plan_is_checked(ws, admin, team, patient):
    assert [p.key for p in packs.chosen_packs(ws)] == ["gpccmp"]
    packs.choose_packs(ws, admin, ["ccm", "gpccmp"])
    assert [p.key for p in packs.chosen_packs(ws)] == ["ccm", "gpccmp"]
    draft = complete_plan(patient.id)
    draft.copy_offered = False
    rec = plans.create_plan(ws, team["gp"], draft).value
    before = {
        r.pack_key: r for r in packs.check_saved_plan(ws, team["reception"], rec.draft.plan_id)
    }
    assert before["ccm"].complete and before["gpccmp"].missing == ("Copy offered",)
    reviews.record_copy(
        ws,
        team["reception"],
        rec.draft.plan_id,
        recipient_kind="patient",
        recipient="Patient",
        given_on=date.today(),
        method="handed over",
    )
    after = packs.check_saved_plan(ws, team["reception"], rec.draft.plan_id, ["gpccmp"])
    assert after[0].complete
