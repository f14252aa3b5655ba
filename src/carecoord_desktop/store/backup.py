"""Encrypted backups with sqlcipher_export, verified by reopening them.

A backup is the same SQLCipher format under the same data key, so the recovery key in the safe
opens every backup too. It is written to a temporary name, verified (integrity_check,
cipher_integrity_check, row counts equal to the source at the moment of export), and only then
renamed into place: a backup file that exists is a backup that was verified.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import portalocker
import sqlcipher3.dbapi2 as sqlcipher

from carecoord_desktop.errors import BackupError, CareCoordError
from carecoord_desktop.store.engine import connect_raw, run_checks
from carecoord_desktop.store.keys import DataKey
from carecoord_desktop.store.lock import HOLDERS_DIR
from carecoord_desktop.store.workspace import Workspace

SUFFIX = ".ccbackup"
PREFIX = "carecoord-"
DAMAGED_PREFIX = "damaged-"
_WRITER_LOCK = "backup-writer.lock"
# What a killed backup leaves: the half-written file and SQLite's journal beside it.
_PARTIAL_PATTERNS = ("*.ccbackup.partial", "*.ccbackup.partial-journal",
                     "*.ccbackup.partial-wal", "*.ccbackup.partial-shm")  # fmt: skip
WRITER_WAIT_S = 300


@dataclass(frozen=True)
class BackupResult:
    path: Path
    tables: dict[str, int]
    size_bytes: int


def _tables(conn, schema: str = "main") -> list[str]:
    rows = conn.execute(
        f"SELECT name FROM {schema}.sqlite_master WHERE type='table' "
        "AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [r[0] for r in rows]


def row_counts(conn, schema: str = "main") -> dict[str, int]:
    return {
        t: conn.execute(f'SELECT count(*) FROM {schema}."{t}"').fetchone()[0]
        for t in _tables(conn, schema)
    }


def backup_name(label: str = "", at: datetime | None = None) -> str:
    stamp = (at or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{PREFIX}{stamp}{'-' + label if label else ''}{SUFFIX}"


@contextlib.contextmanager
def _writing(ws: Workspace, *, wait: bool = True) -> Iterator[bool]:
    """One backup writer per workspace at a time, across processes. Yields False when another
    is writing and `wait` is off. While held, no backup of it is half-written by anyone."""
    (ws.folder / HOLDERS_DIR).mkdir(exist_ok=True)
    fh = open(ws.folder / HOLDERS_DIR / _WRITER_LOCK, "a+b")  # noqa: SIM115 - held for the block
    try:
        try:
            _lock_polling(fh, WRITER_WAIT_S if wait else 0.0)
        except portalocker.LockException:
            if wait:
                raise BackupError(
                    "Another backup of this workspace is still being written; try again when "
                    "it has finished. Nothing was changed."
                ) from None
            yield False
            return
        try:
            yield True
        finally:
            with contextlib.suppress(OSError, portalocker.LockException):
                portalocker.unlock(fh)
    finally:
        fh.close()


def _lock_polling(fh, wait_s: float) -> None:
    deadline = time.monotonic() + wait_s
    while True:
        try:
            portalocker.lock(
                fh, portalocker.LockFlags.EXCLUSIVE | portalocker.LockFlags.NON_BLOCKING
            )
            return
        except portalocker.LockException:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


def remove_partials(ws: Workspace, dest_dir: Path | None = None) -> list[Path]:
    """Delete what killed backups left in `dest_dir`, unless a backup is being written now."""
    dest_dir = Path(dest_dir or ws.backup_dir)
    if not dest_dir.is_dir():
        return []
    removed: list[Path] = []
    with _writing(ws, wait=False) as free:
        if free:
            for pattern in _PARTIAL_PATTERNS:
                for path in Path(dest_dir).glob(pattern):
                    _remove(path)
                    removed.append(path)
    return removed


def create_backup(ws: Workspace, *, label: str = "", dest_dir: Path | None = None) -> BackupResult:
    dest_dir = Path(dest_dir or ws.backup_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    with _writing(ws):
        for pattern in _PARTIAL_PATTERNS:
            for leftover in dest_dir.glob(pattern):
                _remove(leftover)
        return _create_backup(ws, label, dest_dir)


def _create_backup(ws: Workspace, label: str, dest_dir: Path) -> BackupResult:
    final = dest_dir / backup_name(label)
    tmp = final.with_name(final.name + ".partial")
    conn = ws.connect_new()
    try:
        conn.execute(f"ATTACH DATABASE ? AS backup KEY {ws.sqlcipher_key_literal()}", (str(tmp),))
        try:
            # One read transaction: the counts describe exactly the snapshot that is exported.
            conn.execute("BEGIN")
            counts = row_counts(conn)
            conn.execute("SELECT sqlcipher_export('backup')")
            conn.execute("COMMIT")
        finally:
            conn.execute("DETACH DATABASE backup")
    except sqlcipher.DatabaseError as exc:
        _remove(tmp)
        raise BackupError(
            f"The backup could not be written ({exc}). Nothing was changed."
        ) from None
    finally:
        conn.close()
    try:
        verify_backup(ws, tmp, expected_counts=counts)
    except CareCoordError:
        _remove(tmp)
        raise
    os.replace(tmp, final)
    _restrict_file(final)
    return BackupResult(final, counts, final.stat().st_size)


def verify_backup(ws: Workspace, path: Path, expected_counts: dict[str, int] | None = None) -> dict:
    """Open a backup with the workspace key and check it; returns its row counts."""
    return _verify(ws.connect_file, path, expected_counts)


def verify_backup_with_key(key: DataKey, path: Path) -> dict:
    """The same check when the workspace's own database cannot be opened (it is damaged)."""
    return _verify(lambda p: connect_raw(p, key, readonly=True), path, None)


def _verify(
    connect: Callable[[Path], object], path: Path, expected_counts: dict[str, int] | None
) -> dict:
    try:
        conn = connect(path)
    except CareCoordError as exc:
        raise BackupError(f"The backup {path.name} cannot be opened: {exc}") from None
    try:
        problems = run_checks(conn)
        if problems:
            raise BackupError(
                f"The backup {path.name} failed its integrity check ({problems[0]}). "
                "Do not rely on it; make a new backup."
            )
        counts = row_counts(conn)
    finally:
        conn.close()
    if "alembic_version" not in counts or not counts.get("staff_user"):
        raise BackupError(
            f"{path.name} opens with this workspace's key but holds no practice (no schema "
            "version or no staff accounts). It was not used."
        )
    if expected_counts is not None and counts != expected_counts:
        diff = sorted(
            k for k in set(counts) | set(expected_counts) if counts.get(k) != expected_counts.get(k)
        )
        raise BackupError(
            f"The backup's row counts differ from the database's in {', '.join(diff)}. "
            "It was discarded; try again."
        )
    return counts


def list_backups(folder: Path) -> list[Path]:
    """Newest first."""
    if not folder.exists():
        return []
    return sorted(
        (p for p in folder.iterdir() if p.name.startswith(PREFIX) and p.name.endswith(SUFFIX)),
        key=lambda p: p.name,
        reverse=True,
    )


def rotate(folder: Path, keep: int) -> list[Path]:
    """Delete the oldest routine backups beyond `keep`; labelled ones (pre-restore...) stay."""
    routine = [p for p in list_backups(folder) if "-" not in p.name[len(PREFIX) : -len(SUFFIX)]]
    removed = routine[max(keep, 1) :]
    for p in removed:
        _remove(p)
    return removed


def replace_database(ws_folder: Path, db_name: str, source: Path) -> None:
    """Swap the database file for `source` atomically (the workspace must be closed)."""
    target = ws_folder / db_name
    tmp = ws_folder / (db_name + ".restoring")
    with source.open("rb") as src, tmp.open("wb") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    for side in ("-wal", "-shm"):
        _remove(ws_folder / (db_name + side))
    os.replace(tmp, target)
    _restrict_file(target)


def keep_damaged(ws_folder: Path, db_name: str, dest_dir: Path) -> Path | None:
    """Move a damaged database (and its -wal/-shm) aside unchanged, byte for byte; a rename in
    the same folder tree, so nothing is read through the damage. None when there is no file."""
    source = ws_folder / db_name
    if not source.exists():
        return None
    dest_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    kept = dest_dir / f"{DAMAGED_PREFIX}{stamp}-{db_name}"
    for side in ("-wal", "-shm"):
        if (ws_folder / (db_name + side)).exists():
            os.replace(ws_folder / (db_name + side), dest_dir / (kept.name + side))
    os.replace(source, kept)
    return kept


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def _restrict_file(path: Path) -> None:
    try:
        os.chmod(path, 0o600)
    except OSError:
        pass
