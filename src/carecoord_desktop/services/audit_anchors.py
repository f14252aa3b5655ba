"""Anchors for the audit chain, kept outside the audit table, so tampering with its end shows.

The hash chain proves that no row in the middle was changed or removed. It cannot prove, on its
own, that nobody deleted its newest rows, replaced the last one with a recomputed hash, rewrote a
row and re-chained everything after it, or dropped the append-only triggers first. So the chain
head (row count + the last row's hash) is also kept where the database is not:

- the checkpoint: in the wrapped-key file, sealed with HMAC-SHA256 under a key derived from the
  data key (HKDF), advanced at every backup, `check` and `audit verify` and reset by a restore;
- every backup: a backup holds the chain as it was, so its last row is a head the live chain must
  still contain (a restore legitimately forks the chain: its RESTORE row marks the fork);
- paper: `audit verify` prints the head, for the monthly audit report and the practice file.

`verify` checks that the live chain extends every anchor it can find and that the triggers are
as the schema made them, and says exactly what is missing.

What this can and cannot detect: anyone without the data key cannot change the encrypted
database at all. Someone with the key (OS access to the keystore, or the recovery key) who edits
the audit table is caught by the newest anchor they did not also rewrite. Someone holding the key
AND every copy (the key file, every backup, the printed heads) can rewrite history undetected;
so can anyone acting between the newest anchor and the edit, for rows written after that anchor.
A deleted checkpoint is re-created from the live chain (trust on first use): only backups and
paper then show a truncation.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.services.audit import _stamp, verify_chain, verify_rows
from carecoord_desktop.store import backup as backups
from carecoord_desktop.store.engine import DatabaseError
from carecoord_desktop.store.workspace import Workspace

# The triggers exactly as migration 0001 makes them (compared without case or spacing).
TRIGGERS = {
    "audit_event_no_update": "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    "audit_event_no_delete": "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
}


def _norm(sql: str | None) -> str:
    return "".join((sql or "").split()).lower()


@dataclass
class AnchorReport:
    rows: int = 0
    head: str = ""
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    anchors: int = 0  # how many anchors the live chain was compared with
    checkpoint: bool = False  # the sealed checkpoint was one of them
    backups: int = 0  # and this many backups

    @property
    def ok(self) -> bool:
        return not self.problems

    def head_line(self) -> str:
        """The line to print or write down: it lets paper prove the log later."""
        return f"Audit chain head: {self.rows:,} rows, last hash {self.head or '(none)'}"


def _head(conn) -> tuple[int, str]:
    row = conn.execute("SELECT id, row_hash FROM audit_event ORDER BY id DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, "")


def _hash_at(conn, row_id: int) -> str | None:
    row = conn.execute("SELECT row_hash FROM audit_event WHERE id = ?", (row_id,)).fetchone()
    return row[0] if row else None


def _restore_after(conn, at: str) -> int | None:
    """The first RESTORE row written after `at`: a legitimate fork of the chain."""
    row = conn.execute(
        "SELECT id FROM audit_event WHERE action = 'restore' AND at > ? ORDER BY id LIMIT 1",
        (at,),
    ).fetchone()
    return row[0] if row else None


def _missing(rows: int, anchor_rows: int, what: str) -> str:
    if rows < anchor_rows:
        gone = f"row {anchor_rows}" if rows + 1 == anchor_rows else f"rows {rows + 1}–{anchor_rows}"
        return (
            f"the audit log ends at row {rows}, but {what} recorded {anchor_rows} rows: "
            f"{gone} were deleted"
        )
    return (
        f"row {anchor_rows} no longer matches {what}: rows up to {anchor_rows} were rewritten "
        "(and the chain recomputed after them)"
    )


def verify(ws: Workspace) -> AnchorReport:
    """Triggers, the checkpoint and every backup's head against the live chain."""
    report = AnchorReport()
    conn = ws.connect_new()
    try:
        report.rows, report.head = _head(conn)
        triggers = dict(
            conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'audit_event'"
            ).fetchall()
        )
        for name, expected in TRIGGERS.items():
            if name not in triggers:
                report.problems.append(
                    f"the append-only trigger {name} is missing: rows could have been "
                    f"{'changed' if 'update' in name else 'deleted'} without a trace in the table"
                )
            elif _norm(triggers[name]) != _norm(expected):
                report.problems.append(f"the append-only trigger {name} was altered")
        if report.rows == 0:
            report.problems.append(
                "the audit log is empty, but every workspace records its own creation: "
                "all of its rows were deleted"
            )
        _check_checkpoint(ws, conn, report)
        for path in backups.list_backups(ws.backup_dir):
            _check_backup(ws, conn, path, report)
    finally:
        conn.close()
    return report


def _check_checkpoint(ws: Workspace, conn, report: AnchorReport) -> None:
    try:
        anchor = ws.read_audit_anchor()
    except ValueError:
        report.problems.append(
            "the audit checkpoint in key.wrapped.json was edited (its seal does not match)"
        )
        return
    except CareCoordError as exc:
        report.problems.append(f"the audit checkpoint could not be read: {exc}")
        return
    if anchor is None:
        report.notes.append("no audit checkpoint yet; one is written now")
        return
    report.anchors += 1
    report.checkpoint = True
    n, h, at = int(anchor["rows"]), str(anchor["head"]), str(anchor["at"])
    if n == 0 or (n <= report.rows and _hash_at(conn, n) == h):
        return
    restored = _restore_after(conn, at)
    if restored is not None and restored <= report.rows:
        report.notes.append(
            f"the checkpoint of {at[:16]} predates the restore recorded at row {restored}"
        )
        return
    report.problems.append(_missing(report.rows, n, f"the checkpoint of {at[:16]} UTC"))


def _check_backup(ws: Workspace, conn, path, report: AnchorReport) -> None:
    try:
        other = ws.connect_file(path)
    except (CareCoordError, DatabaseError):
        report.notes.append(f"backup {path.name} could not be opened; not compared")
        return
    try:
        n, _ = _head(other)
        if n == 0:
            return
        report.anchors += 1
        report.backups += 1
        if n <= report.rows and _hash_at(conn, n) == _hash_at(other, n):
            return
        # The longest common prefix (hash-chained: equal at k means equal up to k).
        lo, hi = 0, min(n, report.rows)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if _hash_at(conn, mid) == _hash_at(other, mid):
                lo = mid
            else:
                hi = mid - 1
    except DatabaseError:
        report.notes.append(f"backup {path.name} could not be read; not compared")
        return
    finally:
        other.close()
    fork = conn.execute("SELECT action FROM audit_event WHERE id = ?", (lo + 1,)).fetchone()
    if fork and fork[0] == "restore":
        return  # a branch that a restore replaced (the pre-restore copy, newer backups)
    report.problems.append(
        _missing(report.rows, n, f"backup {path.name}")
        if lo == min(n, report.rows)
        else (
            f"the audit log no longer contains backup {path.name}'s rows after row {lo}: "
            f"row {lo + 1} onwards was rewritten"
        )
    )


def advance(ws: Workspace, *, after_restore: bool = False) -> str | None:
    """Move the checkpoint to the live head, having checked the rows written since the last one.

    Returns the problem instead (and leaves the checkpoint as evidence) when the live chain no
    longer extends it. `after_restore` re-anchors on the restored chain, checked in full.
    """
    conn = ws.connect_new()
    try:
        rows, head = _head(conn)
        start, prev = 0, ""
        try:
            anchor = None if after_restore else ws.read_audit_anchor()
        except ValueError:
            return "the audit checkpoint in key.wrapped.json was edited; it was not replaced"
        if anchor is not None and int(anchor["rows"]) > 0:
            n, h = int(anchor["rows"]), str(anchor["head"])
            if n <= rows and _hash_at(conn, n) == h:
                start, prev = n, h
            elif _restore_after(conn, str(anchor["at"])) is None:
                return _missing(rows, n, "the audit checkpoint") + "; it was not replaced"
        chain = verify_rows(conn, start, prev)
        if not chain.ok:
            return f"event No. {chain.first_bad_id}: {chain.problem}"
    finally:
        conn.close()
    if anchor is not None and int(anchor["rows"]) == rows and anchor["head"] == head:
        return None  # nothing new: the key file is not rewritten
    ws.write_audit_anchor({"rows": rows, "head": head, "at": _stamp()})
    return None


def advance_quietly(ws: Workspace, **kw) -> None:
    """Advance where a failure must not stop the caller's work (check reports it instead)."""
    with contextlib.suppress(CareCoordError, DatabaseError, OSError):
        advance(ws, **kw)


@dataclass(frozen=True)
class Verdict:
    """The whole answer of `audit verify`: the chain, its anchors and its triggers."""

    rows: int
    anchors: int
    problems: list[str]
    notes: list[str]
    head_line: str
    checkpoint: bool = False
    backups: int = 0
    head: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def words(self) -> tuple[str, str, str]:
        """An intact log for a practice manager: what was found, what it was compared with,
        and the chain head to write down (with what it is for)."""
        events = f"{self.rows:,} event{'' if self.rows == 1 else 's'}"
        found = f"All {events} in the log are as they were written: none was changed or removed."
        backups = f"{self.backups} backup{'' if self.backups == 1 else 's'}"
        if self.checkpoint and self.backups:
            compared = f"Compared with the sealed checkpoint kept with the key file and {backups}."
        elif self.checkpoint:
            compared = "Compared with the sealed checkpoint kept with the key file."
        elif self.backups:
            compared = (
                f"Compared with {backups}. A sealed checkpoint is now kept with the key file."
            )
        else:
            compared = (
                "This was the first check: a sealed checkpoint is now kept with the key file, "
                "so later checks have something to compare with."
            )
        if not self.backups:
            compared += " No backup holds the log yet: make one to protect it further."
        details = (
            f"Chain head: {self.rows:,} events, fingerprint {self.head or '(none)'}. Write it "
            "down or print it with today's date: if the log is ever questioned, this line shows "
            "what it held on that day."
        )
        return found, compared, details


def verify_all(ws: Workspace) -> Verdict:
    """Chain, anchors and triggers; the checkpoint moves on only when all of it holds."""
    chain = verify_chain(ws)
    anchors = verify(ws)
    problems = [] if chain.ok else [f"event No. {chain.first_bad_id}: {chain.problem}"]
    problems += anchors.problems
    if not problems:
        advance_quietly(ws)
    return Verdict(
        chain.rows,
        anchors.anchors,
        problems,
        anchors.notes,
        anchors.head_line(),
        anchors.checkpoint,
        anchors.backups,
        anchors.head,
    )
