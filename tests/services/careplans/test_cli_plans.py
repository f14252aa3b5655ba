"""`carecoord plans check` and `carecoord export fhir`: --as USER, the role, the audit, and the
missing elements named."""

from __future__ import annotations

import io
import json

import pytest

from carecoord_desktop import cli
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.services import audit
from carecoord_desktop.services.careplans import plans, templates
from tests_support import STAFF_PASSWORD

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def carecoord(ws, monkeypatch, capsys, user, *argv):
    monkeypatch.setattr("sys.stdin", io.StringIO(STAFF_PASSWORD + "\n"))
    code = cli.main(["--workspace", str(ws.folder), *argv, "--as", user, "--password-stdin"])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def started(ws, team, patient):
    return templates.start_plan_from_templates(ws, team["gp"], patient.id, ["t2dm"]).value


def test_plans_check_names_each_missing_element(ws, monkeypatch, capsys, patient, started):
    code, out, err = carecoord(
        ws, monkeypatch, capsys, "reception.user", "plans", "check", "--patient",
        patient.practice_id.lower(), "--pack", "gpccmp",
    )  # fmt: skip
    assert code == 1, err
    missing = [line.split(": ")[1] for line in out.splitlines() if "missing:" in line]
    assert missing == ["Patient agreement recorded", "Copy offered"]
    code, out, _ = carecoord(
        ws, monkeypatch, capsys, "reception.user", "plans", "check", "--patient",
        patient.practice_id, "--json",
    )  # fmt: skip
    report = json.loads(out)
    assert code == 1 and report["packs"][0]["pack"] == "gpccmp"  # the practice's default
    assert report["packs"][0]["missing"] == ["Patient agreement recorded", "Copy offered"]


def test_plans_check_passes_a_complete_plan(ws, team, monkeypatch, capsys, patient, started):
    draft = started.draft
    draft.agreed_by, draft.agreed_on, draft.agreed_how = (
        "Patient",
        started.created_at.date(),
        "Verbal",
    )
    draft.copy_offered = True
    weight = next(g for g in draft.goals if g.measure_kind == "weight")
    weight.target_value = 82  # the template leaves the patient's own weight target open
    plans.save_plan(ws, team["gp"], draft, started.version)
    code, out, err = carecoord(
        ws, monkeypatch, capsys, "nurse.user", "plans", "check", "--patient", patient.practice_id,
        "--pack", "ccm",
    )  # fmt: skip
    assert code == 0, out + err
    assert "9 of 9 elements present" in out and "missing" not in out


def test_export_fhir_writes_the_bundle_and_respects_the_role(
    ws, admin, tmp_path, monkeypatch, capsys, patient, started
):
    out_file = tmp_path / "plan.json"
    code, said, err = carecoord(
        ws, monkeypatch, capsys, "coordinator.user", "export", "fhir", "--patient",
        patient.practice_id, "--out", str(out_file),
    )  # fmt: skip
    assert code == 0, err
    assert "FHIR R4 Bundle" in said
    assert json.loads(out_file.read_text())["resourceType"] == "Bundle"
    events, _ = audit.list_events(ws, admin, action=AuditAction.EXPORT.value)
    assert events[0].actor_name.startswith("Coordinator User")
    refused = tmp_path / "refused.json"
    code, _out, err = carecoord(
        ws, monkeypatch, capsys, "reception.user", "export", "fhir", "--patient",
        patient.practice_id, "--out", str(refused),
    )  # fmt: skip
    assert code != 0 and "export patient data" in err and not refused.exists()


def test_plans_check_without_a_plan_says_so(ws, team, monkeypatch, capsys, patient):
    code, out, err = carecoord(
        ws, monkeypatch, capsys, "nurse.user", "plans", "check", "--patient", patient.practice_id
    )
    assert code == 2 and "no care plan yet" in err and out == ""
