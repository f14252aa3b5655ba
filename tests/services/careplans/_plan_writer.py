"""Child process for the care plan conflict test: another computer's plan editor.

One JSON line on stdin: {"folder", "key" (hex), "username", "password", "plan_id", "prognosis"}.
The child signs in, opens the plan as the editor does, prints {"version": n}, waits for "go",
then saves the plan with its prognosis changed and prints {"saved": new version} or
{"refused": error class, "message": text}.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main() -> int:
    job = json.loads(sys.stdin.readline())
    from carecoord_desktop.errors import CareCoordError
    from carecoord_desktop.services import accounts
    from carecoord_desktop.services.careplans import plans
    from carecoord_desktop.store.keys import DataKey
    from carecoord_desktop.store.workspace import Workspace

    ws = Workspace.open(Path(job["folder"]), key=DataKey.from_hex(job.pop("key")))
    actor = accounts.authenticate(ws, job["username"], job["password"])
    rec = plans.load_plan(ws, actor, int(job["plan_id"]))
    sys.stdout.write(json.dumps({"version": rec.version}) + "\n")
    sys.stdout.flush()
    if sys.stdin.readline().strip() != "go":
        return 1
    draft = rec.draft
    draft.prognosis = job["prognosis"]
    try:
        result = {"saved": plans.save_plan(ws, actor, draft, rec.version).value.plan.version}
    except CareCoordError as exc:
        result = {"refused": type(exc).__name__, "message": str(exc)}
    ws.close()
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
