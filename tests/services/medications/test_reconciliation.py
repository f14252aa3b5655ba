"""A reconciliation from start to sign-off: matching, decisions, the list replaced in one
transaction, stale saves refused, roles, bad input."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from carecoord_desktop.errors import PermissionDeniedError, StaleEditError, ValidationError
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import medications as meds
from carecoord_desktop.services import settings
from carecoord_desktop.services.changes import Kind
from carecoord_desktop.services.medications import medicines as medicine_rows
from carecoord_desktop.services.medications.types import NOT_RECOGNISED, MedicineDraft, SourceInput
from carecoord_desktop.services.patients import lists as patient_lists
from carecoord_desktop.services.patients.types import HospitalEventDraft
from carecoord_desktop.store import keystore
from carecoord_desktop.store.workspace import Workspace

CURRENT = (
    "Lasix 40mg mane",
    "metformin 500mg bd",
    "atorvastatin 40 mg nocte",
    "Blackmores fish oil 1000 mg daily",
)
DISCHARGE = "\n".join(
    [
        "Furosemide 80 mg mane",  # dose changed
        "Metformin 500 mg bd",  # unchanged
        "Methotrexate 10 mg weekly",  # new
        "Naproxen 500 mg bd",  # new, interacts with methotrexate
        "Herbal sleep tonic 5 mL nocte",  # not recognised
    ]
)


@pytest.fixture
def current(ws, admin, pid):
    return [meds.add_medicine(ws, admin, pid, MedicineDraft(x)).value for x in CURRENT]


@pytest.fixture
def admission(ws, admin, pid):
    today = date.today()
    draft = HospitalEventDraft(
        kind="admission",
        start_date=today - timedelta(days=9),
        end_date=today - timedelta(days=2),
        facility="Royal Melbourne",
    )
    return patient_lists.add_hospital_event(ws, admin, pid, draft).value


def start(ws, actor, pid, **kw):
    return meds.start_reconciliation(
        ws, actor, pid, [SourceInput("new", "Discharge summary", text=DISCHARGE)], **kw
    ).value


def row_for(view, word):
    return next(i for i in view.items if any(word.lower() in ln.written.lower() for ln in i.lines))


def decide_all(ws, actor, view):
    reasons = {"stop": "not needed", "change": "per discharge", "clarify": "ask"}
    plan = {"unchanged": "continue", "dose_changed": "change", "new": "new", "omitted": "continue"}
    for item in view.items:
        decision = plan.get(item.status, "continue")
        if item.new and not item.new.recognised and item.current is None:
            decision = "new"
        view = meds.decide(
            ws,
            actor,
            view.id,
            item.id,
            decision,
            reason=reasons.get(decision) or ("still taking" if item.status == "omitted" else None),
            version=view.version,
        ).value
    return view


def test_the_lists_are_matched_side_by_side_with_statuses_and_flags(
    ws, admin, pid, current, admission
):
    view = start(ws, admin, pid)
    assert [s.kind for s in view.sources] == ["current", "new"]
    assert view.transition.startswith("Admission") and view.hospital_event_id == admission.id
    furosemide = row_for(view, "lasix")
    assert furosemide.new.written == "Furosemide 80 mg mane" and furosemide.status == "dose_changed"
    assert row_for(view, "metformin").status == "unchanged"
    assert row_for(view, "methotrexate").status == "new"
    assert row_for(view, "fish oil").status == "omitted"
    tonic = row_for(view, "tonic")
    assert tonic.new.written == "Herbal sleep tonic 5 mL nocte"
    assert tonic.new.recognised_as == NOT_RECOGNISED
    kinds = {f.kind for f in view.flags}
    assert {"interaction", "unrecognised", "dose_changed", "omitted"} <= kinds
    assert view.undecided == len(view.items) and view.state == "open"


def test_sign_off_makes_the_reconciled_list_current_in_one_go(
    ws, admin, pid, current, admission, team
):
    nurse, gp = team[Role.NURSE], team[Role.GP]
    view = start(ws, nurse, pid)
    view = decide_all(ws, nurse, view)
    fish = row_for(view, "fish oil")
    view = meds.decide(
        ws,
        nurse,
        view.id,
        fish.id,
        "stop",
        reason="not on discharge list; patient stopped",
        version=view.version,
    ).value
    view = meds.submit_for_signoff(ws, nurse, view.id, version=view.version).value
    assert view.state == "awaiting_signoff"
    with ws.session() as session:
        waiting = meds.awaiting_signoff(session)
    assert [(w.patient_id, w.session_id) for w in waiting] == [(pid, view.id)]
    out = meds.sign_off(ws, gp, view.id, version=view.version, note="Reviewed with patient")
    assert out.value.state == "signed" and "Greg Lee" in out.value.signed_by_name
    assert out.changes.touches({Kind.MEDICINES}, pid) and out.changes.touches({Kind.HOSPITAL}, pid)
    listed = meds.list_medicines(ws, admin, pid)
    active = {m.written for m in listed.active}
    assert active == {
        "Furosemide 80 mg mane",
        "metformin 500mg bd",
        "atorvastatin 40 mg nocte",
        "Methotrexate 10 mg weekly",
        "Naproxen 500 mg bd",
        "Herbal sleep tonic 5 mL nocte",
    }
    stopped = listed.stopped
    assert [m.written for m in stopped] == ["Blackmores fish oil 1000 mg daily"]
    assert stopped[0].stop_reason.startswith("not on discharge list")
    # The unrecognised medicine is on the list exactly as written, still marked.
    tonic = next(m for m in listed.active if "tonic" in m.written)
    assert tonic.recognised_as == NOT_RECOGNISED
    # What changed and why, and the date against the hospital stay.
    summary = out.value.summary
    assert {e["decision"] for e in summary} >= {"change", "new", "stop", "continue"}
    lasix = next(e for e in summary if e["before"] == "Lasix 40mg mane")
    assert lasix["after"] == "Furosemide 80 mg mane" and lasix["reason"] == "per discharge"
    with ws.session() as session:
        assert meds.awaiting_signoff(session) == []
    from carecoord_desktop.services.patients import record as patients

    event = patients.get_record(ws, admin, pid).hospital_events[0]
    assert event.medicines_reconciled_on == date.today()
    history = meds.medicine_history(ws, admin, pid)
    # One change per decided row that changed the list (1 change, 3 new, 1 stop), then the four
    # medicines added by hand before.
    assert [h.reconciliation_id for h in history] == [view.id] * 5 + [None] * 4
    assert sorted(h.action for h in history[:5]) == ["added"] * 3 + ["changed", "stopped"]


def test_a_failure_half_way_through_sign_off_leaves_the_old_list(
    ws, admin, pid, current, team, monkeypatch
):
    view = decide_all(ws, admin, start(ws, admin, pid))
    before = meds.list_medicines(ws, admin, pid).medicines
    calls = []
    real = medicine_rows.add_row

    def failing_add(*args, **kw):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(*args, **kw)

    monkeypatch.setattr(medicine_rows, "add_row", failing_add)
    with pytest.raises(OSError):
        meds.sign_off(ws, team[Role.GP], view.id, version=view.version)
    assert len(calls) == 2  # the first new medicine was written in the transaction, then it failed
    monkeypatch.undo()
    assert meds.list_medicines(ws, admin, pid).medicines == before
    again = meds.get_reconciliation(ws, admin, view.id)
    assert again.state == "open" and again.version == view.version
    # And it can be signed once the problem is gone.
    assert meds.sign_off(ws, team[Role.GP], view.id, version=view.version).value.state == "signed"


@pytest.fixture
def second(ws):
    other = Workspace.open(ws.folder, key=keystore.load_key(ws.id))
    yield other
    other.close()


def test_two_people_on_one_session_cannot_overwrite_each_other(
    ws, second, admin, pid, current, team
):
    view = start(ws, team[Role.NURSE], pid)
    mine = row_for(view, "metformin")
    meds.decide(ws, team[Role.NURSE], view.id, mine.id, "continue", version=view.version)
    with pytest.raises(StaleEditError, match="Nina Zhang") as err:
        meds.decide(
            second,
            team[Role.COORDINATOR],
            view.id,
            mine.id,
            "stop",
            reason="x",
            version=view.version,
        )
    assert "this reconciliation" in str(err.value)
    assert row_for(meds.get_reconciliation(ws, admin, view.id), "metformin").decision == "continue"


def test_sign_off_is_refused_when_the_current_list_changed_meanwhile(ws, admin, pid, current, team):
    view = decide_all(ws, admin, start(ws, admin, pid))
    atorva = current[2]
    meds.change_medicine(
        ws,
        team[Role.COORDINATOR],
        atorva.id,
        MedicineDraft("atorvastatin 80 mg nocte"),
        version=atorva.version,
    )
    with pytest.raises(StaleEditError, match="Match again"):
        meds.sign_off(ws, team[Role.GP], view.id, version=view.version)
    assert meds.get_reconciliation(ws, admin, view.id).state == "open"
    view = meds.rematch(ws, admin, view.id, version=view.version).value
    assert row_for(view, "atorvastatin").current.written == "atorvastatin 80 mg nocte"


def test_only_a_gp_signs_unless_the_practice_lets_nurses(ws, admin, pid, current, team):
    view = decide_all(ws, admin, start(ws, admin, pid))
    for role in (Role.NURSE, Role.COORDINATOR, Role.RECEPTION):
        with pytest.raises(PermissionDeniedError):
            meds.sign_off(ws, team[role], view.id, version=view.version)
    assert not meds.may_sign(ws, team[Role.NURSE]) and meds.may_sign(ws, team[Role.GP])
    s = settings.load(ws)
    settings.update(ws, admin, version=s.version, nurses_sign_reconciliation=True)
    assert meds.may_sign(ws, team[Role.NURSE])
    assert (
        meds.sign_off(ws, team[Role.NURSE], view.id, version=view.version).value.state == "signed"
    )


def test_reception_cannot_see_or_prepare_a_reconciliation(ws, admin, pid, current, team):
    reception = team[Role.RECEPTION]
    with pytest.raises(PermissionDeniedError):
        start(ws, reception, pid)
    view = start(ws, admin, pid)
    with pytest.raises(PermissionDeniedError):
        meds.get_reconciliation(ws, reception, view.id)
    with pytest.raises(PermissionDeniedError):
        meds.decide(ws, reception, view.id, view.items[0].id, "continue", version=view.version)


def test_sign_off_needs_every_row_decided(ws, admin, pid, current, team):
    view = start(ws, admin, pid)
    with pytest.raises(ValidationError, match="still need a decision"):
        meds.sign_off(ws, team[Role.GP], view.id, version=view.version)
    with pytest.raises(ValidationError, match="still need"):
        meds.submit_for_signoff(ws, admin, view.id, version=view.version)


@pytest.mark.parametrize(
    ("sources", "message"),
    [
        ([SourceInput("new", text="  \n \n")], "list is empty"),
        ([SourceInput("new", text="aspirin " + "x" * 300)], "too long"),
        ([SourceInput("current", text="aspirin")], "current list comes from"),
        ([SourceInput("sideways", text="aspirin")], "new orders or the patient"),
        ([SourceInput("new", text="a"), SourceInput("new", text="b")], "not two"),
        ([SourceInput("new")], "as text or as a FHIR file"),
        ([SourceInput("new", fhir=b"{not json")], "FHIR"),
        ([], "Add the list to compare"),
    ],
)
def test_bad_lists_get_a_clear_message_and_start_nothing(ws, admin, pid, sources, message):
    with pytest.raises(ValidationError, match=message):
        meds.start_reconciliation(ws, admin, pid, sources)
    assert meds.list_reconciliations(ws, admin, pid) == []


def test_decisions_need_reasons_where_it_matters(ws, admin, pid, current):
    view = start(ws, admin, pid)
    lasix = row_for(view, "lasix")
    with pytest.raises(ValidationError, match="reason"):
        meds.decide(ws, admin, view.id, lasix.id, "stop", version=view.version)
    with pytest.raises(ValidationError, match="already"):
        meds.decide(ws, admin, view.id, lasix.id, "new", version=view.version)
    fish = row_for(view, "fish oil")
    with pytest.raises(ValidationError, match="reason"):
        meds.decide(ws, admin, view.id, fish.id, "continue", version=view.version)
    with pytest.raises(ValidationError, match="Choose continue"):
        meds.decide(ws, admin, view.id, fish.id, "maybe", version=view.version)


def test_a_manual_match_overrides_the_automatic_one_and_survives_rematch(ws, admin, pid, current):
    view = start(ws, admin, pid)
    fish = row_for(view, "fish oil").current
    tonic = row_for(view, "tonic").new
    view = meds.match_lines(ws, admin, view.id, [fish.id, tonic.id], version=view.version).value
    matched = row_for(view, "fish oil")
    assert matched.new.id == tonic.id and matched.matched_by == "manual"
    view = meds.rematch(ws, admin, view.id, version=view.version).value
    assert row_for(view, "fish oil").new.id == tonic.id
    view = meds.separate_line(ws, admin, view.id, tonic.id, version=view.version).value
    assert row_for(view, "fish oil").new is None


def test_one_session_at_a_time_and_abandon_keeps_the_list(ws, admin, pid, current):
    view = start(ws, admin, pid)
    with pytest.raises(ValidationError, match="in progress"):
        start(ws, admin, pid)
    view = meds.abandon(
        ws, admin, view.id, reason="wrong patient's letter", version=view.version
    ).value
    assert view.state == "abandoned"
    assert [m.written for m in meds.list_medicines(ws, admin, pid).active] == list(CURRENT)
    assert start(ws, admin, pid).state == "open"


def test_audit_of_a_session_names_ids_never_medicines(ws, admin, pid, current, team):
    with ws.engine.connect() as conn:
        since = conn.execute(text("SELECT max(id) FROM audit_event")).scalar()
    view = decide_all(ws, admin, start(ws, admin, pid))
    meds.sign_off(ws, team[Role.GP], view.id, version=view.version)
    with ws.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT record_type, detail, patient_id FROM audit_event WHERE id > :s"),
            {"s": since},
        ).all()
    assert {r.record_type for r in rows} == {"med_reconciliation", "medication"}
    assert all(r.patient_id == pid for r in rows)
    blob = " ".join(r.detail for r in rows).lower()
    for word in ("lasix", "furosemide", "methotrexate", "naproxen", "tonic", "fish"):
        assert word not in blob
