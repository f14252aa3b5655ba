"""Child process for the task conflict tests: a second workstation on the same workspace.

One JSON line on stdin: {"folder", "key" (hex), "username", "password", "job": "move" |
"event", ...}. The key arrives through that pipe only.
- "move": reads the card (its version), prints {"version": n}, waits for "go", then moves it
  to `state` with the version it read and prints {"moved": new version} or {"refused": class,
  "message": text}.
- "event": waits for "go", opens the event task of `event` (a TaskEvent's fields) in its own
  write transaction and prints {"task_id": id, "created": bool}.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main() -> int:
    job = json.loads(sys.stdin.readline())
    from carecoord_desktop.errors import CareCoordError
    from carecoord_desktop.services import accounts
    from carecoord_desktop.services.tasks import board, edit, events
    from carecoord_desktop.services.tasks.types import TaskEvent
    from carecoord_desktop.store.keys import DataKey
    from carecoord_desktop.store.workspace import Workspace

    ws = Workspace.open(Path(job["folder"]), key=DataKey.from_hex(job.pop("key")))
    actor = accounts.authenticate(ws, job["username"], job["password"])
    out = sys.stdout
    if job["job"] == "move":
        card = next(c for c in board.board(ws, actor).cards() if c.id == job["task_id"])
        out.write(json.dumps({"version": card.version}) + "\n")
        out.flush()
        if sys.stdin.readline().strip() != "go":
            return 1
        try:
            moved = edit.move_task(ws, actor, card.id, job["state"], version=card.version)
            result = {"moved": moved.value.version}
        except CareCoordError as exc:
            result = {"refused": type(exc).__name__, "message": str(exc)}
    else:
        out.write(json.dumps({"ready": True}) + "\n")
        out.flush()
        if sys.stdin.readline().strip() != "go":
            return 1
        with ws.write_session() as session:
            made = events.open_event_task(session, actor, TaskEvent(**job["event"]))
            session.commit()
        result = {"task_id": made.task_id, "created": made.created}
    ws.close()
    out.write(json.dumps(result) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
