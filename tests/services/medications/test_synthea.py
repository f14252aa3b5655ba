"""The four Synthea patients of ../shared/fhir-samples/synthea-r4 as real lists, imported through
the reconciliation's FHIR path into a real encrypted workspace: the app finds the duplicate
furosemide, the duplicate NSAIDs, methotrexate with an NSAID, verapamil with simvastatin and
digoxin with verapamil; signed off, the current list shows the same."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import medications as meds
from carecoord_desktop.services.medications.types import SourceInput
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients.types import PatientDraft

# The Synthea patients in ../shared beside the checkout; where it is not there (a machine with
# the repository alone), the copies trimmed to their medicines in tests/fixtures/fhir.
SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "fhir-samples" / "synthea-r4"
if not SAMPLES.is_dir():
    SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "fhir" / "synthea-r4"


def sample(prefix: str) -> bytes:
    [path] = SAMPLES.glob(f"{prefix}_*.json")
    return path.read_bytes()


def patient_from(ws, actor, data: bytes) -> int:
    bundle = json.loads(data)
    p = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    name = p["name"][0]
    draft = PatientDraft(
        given_name="".join(c for c in name["given"][0] if not c.isdigit()),
        family_name="".join(c for c in name["family"] if not c.isdigit()),
        date_of_birth=date.fromisoformat(p["birthDate"]),
    )
    return patients.create_patient(ws, actor, draft, confirm_duplicates=True).value.id


def imported(ws, actor, prefix: str):
    data = sample(prefix)
    pid = patient_from(ws, actor, data)
    view = meds.start_reconciliation(
        ws, actor, pid, [SourceInput("new", "Hospital record (FHIR)", fhir=data)]
    ).value
    return pid, view


def flags(view, kind):
    return [f for f in view.flags if f.kind == kind]


def texts_of(view, flag):
    by_id = {i.id: i for i in view.items}
    return [" ".join(ln.written for ln in by_id[i].lines).lower() for i in flag.item_ids]


def test_buddy_the_duplicate_furosemide(ws, team):
    _, view = imported(ws, team[Role.NURSE], "Buddy")
    dup = [f for f in flags(view, "ingredient_duplicate") if "furosemide" in f.text.lower()]
    assert dup, view.flags
    rows = texts_of(view, dup[0])
    assert any("lasix" in r for r in rows) and any("furosemide 10 mg/ml" in r for r in rows)


def test_asa_the_duplicate_nsaids_and_methotrexate_with_an_nsaid(ws, team):
    _, view = imported(ws, team[Role.NURSE], "Asa")
    dup = [
        f
        for f in flags(view, "ingredient_duplicate") + flags(view, "class_duplicate")
        if "naproxen" in " ".join(texts_of(view, f))
    ]
    assert dup, view.flags
    assert len(dup[0].item_ids) == 2
    inter = [f for f in flags(view, "interaction") if "methotrexate" in " ".join(texts_of(view, f))]
    assert inter and "naproxen" in " ".join(texts_of(view, inter[0]))
    assert inter[0].severity in ("major", "contraindicated")
    # The orders Synthea stopped years ago are history, not medicines to reconcile now.
    stopped = [i for i in view.items if i.status == "stopped"]
    assert all(i.new is not None and i.new.stopped for i in stopped)


def test_austin_verapamil_with_simvastatin_and_with_digoxin(ws, team):
    _, view = imported(ws, team[Role.NURSE], "Austin")
    pairs = [" | ".join(texts_of(view, f)) for f in flags(view, "interaction")]
    assert any("verapamil" in p and "simvistatin" in p for p in pairs), pairs
    assert any("verapamil" in p and "digoxin" in p for p in pairs), pairs
    # Ten yearly "Simvistatin 10 MG" orders are one medicine, not ten.
    assert sum(1 for i in view.items if "simvistatin" in i.new.written.lower()) == 1


def test_beatrice_is_imported_with_every_active_medicine(ws, team):
    _, view = imported(ws, team[Role.NURSE], "Beatrice")
    written = {i.new.written for i in view.items}
    assert "Lasix 40mg 1 daily" in written and "Clopidogrel 75 MG Oral Tablet" in written
    assert all(i.status in ("new", "stopped") for i in view.items)


def test_a_synthea_list_signed_off_becomes_the_current_list_with_the_same_checks(ws, team):
    nurse, gp = team[Role.NURSE], team[Role.GP]
    pid, view = imported(ws, nurse, "Austin")
    for item in view.items:
        decision = "stop" if item.status == "stopped" else "new"
        view = meds.decide(
            ws,
            nurse,
            view.id,
            item.id,
            decision,
            reason="ended in hospital" if decision == "stop" else None,
            version=view.version,
        ).value
    meds.sign_off(ws, gp, view.id, version=view.version)
    listed = meds.list_medicines(ws, gp, pid)
    assert any("Verapamil" in m.written for m in listed.active)
    inter = [f.text.lower() for f in listed.flags if f.kind == "interaction"]
    assert any("verapamil" in t and "digoxin" in t for t in inter)
    assert any("verapamil" in t and "simvistatin" in t for t in inter)


def test_a_file_about_someone_else_is_refused_and_starts_nothing(ws, team):
    nurse = team[Role.NURSE]
    buddy = patient_from(ws, nurse, sample("Buddy"))
    with pytest.raises(ValidationError) as refused:
        meds.start_reconciliation(ws, nurse, buddy, [SourceInput("new", fhir=sample("Asa"))])
    # The nurse reads whom the file is about and whom she has open, by name and birth date.
    assert str(refused.value) == (
        "Not added: this FHIR file is about Asa Hermiston, born 3 Mar 1971. This patient, "
        "Buddy MacGyver, was born 3 Jul 1915. Check that it is the right patient's file."
    )
    assert meds.list_reconciliations(ws, nurse, buddy) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"resourceType": "Patient", "id": "x"}', "not a medication list"),
        (b'{"resourceType": "Bundle", "type": "collection", "entry": []}', "no medicines"),
        (b"\xff\xfe\x00binary", "not text"),
    ],
)
def test_a_bad_fhir_file_gets_a_clear_message(ws, team, pid, data, message):
    with pytest.raises(ValidationError, match=message):
        meds.start_reconciliation(ws, team[Role.NURSE], pid, [SourceInput("new", fhir=data)])


def test_the_fhir_export_reads_back_through_the_import_as_the_same_list(ws, team):
    from carecoord_desktop.services.medications.export import export_fhir

    nurse, gp = team[Role.NURSE], team[Role.GP]
    pid, view = imported(ws, nurse, "Beatrice")
    for item in view.items:
        stop = item.status == "stopped"
        view = meds.decide(
            ws,
            nurse,
            view.id,
            item.id,
            "stop" if stop else "new",
            reason="ended" if stop else None,
            version=view.version,
        ).value
    meds.sign_off(ws, gp, view.id, version=view.version)
    exported = export_fhir(ws, nurse, pid, include_stopped=False)
    again = meds.start_reconciliation(ws, nurse, pid, [SourceInput("new", fhir=exported)]).value
    assert again.items and {i.status for i in again.items} == {"unchanged"}
    assert all(i.current.written == i.new.written for i in again.items)
