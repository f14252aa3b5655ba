"""Opening the SQLCipher database: the raw key, the pragmas, and telling failures apart."""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from carecoord_desktop.config import BUSY_TIMEOUT_MS
from carecoord_desktop.errors import (
    CorruptDatabaseError,
    DatabaseMissingError,
    NotADatabaseFileError,
    NotAWorkspaceDatabaseError,
    ValidationError,
    WrongKeyError,
)
from carecoord_desktop.store.keys import DataKey

SQLITE_HEADER = b"SQLite format 3\x00"


def audit_hash(prev_hash: str, *fields: object) -> str:
    """Hash of one audit row chained to the previous row's hash (shared by SQL and Python)."""
    h = hashlib.sha256(prev_hash.encode("ascii"))
    for value in fields:
        h.update(b"\x1f")
        h.update(b"\x00" if value is None else str(value).encode("utf-8"))
    return h.hexdigest()


def connect_raw(
    path: Path, key: DataKey, *, check_same_thread: bool = False, readonly: bool = False
):
    """A keyed sqlcipher3 connection with our pragmas. Errors never carry the key.

    `readonly` opens without writing a byte (checking a backup must not change it).
    """
    if readonly and path.exists() and path.stat().st_size == 0:
        raise CorruptDatabaseError("the file is empty")
    target, uri = (f"{path.resolve().as_uri()}?mode=ro", True) if readonly else (str(path), False)
    conn = sqlcipher.connect(
        target, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=check_same_thread, uri=uri
    )
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = {key.sqlcipher_pragma_value()}")
        if readonly:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # REPLACE deletes the old row: with recursive triggers the audit log's DELETE trigger
        # refuses it too.
        conn.execute("PRAGMA recursive_triggers = ON")
        # SQLCipher decrypts every page it reads; a 64 MiB page cache keeps list and search
        # pages decrypted (a 2-letter search at 100k patients: 38 ms -> 10 ms).
        conn.execute("PRAGMA cache_size = -65536")
        conn.execute("PRAGMA foreign_keys = ON")
        # The first pragma that reads the file decrypts page 1: a wrong key fails here.
        conn.execute("PRAGMA synchronous = FULL")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise sqlcipher.OperationalError("could not switch to WAL")
        conn.create_function("cc_audit_hash", -1, audit_hash, deterministic=True)
    except sqlcipher.DatabaseError as exc:
        conn.close()
        raise classify_open_error(path, key, exc) from None
    return conn


def classify_open_error(path: Path, key: DataKey, exc: Exception) -> Exception:
    """Turn SQLCipher's one 'file is not a database' into the user's real situation."""
    if not path.exists():
        return DatabaseMissingError(str(path))
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError:
        head = b""
    if head == SQLITE_HEADER:
        return NotAWorkspaceDatabaseError(
            f"{path.name} is an ordinary, unencrypted SQLite database, not a CareCoord workspace "
            "database. Nothing was changed. Put the workspace's own database file back or restore "
            "a backup."
        )
    if path.stat().st_size == 0:
        return CorruptDatabaseError("the database file is empty")
    failed, total = _hmac_failures(path, key)
    if total and 0 < failed < total:
        return CorruptDatabaseError(f"{failed} of {total} pages failed")
    if "malformed" in str(exc) or "corrupt" in str(exc).lower():
        return CorruptDatabaseError()
    what = _not_a_database(path)
    if what:
        return NotADatabaseFileError(path.name, what)
    return WrongKeyError()


# Magic numbers of files people pick by mistake instead of a backup.
_KNOWN_KINDS = {
    b"%PDF": "it is a PDF document",
    b"PK\x03\x04": "it is a zip archive",
    b"\x1f\x8b": "it is a gzip archive",
    b"{": "it is a text file",
}


def _not_a_database(path: Path) -> str:
    """Why `path` cannot be an encrypted database under any key ('' when it could be one).

    Every page failed to decrypt, so it is either another key's database or no database at all.
    An SQLCipher file is whole pages (512 bytes at least) of bytes that look random.
    """
    size = path.stat().st_size
    with path.open("rb") as fh:
        sample = fh.read(1 << 16)
    for magic, what in _KNOWN_KINDS.items():
        if sample.startswith(magic):
            return what
    if size < 512 or size % 512:
        return f"its size, {size:,} bytes, is not a whole number of database pages"
    counts = Counter(sample)
    entropy = -sum(n / len(sample) * math.log2(n / len(sample)) for n in counts.values())
    if entropy < 7.0:  # encrypted pages measure ~7.95 bits per byte; text is ~4-5
        return "its content is not encrypted data"
    return ""


def _hmac_failures(path: Path, key: DataKey) -> tuple[int, int]:
    """How many pages fail SQLCipher's HMAC check with this key, out of how many."""
    try:
        conn = sqlcipher.connect(str(path))
        try:
            conn.execute("PRAGMA cipher_log_level = NONE")
            conn.execute(f"PRAGMA key = {key.sqlcipher_pragma_value()}")
            rows = conn.execute("PRAGMA cipher_integrity_check").fetchall()
        finally:
            conn.close()
    except sqlcipher.DatabaseError:
        return 0, 0
    page_size = 4096
    total = max(1, path.stat().st_size // page_size)
    failed = sum(1 for (msg,) in rows if "HMAC verification failed" in msg)
    return failed, total


DatabaseError = sqlcipher.DatabaseError  # for callers that read through raw connections


def make_engine(path: Path, key: DataKey) -> Engine:
    """A SQLAlchemy engine whose connections come from `connect_raw` (the key is not in a URL)."""

    def creator():
        return connect_raw(path, key)

    engine = create_engine(
        "sqlite://",
        creator=creator,
        module=sqlcipher,
        poolclass=QueuePool,
        pool_size=4,
        max_overflow=8,
        pool_pre_ping=False,
        # An error's message must not carry the row it failed on (names, DOB, Medicare).
        hide_parameters=True,
    )
    _install_corruption_translation(engine)
    return engine


def _install_corruption_translation(engine: Engine) -> None:
    @event.listens_for(engine, "handle_error")
    def _translate(ctx) -> None:  # pragma: no cover - exercised by corruption tests
        orig = ctx.original_exception
        if isinstance(orig, UnicodeEncodeError):
            # Text that is not valid Unicode (a lone surrogate) reached a query the services'
            # text rule did not guard: a plain refusal, not a crash.
            return ValidationError(
                "Some of the text contains a broken character (often left by copying from "
                "another program), so it cannot be saved or searched. Nothing was changed. "
                "Delete that part and type it again."
            )
        if isinstance(orig, sqlcipher.DatabaseError) and (
            "malformed" in str(orig) or "not a database" in str(orig)
        ):
            return CorruptDatabaseError()
        return None


def run_checks(conn, full: bool = True) -> list[str]:
    """integrity_check and cipher_integrity_check; the list of problems ([] when healthy)."""
    problems: list[str] = []
    try:
        rows = conn.execute("PRAGMA integrity_check" if full else "PRAGMA quick_check").fetchall()
        problems += [r[0] for r in rows if r[0] != "ok"]
        problems += [r[0] for r in conn.execute("PRAGMA cipher_integrity_check").fetchall()]
    except sqlcipher.DatabaseError as exc:
        problems.append(f"check could not complete: {exc}")
    return problems
