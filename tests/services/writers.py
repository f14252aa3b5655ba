"""Start second writers (tests/services/_second_writer.py) on a test workspace."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from carecoord_desktop.store import keystore

CHILD = Path(__file__).with_name("_second_writer.py")
TIMEOUT_S = 120


class Writer:
    """One child process with the workspace open; reads its lines with a timeout."""

    def __init__(self, ws, mode: str, **job) -> None:
        key = keystore.load_key(ws.id)
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.send(json.dumps({"folder": str(ws.folder), "key": key.hex(), "mode": mode, **job}))
        line = self.proc.stdout.readline().strip()
        if line != "ready":
            self.proc.kill()
            raise AssertionError(f"child did not start: {line!r} {self.proc.stderr.read()[-2000:]}")

    def send(self, line: str) -> None:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def result(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError(f"child ended: {self.proc.stderr.read()[-2000:]}")
        return json.loads(line)

    def finish(self) -> int:
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        return self.proc.wait(timeout=TIMEOUT_S)


def run_together(writers: list[Writer]) -> list[dict]:
    """Release every writer at once (each waits for "go" after opening), then collect."""
    for w in writers:
        w.send("go")
    results = [w.result() for w in writers]
    for w in writers:
        w.finish()
    return results
