"""Child process for the two-writer tests: a second app or CLI on the same workspace.

One JSON line on stdin says what to do: {"folder", "key" (hex), "mode", ...}. The key arrives
through that pipe only, never argv or the environment. The child opens the workspace, prints
"ready", waits for a line "go" (so several children start together), does its work and prints
one JSON line with what happened. Mode "hold" instead keeps the workspace open and answers
commands line by line ("save" -> creates a patient, "quit").

mode "create":  create `count` patients through services.patients.create_patient.
mode "login":   `count` sign-ins of `username` with a wrong password (services.accounts).
mode "add_user": add the account `username`; mode "disable": disable account `user_id`.
mode "hold":    stay open; "save" creates one patient and prints {"saved": id} or {"error": msg}.
mode "backup_killed": start a backup and kill itself with SIGKILL half-way through writing it.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path


def main() -> int:
    job = json.loads(sys.stdin.readline())
    from carecoord_desktop.errors import CareCoordError
    from carecoord_desktop.services import accounts
    from carecoord_desktop.services.context import Actor
    from carecoord_desktop.services.patients import record as patients
    from carecoord_desktop.services.patients.types import PatientDraft
    from carecoord_desktop.store import lock
    from carecoord_desktop.store.keys import DataKey
    from carecoord_desktop.store.workspace import Workspace

    lock.set_program_name(job.get("program", "test writer"))
    ws = Workspace.open(Path(job["folder"]), key=DataKey.from_hex(job.pop("key")))
    actor = Actor.system("second writer")
    tag = job.get("tag", "x")

    def create(i: int) -> int:
        draft = PatientDraft(
            given_name=f"Writer{tag}",
            family_name=f"Number{i:04d}",
            date_of_birth=date(1950, 1, 1 + i % 28),
        )
        return patients.create_patient(ws, actor, draft, confirm_duplicates=True).value.id

    out = sys.stdout
    out.write("ready\n")
    out.flush()
    if job["mode"] == "hold":
        for line in sys.stdin:
            cmd = line.strip()
            if cmd == "quit":
                break
            try:
                out.write(json.dumps({"saved": create(int(cmd.split()[-1]))}) + "\n")
            except CareCoordError as exc:
                out.write(json.dumps({"error": str(exc)}) + "\n")
            except Exception as exc:  # a real second window would show this to its user
                out.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}) + "\n")
            out.flush()
        ws.close()
        return 0
    if job["mode"] == "backup_killed":
        _backup_until_killed(ws)
    if sys.stdin.readline().strip() != "go":
        return 1
    result: dict = {"ok": 0, "errors": []}
    for i in range(int(job["count"])):
        try:
            if job["mode"] == "create":
                result.setdefault("ids", []).append(create(i))
            elif job["mode"] == "add_user":
                accounts.add_user(
                    ws, actor, username=job["username"], full_name="Same Name",
                    role=job.get("role", "nurse"), password="a long enough phrase",
                )  # fmt: skip
            elif job["mode"] == "disable":
                accounts.update_user(ws, actor, int(job["user_id"]), active=False)
            else:
                accounts.authenticate(ws, job["username"], "not the password at all")
            result["ok"] += 1
        except CareCoordError as exc:
            result["errors"].append(type(exc).__name__)
        except Exception as exc:
            result["errors"].append(f"{type(exc).__name__}: {exc}"[:200])
    ws.close()
    out.write(json.dumps(result) + "\n")
    out.flush()
    return 0


def _backup_until_killed(ws) -> None:
    """Start a real backup and SIGKILL this process in the middle of writing it (once SQLite's
    journal for the half-written file exists), as a power cut or a killed app would."""
    import os
    import signal

    from carecoord_desktop.store import backup

    opened = ws.connect_new

    def connect_new():
        conn = opened()

        def tick() -> int:
            if any(ws.backup_dir.glob("*.partial-journal")):
                os.kill(os.getpid(), signal.SIGKILL)
            return 0

        conn.set_progress_handler(tick, 500)
        return conn

    ws.connect_new = connect_new
    backup.create_backup(ws)
    sys.stdout.write("backup finished without being killed\n")
    sys.stdout.flush()


if __name__ == "__main__":
    raise SystemExit(main())
