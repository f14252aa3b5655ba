"""Killing the process with SIGKILL in the middle of a burst of writes loses no committed write.

Each round starts a child (tests/store/_crash_writer.py) that commits writes one by one and prints
each sequence number only after its COMMIT returned. The parent reads those acknowledgements,
kills the child after a random delay (some a fraction of a millisecond, some mid-burst), reopens
the workspace with the key and checks that every acknowledged write is there, nothing after a
gap survived, and the file, its pages and the audit chain are intact. No timing is asserted.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from carecoord_desktop.services import audit
from carecoord_desktop.store import keystore
from carecoord_desktop.store.engine import run_checks
from carecoord_desktop.store.keys import DataKey
from carecoord_desktop.store.workspace import Workspace

WRITER = Path(__file__).with_name("_crash_writer.py")
ROUNDS = 25
AUDIT_EVERY = 4  # every 4th round writes through services.audit (a slower child to start)
READY_TIMEOUT_S = 60
KILL = getattr(signal, "SIGKILL", None)


@dataclass
class Child:
    proc: subprocess.Popen
    acks: list[int] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)
    junk: list[str] = field(default_factory=list)
    started: bool = False

    def read_stdout(self) -> None:
        for line in self.proc.stdout:
            text = line.strip()
            if text == "ready":
                self.started = True
                self.ready.set()
            elif text.isdigit():
                self.acks.append(int(text))
            elif text:
                self.junk.append(text)
        self.ready.set()  # EOF: wake the parent even if the child died before "ready"


def delay_plan(rng: random.Random) -> list[float]:
    """Seconds between "ready" and the kill: a third very short, a third early, a third later."""
    plan = []
    for i in range(ROUNDS):
        low, high = ((0.0, 0.002), (0.002, 0.05), (0.05, 0.3))[i % 3]
        plan.append(rng.uniform(low, high))
    rng.shuffle(plan)
    return plan


def run_round(
    folder: Path, db: Path, key: DataKey, round_no: int, mode: str, delay: float, err_path: Path
) -> Child:
    with err_path.open("wb") as err:
        proc = subprocess.Popen(  # the key goes through stdin, never argv
            [sys.executable, str(WRITER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            bufsize=1,
        )
    child = Child(proc)
    reader = threading.Thread(target=child.read_stdout, daemon=True)
    reader.start()
    try:
        job = {
            "folder": str(folder),
            "db": str(db),
            "key": key.hex(),
            "mode": mode,
            "round": round_no,
        }
        proc.stdin.write(json.dumps(job) + "\n")
        proc.stdin.close()
        child.ready.wait(READY_TIMEOUT_S)
        if child.started:
            time.sleep(delay)  # not a wait for a condition: the random moment of the kill
    finally:
        if proc.poll() is None:
            if KILL is not None:
                proc.send_signal(KILL)
            else:  # Windows: TerminateProcess is just as abrupt
                proc.kill()
        proc.wait(timeout=30)
        reader.join(timeout=30)  # acknowledgements already in the pipe still count
    return child


def committed_seqs(ws: Workspace, round_no: int, mode: str) -> list[int]:
    conn = ws.connect_new()
    try:
        if mode == "raw":
            rows = conn.execute(
                "SELECT seq FROM crash_probe WHERE round = ? ORDER BY seq", (round_no,)
            ).fetchall()
            return [r[0] for r in rows]
        rows = conn.execute(
            "SELECT record_id FROM audit_event WHERE record_type = 'crash_probe' "
            "AND record_id LIKE ?",
            (f"{round_no}:%",),
        ).fetchall()
        return sorted(int(r[0].split(":")[1]) for r in rows)
    finally:
        conn.close()


@pytest.mark.slow
def test_sigkill_mid_burst_loses_no_committed_write(ws, tmp_path):
    folder, db = ws.folder, ws.db_path
    key = keystore.load_key(ws.id)
    assert key is not None
    conn = ws.connect_new()
    conn.execute(
        "CREATE TABLE crash_probe (round INTEGER NOT NULL, seq INTEGER NOT NULL, "
        "body TEXT NOT NULL, PRIMARY KEY (round, seq))"
    )
    conn.commit()
    conn.close()
    ws.close()  # the children are the only writers; each round's reopen is the crash recovery

    seed = random.SystemRandom().randrange(2**32)
    delays = delay_plan(random.Random(seed))
    burst_sizes: list[int] = []
    for round_no, delay in enumerate(delays):
        mode = "audit" if round_no % AUDIT_EVERY == AUDIT_EVERY - 1 else "raw"
        where = f"seed {seed}, round {round_no} ({mode}), kill {delay * 1000:.2f} ms after ready"
        err_path = tmp_path / f"child-{round_no}.err"
        child = run_round(folder, db, key, round_no, mode, delay, err_path)
        stderr = err_path.read_text(errors="replace")
        assert child.started, f"{where}: child never opened the workspace:\n{stderr}"
        expected = -KILL if KILL is not None else child.proc.returncode
        died = child.proc.returncode
        assert died == expected, f"{where}: child did not die by the kill ({died}):\n{stderr}"
        assert not child.junk, f"{where}: unexpected child output {child.junk[:3]}"
        assert child.acks == list(range(len(child.acks))), f"{where}: acks out of order"

        reopened = Workspace.open(folder, key=key)
        try:
            present = committed_seqs(reopened, round_no, mode)
            check_conn = reopened.connect_new()
            try:
                problems = run_checks(check_conn)
            finally:
                check_conn.close()
            chain = audit.verify_chain(reopened)
        finally:
            reopened.close()

        lost = sorted(set(child.acks) - set(present))
        assert not lost, f"{where}: {len(lost)} acknowledged writes lost, first {lost[:5]}"
        assert present == list(range(len(present))), f"{where}: a later write survived a gap"
        # At most the one write that committed just before the kill, unacknowledged.
        assert len(present) <= len(child.acks) + 1, f"{where}: {present[-3:]} vs {child.acks[-3:]}"
        assert problems == [], f"{where}: integrity problems {problems[:5]}"
        assert chain.ok, f"{where}: audit chain broken at {chain.first_bad_id}: {chain.problem}"
        burst_sizes.append(len(child.acks))

    # The kills really landed mid-burst at least sometimes (otherwise nothing was tested).
    assert max(burst_sizes) >= 20, f"seed {seed}: bursts too short to test anything {burst_sizes}"
