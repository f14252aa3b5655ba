"""Tampering with the audit log's end, as someone holding the key would: through a keyed SQLCipher
connection to the real workspace file, triggers dropped first, hashes recomputed where that
hides the edit from the chain. Each attack that the chain alone misses is caught by an anchor.
"""

from __future__ import annotations

import json

import pytest

from carecoord_desktop import cli
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.services import audit, audit_anchors, workspaces
from carecoord_desktop.services.audit import _FIELDS
from carecoord_desktop.store.engine import audit_hash
from carecoord_desktop.store.workspace import KEY_FILE

_TRIGGERS = list(audit_anchors.TRIGGERS.values())


def _log(ws, admin, n: int, what: str = "viewed") -> None:
    for i in range(n):
        audit.record_now(ws, admin, AuditAction.VIEW, record_type="probe", detail=f"{what} {i}")


def _tamper(ws, *sql: tuple[str, tuple], keep_triggers_dropped: bool = False) -> None:
    conn = ws.connect_new()
    try:
        conn.execute("DROP TRIGGER audit_event_no_update")
        conn.execute("DROP TRIGGER audit_event_no_delete")
        for statement, params in sql:
            conn.execute(statement, params)
        if not keep_triggers_dropped:
            for trigger in _TRIGGERS:
                conn.execute(trigger)  # put back, so only the anchors can tell
        conn.commit()
    finally:
        conn.close()


def _rechain_from(ws, first_id: int) -> None:
    """Recompute every row's link and hash from `first_id` on: the chain then verifies."""
    conn = ws.connect_new()
    try:
        conn.execute("DROP TRIGGER audit_event_no_update")
        prev = conn.execute(
            "SELECT row_hash FROM audit_event WHERE id = ?", (first_id - 1,)
        ).fetchone()
        prev = prev[0] if prev else ""
        rows = conn.execute(
            f"SELECT id, {_FIELDS} FROM audit_event WHERE id >= ? ORDER BY id", (first_id,)
        ).fetchall()
        for row_id, *fields in rows:
            h = audit_hash(prev, *fields)
            conn.execute(
                "UPDATE audit_event SET prev_hash = ?, row_hash = ? WHERE id = ?", (prev, h, row_id)
            )
            prev = h
        for trigger in _TRIGGERS[:1]:
            conn.execute(trigger)
        conn.commit()
    finally:
        conn.close()


def _rows(ws) -> int:
    conn = ws.connect_new()
    try:
        return conn.execute("SELECT count(*) FROM audit_event").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def anchored(ws, admin):
    """A workspace with a backup and a checkpoint at its head, then a few more events."""
    _log(ws, admin, 10)
    workspaces.backup_now(ws, admin)
    report = workspaces.check(ws)
    assert report.ok, report.problems
    assert report.audit_anchors == 2  # the checkpoint and the backup
    return ws


def _problems(ws) -> list[str]:
    assert audit.verify_chain(ws).ok  # the chain alone sees nothing in these attacks
    report = workspaces.check(ws)
    assert not report.ok
    return report.problems


def test_deleting_the_newest_rows_is_detected(anchored):
    n = _rows(anchored)
    _tamper(anchored, ("DELETE FROM audit_event WHERE id > ?", (n - 3,)))
    problems = _problems(anchored)
    assert any(f"rows {n - 2}–{n} were deleted" in p and "checkpoint" in p for p in problems)
    assert any("backup carecoord-" in p and "were deleted" in p for p in problems)


def test_deleting_every_row_is_detected(anchored, monkeypatch, capsys):
    _tamper(anchored, ("DELETE FROM audit_event", ()))
    problems = _problems(anchored)
    assert any("the audit log is empty" in p for p in problems)
    anchored.close()
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(""))
    code = cli.main(["--workspace", str(anchored.folder), "audit", "verify"])
    out = capsys.readouterr().out
    assert code == 1 and "AUDIT LOG TAMPERED" in out and "Audit log intact: 0 rows" not in out
    assert "all of its rows were deleted" in out


def test_replacing_the_last_row_with_a_recomputed_hash_is_detected(anchored):
    n = _rows(anchored)
    _tamper(anchored, ("UPDATE audit_event SET detail = 'nothing to see' WHERE id = ?", (n,)))
    _rechain_from(anchored, n)
    problems = _problems(anchored)
    assert any(f"row {n} no longer matches the checkpoint" in p for p in problems)


def test_rewriting_a_row_and_rechaining_after_it_is_detected(anchored):
    _tamper(anchored, ("UPDATE audit_event SET actor_name = 'someone else' WHERE id = 3", ()))
    _rechain_from(anchored, 3)
    problems = _problems(anchored)
    assert any("no longer matches the checkpoint" in p for p in problems)
    assert any("backup carecoord-" in p and "row 3 onwards was rewritten" in p for p in problems)


def test_dropped_triggers_are_detected(anchored):
    _tamper(anchored, keep_triggers_dropped=True)
    problems = _problems(anchored)
    assert any("audit_event_no_update is missing" in p for p in problems)
    assert any("audit_event_no_delete is missing" in p for p in problems)


def test_a_weakened_trigger_is_detected(anchored):
    conn = anchored.connect_new()
    conn.execute("DROP TRIGGER audit_event_no_delete")
    conn.execute(
        "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event WHEN 0 "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    )
    conn.commit()
    conn.close()
    assert any("audit_event_no_delete was altered" in p for p in _problems(anchored))


def test_an_edited_checkpoint_is_detected(anchored):
    path = anchored.folder / KEY_FILE
    doc = json.loads(path.read_text())
    doc["audit_anchor"]["rows"] -= 2  # to let a truncation pass
    path.write_text(json.dumps(doc))
    assert any("seal does not match" in p for p in _problems(anchored))
    # The wrapped key itself is untouched by checkpoints: the recovery path still works.
    assert doc["wrapped_key"]


def test_new_events_and_a_legitimate_restore_raise_no_alarm(anchored, admin):
    _log(anchored, admin, 5, "later")
    assert workspaces.check(anchored).ok
    older = workspaces.list_backups(anchored)[-1]
    _log(anchored, admin, 5, "more")
    workspaces.backup_now(anchored, admin)  # a backup on the branch the restore will replace
    restored, _ = workspaces.restore(anchored, admin, older)
    try:
        _log(restored, admin, 2, "after restore")
        report = workspaces.check(restored)
        assert report.ok, report.problems
        assert report.audit_anchors == 4  # checkpoint, the restored, newer and pre-restore ones
        # The checkpoint followed the restore and the check: it names the live head.
        anchor = restored.read_audit_anchor()
        assert anchor["rows"] == _rows(restored)
    finally:
        restored.close()


def test_the_checkpoint_follows_every_backup(ws, admin):
    _log(ws, admin, 3)
    workspaces.backup_now(ws, admin)
    assert ws.read_audit_anchor()["rows"] == _rows(ws)
    _log(ws, admin, 2)
    workspaces.backup_now(ws, admin)
    assert ws.read_audit_anchor()["rows"] == _rows(ws)


def test_a_tampered_log_never_advances_the_checkpoint(anchored, admin):
    before = anchored.read_audit_anchor()
    n = _rows(anchored)
    _tamper(anchored, ("DELETE FROM audit_event WHERE id > ?", (n - 2,)))
    _log(anchored, admin, 4, "covering up")
    workspaces.backup_now(anchored, admin)  # a later backup must not bless the truncation
    assert anchored.read_audit_anchor() == before
    assert any("no longer matches the checkpoint" in p for p in workspaces.check(anchored).problems)
