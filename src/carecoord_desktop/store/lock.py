"""A cross-process lock on the workspace folder: shared while open, exclusive for whole-file work.

Every open app window and CLI command holds a shared OS lock on `workspace.lock`; a restore (or
any operation that swaps the database file) needs it exclusively and refuses while anyone else
has the workspace open, naming who. OS locks die with their process, so a killed app never
blocks anyone: its lock is gone the moment the OS reaps it.

Who holds the lock is written to one small side file per holder under `locks/`, itself held with
an exclusive OS lock by its holder: a side file that can be locked by someone else belongs to a
dead process and is removed. Side files name the OS user, the computer, the program and its
process id; never patient data.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import portalocker

from carecoord_desktop.errors import WorkspaceBusyError

LOCK_FILE = "workspace.lock"
HOLDERS_DIR = "locks"

_program = "CareCoord"
_SHARED_NOW = portalocker.LockFlags.SHARED | portalocker.LockFlags.NON_BLOCKING
_EXCLUSIVE_NOW = portalocker.LockFlags.EXCLUSIVE | portalocker.LockFlags.NON_BLOCKING


def set_program_name(name: str) -> None:
    """How this process is named to others ("CareCoord app", "carecoord CLI")."""
    global _program
    _program = name


@dataclass(frozen=True)
class Holder:
    program: str
    user: str
    host: str
    pid: int
    since: str

    def describe(self) -> str:
        when = self.since[11:16] if len(self.since) >= 16 else self.since
        return (
            f"{self.program} (OS user {self.user} on {self.host}, process {self.pid}, "
            f"since {when} UTC)"
        )


def _me(mode: str) -> dict:
    try:
        user = getpass.getuser()
    except (OSError, KeyError):
        user = "unknown"
    return {
        "program": _program,
        "user": user,
        "host": socket.gethostname() or "this computer",
        "pid": os.getpid(),
        "since": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": mode,
    }


class WorkspaceLock:
    """This process's hold on one workspace folder (shared or exclusive)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._fh: IO | None = None
        self._side: IO | None = None
        self._side_path: Path | None = None
        self.mode: str | None = None

    # -- taking and giving back ----------------------------------------------------------------
    def acquire_shared(self) -> WorkspaceLock:
        self._take(portalocker.LockFlags.SHARED, "shared")
        return self

    def acquire_exclusive(self) -> WorkspaceLock:
        self._take(portalocker.LockFlags.EXCLUSIVE, "exclusive")
        return self

    def upgrade(self) -> None:
        """Shared -> exclusive; refuses (and keeps the shared lock) while anyone else is in."""
        self._take(portalocker.LockFlags.EXCLUSIVE, "exclusive")

    def downgrade(self) -> None:
        if self._fh is not None and self.mode == "exclusive":
            portalocker.lock(self._fh, _SHARED_NOW)
            self.mode = "shared"
            self._write_side("shared")

    def release(self) -> None:
        if self._fh is not None:
            with contextlib.suppress(OSError, portalocker.LockException):
                portalocker.unlock(self._fh)
            self._fh.close()
            self._fh = None
        if self._side is not None:
            # Remove before unlocking: nobody sees a side file without its holder.
            with contextlib.suppress(OSError):
                self._side_path.unlink()
            with contextlib.suppress(OSError, portalocker.LockException):
                portalocker.unlock(self._side)
            self._side.close()
            self._side = None
        self.mode = None

    @property
    def held(self) -> bool:
        return self._fh is not None

    # -- internals -------------------------------------------------------------------------------
    def _take(self, flag: portalocker.LockFlags, mode: str) -> None:
        opened_here = self._fh is None
        if opened_here:
            self._fh = open(self.folder / LOCK_FILE, "a+b")  # noqa: SIM115 - held while open
        try:
            portalocker.lock(self._fh, flag | portalocker.LockFlags.NON_BLOCKING)
        except portalocker.LockException:
            if opened_here:
                self._fh.close()
                self._fh = None
            raise WorkspaceBusyError(
                self._refusal(mode), holders=[h.describe() for h in self.others()]
            ) from None
        self.mode = mode
        self._write_side(mode)
        self.others()  # sweeps side files left by killed holders

    def _refusal(self, wanted: str) -> str:
        names = [h.describe() for h in self.others()]
        who = "; ".join(names) if names else "another CareCoord program"
        if wanted == "exclusive":
            return (
                f"The workspace is open in {who}. Close it there first (sign out and quit), "
                "then try again. Nothing was changed."
            )
        return (
            f"The workspace is being restored or rebuilt by {who}. Wait until it has "
            "finished, then open it again. Nothing was changed."
        )

    def _write_side(self, mode: str) -> None:
        holders = self.folder / HOLDERS_DIR
        holders.mkdir(exist_ok=True)
        if self._side is None:
            self._side_path = holders / f"{os.getpid()}-{uuid.uuid4().hex[:8]}.json"
            self._side = open(self._side_path, "w+", encoding="utf-8")  # noqa: SIM115
            portalocker.lock(self._side, _EXCLUSIVE_NOW)
        self._side.seek(0)
        self._side.truncate()
        self._side.write(json.dumps(_me(mode)))
        self._side.flush()

    def others(self) -> list[Holder]:
        """Live holders other than this object, stale side files removed on the way."""
        out: list[Holder] = []
        holders = self.folder / HOLDERS_DIR
        if not holders.is_dir():
            return out
        for path in sorted(holders.glob("*.json")):
            if path == self._side_path:
                continue
            holder = _read_live(path)
            if holder is not None:
                out.append(holder)
        return out


def _read_live(path: Path) -> Holder | None:
    """The holder described by `path`, or None (and the file removed) when its owner is gone."""
    try:
        fh = open(path, "r+", encoding="utf-8")  # noqa: SIM115
    except OSError:
        return None
    with fh:
        try:
            portalocker.lock(fh, _EXCLUSIVE_NOW)
        except portalocker.LockException:
            pass  # held: its owner is alive
        else:
            # We got it: the process that wrote it is gone (or it is our own stale object).
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        try:
            doc = json.loads(path.read_text(encoding="utf-8") or "{}")
            return Holder(
                str(doc.get("program", "CareCoord")),
                str(doc.get("user", "unknown")),
                str(doc.get("host", "unknown")),
                int(doc.get("pid", 0)),
                str(doc.get("since", "")),
            )
        except (OSError, ValueError, TypeError):
            return Holder("CareCoord", "unknown", "unknown", 0, "")
