"""Child process for the conflict tests: a second app window's edit form on the same workspace.

One JSON line on stdin: {"folder", "key" (hex), "kind": "patient" | "condition", "id",
"username", "password", "values": {field: value}}. The key arrives through that pipe only. The
child signs in, opens the record as a form would (reading its version), prints one JSON line
{"version": n}, waits for "go", then saves `values` with the version it read and prints
{"saved": new version} or {"refused": error class, "message": text}.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path


def main() -> int:
    job = json.loads(sys.stdin.readline())
    from carecoord_desktop.errors import CareCoordError
    from carecoord_desktop.services import accounts
    from carecoord_desktop.services.patients import lists as patient_lists
    from carecoord_desktop.services.patients import record as patients
    from carecoord_desktop.services.patients.types import ConditionDraft, PatientDraft
    from carecoord_desktop.store.keys import DataKey
    from carecoord_desktop.store.workspace import Workspace

    ws = Workspace.open(Path(job["folder"]), key=DataKey.from_hex(job.pop("key")))
    actor = accounts.authenticate(ws, job["username"], job["password"])
    rec = patients.get_record(ws, actor, int(job["patient_id"]))
    if job["kind"] == "patient":
        opened, version = PatientDraft.from_record(rec), rec.version
    else:
        row = next(r for r in rec.conditions if r.id == int(job["id"]))
        opened = ConditionDraft(**{k: getattr(row, k) for k in ConditionDraft.__dataclass_fields__})
        version = row.version
    out = sys.stdout
    out.write(json.dumps({"version": version}) + "\n")
    out.flush()
    if sys.stdin.readline().strip() != "go":
        return 1
    typed = replace(opened, **job["values"])
    try:
        if job["kind"] == "patient":
            saved = patients.update_patient(ws, actor, rec.id, typed, version=version).value.version
        else:
            saved = patient_lists.update_condition(
                ws, actor, int(job["id"]), typed, version=version
            ).value.version
        result = {"saved": saved}
    except CareCoordError as exc:
        result = {"refused": type(exc).__name__, "message": str(exc)}
    ws.close()
    out.write(json.dumps(result) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
