"""Task board screen bench: the board at 10,000 open tasks as the user meets it, vs raw SQLite.

Builds the same practice as bench/board.py (demo with `--tasks N`, topped up to N open), signs in
a practice nurse and, offscreen, times:

  open      TaskBoardScreen built until its board has arrived from the worker and filled the
            four column models (read, cards, calendar, models), then the first paint (a grab);
            vs the board's statement through sqlcipher3 directly (fetchall, no objects).
  filter    "Overdue" clicked until its board is shown.
  move      Ctrl+Right on a card: the version-checked move committed and the card shown in the
            next column.
  widgets   the QWidgets under the board (cards are painted by a delegate, never widgets).

Figures are milliseconds (median and p95 of the rounds); the last line is machine-readable.
Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))
import _memory_keyring  # noqa: F401  (never the real keystore)
import board as board_bench
from PySide6.QtCore import QEventLoop, Qt, QThreadPool, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import accounts, demo, settings
from carecoord_desktop.services.tasks import board as boards
from carecoord_desktop.services.tasks.types import BoardFilter, TaskState
from carecoord_desktop.ui.shell.state import AppState
from carecoord_desktop.ui.tasks.screen import TaskBoardScreen


def summary(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def wait(app, condition, timeout: float = 60.0) -> None:
    """Run the event loop until `condition`, checked every 2 ms by a timer: the loop sleeps
    between events (a busy loop would take the interpreter from the worker it waits for)."""
    if condition():
        return
    loop = QEventLoop()
    end = time.perf_counter() + timeout
    poll = QTimer()
    poll.setInterval(2)
    poll.timeout.connect(lambda: (condition() or time.perf_counter() > end) and loop.quit())
    poll.start()
    loop.exec()
    poll.stop()
    if not condition():
        raise TimeoutError("the board did not arrive")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tasks", type=int, default=10_000)
    p.add_argument("--patients", type=int, default=2_000)
    p.add_argument("--rounds", type=int, default=9)
    p.add_argument("--seed", type=int, default=11)
    args = p.parse_args()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory(prefix="carecoord-bench-board-ui-") as tmp:
        made = demo.create_demo_workspace(
            Path(tmp) / "ws", patients=args.patients, seed=args.seed,
            options={"tasks": args.tasks},
        )  # fmt: skip
        ws = made.workspace
        board_bench.top_up(ws, made, args)
        acct = next(a for a in made.accounts if a.role == Role.NURSE)
        nurse = accounts.authenticate(ws, acct.username, made.password)
        state = AppState(ws, nurse, settings.load(ws))
        raw = ws.connect_new()
        try:
            return run(app, state, raw, args)
        finally:
            QThreadPool.globalInstance().waitForDone()
            raw.close()
            ws.close()


def run(app, state, raw, args) -> int:
    opens, paints, filters, moves, raws = [], [], [], [], []
    widgets = cards = 0
    sql, params = boards.board_query(state.actor, BoardFilter())
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        raw.execute(sql, params).fetchall()
        raws.append((time.perf_counter() - t0) * 1000)

        t0 = time.perf_counter()
        screen = TaskBoardScreen(state, lambda _pid: None)
        screen.resize(1360, 820)
        screen.show()
        wait(app, lambda s=screen: s.loads >= 1)
        opens.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        screen.grab()
        paints.append((time.perf_counter() - t0) * 1000)
        cards = sum(len(m.cards) for m in screen.board.models.values())
        widgets = len(screen.board.findChildren(QWidget))

        loads = screen.loads
        t0 = time.perf_counter()
        screen.filter_buttons["overdue"].click()
        wait(app, lambda s=screen, n=loads: s.loads > n and not s.loading)
        filters.append((time.perf_counter() - t0) * 1000)
        screen.clear_filters()
        wait(app, lambda s=screen, n=loads + 1: s.loads > n and not s.loading)

        view = screen.board.views[TaskState.TODO]
        card = view.column_model().cards[0]
        view.setFocus()
        view.select_task(card.id)
        t0 = time.perf_counter()
        QTest.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
        moves.append((time.perf_counter() - t0) * 1000)
        assert screen.board.models[TaskState.IN_PROGRESS].row_of(card.id) is not None
        screen.close()
        screen.deleteLater()
        QThreadPool.globalInstance().waitForDone()
        app.processEvents()

    open_tasks = boards.board(state.ws, state.actor).open_total
    print(f"{open_tasks:,} open tasks, {cards:,} cards on the board, {widgets} widgets under it")
    print(f"{'':<14}{'median':>10}{'p95':>9}")
    rows = {"open (screen)": opens, "first paint": paints, "filter": filters, "move (key)": moves,
            "raw read": raws}  # fmt: skip
    for name, values in rows.items():
        med, p95 = summary(values)
        print(f"{name:<14}{med:>10.1f}{p95:>9.1f}")
    o, r = summary(opens)[0], summary(raws)[0]
    print(f"screen open / raw read: {o / r:.1f}x")
    print(
        f"ui_open_ms={o:.1f} first_paint_ms={summary(paints)[0]:.1f} "
        f"ui_filter_ms={summary(filters)[0]:.1f} ui_move_ms={summary(moves)[0]:.1f} "
        f"raw_open_ms={r:.1f} widgets={widgets} open_tasks={open_tasks}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
