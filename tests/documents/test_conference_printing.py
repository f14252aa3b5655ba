"""The conference documents made from a real conference (held through the conference
services on a real encrypted workspace): what they print, who may print them, what the audit
log keeps (ids and page counts, never a name), and the sharing record of the summary."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

import conference_print_support as support
from carecoord_desktop.errors import PermissionDeniedError, ValidationError
from carecoord_desktop.models.audit import AuditEvent
from carecoord_desktop.models.referral import DocumentShare
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import permissions
from carecoord_desktop.services.changes import Kind
from carecoord_desktop.services.conferences import conferences, printing, rules
from carecoord_desktop.services.patients import lists as patient_lists
from carecoord_desktop.services.patients.types import ContactDraft

from .pdf_text import pages

team, patient, plan, providers = support.team, support.patient, support.plan, support.providers
held, upcoming = support.held, support.upcoming

PACK_FILE = (
    Path(__file__).resolve().parents[2]
    / "resources"
    / "conferences"
    / "packs"
    / "case_conference.json"
)


def _audit_rows(ws, conference_id: int) -> list[AuditEvent]:
    with ws.session() as session:
        return list(
            session.exec(
                select(AuditEvent)
                .where(AuditEvent.record_type == "conference")
                .where(AuditEvent.record_id == str(conference_id))
                .order_by(AuditEvent.id)
            )
        )


def _shares(ws, conference_id: int) -> list[DocumentShare]:
    with ws.session() as session:
        return list(
            session.exec(select(DocumentShare).where(DocumentShare.record_id == conference_id))
        )


def test_the_summary_of_a_held_conference_prints_every_rule_pack_element(ws, team, held):
    whole = " ".join(pages(printing.render_summary(ws, team["reception"], held.id)))
    element_names = [e["name"] for e in json.loads(PACK_FILE.read_text())["elements"]]
    check = rules.check_conference(ws, team["gp"], held.id)
    assert [e.name for e in check.elements] == element_names
    for e in check.elements:
        assert e.name in whole and e.detail in whole, e.key
    for p in held.participants:
        assert p.name in whole and p.discipline in whole
    assert f"{held.elapsed_minutes} minutes (20 to under 40 minutes: MBS item 739" in whole
    task = next(d for d in held.decisions if d.task_id)
    assert support.TASK_TEXT in whole and task.owner_name in whole
    assert f"Task {task.task_id} on the board" in whole
    assert f"{task.due_date.day} {task.due_date:%b %Y}" in whole
    assert support.PLAN_TEXT in whole and "Care plan version" in whole
    for item in held.agenda:
        assert item.minutes in whole
    assert "Page 1 of" in whole and held.practice_id in whole


def test_the_pack_prints_the_agenda_and_the_record(ws, team, upcoming):
    whole = " ".join(pages(printing.render_pack(ws, team["reception"], upcoming.id)))
    assert "Can I keep driving?" in whole
    assert "Type 2 diabetes mellitus" in whole and "Essential hypertension" in whole
    assert "Keep my sugars steady HbA1c 7 % or lower No readings yet" in whole
    assert "Not recorded yet: ask the patient before the conference" in whole
    for p in upcoming.participants:
        assert p.name in whole


def test_what_the_record_raised_since_the_agenda_was_made_is_on_the_pack(ws, team, upcoming):
    from carecoord_desktop.services.tasks import edit
    from carecoord_desktop.services.tasks.types import TaskDraft

    draft = TaskDraft(
        title="Chase the eye screening",
        patient_id=upcoming.patient_id,
        due_date=date.today() - timedelta(days=3),
        owner_role="nurse",
    )
    edit.create_task(ws, team["nurse"], draft)
    whole = " ".join(pages(printing.render_pack(ws, team["coordinator"], upcoming.id)))
    assert "Chase the eye screening" in whole and "(new in the record)" in whole
    assert "Practice nurses' queue" in whole  # the overdue task's owner, in the extract


def test_making_and_printing_are_audited_with_ids_and_page_counts_only(ws, team, held):
    coord = team["coordinator"]
    pdf = printing.render_summary(ws, coord, held.id, purpose="file")
    n = len(pages(pdf))
    printing.record_output(ws, coord, held.id, "summary", n, "printed")
    printing.render_pack(ws, coord, held.id)
    printing.record_output(ws, coord, held.id, "pack", 2, "saved")
    rows = [
        r
        for r in _audit_rows(ws, held.id)
        if r.detail.startswith(("conference summary", "conference pack"))
    ]
    assert [(r.action, r.detail) for r in rows] == [
        ("export", f"conference summary PDF written to a file ({n} pages)"),
        ("print", f"conference summary printed ({n} pages)"),
        ("view", rows[2].detail),
        ("export", "conference pack saved (2 pages)"),
    ]
    assert rows[2].detail.startswith("conference pack PDF made for preview (")
    for r in _audit_rows(ws, held.id):
        assert "Nguyen" not in r.detail and "Mary" not in r.detail
    with pytest.raises(ValueError):
        printing.record_output(ws, coord, held.id, "summary", 1, "faxed")


def test_printing_needs_the_print_permission(ws, team, held, monkeypatch):
    reception = team["reception"]
    assert printing.render_summary(ws, reception, held.id).startswith(b"%PDF")
    without = permissions.ROLE_PERMISSIONS[Role.RECEPTION] - {permissions.Permission.PRINT_HANDOUTS}
    monkeypatch.setitem(permissions.ROLE_PERMISSIONS, Role.RECEPTION, without)
    before = len(_audit_rows(ws, held.id))
    for render in (printing.render_summary, printing.render_pack):
        with pytest.raises(PermissionDeniedError):
            render(ws, reception, held.id)
    with pytest.raises(PermissionDeniedError):
        printing.record_output(ws, reception, held.id, "summary", 1, "printed")
    assert len(_audit_rows(ws, held.id)) == before


def test_a_conference_of_another_patient_is_not_printed_by_mistake(ws, team, admin, held):
    from carecoord_desktop.services.patients import record as patients
    from carecoord_desktop.services.patients.types import PatientDraft

    other = patients.create_patient(
        ws, admin, PatientDraft(given_name="Ivy", family_name="Lam", date_of_birth=date(1960, 1, 2))
    ).value
    with pytest.raises(ValidationError, match="no care conference number"):
        printing.conference_for(ws, team["gp"], other.id, held.id)
    with pytest.raises(ValidationError, match="no care conferences yet"):
        printing.conference_for(ws, team["gp"], other.id, None)
    assert printing.conference_for(ws, team["gp"], held.patient_id, None) == held.id


def test_sharing_with_the_team_only_does_not_count_as_offered_to_the_patient(ws, team, held):
    coord = team["coordinator"]
    names = support.team_names(held)
    done = printing.share_summary(
        ws, coord, held.id, [(n, "secure_message") for n in names], date.today()
    )
    assert done.value.summary_offered_on is None
    assert done.changes.touches([Kind.CONFERENCES], held.patient_id)
    rows = _shares(ws, held.id)
    assert [(s.record_type, s.document, s.recipient, s.method) for s in rows] == [
        ("conference", "conference summary", n, "secure_message") for n in names
    ]
    check = rules.check_conference(ws, coord, held.id)
    assert not next(e for e in check.elements if e.key == "summary_offered").met


def test_sharing_with_the_patient_sets_offered_and_completes_the_check(ws, team, held):
    coord = team["coordinator"]
    recipients = [(held.patient_name, "by_hand")] + [(n, "email") for n in support.team_names(held)]
    done = printing.share_summary(ws, coord, held.id, recipients, date.today())
    assert done.value.summary_offered_on == date.today()
    assert rules.check_conference(ws, coord, held.id).complete
    shared = printing.shares_for_conference(ws, team["reception"], held.id)
    assert [s.recipient for s in shared] == [r for r, _ in recipients]
    whole = " ".join(pages(printing.render_summary(ws, coord, held.id)))
    assert f"{held.patient_name} By hand " in whole and "Given to the patient" not in whole
    assert "Every element is met." in whole
    (detail,) = [r.detail for r in _audit_rows(ws, held.id) if "shared" in r.detail]
    assert detail.startswith("conference summary shared: sharing records ")
    assert "offered to the patient" in detail and "Nguyen" not in detail


def test_a_carer_from_the_record_counts_as_offered(ws, team, admin, held):
    patient_lists.add_contact(
        ws, admin, held.patient_id, ContactDraft(name="Lily  Nguyen", is_carer=True)
    )
    done = printing.share_summary(
        ws, team["nurse"], held.id, [("lily nguyen", "post")], date.today()
    )
    assert done.value.summary_offered_on == date.today()


def test_a_recipient_marked_as_the_patient_counts_as_offered(ws, team, held):
    done = printing.share_summary(
        ws, team["gp"], held.id, [("Mrs N. (patient)", "by_hand")], date.today()
    )
    assert done.value.summary_offered_on == date.today()


@pytest.mark.parametrize(
    ("recipients", "on", "field"),
    [
        ([], 0, "recipients"),
        ([("  ", "email")], 0, "recipients"),
        ([("Priya Shah", "pigeon")], 0, "method"),
        ([("Priya Shah", "email")], 1, "on"),
        ([("x" * 121, "email")], 0, "recipients"),
        ([("Priya Shah", "email")], None, "on"),
    ],
)
def test_bad_sharing_is_refused_with_the_field_and_nothing_is_written(
    ws, team, held, recipients, on, field
):
    with pytest.raises(ValidationError) as caught:
        printing.share_summary(
            ws,
            team["coordinator"],
            held.id,
            recipients,
            None if on is None else date.today() + timedelta(days=on),
        )
    assert caught.value.field == field
    assert _shares(ws, held.id) == []


def test_sharing_needs_a_held_conference_and_the_edit_permission(ws, team, held, upcoming):
    with pytest.raises(PermissionDeniedError):
        printing.share_summary(
            ws, team["reception"], held.id, [("Priya Shah", "email")], date.today()
        )
    with pytest.raises(ValidationError, match="end the meeting first"):
        printing.share_summary(
            ws, team["coordinator"], upcoming.id, [("Priya Shah", "email")], date.today()
        )
    with pytest.raises(ValidationError, match="before the conference was held"):
        printing.share_summary(
            ws,
            team["coordinator"],
            held.id,
            [("Priya Shah", "email")],
            date.today() - timedelta(days=1),
        )
    assert _shares(ws, held.id) == [] and _shares(ws, upcoming.id) == []
    assert conferences.load_conference(ws, team["gp"], held.id).summary_offered_on is None


def test_times_print_in_the_practices_local_time_not_utc(ws, team, held, monkeypatch):
    import time as clock

    monkeypatch.setenv("TZ", "Australia/Sydney")
    clock.tzset()
    try:
        whole = " ".join(pages(printing.render_summary(ws, team["gp"], held.id)))
        sydney = held.started_at.astimezone()
    finally:
        monkeypatch.undo()
        clock.tzset()
    assert sydney.utcoffset().total_seconds() >= 10 * 3600
    assert f"Started {sydney:%A} {sydney.day} {sydney:%B %Y} at {sydney:%H:%M}" in whole
    assert f"at {held.started_at:%H:%M}" not in whole.split("Started", 1)[1][:60]


def test_a_held_conferences_pack_adds_nothing_new_from_the_record(ws, team, held):
    from carecoord_desktop.services.tasks import edit
    from carecoord_desktop.services.tasks.types import TaskDraft

    draft = TaskDraft(
        title="Chase the eye screening",
        patient_id=held.patient_id,
        due_date=date.today() - timedelta(days=3),
        owner_role="nurse",
    )
    edit.create_task(ws, team["nurse"], draft)
    whole = " ".join(pages(printing.render_pack(ws, team["coordinator"], held.id)))
    assert "(new in the record)" not in whole
    assert "Chase the eye screening" in whole  # still in the record extract's overdue tasks
