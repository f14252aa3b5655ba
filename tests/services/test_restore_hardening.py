"""Restore against a workspace that is open elsewhere, damaged, truncated or missing.

A second process (tests/services/_second_writer.py) plays the second window or the CLI; the
damaged cases go through the real `carecoord` command, as the message of `check` tells people to.
"""

from __future__ import annotations

import getpass
import hashlib
import io
import signal
from datetime import date
from pathlib import Path

import pytest
from tests.services.writers import Writer

from carecoord_desktop import cli
from carecoord_desktop.errors import WorkspaceBusyError
from carecoord_desktop.services import workspaces
from carecoord_desktop.services.patients import record as patients
from carecoord_desktop.services.patients import register as registry
from carecoord_desktop.services.patients.types import PatientDraft
from carecoord_desktop.store import backup as backups
from carecoord_desktop.store.lock import WorkspaceLock
from carecoord_desktop.store.workspace import DB_NAME, Workspace

PAGE = 4096


def _add(ws, admin, n: int, family: str = "Backed") -> None:
    for i in range(n):
        draft = PatientDraft(
            given_name=f"Pat{i}", family_name=family, date_of_birth=date(1940, 1, 1 + i % 28)
        )
        patients.create_patient(ws, admin, draft, confirm_duplicates=True)


@pytest.fixture
def backed_up(ws, admin):
    _add(ws, admin, 30)
    result = workspaces.backup_now(ws, admin)
    _add(ws, admin, 5, family="After")
    return result.path


def test_restore_is_refused_while_another_process_has_the_workspace_open(ws, admin, backed_up):
    other = Writer(ws, "hold", program="carecoord CLI")
    try:
        with pytest.raises(WorkspaceBusyError) as refused:
            workspaces.restore(ws, admin, backed_up)
        message = str(refused.value)
        assert "carecoord CLI" in message and f"process {other.proc.pid}" in message
        assert "Close it there first" in message and "Nothing was changed" in message
        # The other process goes on saving, and its save is kept: nothing was swapped.
        other.send("save 1")
        saved = other.result()
        assert "saved" in saved, saved
        assert registry.count_all(ws, admin) == 36
        assert workspaces.list_backups(ws) == [backed_up]  # not even a pre-restore copy
    finally:
        other.send("quit")
        other.finish()
    # Once it has closed, the same restore goes ahead; the replaced database is kept.
    restored, kept = workspaces.restore(ws, admin, backed_up)
    try:
        assert registry.count_all(restored, admin) == 30
        assert kept.name.endswith("-pre-restore.ccbackup")
        # And the restoring process is back to sharing: another program may open it again.
        Workspace.open(restored.folder).close()
    finally:
        restored.close()


def test_a_killed_holder_never_blocks_a_restore(ws, admin, backed_up):
    other = Writer(ws, "hold", program="CareCoord app")
    with pytest.raises(WorkspaceBusyError, match="CareCoord app"):
        workspaces.restore(ws, admin, backed_up)
    other.proc.send_signal(signal.SIGKILL)
    other.proc.wait()
    restored, _ = workspaces.restore(ws, admin, backed_up)
    restored.close()
    assert sorted(p.name for p in (ws.folder / "locks").glob("*.json")) == []


def test_open_is_refused_while_a_restore_holds_the_workspace(ws):
    ws.close()
    restoring = WorkspaceLock(ws.folder).acquire_exclusive()
    try:
        with pytest.raises(WorkspaceBusyError, match="being restored"):
            Workspace.open(ws.folder)
    finally:
        restoring.release()
    Workspace.open(ws.folder).close()


def _run_cli(monkeypatch, capsys, *argv: str) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _flip_middle(db: Path) -> None:
    """Flip bytes inside a run of pages in the middle: table pages as well as index pages."""
    data = bytearray(db.read_bytes())
    pages = len(data) // PAGE
    for page in range(pages // 3, 2 * pages // 3, 3):
        start = PAGE * page + 200
        for i in range(start, start + 64):
            data[i] ^= 0xA5
    db.write_bytes(bytes(data))


def _truncate(db: Path) -> None:
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])


DAMAGE = {
    "flipped": _flip_middle,
    "truncated": _truncate,
    "empty": lambda db: db.write_bytes(b""),
    "missing": lambda db: db.unlink(),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_cli_restore_recovers_a_damaged_workspace(
    ws, admin, backed_up, damage, monkeypatch, capsys
):
    folder = ws.folder
    # Plenty of pages, so a flipped middle page is a data page, not the header.
    _add(ws, admin, 200, family="Bulk")
    ws.close()
    db = folder / DB_NAME
    for side in ("-wal", "-shm"):
        assert not (folder / (DB_NAME + side)).exists()
    DAMAGE[damage](db)
    damaged_bytes = db.read_bytes() if db.exists() else None
    code, out, err = _run_cli(monkeypatch, capsys, "--workspace", str(folder), "check")
    assert code != 0 and "restore" in (out + err).lower()
    code, out, err = _run_cli(
        monkeypatch, capsys, "--workspace", str(folder), "restore", str(backed_up), "--yes"
    )
    assert code == 0, err
    assert "Restored" in out
    restored = Workspace.open(folder)
    try:
        assert registry.count_all(restored, admin) == 30
        assert workspaces.check(restored).ok
    finally:
        restored.close()
    kept = sorted(folder.joinpath("backups").glob("damaged-*"))
    if damaged_bytes is None:
        assert kept == [] and "no database file" in out
    else:
        assert len(kept) == 1 and str(kept[0]) in out
        assert (
            hashlib.sha256(kept[0].read_bytes()).digest() == hashlib.sha256(damaged_bytes).digest()
        )
        assert kept[0] not in workspaces.list_backups(restored)  # never offered as a backup


def test_restore_of_a_healthy_workspace_still_keeps_a_verified_backup(
    ws, admin, backed_up, monkeypatch, capsys
):
    folder = ws.folder
    ws.close()
    code, out, err = _run_cli(
        monkeypatch, capsys, "--workspace", str(folder), "restore", str(backed_up), "--yes"
    )
    assert code == 0, err
    pre = [p for p in backups.list_backups(folder / "backups") if "pre-restore" in p.name]
    assert len(pre) == 1 and str(pre[0]) in out
    reopened = Workspace.open(folder)
    try:
        counts = backups.verify_backup(reopened, pre[0])
        assert counts["patient"] == 35
    finally:
        reopened.close()


def test_cli_restore_refuses_while_the_app_has_it_open(ws, admin, backed_up, monkeypatch, capsys):
    other = Writer(ws, "hold", program="CareCoord app")
    try:
        ws.close()
        code, _out, err = _run_cli(
            monkeypatch, capsys, "--workspace", str(ws.folder), "restore", str(backed_up), "--yes"
        )
        assert code == 2
        assert "CareCoord app" in err and f"process {other.proc.pid}" in err
        assert f"OS user {getpass.getuser()}" in err
    finally:
        other.send("quit")
        other.finish()
    code, _out, err = _run_cli(
        monkeypatch, capsys, "--workspace", str(ws.folder), "restore", str(backed_up), "--yes"
    )
    assert code == 0, err
