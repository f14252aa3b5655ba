"""Workspace life cycle: first-run setup, opening (with migrations after a backup), checks,
backups and restore. Every step that touches data is audited."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from carecoord_desktop.errors import (
    BackupError,
    CareCoordError,
    KeystoreUnavailableError,
    ValidationError,
)
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import accounts, audit, audit_anchors, settings
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.patients import register as registry
from carecoord_desktop.services.permissions import Permission, require
from carecoord_desktop.store import backup as backups
from carecoord_desktop.store import keystore, migrate
from carecoord_desktop.store.engine import DatabaseError, run_checks
from carecoord_desktop.store.keys import SCRYPT_N, RecoveryKey
from carecoord_desktop.store.lock import HOLDERS_DIR, LOCK_FILE, WorkspaceLock, set_program_name
from carecoord_desktop.store.workspace import DB_NAME, KEY_FILE, MARKER, Workspace


@dataclass(frozen=True)
class NewWorkspace:
    workspace: Workspace
    recovery_key: RecoveryKey
    admin: Actor


def create_practice(
    folder: Path,
    *,
    practice_name: str,
    admin_username: str,
    admin_full_name: str,
    admin_password: str,
    demo: bool = False,
    remember_key: bool = True,
    scrypt_n: int = SCRYPT_N,
) -> NewWorkspace:
    """The first-run wizard and `carecoord init`: workspace, settings, first administrator.

    All or nothing: when any step fails (a refused keystore included), what this call put in
    `folder` is removed again and the error is raised. `remember_key=False` makes a workspace
    that is unlocked with its recovery key each time (a computer without a trusted keystore).
    """
    initial = settings.PracticeSettings(practice_name=practice_name.strip())
    settings.validate(initial)
    name = accounts.normalise_username(admin_username)
    accounts.check_password_rules(admin_password, name)
    if not admin_full_name.strip():
        raise ValidationError("Enter the administrator's full name.", field="full_name")
    remember_key = remember_key and not demo
    if remember_key and not keystore_available():
        raise KeystoreUnavailableError(NO_KEYSTORE_MESSAGE)
    folder = Path(folder)
    with undo_on_failure(folder):
        # The key goes to the keystore last, so a failure before it leaves no orphan key.
        ws, recovery = Workspace.create(folder, demo=demo, remember_key=False, scrypt_n=scrypt_n)
        try:
            admin = _first_admin(ws, initial, name, admin_full_name, admin_password, demo)
            if remember_key:
                try:
                    ws.remember_key()
                except KeystoreUnavailableError:
                    raise KeystoreUnavailableError(KEYSTORE_REFUSED_MESSAGE) from None
        except BaseException:
            ws.close()
            raise
    return NewWorkspace(ws, recovery, admin)


NO_KEYSTORE_MESSAGE = (
    "This computer has no secure keystore that CareCoord trusts (Windows Credential Locker, "
    "macOS Keychain, Secret Service or KWallet), so the workspace key cannot be remembered "
    "here. Nothing was created."
)
KEYSTORE_REFUSED_MESSAGE = (
    "This computer's keystore refused to store the workspace key (it may be locked). Nothing "
    "was created. Unlock the keystore and try again."
)


def _first_admin(ws, initial, name: str, full_name: str, password: str, demo: bool) -> Actor:
    setup = Actor.system("setup")
    with ws.session() as session:
        settings.write(session, initial)
        user = accounts.create_user(
            session,
            setup,
            username=name,
            full_name=full_name,
            role=Role.ADMIN,
            password=password,
            must_change_password=False,
        )
        audit.record(
            session,
            setup,
            AuditAction.CREATE,
            record_type="workspace",
            record_id=ws.id,
            detail="workspace created" + (" (demo)" if demo else ""),
        )
        session.commit()
        return Actor(user.id, user.username, user.full_name, Role.ADMIN)


@contextmanager
def undo_on_failure(folder: Path) -> Iterator[None]:
    """Remove what the block added to `folder` (and the folder, if it made it) when it fails.

    Entries that were there before are never touched, so a folder the user chose keeps its files.
    """
    folder = Path(folder)
    existed = folder.is_dir()
    before = {p.name for p in folder.iterdir()} if existed else set()
    made_parents = [p for p in folder.parents if not p.exists()]  # deepest first
    try:
        yield
    except BaseException:
        _remove_added(folder, existed, before)
        for parent in made_parents:
            with contextlib.suppress(OSError):
                parent.rmdir()  # only while empty
        raise


def _remove_added(folder: Path, existed: bool, before: set[str]) -> None:
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.name in before:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    if not existed:
        with contextlib.suppress(OSError):
            folder.rmdir()


def discard_new_workspace(created: NewWorkspace) -> None:
    """Undo a setup the user abandoned before storing the recovery key: close, forget the key,
    remove the workspace's files. Only for a workspace this run just created (nothing in it)."""
    ws = created.workspace
    ws.close()
    keystore.forget_key(ws.id)
    for name in _WORKSPACE_FILES:
        (ws.folder / name).unlink(missing_ok=True)
    shutil.rmtree(ws.backup_dir, ignore_errors=True)
    shutil.rmtree(ws.folder / HOLDERS_DIR, ignore_errors=True)  # the lock's who-holds-it notes
    with contextlib.suppress(OSError):
        ws.folder.rmdir()  # only when nothing else is in it


_WORKSPACE_FILES = (
    MARKER,
    DB_NAME,
    DB_NAME + "-wal",
    DB_NAME + "-shm",
    DB_NAME + "-journal",
    KEY_FILE,
    LOCK_FILE,
)


def remember_key(ws: Workspace) -> str:
    """Store an open workspace's key in this computer's keystore; returns the keystore's name.

    Raises KeystoreUnavailableError (with what to do) when no trusted keystore can hold it.
    """
    ws.remember_key()
    return keystore.describe_backend()


def keystore_available() -> bool:
    """Whether this computer has a secure OS keystore to remember the workspace key in."""
    return keystore.secure_backend() is not None


def identify_as(program: str) -> None:
    """How this process is named to others that find the workspace open ("CareCoord app")."""
    set_program_name(program)


def exists(folder: Path) -> bool:
    return Workspace.exists(folder)


def open_workspace(folder: Path, **unlock) -> Workspace:
    """Unlock, then bring the schema up to date after an automatic verified backup."""
    ws = Workspace.open(folder, **unlock)
    try:
        backups.remove_partials(ws)  # what a killed backup left, if none is running
        if ws.needs_migration():
            ws.lock.upgrade()  # a schema change needs every other program out
            migrate_with_backup(ws)
            ws.lock.downgrade()
        # Anchor the audit log at every open (only rows since the last anchor are re-checked).
        audit_anchors.advance_quietly(ws)
    except Exception:
        ws.close()
        raise
    return ws


def migrate_with_backup(ws: Workspace) -> Path:
    before = migrate.current_revision(ws.engine)
    result = backups.create_backup(ws, label=f"pre-migrate-{before or 'empty'}")
    migrate.upgrade(ws.engine)
    audit.record_now(
        ws,
        Actor.system("migration"),
        AuditAction.MIGRATE,
        record_type="schema",
        detail=f"{before} -> {migrate.head_revision()}; backup {result.path.name}",
    )
    return result.path


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    audit_rows: int = 0
    schema_revision: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    reindexed: int | None = None
    audit_anchors: int = 0  # checkpoint + backups the audit chain was compared with
    audit_head: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def check(ws: Workspace, *, reindex: bool = False) -> CheckReport:
    """Integrity, cipher integrity, schema and audit chain; `reindex` then rebuilds the patient
    search index and counters from the records (only on a healthy database)."""
    report = CheckReport()
    conn = ws.connect_new()
    try:
        report.problems += run_checks(conn)
        if not report.problems:
            report.counts = backups.row_counts(conn)
    finally:
        conn.close()
    report.schema_revision = migrate.current_revision(ws.engine)
    if report.schema_revision != migrate.head_revision():
        report.problems.append(
            f"schema is at {report.schema_revision}, the app expects {migrate.head_revision()}"
        )
    try:
        chain = audit.verify_chain(ws)
    except CareCoordError as exc:
        report.problems.append(str(exc))
        return report
    report.audit_rows = chain.rows
    if not chain.ok:
        report.problems.append(f"audit log event No. {chain.first_bad_id}: {chain.problem}")
    anchors = audit_anchors.verify(ws)
    report.problems += anchors.problems
    report.audit_anchors, report.audit_head = anchors.anchors, anchors.head_line()
    if report.ok:
        audit_anchors.advance_quietly(ws)
    if reindex and report.ok:
        report.reindexed = registry.rebuild_search_index(ws)
        audit.record_now(
            ws,
            Actor.system("check --reindex"),
            AuditAction.UPDATE,
            record_type="search_index",
            detail=f"rebuilt for {report.reindexed} patients",
        )
    return report


def backup_now(ws: Workspace, actor: Actor, *, keep: int | None = None) -> backups.BackupResult:
    require(actor, Permission.RUN_BACKUPS)
    result = backups.create_backup(ws)
    backups.rotate(ws.backup_dir, keep or settings.load(ws).backups_kept)
    audit.record_now(
        ws,
        actor,
        AuditAction.BACKUP,
        record_type="backup",
        detail=f"{result.path.name}, verified, {result.size_bytes} bytes",
    )
    audit_anchors.advance_quietly(ws)  # the checkpoint follows every backup
    return result


def list_backups(ws: Workspace) -> list[Path]:
    return backups.list_backups(ws.backup_dir)


def restore(ws: Workspace, actor: Actor, source: Path) -> tuple[Workspace, Path]:
    """Replace the database with a verified backup; the replaced one is kept (a verified
    backup when it was healthy, else the file itself, byte for byte).

    Refused while another program has the workspace open (WorkspaceBusyError names it). The
    given workspace is closed; the returned one is open on the restored data.
    """
    require(actor, Permission.RUN_BACKUPS)
    source = _backup_file(source)
    backups.verify_backup(ws, source)  # refuses a damaged or foreign file before anything moves
    ws.lock.upgrade()  # nobody else may be writing a file we are about to swap
    try:
        kept = _keep_current(ws)
        ws.engine.dispose()
        backups.replace_database(ws.folder, DB_NAME, source)
    except BaseException:
        ws.lock.downgrade()
        raise
    return _after_restore(ws.reopen(), actor, source, kept)


def restore_folder(
    folder: Path, actor: Actor, source: Path, **unlock
) -> tuple[Workspace, Path | None]:
    """`carecoord restore`: works when the database is damaged, truncated or missing (the case
    `check` sends people here for), because nothing reads the current database first."""
    require(actor, Permission.RUN_BACKUPS)
    folder = Path(folder)
    info, key = Workspace.unlock_key(folder, **unlock)
    source = _backup_file(source)
    backups.verify_backup_with_key(key, source)
    lock = WorkspaceLock(folder).acquire_exclusive()
    try:
        current = Workspace(folder, info, key, lock)  # no connection is made until used
        kept = _keep_current(current)
        current.engine.dispose()
        backups.replace_database(folder, DB_NAME, source)
    except BaseException:
        lock.release()
        raise
    return _after_restore(Workspace(folder, info, key, lock), actor, source, kept)


def _backup_file(source: Path) -> Path:
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    return source


def _healthy(ws: Workspace) -> bool:
    """Whether the current database opens and passes its checks (then it can be backed up)."""
    if not ws.db_path.exists() or ws.db_path.stat().st_size == 0:
        return False
    try:
        conn = ws.connect_new()
    except (CareCoordError, DatabaseError):
        return False
    try:
        return not run_checks(conn, full=False)
    finally:
        conn.close()


def _keep_current(ws: Workspace) -> Path | None:
    """A verified pre-restore backup of a healthy database; the damaged file itself otherwise."""
    if _healthy(ws):
        try:
            return backups.create_backup(ws, label="pre-restore").path
        except (CareCoordError, DatabaseError):
            pass  # damage the quick check missed: keep the file as it is instead
    ws.engine.dispose()
    return backups.keep_damaged(ws.folder, DB_NAME, ws.backup_dir)


def _after_restore(
    restored: Workspace, actor: Actor, source: Path, kept: Path | None
) -> tuple[Workspace, Path | None]:
    try:
        restored.connect_new().close()  # the swapped-in file opens with this key
        if restored.needs_migration():
            migrate.upgrade(restored.engine)
        what = f"previous database kept as {kept.name}" if kept else "there was no database"
        audit.record_now(
            restored,
            actor,
            AuditAction.RESTORE,
            record_type="backup",
            detail=f"restored {source.name}; {what}",
        )
        audit_anchors.advance_quietly(restored, after_restore=True)  # the chain forked here
    except BaseException:
        restored.close()
        raise
    restored.lock.downgrade()
    return restored, kept
