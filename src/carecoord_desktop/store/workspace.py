"""The practice workspace: one folder holding the encrypted database, the wrapped key, backups.

workspace.json       id and format marker (no secrets, no patient data)
carecoord.db         SQLCipher 4 database (+ -wal/-shm while open)
key.wrapped.json     the data key wrapped under the recovery key (scrypt + AES-GCM)
backups/             encrypted, verified backups
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import portalocker
from sqlalchemy import Engine
from sqlmodel import Session

from carecoord_desktop.errors import (
    CorruptDatabaseError,
    DatabaseMissingError,
    KeyNotInKeystoreError,
    KeystoreUnavailableError,
    NotAWorkspaceDatabaseError,
    WorkspaceError,
    WorkspaceNotFoundError,
)
from carecoord_desktop.store import keystore, migrate
from carecoord_desktop.store.engine import connect_raw, make_engine
from carecoord_desktop.store.keys import (
    SCRYPT_N,
    DataKey,
    RecoveryKey,
    read_anchor,
    read_key_file,
    unwrap_data_key,
    wrap_data_key,
    write_anchor,
    write_key_file,
)
from carecoord_desktop.store.lock import HOLDERS_DIR, WorkspaceLock

MARKER = "workspace.json"
DB_NAME = "carecoord.db"
KEY_FILE = "key.wrapped.json"
BACKUP_DIR = "backups"
_FORMAT = "carecoord-workspace"


@dataclass(frozen=True)
class WorkspaceInfo:
    workspace_id: str
    created_at: str
    demo: bool


class Workspace:
    """An open, unlocked workspace. Only services use its sessions and connections."""

    def __init__(
        self, folder: Path, info: WorkspaceInfo, key: DataKey, lock: WorkspaceLock | None = None
    ) -> None:
        self.folder = folder
        self.info = info
        self._key = key
        # Shared by every open app and CLI command; restore needs it alone (store/lock.py).
        self.lock = lock if lock is not None else WorkspaceLock(folder).acquire_shared()
        self.engine: Engine = make_engine(self.db_path, key)

    # -- paths -------------------------------------------------------------------------------
    @property
    def db_path(self) -> Path:
        return self.folder / DB_NAME

    @property
    def backup_dir(self) -> Path:
        return self.folder / BACKUP_DIR

    @property
    def id(self) -> str:
        return self.info.workspace_id

    @property
    def is_demo(self) -> bool:
        return self.info.demo

    # -- creation and opening ----------------------------------------------------------------
    @classmethod
    def create(
        cls,
        folder: Path,
        *,
        demo: bool = False,
        remember_key: bool = True,
        scrypt_n: int = SCRYPT_N,
    ) -> tuple[Workspace, RecoveryKey]:
        """Create the folder, key, wrapped key and an empty migrated database."""
        folder = Path(folder)
        if (folder / MARKER).exists() or (folder / DB_NAME).exists():
            raise WorkspaceError(
                f"{folder} already holds a CareCoord workspace; nothing was overwritten. "
                "Choose an empty folder."
            )
        folder.mkdir(parents=True, exist_ok=True)
        _restrict(folder)
        (folder / BACKUP_DIR).mkdir(exist_ok=True)
        info = WorkspaceInfo(str(uuid.uuid4()), datetime.now(UTC).isoformat(), demo)
        key = DataKey.generate()
        recovery = RecoveryKey.generate()
        write_key_file(
            folder / KEY_FILE, wrap_data_key(key, recovery, info.workspace_id, n=scrypt_n)
        )
        if remember_key and not demo:
            keystore.store_key(info.workspace_id, key)
        ws = cls(folder, info, key, WorkspaceLock(folder).acquire_shared())
        migrate.upgrade(ws.engine)
        # The marker is written last: a half-created folder is not mistaken for a workspace.
        (folder / MARKER).write_text(
            json.dumps(
                {
                    "format": _FORMAT,
                    "version": 1,
                    "workspace_id": info.workspace_id,
                    "created_at": info.created_at,
                    "demo": demo,
                },
                indent=2,
            ),
            encoding="utf-8",
        )
        return ws, recovery

    @staticmethod
    def read_info(folder: Path) -> WorkspaceInfo:
        marker = Path(folder) / MARKER
        if not marker.exists():
            raise WorkspaceNotFoundError(str(folder))
        try:
            doc = json.loads(marker.read_text(encoding="utf-8"))
            if doc.get("format") != _FORMAT:
                raise ValueError
            return WorkspaceInfo(doc["workspace_id"], doc["created_at"], bool(doc.get("demo")))
        except (ValueError, KeyError, OSError):
            raise NotAWorkspaceDatabaseError(
                f"{marker} is damaged or not a CareCoord workspace marker. Nothing was changed."
            ) from None

    @classmethod
    def exists(cls, folder: Path) -> bool:
        return (Path(folder) / MARKER).exists()

    @classmethod
    def open(
        cls,
        folder: Path,
        *,
        key: DataKey | None = None,
        recovery_key: str | RecoveryKey | None = None,
        remember_key: bool = False,
    ) -> Workspace:
        """Unlock with a given key, else the OS keystore, else the recovery key.

        Raises KeyNotInKeystoreError when only the recovery key could open it, and a specific
        WorkspaceError for a missing, foreign or corrupt database. Nothing is modified on failure.
        """
        folder = Path(folder)
        info, key = cls.unlock_key(
            folder, key=key, recovery_key=recovery_key, remember_key=remember_key
        )
        if not (folder / DB_NAME).exists():
            raise DatabaseMissingError(str(folder / DB_NAME))
        if (folder / DB_NAME).stat().st_size == 0:
            # SQLite would happily treat an empty file as a new database and write to it.
            raise CorruptDatabaseError("the database file is empty")
        lock = WorkspaceLock(folder).acquire_shared()
        try:
            # Prove the key opens this file before anything else touches it.
            connect_raw(folder / DB_NAME, key).close()
        except BaseException:
            lock.release()
            raise
        remove_leftovers(folder)
        return cls(folder, info, key, lock)

    @classmethod
    def unlock_key(
        cls,
        folder: Path,
        *,
        key: DataKey | None = None,
        recovery_key: str | RecoveryKey | None = None,
        remember_key: bool = False,
    ) -> tuple[WorkspaceInfo, DataKey]:
        """The workspace's identity and data key, without touching the database file (a restore
        of a damaged or missing database needs the key when the database cannot be opened)."""
        folder = Path(folder)
        info = cls.read_info(folder)
        if key is None and recovery_key is not None:
            rk = (
                recovery_key
                if isinstance(recovery_key, RecoveryKey)
                else RecoveryKey.parse(recovery_key)
            )
            key = unwrap_data_key(read_key_file(folder / KEY_FILE), rk)
            if remember_key:
                # Best effort: the right recovery key still opens where no keystore can hold it.
                with contextlib.suppress(KeystoreUnavailableError):
                    keystore.store_key(info.workspace_id, key)
        if key is None:
            key = keystore.load_key(info.workspace_id)
        if key is None:
            raise KeyNotInKeystoreError()
        return info, key

    # -- use ---------------------------------------------------------------------------------
    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A session that holds the write lock from its first statement (BEGIN IMMEDIATE).

        For read-then-write work (the next free id, "is this name taken", "is another admin
        left"): a second writer waits (busy_timeout) instead of reading the same answer and
        failing on the unique constraint. The caller commits; leaving without commit rolls back.
        """
        with self.session() as session:
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            yield session

    @contextmanager
    def raw_connection(self) -> Iterator[object]:
        """A pooled DB-API connection for bulk work and pragmas (commit is the caller's)."""
        conn = self.engine.raw_connection()
        try:
            yield conn
        finally:
            conn.close()

    def connect_new(self):
        """A fresh unpooled keyed connection (backups, checks, other threads)."""
        return connect_raw(self.db_path, self._key)

    def connect_file(self, path: Path, *, readonly: bool = True):
        """Open another file (a backup) with this workspace's key; read-only by default."""
        return connect_raw(path, self._key, readonly=readonly)

    # -- the audit checkpoint, sealed under a key derived from the data key ------------------
    def read_audit_anchor(self) -> dict | None:
        """The checkpoint in the key file; ValueError when it is there but was edited."""
        return read_anchor(read_key_file(self.folder / KEY_FILE), self._key)

    def write_audit_anchor(self, anchor: dict) -> None:
        """Store a new checkpoint (one writer at a time across processes)."""
        (self.folder / HOLDERS_DIR).mkdir(exist_ok=True)
        with portalocker.Lock(
            self.folder / HOLDERS_DIR / "key-file.lock", mode="a", timeout=30,
            flags=portalocker.LockFlags.EXCLUSIVE | portalocker.LockFlags.NON_BLOCKING,
        ):  # fmt: skip
            write_anchor(self.folder / KEY_FILE, self._key, anchor)

    def sqlcipher_key_literal(self) -> str:
        return self._key.sqlcipher_pragma_value()

    def needs_migration(self) -> bool:
        return migrate.current_revision(self.engine) != migrate.head_revision()

    def remember_key(self) -> None:
        keystore.store_key(self.id, self._key)

    def reopen(self) -> Workspace:
        """A fresh engine on the same folder and key (after the file was swapped by a restore);
        the new object takes over this one's lock."""
        self.engine.dispose()
        lock, self.lock = self.lock, WorkspaceLock(self.folder)
        return Workspace(self.folder, self.info, self._key, lock)

    def close(self) -> None:
        self.engine.dispose()
        self.lock.release()

    def __repr__(self) -> str:
        return f"Workspace({self.folder!s}, id={self.id})"


def remove_leftovers(folder: Path) -> list[Path]:
    """Delete what a killed restore left (the shared lock we hold means none is running)."""
    removed = []
    for name in (DB_NAME + ".restoring",):
        path = folder / name
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    return removed


def _restrict(folder: Path) -> None:
    """Owner-only permissions where the OS has them (no-op on Windows ACLs)."""
    try:
        os.chmod(folder, 0o700)
    except OSError:
        pass
