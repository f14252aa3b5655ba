"""Opening a workspace: keystore, recovery key, and telling every kind of failure apart.

Every failure must leave the files exactly as they were (compared by hash).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from carecoord_desktop.errors import (
    CorruptDatabaseError,
    DatabaseMissingError,
    KeyNotInKeystoreError,
    NotAWorkspaceDatabaseError,
    RecoveryKeyFormatError,
    WorkspaceError,
    WorkspaceNotFoundError,
    WrongKeyError,
    WrongRecoveryKeyError,
)
from carecoord_desktop.models.audit import AuditAction, AuditEvent
from carecoord_desktop.models.staff import StaffUser
from carecoord_desktop.services import accounts, audit, workspaces
from carecoord_desktop.store import keystore
from carecoord_desktop.store.engine import SQLITE_HEADER
from carecoord_desktop.store.workspace import DB_NAME, KEY_FILE, MARKER, Workspace
from conftest import ADMIN_PASSWORD, TEST_SCRYPT_N

PAGE = 4096


pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under the folder with the sha256 of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def make_other(tmp_path: Path, name: str = "other"):
    return workspaces.create_practice(
        tmp_path / name,
        practice_name="Hillside Clinic",
        admin_username="boss",
        admin_full_name="Bea Boss",
        admin_password=ADMIN_PASSWORD,
        scrypt_n=TEST_SCRYPT_N,
    )


@pytest.fixture
def closed(new_practice):
    """The practice's folder with its workspace closed (no -wal/-shm, all data in the file)."""
    new_practice.workspace.close()
    return new_practice.workspace.folder


def _count_staff(ws: Workspace) -> int:
    with ws.session() as session:
        return len(session.exec(select(StaffUser)).all())


# -- the happy paths ----------------------------------------------------------------------------
def test_open_with_the_keystore_key(closed, new_practice, memory_keyring):
    ws = Workspace.open(closed)
    try:
        assert ws.id == new_practice.workspace.id
        assert _count_staff(ws) == 1
        assert not ws.needs_migration()
        assert memory_keyring.secrets[(keystore.SERVICE, ws.id)] not in repr(ws)
    finally:
        ws.close()


def test_emptied_keystore_needs_the_recovery_key_then_remembers_it(
    closed, new_practice, memory_keyring
):
    memory_keyring.secrets.clear()
    before = snapshot(closed)
    with pytest.raises(KeyNotInKeystoreError, match="recovery key"):
        Workspace.open(closed)
    assert snapshot(closed) == before

    formatted = new_practice.recovery_key.formatted()
    ws = Workspace.open(closed, recovery_key=formatted)
    ws.close()
    assert memory_keyring.secrets == {}  # not remembered unless asked

    ws = Workspace.open(closed, recovery_key=formatted.lower(), remember_key=True)
    try:
        assert _count_staff(ws) == 1
    finally:
        ws.close()
    assert (keystore.SERVICE, ws.id) in memory_keyring.secrets

    ws = Workspace.open(closed)  # the keystore has it again
    ws.close()


def test_recovery_key_object_and_spaces_are_accepted(closed, new_practice, memory_keyring):
    memory_keyring.secrets.clear()
    ws = Workspace.open(closed, recovery_key=new_practice.recovery_key)
    ws.close()
    spaced = new_practice.recovery_key.formatted().replace("-", " ").lower()
    ws = Workspace.open(closed, recovery_key=spaced)
    ws.close()


def test_open_workspace_service_signs_in_after_recovery(closed, new_practice, memory_keyring):
    memory_keyring.secrets.clear()
    ws = workspaces.open_workspace(closed, recovery_key=new_practice.recovery_key.formatted())
    try:
        actor = accounts.authenticate(ws, "admin", ADMIN_PASSWORD)
        assert actor.username == "admin"
    finally:
        ws.close()


# -- recovery key failures ----------------------------------------------------------------------
def test_recovery_key_of_another_workspace_is_wrong_recovery_key(closed, tmp_path, memory_keyring):
    other = make_other(tmp_path)
    other.workspace.close()
    memory_keyring.secrets.clear()
    before = snapshot(closed)
    with pytest.raises(WrongRecoveryKeyError, match="does not unlock this workspace"):
        Workspace.open(closed, recovery_key=other.recovery_key.formatted(), remember_key=True)
    assert snapshot(closed) == before
    assert memory_keyring.secrets == {}


def test_mistyped_recovery_key_is_a_format_error(closed, new_practice, memory_keyring):
    memory_keyring.secrets.clear()
    text_ = new_practice.recovery_key.formatted()
    typo = text_[:-1] + ("7" if text_[-1] != "7" else "8")
    before = snapshot(closed)
    with pytest.raises(RecoveryKeyFormatError, match="typing mistake"):
        Workspace.open(closed, recovery_key=typo)
    with pytest.raises(RecoveryKeyFormatError, match="you typed 35"):
        Workspace.open(closed, recovery_key=text_[:-1])
    assert snapshot(closed) == before


def test_remember_key_without_a_secure_keystore_still_opens(closed, new_practice):
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    # The right recovery key opens it; there is just nowhere safe to remember the key.
    ws = Workspace.open(closed, recovery_key=new_practice.recovery_key, remember_key=True)
    ws.close()
    with pytest.raises(KeyNotInKeystoreError):
        Workspace.open(closed)


# -- missing or foreign files -------------------------------------------------------------------
def test_missing_database_file(closed):
    (closed / DB_NAME).unlink()
    before = snapshot(closed)
    with pytest.raises(DatabaseMissingError, match="database file is missing") as info:
        Workspace.open(closed)
    assert "Nothing was changed" in str(info.value)
    assert snapshot(closed) == before
    assert not (closed / DB_NAME).exists()
    with pytest.raises(DatabaseMissingError):
        workspaces.open_workspace(closed)
    assert not (closed / DB_NAME).exists()
    assert snapshot(closed) == before


def test_folder_without_marker_is_not_a_workspace(tmp_path, closed):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(WorkspaceNotFoundError, match="no CareCoord workspace"):
        Workspace.open(empty)
    assert list(empty.iterdir()) == []

    missing = tmp_path / "does-not-exist"
    with pytest.raises(WorkspaceNotFoundError):
        Workspace.open(missing)
    assert not missing.exists()

    (closed / MARKER).unlink()
    before = snapshot(closed)
    with pytest.raises(WorkspaceNotFoundError):
        Workspace.open(closed)
    assert snapshot(closed) == before


def test_damaged_marker(closed):
    (closed / MARKER).write_text("{ this is not json", encoding="utf-8")
    before = snapshot(closed)
    with pytest.raises(NotAWorkspaceDatabaseError, match="damaged"):
        Workspace.open(closed)
    assert snapshot(closed) == before
    (closed / MARKER).write_text(json.dumps({"format": "other"}), encoding="utf-8")
    before = snapshot(closed)
    with pytest.raises(NotAWorkspaceDatabaseError):
        Workspace.open(closed)
    assert snapshot(closed) == before


def test_create_refuses_an_existing_workspace(closed):
    before = snapshot(closed)
    with pytest.raises(WorkspaceError, match="nothing was overwritten"):
        Workspace.create(closed, scrypt_n=TEST_SCRYPT_N)
    assert snapshot(closed) == before


def test_plain_sqlite_database_is_refused(closed):
    db = closed / DB_NAME
    db.unlink()
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE patient (name TEXT)")
    conn.execute("INSERT INTO patient VALUES ('someone')")
    conn.commit()
    conn.close()
    before = snapshot(closed)
    with pytest.raises(NotAWorkspaceDatabaseError, match="unencrypted") as info:
        Workspace.open(closed)
    assert "Nothing was changed" in str(info.value)
    assert snapshot(closed) == before


def test_another_workspaces_database_is_wrong_key(closed, tmp_path):
    other = make_other(tmp_path)
    other.workspace.close()
    shutil.copyfile(other.workspace.db_path, closed / DB_NAME)
    before = snapshot(closed)
    with pytest.raises(WrongKeyError, match="could not be unlocked"):
        Workspace.open(closed)
    with pytest.raises(WrongKeyError):
        workspaces.open_workspace(closed)
    assert snapshot(closed) == before


def test_random_bytes_instead_of_a_database(closed):
    (closed / DB_NAME).write_bytes(bytes((i * 131 + 7) % 256 for i in range(PAGE * 8)))
    before = snapshot(closed)
    with pytest.raises((WrongKeyError, CorruptDatabaseError, NotAWorkspaceDatabaseError)):
        Workspace.open(closed)
    assert snapshot(closed) == before


def test_empty_database_file_is_reported_and_left_alone(closed):
    (closed / DB_NAME).write_bytes(b"")
    before = snapshot(closed)
    try:
        with pytest.raises(CorruptDatabaseError, match="empty"):
            workspaces.open_workspace(closed)
    finally:
        after = snapshot(closed)
    assert after == before


# -- corruption ---------------------------------------------------------------------------------
def _fill_audit(ws: Workspace, rows: int = 3000) -> None:
    params = [
        {
            "at": audit._stamp(),
            "actor_id": None,
            "actor_name": "filler",
            "action": str(AuditAction.VIEW),
            "patient_id": i,
            "record_type": "patient",
            "record_id": str(i),
            "detail": "viewed summary " + "." * 200,
        }
        for i in range(rows)
    ]
    with ws.session() as session:
        session.execute(audit._INSERT, params)
        session.commit()


def _flip(path: Path, offset: int, length: int = 32) -> None:
    data = bytearray(path.read_bytes())
    for i in range(offset, offset + length):
        data[i] ^= 0xA5
    path.write_bytes(bytes(data))


@pytest.fixture
def corrupted_mid_page(new_practice):
    ws = new_practice.workspace
    _fill_audit(ws)
    assert audit.verify_chain(ws).ok
    ws.close()
    db = ws.folder / DB_NAME
    pages = db.stat().st_size // PAGE
    assert pages > 100
    _flip(db, PAGE * (pages // 2) + 200)
    return ws.folder


def test_mid_page_corruption_is_reported_on_read(corrupted_mid_page):
    folder = corrupted_mid_page
    before = snapshot(folder)
    ws = Workspace.open(folder)  # page 1 is intact, so the key check passes
    try:
        with (
            pytest.raises(CorruptDatabaseError, match="damaged") as info,
            ws.session() as session,
        ):
            session.exec(select(AuditEvent)).all()
        assert "Nothing was repaired or overwritten" in str(info.value)
    finally:
        ws.close()
    assert snapshot(folder) == before


def test_mid_page_corruption_is_reported_by_check(corrupted_mid_page):
    folder = corrupted_mid_page
    before = snapshot(folder)
    ws = Workspace.open(folder)
    try:
        try:
            report = workspaces.check(ws)
        except CorruptDatabaseError:
            pass
        except Exception as exc:
            raise AssertionError(f"check raised {type(exc).__module__}.{exc!r}") from exc
        else:
            assert not report.ok
            assert report.problems
    finally:
        ws.close()
    assert snapshot(folder) == before


def test_mid_page_corruption_integrity_checks_find_it(corrupted_mid_page):
    """The SQLCipher checks themselves (used by check and backups) see the damaged page."""
    from carecoord_desktop.store.engine import run_checks

    folder = corrupted_mid_page
    before = snapshot(folder)
    ws = Workspace.open(folder)
    try:
        conn = ws.connect_new()
        try:
            problems = run_checks(conn)
        finally:
            conn.close()
        assert problems
    finally:
        ws.close()
    assert snapshot(folder) == before


def test_first_page_corruption_fails_at_open(new_practice):
    ws = new_practice.workspace
    _fill_audit(ws, 500)
    ws.close()
    db = ws.folder / DB_NAME
    _flip(db, 200)
    before = snapshot(ws.folder)
    with pytest.raises(CorruptDatabaseError, match=r"1 of \d+ pages failed"):
        Workspace.open(ws.folder)
    assert snapshot(ws.folder) == before


def test_truncated_database_fails_at_open(new_practice):
    ws = new_practice.workspace
    _fill_audit(ws, 1000)
    ws.close()
    db = ws.folder / DB_NAME
    db.write_bytes(db.read_bytes()[: db.stat().st_size // 2])
    before = snapshot(ws.folder)
    with pytest.raises(CorruptDatabaseError):
        workspaces.open_workspace(ws.folder)
    assert snapshot(ws.folder) == before


# -- what is on disk, and the connection settings ------------------------------------------------
def test_database_bytes_hold_no_plaintext(new_practice):
    ws = new_practice.workspace
    accounts.add_user(
        ws,
        new_practice.admin,
        username="n.nurse",
        full_name="Nadia Nightingale",
        role="nurse",
        password="a long enough phrase",
    )
    secrets_ = [b"Riverside Family Practice", b"Alex Admin", b"Nadia Nightingale", b"n.nurse"]
    # While open (the WAL holds recent pages) and after closing (all in the main file).
    for _ in range(2):
        for name in (DB_NAME, DB_NAME + "-wal"):
            path = ws.folder / name
            if path.exists():
                data = path.read_bytes()
                assert not data.startswith(SQLITE_HEADER)
                for plain in secrets_:
                    assert plain not in data, (name, plain)
                    assert plain.decode().encode("utf-16-le") not in data
        ws.close()
    assert not (ws.folder / (DB_NAME + "-wal")).exists()
    marker = (ws.folder / MARKER).read_text(encoding="utf-8")
    key_file = (ws.folder / KEY_FILE).read_text(encoding="utf-8")
    for plain in secrets_:
        assert plain.decode() not in marker
        assert plain.decode() not in key_file


def test_connection_pragmas(ws):
    with ws.engine.connect() as conn:
        version = conn.execute(text("PRAGMA cipher_version")).scalar()
        assert version and version.split(".")[0] == "4"
        assert conn.execute(text("PRAGMA journal_mode")).scalar().lower() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
        assert conn.execute(text("SELECT cc_audit_hash('', 'a')")).scalar()


def test_pragmas_hold_on_every_pooled_and_fresh_connection(ws):
    conns = [ws.engine.connect() for _ in range(3)]
    try:
        for conn in conns:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 2
    finally:
        for conn in conns:
            conn.close()
    raw = ws.connect_new()
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert raw.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    finally:
        raw.close()


def test_created_workspace_layout(new_practice):
    ws = new_practice.workspace
    assert (ws.folder / MARKER).is_file()
    assert (ws.folder / KEY_FILE).is_file()
    assert ws.db_path.is_file()
    assert ws.backup_dir.is_dir()
    marker = json.loads((ws.folder / MARKER).read_text(encoding="utf-8"))
    assert marker["workspace_id"] == ws.id
    assert marker["demo"] is False
    assert Workspace.exists(ws.folder)
