"""The medication card and the reconciliation record, read back as text; printing is audited;
who may print what."""

from __future__ import annotations

import io
import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import text

from carecoord_desktop.errors import PermissionDeniedError
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import medications as meds
from carecoord_desktop.services import settings
from carecoord_desktop.services.medications import printing
from carecoord_desktop.services.medications.types import MedicineDraft, SourceInput
from carecoord_desktop.services.patients import lists as patient_lists
from carecoord_desktop.services.patients.types import AllergyDraft, HospitalEventDraft


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(p.extract_text() for p in reader.pages)


def squeeze(value: str) -> str:
    return " ".join(value.split())


def keep(name: str, data: bytes) -> None:
    """Save a document for a person to look at, when CARECOORD_SHOTS names a folder."""
    folder = os.environ.get("CARECOORD_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / name).write_bytes(data)


@pytest.fixture
def signed(ws, admin, pid, team):
    s = settings.load(ws)
    settings.update(ws, admin, version=s.version, practice_phone="(03) 9555 0100")
    patient_lists.add_allergy(ws, admin, pid, AllergyDraft("Penicillin", "Rash", "mild"))
    today = date.today()
    patient_lists.add_hospital_event(
        ws,
        admin,
        pid,
        HospitalEventDraft(
            kind="admission",
            start_date=today - timedelta(days=8),
            end_date=today - timedelta(days=3),
            facility="Royal Melbourne",
        ),
    )
    for line in (
        "Lasix 40mg mane",
        "metformin 500mg bd",
        "ibuprofen 400 mg tds",
        "Swisse Ultiboost Liver Detox 1 tab daily",
    ):
        meds.add_medicine(ws, admin, pid, MedicineDraft(line))
    discharge = (
        "Furosemide 80 mg mane\nMetformin 500 mg bd\nParacetamol 1 g qid prn pain\n"
        "Atorvastatin 40 mg nocte"
    )
    nurse = team[Role.NURSE]
    view = meds.start_reconciliation(
        ws, nurse, pid, [SourceInput("new", "Discharge summary, Royal Melbourne", text=discharge)]
    ).value
    for item in view.items:
        decision, reason = {
            "dose_changed": ("change", "dose up for oedema"),
            "unchanged": ("continue", None),
            "new": ("new", None),
        }.get(item.status, ("stop", "stopped in hospital: kidney function"))
        view = meds.decide(
            ws, nurse, view.id, item.id, decision, reason=reason, version=view.version
        ).value
    return meds.sign_off(
        ws, team[Role.GP], view.id, version=view.version, note="Seen in clinic"
    ).value


def test_the_card_says_what_to_take_when_what_stopped_and_why(ws, admin, pid, signed):
    data = printing.medication_card(ws, admin, pid)
    keep("medication_card.pdf", data)
    pages, body = pdf_text(data)
    flat = squeeze(body)
    assert "My medicines" in flat and "QUILL, Ada" in flat and "P000001" in flat
    for heading in ("Morning", "Midday", "Evening", "Bedtime"):
        assert heading in flat
    assert "Furosemide" in flat and "80 mg" in flat
    assert "Only when you need it" in flat and "Paracetamol" in flat
    assert "Stopped: do not take these any more" in flat
    assert "Ibuprofen" in flat and "kidney function" in flat
    assert "Penicillin (Rash)" in flat
    assert "(03) 9555 0100" in flat and "Checked by Greg Lee" in flat
    assert f"Page 1 of {pages}" in flat


def test_the_record_says_what_changed_why_who_decided_and_signed(ws, admin, pid, signed):
    data = printing.reconciliation_record(ws, admin, pid)
    keep("reconciliation_record.pdf", data)
    pages, body = pdf_text(data)
    flat = squeeze(body)
    assert "Medication reconciliation record" in flat and "Signed off" in flat
    assert "Discharge summary, Royal Melbourne" in flat and "Admission" in flat
    assert "Lasix 40mg mane" in flat and "Furosemide 80 mg mane" in flat
    assert "dose up for oedema" in flat and "Nina Zhang" in flat
    assert "Signed off by Greg Lee" in flat and "Seen in clinic" in flat
    # Every date on the record reads one way, as the sign-off's does ("1 Dec 2026"), not 01/12.
    assert not re.search(r"\b\d{2}/\d{2}/\d{4}\b", flat)
    assert f"Nina Zhang (practice nurse), {printing.day(date.today())}" in flat
    assert "not recognised: no checks run" in flat  # the liver detox
    assert f"Page {pages} of {pages}" in flat


def test_printing_is_audited_with_ids_and_counts_only(ws, admin, pid, signed):
    with ws.engine.connect() as conn:
        since = conn.execute(text("SELECT max(id) FROM audit_event")).scalar()
    printing.medication_card(ws, admin, pid)
    printing.reconciliation_record(ws, admin, pid, signed.id)
    with ws.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT action, record_type, record_id, patient_id, detail "
                "FROM audit_event WHERE id > :s"
            ),
            {"s": since},
        ).all()
    assert [(r.action, r.record_type) for r in rows] == [
        ("print", "medication_card"),
        ("print", "med_reconciliation"),
    ]
    assert rows[1].record_id == str(signed.id) and all(r.patient_id == pid for r in rows)
    assert "furosemide" not in " ".join(r.detail for r in rows).lower()


def test_reception_prints_the_card_but_not_the_clinical_record(ws, admin, pid, signed, team):
    reception = team[Role.RECEPTION]
    assert pdf_text(printing.medication_card(ws, reception, pid))[0] >= 1
    with pytest.raises(PermissionDeniedError):
        printing.reconciliation_record(ws, reception, pid)


def test_an_empty_list_still_prints_a_card_that_says_so(ws, admin, pid):
    _, body = pdf_text(printing.medication_card(ws, admin, pid))
    assert "no medicines on the practice's list" in squeeze(body)


def test_fhir_export_gives_medication_statements_as_written_and_is_audited(ws, admin, pid, team):
    import json

    meds.add_medicine(ws, admin, pid, MedicineDraft("Lasix 40mg mane", indication="oedema"))
    row = meds.add_medicine(ws, admin, pid, MedicineDraft("Swisse Ultiboost Liver Detox")).value
    meds.stop_medicine(ws, admin, row.id, reason="no benefit", version=row.version)
    from carecoord_desktop.services.medications.export import export_fhir

    bundle = json.loads(export_fhir(ws, admin, pid))
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    patient, *statements = [e["resource"] for e in bundle["entry"]]
    assert patient["identifier"][0]["value"] == "P000001"
    by_text = {s["medicationCodeableConcept"]["text"]: s for s in statements}
    lasix = by_text["Lasix 40mg mane"]
    assert lasix["status"] == "active" and lasix["reasonCode"][0]["text"] == "oedema"
    assert lasix["subject"]["reference"] == bundle["entry"][0]["fullUrl"]
    fish = by_text["Swisse Ultiboost Liver Detox"]
    assert fish["status"] == "stopped" and fish["statusReason"][0]["text"] == "no benefit"
    assert fish["note"][0]["text"] == "not recognised: no checks run"
    with pytest.raises(PermissionDeniedError):
        export_fhir(ws, team[Role.RECEPTION], pid)
    with ws.engine.connect() as conn:
        last = conn.execute(
            text("SELECT action, detail FROM audit_event ORDER BY id DESC LIMIT 2")
        ).all()
    assert ("export", "FHIR MedicationStatements: 2 medicines") in [tuple(r) for r in last]


def test_the_card_names_each_medicine_once_in_plain_brackets_and_bd_is_the_evening(ws, admin, pid):
    for line in (
        "Lasix 40mg mane",
        "Frusemide 20 mg nocte",
        "metformin 500mg bd",
        "Panadeine Forte 2 tabs qid prn pain",
    ):
        meds.add_medicine(ws, admin, pid, MedicineDraft(line))
    with ws.session() as session:
        card = {m.name: m for m in printing.card_data(session, pid).medicines}
    assert set(card) == {
        "Lasix (furosemide/frusemide) 40 mg",  # not "Lasix (furosemide (frusemide)) 40 mg"
        "Frusemide 20 mg",  # its other name is the ingredient already
        "Metformin 500 mg",
        "Panadeine Forte (paracetamol + codeine)",
    }
    assert card["Metformin 500 mg"].times == ("morning", "evening")
    flat = squeeze(pdf_text(printing.medication_card(ws, admin, pid))[1])
    assert "((" not in flat and "))" not in flat
    assert "Lasix (furosemide/frusemide) 40 mg" in flat
