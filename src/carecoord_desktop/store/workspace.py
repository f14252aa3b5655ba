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
    read_key_file,
    unwrap_data_key,
    wrap_data_key,
    write_key_file,
)

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

    def __init__(self, folder: Path, info: WorkspaceInfo, key: DataKey) -> None:
        self.folder = folder
        self.info = info
        self._key = key
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
        ws = cls(folder, info, key)
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
        info = cls.read_info(folder)
        if not (folder / DB_NAME).exists():
            raise DatabaseMissingError(str(folder / DB_NAME))
        if (folder / DB_NAME).stat().st_size == 0:
            # SQLite would happily treat an empty file as a new database and write to it.
            raise CorruptDatabaseError("the database file is empty")
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
        # Prove the key opens this file before anything else touches it.
        connect_raw(folder / DB_NAME, key).close()
        return cls(folder, info, key)

    # -- use ---------------------------------------------------------------------------------
    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

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

    def sqlcipher_key_literal(self) -> str:
        return self._key.sqlcipher_pragma_value()

    def needs_migration(self) -> bool:
        return migrate.current_revision(self.engine) != migrate.head_revision()

    def remember_key(self) -> None:
        keystore.store_key(self.id, self._key)

    def reopen(self) -> Workspace:
        """A fresh engine on the same folder and key (after the file was swapped by a restore)."""
        self.engine.dispose()
        return Workspace(self.folder, self.info, self._key)

    def close(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Workspace({self.folder!s}, id={self.id})"


def _restrict(folder: Path) -> None:
    """Owner-only permissions where the OS has them (no-op on Windows ACLs)."""
    try:
        os.chmod(folder, 0o700)
    except OSError:
        pass
