"""Encrypted, verified backups: creation, rotation, opening with the recovery key, restore."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from sqlmodel import select

from carecoord_desktop.errors import BackupError, PermissionDeniedError
from carecoord_desktop.models.staff import Role, StaffUser
from carecoord_desktop.services import accounts, audit, settings, workspaces
from carecoord_desktop.services.context import Actor
from carecoord_desktop.store import backup as backups
from carecoord_desktop.store.engine import SQLITE_HEADER
from carecoord_desktop.store.workspace import DB_NAME, KEY_FILE, MARKER, Workspace
from conftest import ADMIN_PASSWORD, TEST_SCRYPT_N

NEW_PASSWORD = "another good phrase"


pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def usernames_in(ws: Workspace, path: Path) -> set[str]:
    conn = ws.connect_file(path)
    try:
        return {r[0] for r in conn.execute("SELECT username FROM staff_user").fetchall()}
    finally:
        conn.close()


def add_nurse(ws: Workspace, admin: Actor, username: str = "n.nurse") -> None:
    accounts.add_user(
        ws,
        admin,
        username=username,
        full_name="Nadia Nightingale",
        role=Role.NURSE,
        password=NEW_PASSWORD,
    )


def reception(ws: Workspace, admin: Actor) -> Actor:
    accounts.add_user(
        ws,
        admin,
        username="r.desk",
        full_name="Rita Desk",
        role=Role.RECEPTION,
        password=NEW_PASSWORD,
        must_change_password=False,
    )
    return accounts.authenticate(ws, "r.desk", NEW_PASSWORD)


# -- making a backup ---------------------------------------------------------------------------
def test_backup_now_writes_a_verified_encrypted_file(ws, admin):
    result = workspaces.backup_now(ws, admin)
    assert result.path.parent == ws.backup_dir
    assert result.path.name.startswith(backups.PREFIX)
    assert result.path.name.endswith(backups.SUFFIX)
    assert result.size_bytes == result.path.stat().st_size > 0
    assert workspaces.list_backups(ws) == [result.path]
    # No temporary or sidecar files are left behind.
    assert sorted(p.name for p in ws.backup_dir.iterdir()) == [result.path.name]

    data = result.path.read_bytes()
    assert not data.startswith(SQLITE_HEADER)
    assert b"Riverside Family Practice" not in data
    assert b"Alex Admin" not in data

    counts = backups.verify_backup(ws, result.path)
    assert counts == result.tables
    assert result.tables["staff_user"] == 1
    assert result.tables["practice_setting"] == 5  # with the holiday region and referral days
    assert result.tables["audit_event"] >= 2
    # The backup is audited (after the snapshot, so it is not inside the backup itself).
    events, _ = audit.list_events(ws, admin, action="backup")
    assert len(events) == 1
    assert result.path.name in events[0].detail


def test_backup_counts_match_the_live_database(ws, admin):
    for i in range(5):
        add_nurse(ws, admin, f"nurse{i}")
    result = workspaces.backup_now(ws, admin)
    conn = ws.connect_new()
    try:
        live = backups.row_counts(conn)
    finally:
        conn.close()
    assert result.tables["staff_user"] == live["staff_user"] == 6
    # Only the backup's own audit event was added since the snapshot.
    assert live["audit_event"] == result.tables["audit_event"] + 1
    assert usernames_in(ws, result.path) >= {f"nurse{i}" for i in range(5)}


def test_backup_opens_with_the_recovery_key_on_another_computer(
    new_practice, tmp_path, memory_keyring
):
    ws, admin = new_practice.workspace, new_practice.admin
    add_nurse(ws, admin)
    result = workspaces.backup_now(ws, admin)
    ws.close()

    # A replaced computer: the workspace folder's small files, the backup as the database,
    # and an empty keystore.
    elsewhere = tmp_path / "new-computer"
    elsewhere.mkdir()
    for name in (MARKER, KEY_FILE):
        shutil.copyfile(ws.folder / name, elsewhere / name)
    shutil.copyfile(result.path, elsewhere / DB_NAME)
    memory_keyring.secrets.clear()

    restored = workspaces.open_workspace(
        elsewhere, recovery_key=new_practice.recovery_key.formatted().lower()
    )
    try:
        with restored.session() as session:
            names = {u.username for u in session.exec(select(StaffUser)).all()}
        assert names == {"admin", "n.nurse"}
        assert audit.verify_chain(restored).ok
        assert accounts.authenticate(restored, "admin", ADMIN_PASSWORD).username == "admin"
    finally:
        restored.close()


def test_rotation_keeps_the_configured_number(ws, admin):
    settings.update(ws, admin, backups_kept=3)
    made = [workspaces.backup_now(ws, admin).path for _ in range(5)]
    kept = workspaces.list_backups(ws)
    assert len(kept) == 3
    assert kept == sorted(made[-3:], reverse=True)  # newest first, the oldest removed
    for path in made[:2]:
        assert not path.exists()


def test_rotation_with_explicit_keep_and_labelled_backups_stay(ws, admin):
    labelled = backups.create_backup(ws, label="pre-restore").path
    for _ in range(3):
        workspaces.backup_now(ws, admin, keep=1)
    names = [p.name for p in workspaces.list_backups(ws)]
    assert labelled.name in names
    assert len(names) == 2
    assert backups.rotate(ws.backup_dir, 0) == []  # keep is at least one


def test_backup_to_another_folder(ws, tmp_path):
    dest = tmp_path / "usb-stick" / "carecoord"
    result = backups.create_backup(ws, dest_dir=dest)
    assert result.path.parent == dest
    assert backups.list_backups(dest) == [result.path]
    assert backups.list_backups(tmp_path / "nowhere") == []


def test_backup_name_sorts_by_time():
    from datetime import UTC, datetime

    early = backups.backup_name(at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    late = backups.backup_name(at=datetime(2026, 1, 2, 3, 4, 6, tzinfo=UTC))
    assert early < late
    assert backups.backup_name("pre-restore").endswith("-pre-restore.ccbackup")


def test_reception_cannot_backup_or_restore(ws, admin):
    desk = reception(ws, admin)
    before = sorted(os.listdir(ws.backup_dir))
    with pytest.raises(PermissionDeniedError, match="reception account cannot make or restore"):
        workspaces.backup_now(ws, desk)
    assert sorted(os.listdir(ws.backup_dir)) == before
    good = backups.create_backup(ws).path
    with pytest.raises(PermissionDeniedError):
        workspaces.restore(ws, desk, good)


# -- restore ------------------------------------------------------------------------------------
def test_restore_brings_back_the_backup_and_keeps_the_replaced_database(ws, admin):
    first = workspaces.backup_now(ws, admin).path
    add_nurse(ws, admin)
    assert accounts.find_user_id(ws, "n.nurse") is not None

    restored, kept = workspaces.restore(ws, admin, first)
    try:
        assert accounts.find_user_id(restored, "n.nurse") is None
        assert accounts.find_user_id(restored, "admin") is not None
        assert kept.exists()
        assert "pre-restore" in kept.name
        assert kept.parent == ws.backup_dir
        assert "n.nurse" in usernames_in(restored, kept)
        assert first.exists()
        # The restore is audited and the restored chain (plus that event) verifies.
        events, _ = audit.list_events(restored, admin, action="restore")
        assert len(events) == 1
        assert first.name in events[0].detail
        assert kept.name in events[0].detail
        assert audit.verify_chain(restored).ok
        for side in ("-wal", "-shm"):
            assert not (restored.folder / (DB_NAME + ".restoring" + side)).exists()
        assert not (restored.folder / (DB_NAME + ".restoring")).exists()
    finally:
        restored.close()

    # And the restored workspace opens normally afterwards.
    again = workspaces.open_workspace(ws.folder)
    try:
        assert accounts.find_user_id(again, "n.nurse") is None
    finally:
        again.close()


def test_restore_the_pre_restore_backup_undoes_the_restore(ws, admin):
    first = workspaces.backup_now(ws, admin).path
    add_nurse(ws, admin)
    restored, kept = workspaces.restore(ws, admin, first)
    back, _ = workspaces.restore(restored, admin, kept)
    try:
        assert accounts.find_user_id(back, "n.nurse") is not None
    finally:
        back.close()


def _damaged_copies(good: Path, tmp_path: Path) -> list[Path]:
    data = good.read_bytes()
    truncated = tmp_path / "truncated.ccbackup"
    truncated.write_bytes(data[: len(data) // 2])
    random_bytes = tmp_path / "random.ccbackup"
    random_bytes.write_bytes(os.urandom(len(data)))
    tiny = tmp_path / "tiny.ccbackup"
    tiny.write_bytes(data[:100])
    flipped = tmp_path / "flipped.ccbackup"
    buf = bytearray(data)
    for i in range(len(data) // 2 + 300, len(data) // 2 + 340):
        buf[i] ^= 0xFF
    flipped.write_bytes(bytes(buf))
    text_file = tmp_path / "notes.ccbackup"
    text_file.write_text("these are not the backups you are looking for\n" * 100)
    return [truncated, random_bytes, tiny, flipped, text_file]


@pytest.fixture
def populated(ws, admin):
    for i in range(40):
        add_nurse(ws, admin, f"nurse{i:02d}")
    return ws


def _closed_then_reopened(ws: Workspace) -> tuple[Workspace, str]:
    """Close (so every committed page is in the main file), hash it, open it again."""
    ws.close()
    digest = sha(ws.db_path)
    return Workspace.open(ws.folder), digest


def test_restoring_a_damaged_file_is_refused_and_changes_nothing(populated, admin, tmp_path):
    good = workspaces.backup_now(populated, admin).path
    ws, db_before = _closed_then_reopened(populated)
    backups_before = sorted(os.listdir(ws.backup_dir))
    try:
        for bad in _damaged_copies(good, tmp_path):
            with pytest.raises(BackupError) as info:
                workspaces.restore(ws, admin, bad)
            assert bad.name in str(info.value)
            assert sorted(os.listdir(ws.backup_dir)) == backups_before, bad.name
            assert not (ws.folder / (DB_NAME + ".restoring")).exists()
        # The current database is untouched and still in use.
        assert accounts.find_user_id(ws, "nurse39") is not None
    finally:
        ws.close()
    assert sha(ws.db_path) == db_before
    again = Workspace.open(ws.folder)
    try:
        assert accounts.count_users(again) == 41
        assert audit.verify_chain(again).ok
    finally:
        again.close()


def test_restoring_another_workspaces_backup_is_refused(ws, admin, tmp_path):
    other = workspaces.create_practice(
        tmp_path / "other",
        practice_name="Hillside Clinic",
        admin_username="boss",
        admin_full_name="Bea Boss",
        admin_password=ADMIN_PASSWORD,
        scrypt_n=TEST_SCRYPT_N,
    )
    try:
        foreign = workspaces.backup_now(other.workspace, other.admin).path
    finally:
        other.workspace.close()
    ws, before = _closed_then_reopened(ws)
    try:
        with pytest.raises(BackupError, match="cannot be opened"):
            workspaces.restore(ws, admin, foreign)
        assert accounts.find_user_id(ws, "admin") is not None
    finally:
        ws.close()
    assert sha(ws.db_path) == before
    assert backups.list_backups(ws.backup_dir) == []


def test_restoring_a_missing_file_is_refused(ws, admin, tmp_path):
    with pytest.raises(BackupError, match="no backup file"):
        workspaces.restore(ws, admin, tmp_path / "nope.ccbackup")
    with pytest.raises(BackupError):
        workspaces.restore(ws, admin, tmp_path)  # a folder is not a file


def test_restoring_an_empty_file_is_refused(ws, admin, tmp_path):
    empty = tmp_path / "empty.ccbackup"
    empty.write_bytes(b"")
    try:
        with pytest.raises(BackupError):
            restored, _ = workspaces.restore(ws, admin, empty)
            restored.close()
    finally:
        assert empty.stat().st_size == 0, "the chosen backup file itself was rewritten"


def test_verifying_a_backup_does_not_change_it(ws, admin):
    path = workspaces.backup_now(ws, admin).path
    before = sha(path)
    backups.verify_backup(ws, path)
    assert sha(path) == before


def test_verify_backup_reports_count_mismatch(ws, admin):
    path = workspaces.backup_now(ws, admin).path
    counts = backups.verify_backup(ws, path)
    wrong = {**counts, "staff_user": counts["staff_user"] + 1}
    with pytest.raises(BackupError, match="staff_user"):
        backups.verify_backup(ws, path, expected_counts=wrong)
