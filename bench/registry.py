"""Patient register bench: search and filter+sort through services.registry vs raw FTS5.

Builds a demo workspace with N synthetic patients (services.demo, so the search index and the
counters are filled by the same triggers a practice's data goes through), exports a plaintext copy
with sqlcipher_export and opens it with the stdlib sqlite3. Then, in one run:

  search   200 typed queries (2-5 letter family-name prefixes, "family given" pairs, dates of birth
           in both formats, Medicare numbers with and without spaces) through registry.query_ids
           (encrypted, joined, filtered, sorted by name in SQL, one audit event committed each) vs
           the same FTS5 MATCH text run raw on the plain copy; the two sides are interleaved,
           order swapped every query.
  typo     misspelt family names (a dropped, doubled or swapped letter, a vowel or a sound
           spelt another way: "smyth", "papadopolous"), alone or with a given-name prefix: time
           and how often the intended patient is in the result (reported apart from "search",
           whose figures compare with raw FTS5; a misspelling has no raw FTS5 equivalent).
  filter   the most common condition, sorted by risk descending (no search text).

Figures are milliseconds; the last line is machine-readable. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import gc
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from carecoord_desktop.services import demo
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.patients import register as registry
from carecoord_desktop.services.patients.register import PatientFilter

TARGET_P95_MS = 25.0
TARGET_RATIO = 3.0


def build(folder: Path, patients: int, seed: int):
    t0 = time.perf_counter()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 10:
            last[0] = time.perf_counter()
            print(f"  seeding {done:,}/{total:,}", file=sys.stderr, flush=True)

    made = demo.create_demo_workspace(
        folder / "ws", patients=patients, seed=seed, progress=progress
    )
    seeded = time.perf_counter() - t0
    plain = folder / "plain.db"
    conn = made.workspace.connect_new()
    try:
        conn.execute("ATTACH DATABASE ? AS plaintext KEY ''", (str(plain),))
        conn.execute("SELECT sqlcipher_export('plaintext')")
        conn.execute("DETACH DATABASE plaintext")
    finally:
        conn.close()
    return made.workspace, plain, seeded


def typed_queries(plain: Path, n: int, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, text) as a receptionist would type them, drawn from existing patients."""
    conn = sqlite3.connect(plain)
    try:
        people = conn.execute(
            "SELECT family_name, given_name, date_of_birth, medicare_number FROM patient"
        ).fetchall()
    finally:
        conn.close()
    out: list[tuple[str, str]] = []
    for i in range(n):
        family, given, dob, medicare = rng.choice(people)
        kind = ("prefix", "prefix", "prefix", "prefix", "two", "two", "dob", "dob", "medicare")[
            i % 9
        ]
        if kind == "prefix":
            out.append((kind, family[: rng.randint(2, 5)]))
        elif kind == "two":
            out.append((kind, f"{family[: rng.randint(2, 5)]} {given[: rng.randint(1, 3)]}"))
        elif kind == "dob":
            y, m, d = dob.split("-")
            out.append((kind, f"{d}/{m}/{y}" if i % 2 else dob))
        else:
            spaced = f"{medicare[:4]} {medicare[4:9]} {medicare[9:]}"
            out.append((kind, spaced if i % 2 else medicare[: rng.randint(4, 10)]))
    return out


# Sounds spelt another way, as people mishear or misremember names.
_SOUNDS = (
    ("y", "i"),
    ("i", "y"),
    ("ph", "f"),
    ("f", "ph"),
    ("ck", "k"),
    ("c", "k"),
    ("k", "c"),
    ("ou", "o"),
    ("ei", "ie"),
    ("ie", "ei"),
    ("ae", "e"),
    ("s", "z"),
    ("z", "s"),
)


def misspell(name: str, rng: random.Random) -> str:
    """One common misspelling of `name` (lower case), different from it."""
    word = name.lower()
    for _ in range(20):
        how = rng.choice(("drop", "double", "swap", "vowel", "sound", "sound"))
        i = rng.randrange(1, len(word)) if len(word) > 1 else 0
        if how == "drop" and len(word) > 3:
            out = word[:i] + word[i + 1 :]
        elif how == "double":
            out = word[:i] + word[i] + word[i:]
        elif how == "swap" and i < len(word) - 1:
            out = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        elif how == "vowel" and word[i] in "aeiou":
            out = word[:i] + rng.choice([v for v in "aeiou" if v != word[i]]) + word[i + 1 :]
        elif how == "sound":
            pairs = [(a, b) for a, b in _SOUNDS if a in word[1:]]
            if not pairs:
                continue
            a, b = rng.choice(pairs)
            at = word.index(a, 1)
            out = word[:at] + b + word[at + len(a) :]
        else:
            continue
        if out != word:
            return out
    return word[::-1]


def typo_queries(plain: Path, n: int, rng: random.Random) -> list[tuple[int, str]]:
    """(intended patient id, misspelt text): a family name alone, or with a given-name prefix."""
    conn = sqlite3.connect(plain)
    try:
        people = conn.execute(
            "SELECT id, family_name, given_name FROM patient WHERE NOT archived "
            "AND length(family_name) >= 4"
        ).fetchall()
    finally:
        conn.close()
    out = []
    for i in range(n):
        pid, family, given = rng.choice(people)
        typed = misspell(family, rng)
        out.append((pid, typed if i % 2 else f"{typed} {given[: rng.randint(2, 4)]}"))
    return out


def match_text(typed: str) -> str:
    return " AND ".join(f'"{tok}"*' for tok in registry.search_tokens(typed))


RAW_SORTED = (
    "SELECT s.patient_id FROM patient_stats s WHERE s.patient_id IN "
    "(SELECT rowid FROM patient_fts WHERE patient_fts MATCH ?) ORDER BY s.sort_name, s.patient_id"
)
RAW_PAGE = (
    "SELECT p.id, p.practice_id, p.family_name, p.given_name, p.date_of_birth, "
    "p.medicare_number, s.conditions_summary FROM patient_stats s JOIN patient p ON p.id = "
    "s.patient_id WHERE s.archived = 0 ORDER BY s.sort_name, s.patient_id LIMIT 40 OFFSET ?"
)


def _rss_mb() -> float:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_screen(ws, actor, plain: sqlite3.Connection) -> dict[str, float]:
    """Time to first paint, scroll to the end and extra memory of the real Patients screen."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from carecoord_desktop.services import settings
    from carecoord_desktop.ui.patients.screen import PatientsScreen
    from carecoord_desktop.ui.resources import stylesheet
    from carecoord_desktop.ui.shell.state import AppState

    app = QApplication.instance() or QApplication([])
    app.setStyleSheet(stylesheet())
    state = AppState(ws, actor, settings.load(ws))
    total = registry.count_all(ws, actor)
    gc.collect()
    before = _rss_mb()
    t0 = time.perf_counter()
    screen = PatientsScreen(state)
    screen.resize(1280, 800)
    screen.show()
    model = screen.model

    def draw_rows(row: int) -> None:
        """Paint, then wait for the row's block (fetched on a worker) and paint the rows."""
        screen.view.viewport().repaint()
        while not model.is_loaded(row):
            app.processEvents()
            time.sleep(0.0002)
        screen.view.viewport().repaint()

    while model.rowCount() == 0:
        app.processEvents()
    draw_rows(0)  # "first rows drawn" means the names, not the "Loading…" placeholders
    first_paint = (time.perf_counter() - t0) * 1000
    while screen.model.rowCount() < total:
        app.processEvents()
        time.sleep(0.0005)  # an idle event loop: do not starve the worker of the GIL
    app.processEvents()
    all_loaded = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    screen.view.scrollToBottom()
    draw_rows(total - 1)
    app.processEvents()
    scroll_end = (time.perf_counter() - t0) * 1000
    gc.collect()
    extra = _rss_mb() - before
    t0 = time.perf_counter()
    plain.execute(RAW_PAGE.replace(" LIMIT 40 OFFSET ?", ""), ()).fetchmany(40)
    raw_first = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    plain.execute(RAW_PAGE, (max(0, total - 40),)).fetchall()
    raw_last = (time.perf_counter() - t0) * 1000
    screen.close()
    QThreadPool = __import__("PySide6.QtCore", fromlist=["QThreadPool"]).QThreadPool
    QThreadPool.globalInstance().waitForDone(10_000)
    return {
        "first_paint_ms": first_paint,
        "all_loaded_ms": all_loaded,
        "scroll_end_ms": scroll_end,
        "extra_mb": extra,
        "raw_first_ms": raw_first,
        "raw_last_ms": raw_last,
    }


PLAN_CASES = (
    ("plan_overdue", "care plan review overdue, by name"),
    ("plan_none", "no care plan yet, by name"),
    ("next_review_sort", "all patients sorted by next review"),
    ("open_tasks_sort", "all patients sorted by open tasks (issue 11's column)"),
)
_RAW_PLAN = {
    "plan_overdue": (
        "SELECT s.patient_id FROM patient_stats s WHERE s.archived = 0 AND s.patient_id IN "
        "(SELECT patient_id FROM care_plan WHERE status IN ('active', 'under_review') AND "
        "next_review_on < date('now')) ORDER BY s.sort_name, s.patient_id"
    ),
    "plan_none": (
        "SELECT s.patient_id FROM patient_stats s WHERE s.archived = 0 AND s.patient_id NOT IN "
        "(SELECT patient_id FROM care_plan WHERE status IN ('draft', 'active', 'under_review')) "
        "ORDER BY s.sort_name, s.patient_id"
    ),
    "next_review_sort": (
        "SELECT s.patient_id FROM patient_stats s LEFT JOIN (SELECT patient_id, "
        "min(next_review_on) AS due FROM care_plan WHERE status IN ('active', 'under_review') "
        "GROUP BY patient_id) nr ON nr.patient_id = s.patient_id WHERE s.archived = 0 "
        "ORDER BY nr.due IS NULL, nr.due, s.sort_name, s.patient_id"
    ),
    "open_tasks_sort": (
        "SELECT s.patient_id FROM patient_stats s LEFT JOIN (SELECT patient_id, count(*) AS n "
        "FROM task WHERE patient_id IS NOT NULL AND state IN ('todo', 'in_progress', 'waiting') "
        "GROUP BY patient_id) ot ON ot.patient_id = s.patient_id WHERE s.archived = 0 "
        "ORDER BY coalesce(ot.n, 0), s.sort_name, s.patient_id"
    ),
}


def measure_care_plans(ws, actor, plain: sqlite3.Connection) -> dict:
    """The Patients screen's care plan filters and sort (issue 9) through registry.query_ids,
    each beside the raw query that returns the same ids."""
    cases = {
        "plan_overdue": (PatientFilter(care_plan="review_overdue"), "name"),
        "plan_none": (PatientFilter(care_plan="none"), "name"),
        "next_review_sort": (PatientFilter(), "next_review"),
        "open_tasks_sort": (PatientFilter(), "open_tasks"),
    }
    out = {}
    for key, (flt, sort) in cases.items():
        mine, theirs, n = [], [], 0
        registry.query_ids(ws, actor, flt, sort=sort)  # warm-up
        for _ in range(7):
            t0 = time.perf_counter()
            n = len(registry.query_ids(ws, actor, flt, sort=sort))
            mine.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            plain.execute(_RAW_PLAN[key]).fetchall()
            theirs.append((time.perf_counter() - t0) * 1000)
        out[key] = (mine, theirs, n)
    return out


def p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=100, method="inclusive")[94] if len(xs) > 1 else xs[0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--patients", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dir", type=Path, default=None, help="where to put the databases")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory(prefix="cc-bench-registry-", dir=args.dir) as tmp:
        ws, plain_path, seeded = build(Path(tmp), args.patients, args.seed)
        try:
            actor = Actor.system("bench")
            plain = sqlite3.connect(plain_path)
            queries = typed_queries(plain_path, args.queries, rng)
            typos = typo_queries(plain_path, max(20, args.queries // 4), random.Random(args.seed))

            def ours(typed: str) -> tuple[float, int]:
                t0 = time.perf_counter()
                ids = registry.query_ids(ws, actor, PatientFilter(text=typed))
                return (time.perf_counter() - t0) * 1000, len(ids)

            def raw(typed: str) -> tuple[float, int]:
                # Raw FTS5 giving the same answer the screen needs: matching ids in name order.
                t0 = time.perf_counter()
                rows = plain.execute(RAW_SORTED, (match_text(typed),)).fetchall()
                return (time.perf_counter() - t0) * 1000, len(rows)

            def bare(typed: str) -> float:
                # Raw FTS5 MATCH alone: unsorted rowids (a lower bound, not the same result).
                t0 = time.perf_counter()
                plain.execute(
                    "SELECT rowid FROM patient_fts WHERE patient_fts MATCH ?", (match_text(typed),)
                ).fetchall()
                return (time.perf_counter() - t0) * 1000

            for _, typed in queries[:20]:  # warm-up: page cache, statement caches
                ours(typed)
                raw(typed)
            by_kind: dict[str, tuple[list[float], list[float]]] = {}
            ours_ms: list[float] = []
            raw_ms: list[float] = []
            bare_ms: list[float] = []
            found: list[int] = []
            gc.collect()
            gc.disable()
            try:
                for i, (kind, typed) in enumerate(queries):
                    if i % 2 == 0:
                        (a, n), (b, _) = ours(typed), raw(typed)
                    else:
                        (b, _), (a, n) = raw(typed), ours(typed)
                    ours_ms.append(a)
                    raw_ms.append(b)
                    bare_ms.append(bare(typed))
                    found.append(n)
                    mine, theirs = by_kind.setdefault(kind, ([], []))
                    mine.append(a)
                    theirs.append(b)
            finally:
                gc.enable()

            typo_ms: list[float] = []
            typo_hits = 0
            for pid, typed in typos:
                t0 = time.perf_counter()
                ids = registry.query_ids(ws, actor, PatientFilter(text=typed))
                typo_ms.append((time.perf_counter() - t0) * 1000)
                typo_hits += pid in ids

            codes = registry.condition_options(ws, actor)
            code = codes[0][0]
            flt = PatientFilter(condition_code=code)
            registry.query_ids(ws, actor, flt, sort="risk", descending=True)
            filter_ms: list[float] = []
            filter_rows = 0
            for _ in range(10):
                t0 = time.perf_counter()
                ids = registry.query_ids(ws, actor, flt, sort="risk", descending=True)
                filter_ms.append((time.perf_counter() - t0) * 1000)
                filter_rows = len(ids)
            t0 = time.perf_counter()
            registry.fetch_rows(ws, actor, ids[:100])
            block_ms = (time.perf_counter() - t0) * 1000
            plans = measure_care_plans(ws, actor, plain)
            all_ms: list[float] = []
            for _ in range(5):
                t0 = time.perf_counter()
                everyone = registry.query_ids(ws, actor, PatientFilter(), sort="name")
                all_ms.append((time.perf_counter() - t0) * 1000)
            screen = measure_screen(ws, actor, plain)
            plain.close()
        finally:
            ws.close()

    search_p95, raw_p95, bare_p95 = p95(ours_ms), p95(raw_ms), p95(bare_ms)
    ratio = search_p95 / raw_p95
    bare_ratio = search_p95 / bare_p95
    print(
        f"CareCoord register bench  (python {sys.version.split()[0]}, stdlib SQLite "
        f"{sqlite3.sqlite_version}); {args.patients:,} demo patients seeded in {seeded:.0f} s"
    )
    print(f"  {'':<46} {'median':>9} {'p95':>9} {'raw p95':>9} {'ratio':>7}")
    print(
        " search (ms), registry.query_ids vs raw FTS5 on the plain copy returning the same ids\n"
        "  in name order (MATCH + ORDER BY sort_name)"
    )
    for kind, (mine, theirs) in by_kind.items():
        print(
            f"  {kind + f' (n={len(mine)})':<46} {statistics.median(mine):9.2f} "
            f"{p95(mine):9.2f} {p95(theirs):9.2f} {p95(mine) / p95(theirs):6.1f}x"
        )
    print(
        f"  {'all typed queries (n=' + str(len(ours_ms)) + ')':<46} "
        f"{statistics.median(ours_ms):9.2f} {search_p95:9.2f} {raw_p95:9.2f} {ratio:6.1f}x"
    )
    print(
        f"  {'(raw FTS5 MATCH alone, unsorted rowids)':<46} {statistics.median(bare_ms):9.2f} "
        f"{bare_p95:9.2f} {'':>9} {bare_ratio:6.1f}x"
    )
    print(f"  patients found per query: median {statistics.median(found):.0f}, max {max(found):,}")
    print(f" misspelt names (ms): {typo_hits} of {len(typos)} found the intended patient")
    print(
        f"  {'typo (n=' + str(len(typo_ms)) + ')':<46} {statistics.median(typo_ms):9.2f} "
        f"{p95(typo_ms):9.2f}"
    )
    print(" filter + sort (ms)")
    print(
        f"  {'condition ' + code + ' sorted by risk desc':<46} "
        f"{statistics.median(filter_ms):9.2f} {p95(filter_ms):9.2f}   ({filter_rows:,} patients)"
    )
    print(
        f"  {'all patients sorted by name':<46} {statistics.median(all_ms):9.2f} "
        f"{max(all_ms):9.2f}   ({len(everyone):,} patients)"
    )
    print(f"  {'fetch_rows, one block of 100':<46} {block_ms:9.2f}")
    print(" care plan filters and sort (ms), vs the same ids from raw sqlite3 on the plain copy")
    for key, label in PLAN_CASES:
        mine, theirs, n = plans[key]
        print(
            f"  {label:<46} {statistics.median(mine):9.2f} {p95(mine):9.2f} "
            f"{p95(theirs):9.2f} {p95(mine) / p95(theirs):6.1f}x   ({n:,} patients)"
        )
    print(" Patients screen (offscreen Qt), vs raw sqlite3 fetching the same rows")
    print(
        f"  {'first paint (first rows drawn)':<46} {screen['first_paint_ms']:9.1f} "
        f"{'':>9} {screen['raw_first_ms']:9.1f} "
        f"{screen['first_paint_ms'] / screen['raw_first_ms']:6.1f}x"
    )
    print(f"  {'all ids loaded and counted':<46} {screen['all_loaded_ms']:9.1f}")
    print(
        f"  {'scroll to the end and draw':<46} {screen['scroll_end_ms']:9.1f} "
        f"{'':>9} {screen['raw_last_ms']:9.1f}"
    )
    print(f"  {'extra memory for the screen (RSS, MB)':<46} {screen['extra_mb']:9.1f}")
    verdict = "meets" if search_p95 <= TARGET_P95_MS and ratio <= TARGET_RATIO else "MISSES"
    print(
        f" search p95 {search_p95:.1f} ms, {ratio:.1f}x raw FTS5: {verdict} the target of "
        f"<= {TARGET_P95_MS:g} ms and <= {TARGET_RATIO:g}x"
    )
    print(
        f"search_p95_ms={search_p95:.2f} search_ratio={ratio:.2f} "
        f"search_ratio_bare_match={bare_ratio:.2f} first_paint_ms={screen['first_paint_ms']:.0f} "
        f"all_loaded_ms={screen['all_loaded_ms']:.0f} "
        f"extra_mb={screen['extra_mb']:.1f} scroll_end_ms={screen['scroll_end_ms']:.0f} "
        f"filter_sort_ms={statistics.median(filter_ms):.2f} "
        f"typo_p95_ms={p95(typo_ms):.2f} typo_found={typo_hits}/{len(typos)} "
        + " ".join(f"{key}_ms={statistics.median(plans[key][0]):.2f}" for key, _ in PLAN_CASES)
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
