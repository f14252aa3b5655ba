"""Reading medicines from FHIR R4: the four Synthea patients and the HL7 examples, checked
through the knowledge base the way a reconciliation uses them."""

import json
from datetime import date
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.medicationrequest import MedicationRequest

from carecoord_desktop.interop.fhir.medications import (
    UNNAMED,
    FhirReadError,
    read_medications,
)
from carecoord_desktop.knowledge.checks import check
from carecoord_desktop.knowledge.reconcile import SourceLine, Status, reconcile

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fhir"


def synthea(name: str) -> bytes:
    return (FIXTURES / "synthea-r4" / f"{name}.json").read_bytes()


def hl7(name: str) -> bytes:
    return (FIXTURES / "hl7-r4-examples" / f"{name}.json").read_bytes()


def active_check(name: str):
    """What a nurse sees for the patient's active orders: latest line per medicine, checked."""
    latest = {}
    for med in read_medications(synthea(name)):
        latest[med.text.lower()] = med
    current = [m for m in latest.values() if m.active]
    return current, check([m.line for m in current])


def _names(meds, indices):
    return sorted(meds[i].text for i in indices)


@pytest.mark.parametrize("name", ["Asa_Hermiston", "Austin_Spencer", "Beatrice_Aufderhar",
                                  "Buddy_MacGyver"])
def test_fixtures_are_valid_r4_and_every_order_is_read(name):
    data = synthea(name)
    bundle = Bundle.model_validate_json(data)  # the fixture is real R4 (fhir.resources R4B)
    requests = [e.resource for e in bundle.entry if isinstance(e.resource, MedicationRequest)]
    meds = read_medications(data)
    assert len(meds) == len(requests) > 0
    for med, req in zip(meds, requests, strict=True):
        assert med.text == req.medicationCodeableConcept.text
        assert med.status == req.status
        assert med.codings[0][1] == req.medicationCodeableConcept.coding[0].code


def test_buddy_macgyver_duplicate_furosemide():
    meds, result = active_check("Buddy_MacGyver")
    dups = [d for d in result.duplicates if d.kind == "ingredient"]
    assert [(d.name, _names(meds, d.indices)) for d in dups if "furosemide" in d.name] == [
        ("furosemide (frusemide)", ["10 ML Furosemide 10 MG/ML Injection", "Lasix 40mg"])]


def test_asa_hermiston_duplicate_nsaids_and_methotrexate_with_an_nsaid():
    meds, result = active_check("Asa_Hermiston")
    dup = next(d for d in result.duplicates if d.kind == "ingredient")
    assert dup.name == "naproxen"
    assert _names(meds, dup.indices) == ["Naproxen 500 MG Oral Tablet",
                                         "Naproxen sodium 220 MG Oral Tablet"]
    mtx = [f for f in result.interactions if "methotrexate" in f.ingredients]
    assert len(mtx) == 2  # with each naproxen product
    assert {f.rule_id for f in mtx} == {"methotrexate-nsaid"}
    assert all(f.severity == "major" for f in mtx)


def test_austin_spencer_verapamil_simvastatin_and_digoxin_verapamil():
    meds, result = active_check("Austin_Spencer")
    by_rule = {f.rule_id: f for f in result.interactions}
    simva = by_rule["simvastatin-verapamil-diltiazem"]
    assert _names(meds, simva.indices) == ["Simvistatin 10 MG", "Verapamil Hydrochloride 40 MG"]
    digoxin = by_rule["digoxin-verapamil"]
    assert _names(meds, digoxin.indices) == ["Digoxin 0.125 MG Oral Tablet",
                                             "Verapamil Hydrochloride 40 MG"]
    # the misspelt "Simvistatin" is recognised fuzzily and says so
    simv = next(m for m in result.medicines if m.text.startswith("Simvistatin"))
    assert simv.how == "fuzzy" and simv.ingredients == ("simvastatin",)


def test_beatrice_aufderhar_simvastatin_with_amlodipine():
    _meds, result = active_check("Beatrice_Aufderhar")
    rule = next(f for f in result.interactions if f.rule_id == "simvastatin-amlodipine")
    assert rule.severity == "moderate" and "20 mg" in rule.advice


def test_fhir_history_through_the_reconciliation_engine():
    """Austin's yearly simvastatin orders: earlier ones stopped, the latest active."""
    meds = read_medications(synthea("Austin_Spencer"))
    latest = {}
    for i, med in enumerate(meds):
        latest[med.text.lower()] = (i, med)
    lines = [SourceLine(f"f{i}", m.line, stopped=not m.active, reason=m.reason)
             for i, m in sorted(latest.values())]
    current = [SourceLine("c0", "simvastatin 10mg daily"), SourceLine("c1", "Isoptin 40mg")]
    result = reconcile(current, lines)
    rows = {(r.new or r.current).text: r for r in result.rows}
    assert rows["Simvistatin 10 MG 1 daily"].status == Status.UNCHANGED
    assert rows["Penicillin V Potassium 500 MG Oral Tablet"].status == Status.STOPPED
    assert rows["Verapamil Hydrochloride 40 MG"].current.key == "c1"
    assert any(f.kind == "interaction" and "Digoxin" in f.text for f in result.flags)


def test_dosage_dates_prescriber_and_indication():
    meds = read_medications(synthea("Beatrice_Aufderhar"))
    lasix = next(m for m in meds if m.text == "Lasix 40mg")
    assert lasix.dosage_text == "1 daily"
    assert lasix.line == "Lasix 40mg 1 daily"
    assert lasix.started == date(2012, 6, 17)
    assert lasix.indication == "Chronic congestive heart failure (disorder)"
    assert lasix.prescriber.startswith("Dr. ")
    assert lasix.active and lasix.resource_type == "MedicationRequest"


def test_contained_medication_and_dosage_text_in_hl7_examples():
    [azithro] = read_medications(hl7("MedicationRequest-medrx0302"))
    assert azithro.text == "Azithromycin 250mg capsule (product)"
    assert azithro.codings[0][0] == "http://snomed.info/sct"
    assert azithro.prescriber == "Patrick Pump"
    assert azithro.indication == "Traveller's Diarrhea (disorder)"
    [tylenol] = read_medications(hl7("MedicationStatement-example001"))
    assert tylenol.text == "Tylenol PM" and tylenol.started == date(2015, 1, 23)
    assert "as needed" in tylenol.dosage_text
    [pink] = read_medications(hl7("MedicationStatement-example003"))
    assert pink.text == "Little Pink Pill for water retention"
    assert not check([pink.line]).medicines[0].recognised  # kept as written, not guessed


def test_structured_dosage_without_text_is_put_into_words():
    res = {"resourceType": "MedicationStatement", "id": "x", "status": "stopped",
           "statusReason": [{"text": "GI bleed"}],
           "medicationCodeableConcept": {"coding": [{"display": "Aspirin 100 MG"}]},
           "effectivePeriod": {"start": "2024-01", "end": "2024-03-05"},
           "dosage": [{"timing": {"repeat": {"frequency": 2, "period": 1, "periodUnit": "d"}},
                       "doseAndRate": [{"doseQuantity": {"value": 1, "unit": "tab"}}],
                       "asNeededCodeableConcept": {"text": "pain"}}]}
    [med] = read_medications(json.dumps(res))
    assert med.text == "Aspirin 100 MG"  # display used when there is no text
    assert med.dosage_text == "1 tab bd prn pain"
    assert med.started == date(2024, 1, 1) and med.ended == date(2024, 3, 5)
    assert not med.active and med.reason == "GI bleed"


def test_a_medicine_without_any_name_is_still_returned():
    res = {"resourceType": "MedicationRequest", "status": "active", "intent": "order",
           "medicationReference": {"reference": "#missing"}}
    [med] = read_medications(res)
    assert med.text == UNNAMED and med.active


@pytest.mark.parametrize(("data", "message"), [
    (b"\xff\xfe\x00garbage", "not text"),
    (b"{not json", "not valid JSON"),
    (b"[1, 2]", "not a FHIR resource"),
    (b'{"a": 1}', "no resourceType"),
    (b'{"resourceType": "Patient", "id": "p"}', "FHIR Patient, not a medication list"),
])
def test_files_that_are_not_medication_lists_get_a_clear_message(data, message):
    with pytest.raises(FhirReadError, match=message):
        read_medications(data)


def test_a_bundle_without_medicines_reads_as_empty():
    assert read_medications({"resourceType": "Bundle", "type": "collection", "entry": []}) == []
