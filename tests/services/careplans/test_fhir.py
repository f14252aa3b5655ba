"""FHIR R4 export: parsed back with fhir.resources R4B, plus the codes and references that
library does not check."""

from __future__ import annotations

import json

import pytest
from fhir.resources.R4B.bundle import Bundle

from carecoord_desktop.errors import PermissionDeniedError
from carecoord_desktop.interop.fhir import careplan as fhir
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.services import audit
from carecoord_desktop.services.careplans import fhir_export, plans, templates

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


@pytest.fixture
def plan(ws, team, patient):
    rec = templates.start_plan_from_templates(ws, team["gp"], patient.id, ["t2dm", "htn"]).value
    draft = rec.draft
    draft.status = "active"
    return plans.save_plan(ws, team["gp"], draft, rec.version).value.plan


def resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_the_bundle_parses_as_r4_and_its_references_resolve(ws, team, patient, plan):
    raw = fhir_export.export_fhir(ws, team["coordinator"], patient.id)
    parsed = Bundle.model_validate_json(raw)  # R4B: structure and cardinality
    assert parsed.type == "collection"
    bundle = json.loads(raw)
    urls = {e["fullUrl"]: e["resource"]["resourceType"] for e in bundle["entry"]}
    assert len(urls) == len(bundle["entry"])  # fullUrls unique
    kinds = sorted(set(urls.values()))
    assert kinds == ["CarePlan", "CareTeam", "Condition", "Goal", "Patient"]

    def target(ref: dict, *allowed: str) -> None:
        assert urls.get(ref["reference"]) in allowed, ref

    [care_plan] = resources(bundle, "CarePlan")
    target(care_plan["subject"], "Patient")
    for ref in care_plan["careTeam"]:
        target(ref, "CareTeam")
    for ref in care_plan["addresses"]:
        target(ref, "Condition")
    assert len(care_plan["goal"]) == len(plan.draft.goals)
    for ref in care_plan["goal"]:
        target(ref, "Goal")
    for activity in care_plan["activity"]:
        for ref in activity["detail"].get("goal", []):
            target(ref, "Goal")
    for goal in resources(bundle, "Goal"):
        target(goal["subject"], "Patient")
        for ref in goal.get("addresses", []):
            target(ref, "Condition")
    for cond in resources(bundle, "Condition"):
        target(cond["subject"], "Patient")
    [team_res] = resources(bundle, "CareTeam")
    target(team_res["participant"][0]["member"], "Patient")
    assert any("Sam Foot" in p["member"].get("display", "") for p in team_res["participant"])


def test_coded_values_are_the_ones_fhir_r4_binds(ws, team, patient, plan):
    bundle = json.loads(fhir_export.export_fhir(ws, team["gp"], patient.id))
    [care_plan] = resources(bundle, "CarePlan")
    assert care_plan["status"] == "active" and care_plan["intent"] == "plan"
    codes = {
        c["code"]["coding"][0]["code"]
        for c in resources(bundle, "Condition")
        if "coding" in c["code"]
    }
    assert codes == {"44054006", "59621000"}
    for cond in resources(bundle, "Condition"):
        assert cond["clinicalStatus"]["coding"][0] == {
            "system": fhir.CONDITION_CLINICAL,
            "code": "active",
        }
        if "coding" in cond["code"]:
            assert cond["code"]["coding"][0]["system"] == fhir.SNOMED
    goals = resources(bundle, "Goal")
    assert {g["lifecycleStatus"] for g in goals} <= {
        "proposed",
        "planned",
        "accepted",
        "active",
        "on-hold",
        "completed",
        "cancelled",
    }
    assert {g["priority"]["coding"][0]["code"] for g in goals} <= {
        "high-priority",
        "medium-priority",
        "low-priority",
    }
    hba1c = next(g for g in goals if g["target"][0].get("measure", {}).get("text") == "HbA1c")
    assert hba1c["target"][0]["measure"]["coding"][0] == {
        "system": fhir.LOINC,
        "code": "59261-8",
        "display": "HbA1c",
    }
    high = hba1c["target"][0]["detailRange"]["high"]
    assert high == {"value": 53.0, "unit": "mmol/mol", "system": fhir.UCUM, "code": "mmol/mol"}
    statuses = {a["detail"]["status"] for a in care_plan["activity"]}
    assert statuses <= {
        "not-started",
        "scheduled",
        "in-progress",
        "on-hold",
        "completed",
        "cancelled",
        "stopped",
        "unknown",
        "entered-in-error",
    }
    [patient_res] = resources(bundle, "Patient")
    assert patient_res["identifier"][0] == {
        "system": fhir.PRACTICE_ID,
        "value": patient.practice_id,
    }


def test_export_is_audited_and_needs_the_export_permission(ws, admin, team, patient, plan):
    fhir_export.export_fhir(ws, team["nurse"], patient.id)
    events, _ = audit.list_events(ws, admin, action=AuditAction.EXPORT.value)
    assert events[0].record_type == "care_plan" and str(plan.draft.plan_id) == events[0].record_id
    assert patient.family_name not in events[0].detail
    with pytest.raises(PermissionDeniedError):
        fhir_export.export_fhir(ws, team["reception"], patient.id)
