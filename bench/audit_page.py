"""The Audit screen's page of events in words vs the raw SQL behind it, in one run.

    python bench/audit_page.py [--events N] [--patients N] [--rounds N] [--limit N]

A demo workspace gets N audit events spread over its patients (appended with the audit
service's own bulk path, so the hash chain is real). Each round times `audit_view.list_page`
(the viewing's audit row, the count, the page, names resolved for the patients on it, the words)
and, interleaved, the same count and page read with plain SQL on a raw connection to the same
encrypted database. Figures are medians and p95 in milliseconds; the last line is
machine-readable. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _memory_keyring import use_memory_keyring

from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.services import accounts, audit, audit_view, demo

RAW_PAGE = (
    "SELECT id, at, actor_name, action, patient_id, record_type, record_id, detail "
    "FROM audit_event ORDER BY id DESC LIMIT ?"
)




def _ms(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(0.95 * (len(ordered) - 1))] * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--patients", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--limit", type=int, default=500)
    args = parser.parse_args(argv)

    use_memory_keyring()
    folder = Path(tempfile.mkdtemp(prefix="cc-bench-audit-"))
    made = demo.create_demo_workspace(folder / "ws", patients=args.patients, seed=7, scrypt_n=2**12)
    ws = made.workspace
    admin = accounts.authenticate(ws, "admin", demo.DEMO_PASSWORD)
    rng = random.Random(7)
    with ws.session() as session:
        events = [
            {
                "patient_id": (pid := rng.randint(1, args.patients)),
                "record_type": "patient",
                "record_id": pid,
                "detail": "opened record",
            }
            for _ in range(args.events)
        ]
        audit.record_many(session, admin, AuditAction.VIEW, events)
        session.commit()

    service, raw = [], []
    query = audit_view.AuditQuery()
    for i in range(args.rounds + 2):  # two warm-up rounds, not counted
        order = (0, 1) if i % 2 else (1, 0)
        for which in order:
            start = time.perf_counter()
            if which == 0:
                page = audit_view.list_page(ws, admin, query, limit=args.limit)
            else:
                with ws.raw_connection() as conn:
                    conn.execute("SELECT count(*) FROM audit_event").fetchone()
                    conn.execute(RAW_PAGE, (args.limit,)).fetchall()
            took = time.perf_counter() - start
            if i >= 2:
                (service if which == 0 else raw).append(took)
    ws.close()
    s_med, s_p95 = _ms(service)
    r_med, r_p95 = _ms(raw)
    print(f"audit events in the log: {page.in_log:,}; page of {len(page.lines)} shown")
    print(f"page in words (service): median {s_med:.1f} ms, p95 {s_p95:.1f} ms")
    print(f"raw SQL, same page:      median {r_med:.1f} ms, p95 {r_p95:.1f} ms")
    print(f"ratio service/raw: {s_med / r_med:.1f}x")
    result = {
        "bench": "audit_page",
        "events": page.in_log,
        "limit": args.limit,
        "service_median_ms": round(s_med, 2),
        "service_p95_ms": round(s_p95, 2),
        "raw_median_ms": round(r_med, 2),
        "raw_p95_ms": round(r_p95, 2),
        "ratio": round(s_med / r_med, 2),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
