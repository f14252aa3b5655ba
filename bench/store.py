"""Encrypted store vs plain SQLite on this machine, in one run: open+unlock and commit latency.

    python bench/store.py [--rounds N] [--commits N] [--kdf-rounds N] [--dir PATH] [--breakdown]

Both databases hold the same schema (the workspace's Alembic head, copied with sqlcipher_export)
and the same rows. Encrypted and plain measurements are interleaved, with the order swapped every
round, after a warm-up, so a noisy shared machine hurts both alike. Figures are medians and p95 in
milliseconds; the last line is machine-readable. Nothing here asserts a time.
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
from collections.abc import Callable
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from carecoord_desktop.config import BUSY_TIMEOUT_MS
from carecoord_desktop.store import migrate
from carecoord_desktop.store.engine import audit_hash, connect_raw, make_engine
from carecoord_desktop.store.keys import DataKey

TARGET_OPEN_RATIO = 3.0
FIRST_QUERY = "SELECT count(*) FROM sqlite_master"
# Context only: the app never keys a database with a passphrase.
PASSPHRASE = "correct horse battery staple"  # noqa: S105
BENCH_TABLE = (
    "CREATE TABLE bench_note (id INTEGER PRIMARY KEY, patient_ref TEXT NOT NULL, "
    "written_at TEXT NOT NULL, body TEXT NOT NULL)"
)
INSERT = "INSERT INTO bench_note (patient_ref, written_at, body) VALUES (?, ?, ?)"
_WORDS = (  # noqa: SIM905 - a sentence reads better than a 53-item list
    "patient reports improved sleep since last review blood pressure stable on current dose "
    "discussed diet and walking plan follow up in four weeks carer present medication list "
    "reconciled no new allergies referral letter sent district nurse to visit wound healing "
    "well pain controlled with paracetamol asked about flu vaccine booked for next clinic"
).split()


# -- fixtures ---------------------------------------------------------------------------------
def note_row(rng: random.Random, i: int) -> tuple[str, str, str]:
    body = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(40, 110)))
    return (f"P{i % 1700:06d}", f"2024-{1 + i % 12:02d}-{1 + i % 28:02d} 10:{i % 60:02d}:00", body)


def build(folder: Path, rows: int) -> tuple[Path, Path, Path, DataKey]:
    """The encrypted workspace database, a plain copy and a passphrase-keyed copy."""
    enc, plain, kdf = folder / "encrypted.db", folder / "plain.db", folder / "passphrase.db"
    key = DataKey.generate()
    engine = make_engine(enc, key)
    migrate.upgrade(engine)  # the real schema: tables, indexes, audit triggers
    engine.dispose()
    rng = random.Random(1)
    conn = connect_raw(enc, key)
    conn.execute(BENCH_TABLE)
    conn.executemany(INSERT, [note_row(rng, i) for i in range(rows)])
    conn.commit()
    conn.execute("ATTACH DATABASE ? AS plaintext KEY ''", (str(plain),))
    conn.execute("SELECT sqlcipher_export('plaintext')")
    conn.execute("DETACH DATABASE plaintext")
    conn.execute("ATTACH DATABASE ? AS kdfcopy KEY ?", (str(kdf), PASSPHRASE))
    conn.execute("SELECT sqlcipher_export('kdfcopy')")
    conn.execute("DETACH DATABASE kdfcopy")
    conn.close()
    for path, connect in ((plain, sqlite3.connect), (kdf, _passphrase_connect)):
        c = connect(str(path))
        c.execute("PRAGMA journal_mode = WAL")  # persistent, as in the workspace database
        c.close()
    _check_same(enc, key, plain)
    return enc, plain, kdf, key


def _passphrase_connect(path: str):
    conn = sqlcipher.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = {_sql_literal(PASSPHRASE)}")
    return conn


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _check_same(enc: Path, key: DataKey, plain: Path) -> None:
    q_schema = "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
    q_rows = "SELECT count(*), sum(length(body)) FROM bench_note"
    a, b = connect_raw(enc, key), sqlite3.connect(plain)
    try:
        same = a.execute(q_schema).fetchall() == b.execute(q_schema).fetchall()
        same = same and a.execute(q_rows).fetchone() == b.execute(q_rows).fetchone()
    finally:
        a.close()
        b.close()
    if not same:
        raise SystemExit("the plain copy differs from the encrypted database; figures are void")


# -- what is timed ----------------------------------------------------------------------------
def _app_pragmas(conn) -> None:
    """What connect_raw does after keying, for the plain side (same order, same values)."""
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")
    if conn.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
        raise RuntimeError("could not switch to WAL")
    conn.create_function("cc_audit_hash", -1, audit_hash, deterministic=True)


def open_encrypted(path: Path, key: DataKey) -> Callable[[], float]:
    def run() -> float:
        t0 = time.perf_counter()
        conn = connect_raw(path, key)
        conn.execute(FIRST_QUERY).fetchone()
        t1 = time.perf_counter()
        conn.close()
        return (t1 - t0) * 1000

    return run


def open_plain(path: Path, connect=sqlite3.connect) -> Callable[[], float]:
    def run() -> float:
        t0 = time.perf_counter()
        conn = connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        _app_pragmas(conn)
        conn.execute(FIRST_QUERY).fetchone()
        t1 = time.perf_counter()
        conn.close()
        return (t1 - t0) * 1000

    return run


def open_passphrase(path: Path) -> Callable[[], float]:
    def run() -> float:
        t0 = time.perf_counter()
        conn = _passphrase_connect(str(path))
        _app_pragmas(conn)
        conn.execute(FIRST_QUERY).fetchone()
        t1 = time.perf_counter()
        conn.close()
        return (t1 - t0) * 1000

    return run


def commit_one(conn, rng: random.Random) -> Callable[[], float]:
    counter = iter(range(10**9))

    def run() -> float:
        row = note_row(rng, next(counter))
        t0 = time.perf_counter()
        conn.execute(INSERT, row)
        conn.commit()
        return (time.perf_counter() - t0) * 1000

    return run


def interleave(a: Callable[[], float], b: Callable[[], float], rounds: int, warmup: int):
    """ABBA...: the order flips every round so drift and cache effects fall on both sides."""
    for _ in range(warmup):
        a()
        b()
    xs: list[float] = []
    ys: list[float] = []
    gc.collect()
    gc.disable()
    try:
        for i in range(rounds):
            if i % 2 == 0:
                xs.append(a())
                ys.append(b())
            else:
                ys.append(b())
                xs.append(a())
    finally:
        gc.enable()
    return xs, ys


def solo(f: Callable[[], float], rounds: int, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        f()
    return [f() for _ in range(rounds)]


# -- diagnosis --------------------------------------------------------------------------------
def breakdown(enc: Path, key: DataKey, plain: Path, rounds: int) -> list[tuple[str, float, float]]:
    """Where an open's time goes, step by step, encrypted vs plain (mirrors connect_raw)."""
    steps = [
        ("PRAGMA cipher_log_level = NONE", "cipher_log_level = NONE", True),
        (f"PRAGMA key = {key.sqlcipher_pragma_value()}", "key (lazy: nothing is read yet)", True),
        (f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}", "busy_timeout", False),
        ("PRAGMA foreign_keys = ON", "foreign_keys = ON", False),
        ("PRAGMA synchronous = FULL", "synchronous = FULL (1st read: page 1, schema, -wal)", False),
        ("PRAGMA journal_mode = WAL", "journal_mode = WAL (already WAL: a no-op)", False),
        (FIRST_QUERY, "first query", False),
    ]
    labels = ["connect()"] + [label for _, label, _ in steps] + ["close()"]
    times = {side: {label: [] for label in labels} for side in ("enc", "plain")}
    for i in range(rounds):
        for side in ("enc", "plain") if i % 2 == 0 else ("plain", "enc"):
            connect = sqlcipher.connect if side == "enc" else sqlite3.connect
            t = times[side]
            t0 = time.perf_counter()
            conn = connect(str(enc if side == "enc" else plain), timeout=BUSY_TIMEOUT_MS / 1000)
            t["connect()"].append(time.perf_counter() - t0)
            for sql, label, cipher_only in steps:
                if cipher_only and side == "plain":
                    t[label].append(0.0)
                    continue
                t0 = time.perf_counter()
                conn.execute(sql).fetchall()
                t[label].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            conn.close()
            t["close()"].append(time.perf_counter() - t0)
    return [
        (label, med(times["enc"][label]) * 1000, med(times["plain"][label]) * 1000)
        for label in labels
    ]


# -- report -----------------------------------------------------------------------------------
def med(xs: list[float]) -> float:
    return statistics.median(xs)


def p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=100, method="inclusive")[94] if len(xs) > 1 else xs[0]


def row(label: str, xs: list[float], base: list[float] | None = None) -> str:
    ratio = f"{med(xs) / med(base):6.2f}x" if base else "       "
    return f"  {label:<58} {med(xs):9.3f} {p95(xs):9.3f}  {ratio}  (n={len(xs)})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=300, help="open+unlock rounds per side")
    ap.add_argument("--commits", type=int, default=None, help="commits per side (default rounds)")
    ap.add_argument("--kdf-rounds", type=int, default=None, help="passphrase opens (context)")
    ap.add_argument("--rows", type=int, default=5000, help="rows of clinical-note-sized text")
    ap.add_argument("--dir", type=Path, default=None, help="where to put the databases")
    ap.add_argument("--breakdown", action="store_true", help="always show the step breakdown")
    args = ap.parse_args(argv)
    rounds = max(2, args.rounds)
    commits = max(2, args.commits or rounds)
    kdf_rounds = max(2, args.kdf_rounds or rounds // 20)
    warmup = max(5, rounds // 20)

    with tempfile.TemporaryDirectory(prefix="cc-bench-", dir=args.dir) as tmp:
        enc, plain, kdf, key = build(Path(tmp), args.rows)
        probe = sqlcipher.connect(":memory:")
        kdf_iter = probe.execute("PRAGMA cipher_default_kdf_iter").fetchone()[0]
        kdf_alg = probe.execute("PRAGMA cipher_default_kdf_algorithm").fetchone()[0]
        cipher_v = probe.execute("PRAGMA cipher_version").fetchone()[0]
        cipher_sqlite = probe.execute("SELECT sqlite_version()").fetchone()[0]
        probe.close()
        size_kib = enc.stat().st_size // 1024

        # 1. Cold open: no other connection, so each open also creates the -wal/-shm files.
        enc_open, plain_open = interleave(
            open_encrypted(enc, key), open_plain(plain), rounds, warmup
        )
        # 2. Pooled-app case: another connection already holds the database open.
        holders = [connect_raw(enc, key), sqlite3.connect(plain)]
        holders[1].execute(FIRST_QUERY).fetchone()
        enc_warm, plain_warm = interleave(
            open_encrypted(enc, key), open_plain(plain), rounds, warmup
        )
        for h in holders:
            h.close()
        # 3. Context: the SQLCipher build opening the plain file (same SQLite build, no cipher).
        lib_plain = solo(open_plain(plain, connect=sqlcipher.connect), max(20, rounds // 3), warmup)
        # 4. Context: a passphrase key pays PBKDF2 on every connection.
        kdf_open = solo(open_passphrase(kdf), kdf_rounds)
        # 5. Commit latency on long-lived connections, as the app's pool has them.
        ce, cp = connect_raw(enc, key), sqlite3.connect(plain, check_same_thread=False)
        _app_pragmas(cp)
        enc_commit, plain_commit = interleave(
            commit_one(ce, random.Random(2)), commit_one(cp, random.Random(2)), commits, warmup
        )
        ce.close()
        cp.close()

        open_ratio = med(enc_open) / med(plain_open)
        commit_ratio = med(enc_commit) / med(plain_commit)
        show_breakdown = args.breakdown or open_ratio > TARGET_OPEN_RATIO
        steps = breakdown(enc, key, plain, max(50, rounds // 3)) if show_breakdown else []

    print(
        f"CareCoord store bench  (python {sys.version.split()[0]}, stdlib SQLite "
        f"{sqlite3.sqlite_version}, SQLCipher {cipher_v} on SQLite {cipher_sqlite})"
    )
    print(
        f"  database: real schema + {args.rows:,} notes, {size_kib:,} KiB; WAL, "
        f"synchronous=FULL, foreign_keys=ON, busy_timeout={BUSY_TIMEOUT_MS} ms"
    )
    print(f"  {'':<58} {'median':>9} {'p95':>9}  {'ratio':>7}")
    print(" open + first query (ms)")
    print(row("plain stdlib sqlite3", plain_open))
    print(row("encrypted, raw 256-bit key (connect_raw)", enc_open, plain_open))
    print(" open + first query while another connection is open (pooled app)")
    print(row("plain stdlib sqlite3", plain_warm))
    print(row("encrypted, raw 256-bit key (connect_raw)", enc_warm, plain_warm))
    print(" context")
    print(row("sqlcipher3 build, plain file, no key", lib_plain, plain_open))
    print(row(f"passphrase key ({kdf_alg}, {int(kdf_iter):,} iter)", kdf_open, plain_open))
    print(" single-row INSERT + COMMIT (ms)")
    print(row("plain stdlib sqlite3", plain_commit))
    print(row("encrypted", enc_commit, plain_commit))
    if steps:
        print(f" cold open, step by step (medians, ms){'encrypted':>31} {'plain':>9}")
        for label, enc_ms, plain_ms in steps:
            print(f"  {label:<58} {enc_ms:9.3f} {plain_ms:9.3f}")
    verdict = "meets" if open_ratio <= TARGET_OPEN_RATIO else "MISSES"
    print(
        f" open+unlock ratio {open_ratio:.2f} {verdict} the target of <= {TARGET_OPEN_RATIO:g}; "
        f"a passphrase open costs {med(kdf_open) / med(enc_open):,.0f}x a raw-key open."
    )
    print(
        f"open_unlock_ratio={open_ratio:.2f} commit_ratio={commit_ratio:.2f} "
        f"open_unlock_ms={med(enc_open):.3f} commit_ms={med(enc_commit):.3f} "
        f"plain_open_ms={med(plain_open):.3f} plain_commit_ms={med(plain_commit):.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
