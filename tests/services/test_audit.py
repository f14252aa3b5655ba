"""The append-only, hash-chained audit log: chaining, triggers, tamper detection, listing and
concurrent writers."""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlcipher3.dbapi2 as sqlcipher

from carecoord_desktop.errors import PermissionDeniedError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import accounts, audit, workspaces
from carecoord_desktop.services.context import Actor
from carecoord_desktop.store.engine import audit_hash
from carecoord_desktop.store.workspace import Workspace

PASSWORD = "a long enough phrase"


pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def rows(ws: Workspace) -> list[tuple]:
    with ws.raw_connection() as conn:
        return conn.execute(
            "SELECT id, prev_hash, row_hash, action, detail FROM audit_event ORDER BY id"
        ).fetchall()


def fill(ws: Workspace, actor: Actor, n: int) -> None:
    for i in range(n):
        audit.record_now(
            ws,
            actor,
            AuditAction.VIEW,
            patient_id=i,
            record_type="patient",
            record_id=i,
            detail=f"event {i}",
        )


def drop_triggers(ws: Workspace) -> None:
    """What an attacker holding the key could do: the triggers are only a first line."""
    with ws.raw_connection() as conn:
        conn.execute("DROP TRIGGER audit_event_no_update")
        conn.execute("DROP TRIGGER audit_event_no_delete")
        conn.commit()


def tamper(ws: Workspace, sql: str, params: tuple = ()) -> None:
    with ws.raw_connection() as conn:
        conn.execute(sql, params)
        conn.commit()


def gp(ws: Workspace, admin: Actor) -> Actor:
    accounts.add_user(
        ws,
        admin,
        username="g.doctor",
        full_name="Grace Doctor",
        role=Role.GP,
        password=PASSWORD,
        must_change_password=False,
    )
    return accounts.authenticate(ws, "g.doctor", PASSWORD)


# -- chaining -----------------------------------------------------------------------------------
def test_rows_chain_and_verify(ws, admin):
    fill(ws, admin, 10)
    got = rows(ws)
    assert got[0][1] == ""
    for before, after in itertools.pairwise(got):
        assert after[1] == before[2]
        assert after[0] == before[0] + 1
    assert len({r[2] for r in got}) == len(got)
    report = audit.verify_chain(ws)
    assert report.ok
    assert report.rows == len(got) >= 12
    assert report.first_bad_id is None


def test_the_hash_covers_every_field(ws, admin):
    audit.record_now(
        ws,
        admin,
        AuditAction.EXPORT,
        patient_id=7,
        record_type="care_plan",
        record_id=3,
        detail="pdf",
    )
    with ws.raw_connection() as conn:
        row = conn.execute(
            "SELECT at, actor_id, actor_name, action, patient_id, record_type, record_id, "
            "detail, prev_hash, row_hash FROM audit_event ORDER BY id DESC LIMIT 1"
        ).fetchone()
    *fields, prev, row_hash = row
    assert audit_hash(prev, *fields) == row_hash
    for i in range(len(fields)):
        changed = list(fields)
        changed[i] = "x" if changed[i] != "x" else "y"
        assert audit_hash(prev, *changed) != row_hash
    assert audit_hash(prev, *fields[:-1], None) != audit_hash(prev, *fields[:-1], "")


def test_a_rolled_back_change_leaves_no_audit_row(ws, admin):
    before = len(rows(ws))
    with ws.session() as session:
        audit.record(session, admin, AuditAction.UPDATE, record_type="patient", record_id=1)
        session.rollback()
    assert len(rows(ws)) == before
    assert audit.verify_chain(ws).ok


def test_an_empty_log_verifies(tmp_path):
    ws, _ = Workspace.create(tmp_path / "bare", scrypt_n=2**12)
    try:
        report = audit.verify_chain(ws)
        assert report.ok and report.rows == 0
    finally:
        ws.close()


# -- append-only ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_event SET detail = 'rewritten' WHERE id = 1",
        "UPDATE audit_event SET row_hash = prev_hash",
        "DELETE FROM audit_event WHERE id = 1",
        "DELETE FROM audit_event",
    ],
)
def test_update_and_delete_are_refused_by_the_database(ws, admin, sql):
    fill(ws, admin, 3)
    before = rows(ws)
    with ws.raw_connection() as conn:
        with pytest.raises(sqlcipher.DatabaseError, match="append-only"):
            conn.execute(sql)
        conn.rollback()
    assert rows(ws) == before
    assert audit.verify_chain(ws).ok


_REPLACE_ROW_1 = (
    "REPLACE INTO audit_event (id, at, actor_name, action, detail, prev_hash, row_hash) "
    "VALUES (1, '2020-01-01 00:00:00.000000', 'x', 'view', 'overwritten', '', '')"
)


def test_replace_into_is_refused_too(ws):
    before = rows(ws)
    try:
        with ws.raw_connection() as conn:
            with pytest.raises(sqlcipher.DatabaseError, match="append-only"):
                conn.execute(_REPLACE_ROW_1)
            conn.rollback()
    finally:
        assert rows(ws) == before


def test_a_row_overwritten_by_replace_is_found_by_the_chain(ws, admin):
    fill(ws, admin, 3)
    with ws.raw_connection() as conn:
        # An attacker with the key can turn recursive triggers off; the chain still tells.
        conn.execute("PRAGMA recursive_triggers = OFF")
        try:
            conn.execute(_REPLACE_ROW_1)
            conn.commit()
        finally:
            conn.execute("PRAGMA recursive_triggers = ON")
    report = audit.verify_chain(ws)
    assert (report.ok, report.first_bad_id) == (False, 1)


# -- tamper detection -------------------------------------------------------------------------
def test_a_changed_detail_is_found(ws, admin):
    fill(ws, admin, 10)
    drop_triggers(ws)
    tamper(ws, "UPDATE audit_event SET detail = 'nothing to see' WHERE id = 6")
    report = audit.verify_chain(ws)
    assert not report.ok
    assert report.first_bad_id == 6
    assert "changed" in report.problem
    check = workspaces.check(ws)
    assert not check.ok
    assert any("event No. 6" in p for p in check.problems)


@pytest.mark.parametrize(
    "column, value",
    [("actor_name", "Someone Else"), ("action", "print"), ("patient_id", 999), ("at", "x")],
)
def test_any_changed_field_is_found(ws, admin, column, value):
    fill(ws, admin, 5)
    drop_triggers(ws)
    tamper(ws, f"UPDATE audit_event SET {column} = ? WHERE id = 4", (value,))
    report = audit.verify_chain(ws)
    assert (report.ok, report.first_bad_id) == (False, 4)


def test_a_changed_and_rehashed_row_breaks_the_next_link(ws, admin):
    fill(ws, admin, 10)
    drop_triggers(ws)
    with ws.raw_connection() as conn:
        fields = conn.execute(
            "SELECT at, actor_id, actor_name, action, patient_id, record_type, record_id, "
            "detail, prev_hash FROM audit_event WHERE id = 5"
        ).fetchone()
        *values, prev = fields
        values[-1] = "forged"
        conn.execute(
            "UPDATE audit_event SET detail = 'forged', row_hash = ? WHERE id = 5",
            (audit_hash(prev, *values),),
        )
        conn.commit()
    report = audit.verify_chain(ws)
    assert not report.ok
    assert report.first_bad_id == 6
    assert "link" in report.problem


def test_a_deleted_middle_row_is_found(ws, admin):
    fill(ws, admin, 10)
    drop_triggers(ws)
    tamper(ws, "DELETE FROM audit_event WHERE id = 7")
    report = audit.verify_chain(ws)
    assert not report.ok
    assert report.first_bad_id == 8
    assert "missing" in report.problem


def test_deleted_first_rows_are_found(ws, admin):
    fill(ws, admin, 3)
    drop_triggers(ws)
    tamper(ws, "DELETE FROM audit_event WHERE id <= 2")
    report = audit.verify_chain(ws)
    assert (report.ok, report.first_bad_id) == (False, 3)


def test_a_renumbered_gap_is_found_by_the_link(ws, admin):
    """Delete a row and shift later ids down: the ids are contiguous but the link breaks."""
    fill(ws, admin, 6)
    drop_triggers(ws)
    with ws.raw_connection() as conn:
        conn.execute("DELETE FROM audit_event WHERE id = 4")
        conn.execute("UPDATE audit_event SET id = id - 1 WHERE id > 4")
        conn.commit()
    report = audit.verify_chain(ws)
    assert (report.ok, report.first_bad_id) == (False, 4)


# -- listing ------------------------------------------------------------------------------------
def test_list_events_filters_by_action_and_actor(ws, admin):
    doctor = gp(ws, admin)
    audit.record_now(ws, doctor, AuditAction.PRINT, patient_id=1, record_type="handout")
    audit.record_now(ws, doctor, AuditAction.VIEW, patient_id=2, record_type="patient")
    audit.record_now(ws, admin, AuditAction.VIEW, patient_id=2, record_type="patient")

    printed, total = audit.list_events(ws, admin, action="print")
    assert total == 1
    assert printed[0].actor_name == "Grace Doctor (GP)"
    assert printed[0].patient_id == 1

    by_grace, total = audit.list_events(ws, admin, actor_text="grace")
    assert total == len(by_grace) >= 3  # create (by admin) is not hers; login, print, view are
    assert all("Grace" in r.actor_name for r in by_grace)

    both, total = audit.list_events(ws, admin, action="view", actor_text="Doctor")
    assert total == 1 and both[0].patient_id == 2

    on_patient, total = audit.list_events(ws, admin, patient_id=2)
    assert total == 2
    assert [r.id for r in on_patient] == sorted((r.id for r in on_patient), reverse=True)

    none, total = audit.list_events(ws, admin, action="export")
    assert (none, total) == ([], 0)


def test_list_events_actor_text_is_literal_not_a_pattern(ws, admin):
    audit.record_now(ws, None, AuditAction.LOGIN, actor_name="100%_sure")
    audit.record_now(ws, None, AuditAction.LOGIN, actor_name="plain name")
    for needle, expected in (("%", 1), ("_", 1), ("0%_", 1), ("%sure", 0), ("\\", 0)):
        _, total = audit.list_events(ws, admin, actor_text=needle)
        assert total == expected, needle


def test_list_events_pages_and_dates(ws, admin):
    fill(ws, admin, 12)
    page1, total = audit.list_events(ws, admin, action="view", limit=5)
    page2, total2 = audit.list_events(ws, admin, action="view", limit=5, offset=5)
    assert total == 12
    assert total2 == 13  # the first listing was itself audited as a view
    assert len(page1) == len(page2) == 5
    assert page1[0].at.tzinfo is not None
    now = datetime.now(UTC)
    _, recent = audit.list_events(ws, admin, since=now - timedelta(minutes=5))
    _, future = audit.list_events(ws, admin, since=now + timedelta(minutes=5))
    _, old = audit.list_events(ws, admin, until=now - timedelta(days=1))
    assert recent >= 12 and future == 0 and old == 0


def test_listing_is_itself_audited(ws, admin):
    before = len(rows(ws))
    audit.list_events(ws, admin)
    after = rows(ws)
    assert len(after) == before + 1
    assert after[-1][3] == "view"
    assert after[-1][4] == "listed"
    assert audit.verify_chain(ws).ok


@pytest.mark.parametrize("role", [Role.GP, Role.NURSE, Role.COORDINATOR, Role.RECEPTION])
def test_list_events_needs_view_audit(ws, admin, role):
    accounts.add_user(
        ws,
        admin,
        username="someone",
        full_name="Some One",
        role=role,
        password=PASSWORD,
        must_change_password=False,
    )
    actor = accounts.authenticate(ws, "someone", PASSWORD)
    with pytest.raises(PermissionDeniedError, match="cannot view the audit log"):
        audit.list_events(ws, actor)


# -- concurrency --------------------------------------------------------------------------------
def test_two_threads_appending_keep_one_valid_chain(ws, admin):
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def writer(tag: str) -> None:
        try:
            start.wait()
            for i in range(200):
                audit.record_now(ws, admin, AuditAction.VIEW, detail=f"{tag} {i}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(t,)) for t in ("left", "right")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert not any(t.is_alive() for t in threads)

    report = audit.verify_chain(ws)
    assert report.ok, report
    assert report.rows >= 402
    details = [r[4] for r in rows(ws)]
    for tag in ("left", "right"):
        mine = [d for d in details if d.startswith(tag + " ")]
        assert mine == [f"{tag} {i}" for i in range(200)]  # each writer's order is kept


def test_record_many_appends_in_order_on_one_chain(ws, admin):
    with ws.session() as session:
        audit.record_many(
            session,
            admin,
            AuditAction.CREATE,
            [{"patient_id": i, "record_type": "patient", "detail": f"bulk {i}"} for i in range(50)],
        )
        session.commit()
    report = audit.verify_chain(ws)
    assert report.ok and report.rows >= 50
    rows, _ = audit.list_events(ws, admin, action="create", limit=50)
    assert [r.patient_id for r in reversed(rows)] == list(range(50))
