"""Child process for test_durability: writes until it is killed, acknowledging every commit.

One JSON line on stdin says what to do: {"folder", "db", "key" (hex), "mode", "round"}. The key
arrives through that pipe only, never argv or the environment. After opening, the child prints
"ready"; then, for seq = 0, 1, 2, ..., it commits one write and only after the commit returned
prints seq and flushes. Any number it printed is therefore a write the store said was durable.

mode "raw":   INSERT + COMMIT on a store.engine.connect_raw connection into crash_probe.
mode "audit": services.audit.record_now through a Workspace opened with the key (the real
              service path: pooled SQLAlchemy session, hash-chained INSERT, triggers).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

MAX_WRITES = 200_000  # a runaway child (parent gone) stops on its own


def body_for(round_no: int, seq: int) -> str:
    # Sizes from a short note to a multi-page letter, so some rows overflow onto extra pages.
    size = 120 + (seq * 7919 + round_no * 104729) % 6000
    return (f"r{round_no}s{seq} " * (size // 8 + 1))[:size]


def main() -> int:
    job = json.loads(sys.stdin.readline())
    sys.stdin.close()
    round_no = int(job["round"])

    from carecoord_desktop.store.keys import DataKey

    key = DataKey.from_hex(job.pop("key"))
    if job["mode"] == "raw":
        from carecoord_desktop.store.engine import connect_raw

        conn = connect_raw(Path(job["db"]), key)

        def write(seq: int) -> None:
            conn.execute(
                "INSERT INTO crash_probe (round, seq, body) VALUES (?, ?, ?)",
                (round_no, seq, body_for(round_no, seq)),
            )
            conn.commit()

    else:
        from carecoord_desktop.models.audit import AuditAction
        from carecoord_desktop.services import audit
        from carecoord_desktop.services.context import Actor
        from carecoord_desktop.store.workspace import Workspace

        ws = Workspace.open(Path(job["folder"]), key=key)
        actor = Actor.system("crash-test")

        def write(seq: int) -> None:
            audit.record_now(
                ws,
                actor,
                AuditAction.VIEW,
                record_type="crash_probe",
                record_id=f"{round_no}:{seq}",
                detail=f"durability probe round {round_no} seq {seq}",
            )

    out = sys.stdout
    out.write("ready\n")
    out.flush()
    for seq in range(MAX_WRITES):
        write(seq)
        out.write(f"{seq}\n")
        out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
