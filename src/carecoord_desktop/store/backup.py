"""Encrypted backups with sqlcipher_export, verified by reopening them.

A backup is the same SQLCipher format under the same data key, so the recovery key in the safe
opens every backup too. It is written to a temporary name, verified (integrity_check,
cipher_integrity_check, row counts equal to the source at the moment of export), and only then
renamed into place: a backup file that exists is a backup that was verified.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from carecoord_desktop.errors import BackupError, CareCoordError
from carecoord_desktop.store.engine import run_checks
from carecoord_desktop.store.workspace import Workspace

SUFFIX = ".ccbackup"
PREFIX = "carecoord-"


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


def create_backup(ws: Workspace, *, label: str = "", dest_dir: Path | None = None) -> BackupResult:
    dest_dir = Path(dest_dir or ws.backup_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
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
    try:
        conn = ws.connect_file(path)
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
