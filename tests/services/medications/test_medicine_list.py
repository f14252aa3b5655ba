"""The current medicine list: read lines as written, recognised or not, add/change/stop with
history, stale saves refused, roles, audit with ids only."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from carecoord_desktop.errors import PermissionDeniedError, StaleEditError, ValidationError
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import medications as meds
from carecoord_desktop.services.changes import Kind
from carecoord_desktop.services.medications.types import NOT_RECOGNISED, MedicineDraft


def audit_rows(ws, since=0):
    with ws.engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT action, patient_id, record_type, record_id, detail FROM audit_event "
                "WHERE id > :since ORDER BY id"
            ),
            {"since": since},
        ).all()


def last_audit_id(ws):
    with ws.engine.connect() as conn:
        return conn.execute(text("SELECT max(id) FROM audit_event")).scalar()


def test_a_line_is_read_recognised_and_kept_as_written(ws, admin, pid):
    out = meds.add_medicine(ws, admin, pid, MedicineDraft("Lasix 40mg 1 tab mane"))
    row = out.value
    assert row.written == "Lasix 40mg 1 tab mane"
    assert row.ingredients == ("furosemide",)
    assert row.strength == "40 mg"
    assert row.times_of_day == ("morning",)
    assert out.changes.touches({Kind.MEDICINES}, pid)


def test_an_unknown_medicine_is_kept_exactly_and_marked_not_recognised(ws, admin, pid):
    row = meds.add_medicine(
        ws, admin, pid, MedicineDraft("Nature Kalm Essence 10 drops nocte")
    ).value
    assert row.written == "Nature Kalm Essence 10 drops nocte"
    assert row.ingredients == () and not row.recognised
    assert row.recognised_as == NOT_RECOGNISED
    listed = meds.list_medicines(ws, admin, pid)
    assert [m.written for m in listed.active] == ["Nature Kalm Essence 10 drops nocte"]
    assert any(f.kind == "unrecognised" and NOT_RECOGNISED in f.text for f in listed.flags)


def test_the_list_flags_duplicates_and_interactions(ws, admin, pid):
    for line in (
        "Lasix 40mg mane",
        "furosemide 20 mg nocte",
        "methotrexate 10 mg weekly",
        "Naproxen 500 mg bd",
    ):
        meds.add_medicine(ws, admin, pid, MedicineDraft(line))
    flags = meds.list_medicines(ws, admin, pid).flags
    kinds = {f.kind for f in flags}
    assert "ingredient_duplicate" in kinds and "interaction" in kinds
    inter = next(f for f in flags if f.kind == "interaction")
    assert "Methotrexate" in inter.text and inter.severity == "major"


def test_change_and_stop_keep_a_history_of_who_what_and_why(ws, admin, pid, team):
    nurse = team[Role.NURSE]
    row = meds.add_medicine(ws, nurse, pid, MedicineDraft("metformin 500mg 1 tab bd")).value
    changed = meds.change_medicine(
        ws,
        nurse,
        row.id,
        MedicineDraft("metformin 1000mg 1 tab bd"),
        version=row.version,
        reason="HbA1c up",
    ).value
    assert changed.strength == "1000 mg" and changed.version > row.version
    stopped = meds.stop_medicine(
        ws, nurse, row.id, reason="eGFR below 30", version=changed.version
    ).value
    assert stopped.status == "stopped" and stopped.stop_reason == "eGFR below 30"
    history = meds.medicine_history(ws, admin, pid, medication_id=row.id)
    assert [h.action for h in history] == ["stopped", "changed", "added"]
    assert history[1].before["strength"] == "500 mg" and history[1].after["strength"] == "1000 mg"
    assert history[1].reason == "HbA1c up" and "Nina Zhang" in history[1].actor_name
    # The list shows it stopped, still there; active ones first.
    listed = meds.list_medicines(ws, admin, pid)
    assert listed.stopped[0].id == row.id and listed.active == []


def test_a_stale_save_is_refused_and_names_who_changed_it(ws, admin, pid, team):
    row = meds.add_medicine(ws, admin, pid, MedicineDraft("atorvastatin 40 mg nocte")).value
    meds.change_medicine(
        ws, team[Role.GP], row.id, MedicineDraft("atorvastatin 80 mg nocte"), version=row.version
    )
    with pytest.raises(StaleEditError, match="Greg Lee") as err:
        meds.change_medicine(
            ws,
            team[Role.NURSE],
            row.id,
            MedicineDraft("atorvastatin 20 mg nocte"),
            version=row.version,
        )
    assert "this medicine" in str(err.value)
    assert meds.list_medicines(ws, admin, pid).active[0].strength == "80 mg"


def test_reception_reads_the_list_but_cannot_change_it(ws, admin, pid, team):
    reception = team[Role.RECEPTION]
    row = meds.add_medicine(ws, admin, pid, MedicineDraft("paracetamol 1 g qid prn")).value
    assert meds.list_medicines(ws, reception, pid).active[0].id == row.id
    with pytest.raises(PermissionDeniedError):
        meds.add_medicine(ws, reception, pid, MedicineDraft("aspirin 100 mg daily"))
    with pytest.raises(PermissionDeniedError):
        meds.stop_medicine(ws, reception, row.id, reason="x", version=row.version)
    with pytest.raises(PermissionDeniedError):
        meds.medicine_history(ws, reception, pid)
    coordinator = team[Role.COORDINATOR]
    assert meds.add_medicine(ws, coordinator, pid, MedicineDraft("aspirin 100 mg daily")).value


@pytest.mark.parametrize(
    ("draft", "kwargs", "message"),
    [
        (MedicineDraft(""), {}, "Enter the medicine as written"),
        (MedicineDraft("x" * 301), {}, "too long"),
        (MedicineDraft("aspirin", times_of_day=("lunchtime",)), {}, "Times of day"),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(ws, admin, pid, draft, kwargs, message):
    with pytest.raises(ValidationError, match=message):
        meds.add_medicine(ws, admin, pid, draft, **kwargs)
    assert meds.list_medicines(ws, admin, pid).medicines == []


def test_stopping_needs_a_reason(ws, admin, pid):
    row = meds.add_medicine(ws, admin, pid, MedicineDraft("aspirin 100 mg daily")).value
    with pytest.raises(ValidationError, match="why"):
        meds.stop_medicine(ws, admin, row.id, reason="  ", version=row.version)


def test_audit_rows_carry_ids_and_field_names_never_drug_names(ws, admin, pid):
    since = last_audit_id(ws)
    row = meds.add_medicine(ws, admin, pid, MedicineDraft("Lasix 40mg mane")).value
    meds.change_medicine(ws, admin, row.id, MedicineDraft("Lasix 80mg mane"), version=row.version)
    meds.list_medicines(ws, admin, pid)
    rows = audit_rows(ws, since)
    assert [(r.action, r.record_type) for r in rows] == [
        ("create", "medication"),
        ("update", "medication"),
        ("view", "medication"),
    ]
    assert all(r.patient_id == pid for r in rows)
    assert rows[1].detail.startswith("changed: ") and "strength" in rows[1].detail
    text_of_all = " ".join(r.detail for r in rows).lower()
    assert (
        "lasix" not in text_of_all and "furosemide" not in text_of_all and "80" not in text_of_all
    )


def test_a_merge_moves_the_medicines_their_history_and_reconciliations(ws, admin, pid):
    from datetime import date

    from carecoord_desktop.services.medications.types import SourceInput
    from carecoord_desktop.services.patients import record as patients
    from carecoord_desktop.services.patients.types import PatientDraft

    other = patients.create_patient(
        ws,
        admin,
        PatientDraft(given_name="Ada", family_name="Quil", date_of_birth=date(1948, 3, 9)),
        confirm_duplicates=True,
    ).value.id
    meds.add_medicine(ws, admin, other, MedicineDraft("Lasix 40mg mane"))
    rec = meds.start_reconciliation(ws, admin, other, [SourceInput("new", text="Lasix 80mg")])
    patients.merge_patients(ws, admin, pid, other)
    assert [m.written for m in meds.list_medicines(ws, admin, pid).active] == ["Lasix 40mg mane"]
    assert [h.action for h in meds.medicine_history(ws, admin, pid)] == ["added"]
    assert [r.id for r in meds.list_reconciliations(ws, admin, pid)] == [rec.value.id]
