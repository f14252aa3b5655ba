"""What re-reading the signed-in account at every permission check costs, in one run.

    python bench/account_check.py [--calls N] [--rounds N]

A live actor (accounts.authenticate) re-reads its staff_user row at every `require`; a static
actor only looks at its role. Both are timed calling permissions.require, and the row read is
compared with the same primary-key SELECT on a plain SQLite copy of the table. Figures are
medians in microseconds per call; the last line is machine-readable JSON. Nothing asserts a time.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _memory_keyring import use_memory_keyring

from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import accounts, workspaces
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.permissions import Permission, require

PASSWORD = "bench password phrase"  # noqa: S105 - a throwaway bench workspace




def _per_call_us(fn, calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls * 1e6


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args(argv)
    use_memory_keyring()
    with tempfile.TemporaryDirectory() as tmp:
        made = workspaces.create_practice(
            Path(tmp) / "ws", practice_name="Bench", admin_username="admin",
            admin_full_name="Bench Admin", admin_password=PASSWORD, scrypt_n=2**12,
        )  # fmt: skip
        ws = made.workspace
        live = accounts.authenticate(ws, "admin", PASSWORD)
        static = Actor(live.user_id, live.username, live.full_name, Role.ADMIN)
        plain = sqlite3.connect(Path(tmp) / "plain.db")
        plain.execute(
            "CREATE TABLE staff_user (id INTEGER PRIMARY KEY, active BOOLEAN, role TEXT, "
            "must_change_password BOOLEAN)"
        )
        plain.execute("INSERT INTO staff_user VALUES (1, 1, 'ADMIN', 0)")
        plain.commit()

        def raw_lookup() -> None:
            plain.execute(
                "SELECT active, role, must_change_password FROM staff_user WHERE id = ?", (1,)
            ).fetchone()

        figures: dict[str, list[float]] = {"live": [], "static": [], "sqlite_pk": []}
        for _ in range(args.rounds):
            figures["live"].append(
                _per_call_us(lambda: require(live, Permission.VIEW_PATIENTS), args.calls)
            )
            figures["static"].append(
                _per_call_us(lambda: require(static, Permission.VIEW_PATIENTS), args.calls)
            )
            figures["sqlite_pk"].append(_per_call_us(raw_lookup, args.calls))
        ws.close()
        plain.close()
    med = {k: statistics.median(v) for k, v in figures.items()}
    print(f"require(), static role:          {med['static']:8.2f} us per call")
    print(f"require(), live account re-read: {med['live']:8.2f} us per call")
    print(f"plain SQLite primary-key SELECT: {med['sqlite_pk']:8.2f} us per call")
    ratio = med["live"] / med["sqlite_pk"]
    print(f"live re-read vs plain SQLite lookup: {ratio:.1f}x")
    print(json.dumps({"bench": "account_check", "calls": args.calls, "rounds": args.rounds,
                      "us_per_call": med, "live_vs_sqlite": round(ratio, 2)}))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
