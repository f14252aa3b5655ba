"""Medication reconciliation speed: matching and checking two 40-line lists, and the drug
knowledge base's start-up cost, in one run.

    python bench/medrec.py [--rounds N] [--starts N]

- match_check_ms: reconcile() of a 40-line current list against a 40-line discharge list
  (parse every line, recognise it, match counterparts, classify, check duplicates, classes and
  interactions over the result), median of N rounds with the knowledge base already loaded.
  Goal <= 20 ms.
- kb_load_ms: import of the knowledge package plus the first knowledge_base() call, in a new
  Python process each time (interpreter start-up and the standard modules every app has already
  imported not counted), median of N starts. Goal <= 150 ms. The machine's load average is
  printed beside it: on a shared, busy machine every figure here grows with it.
- kb_mb: memory the loaded base holds (tracemalloc, in a separate new process). Goal <= 30 MB.
- Reference in the same run: 80 name look-ups in the base's dicts vs the same look-ups as
  indexed SELECTs on an in-memory SQLite copy of names.tsv (the ratio is dict / SQLite).
Nothing asserts a time. The last line is machine-readable.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import time

from carecoord_desktop.knowledge.base import knowledge_base, knowledge_dir
from carecoord_desktop.knowledge.reconcile import SourceLine, reconcile

POOL = [
    "metformin 500mg 1 tab bd with meals", "Atorvastatin 40 mg nocte", "Ventolin 2 puffs prn",
    "Insulin glargine 20 units mane", "Panadeine Forte 2 tabs qid prn pain",
    "frusemide 40mg mane", "Coversyl 5mg daily", "Seretide 250/25 2 puffs bd",
    "Diabex XR 1g nocte", "Noten 50mg mane", "Somac 40mg daily before breakfast",
    "Nexium 20mg daily", "Cartia 100mg mane", "Karvea 150mg daily", "Micardis Plus 80/12.5 mane",
    "Symbicort 200/6 2 puffs bd", "Spiriva 2 inhalations mane", "Crestor 10mg nocte",
    "Lanoxin 62.5mcg mane", "Isoptin SR 180mg daily", "Marevan 3mg nocte as directed",
    "Mobic 7.5mg daily with food", "Endone 5mg 1-2 tabs q4h prn pain", "Tramal SR 100mg bd",
    "Lyrica 75mg bd", "Zoloft 50mg mane", "Lexapro 10mg mane", "Efexor-XR 75mg mane",
    "Avanza 15mg nocte", "Seroquel 25mg nocte", "Xarelto 20mg daily with evening meal",
    "Eliquis 5mg bd", "Plavix 75mg daily", "Jardiance 10mg mane", "Forxiga 10mg mane",
    "Januvia 100mg daily", "Janumet 50/1000 bd", "Trulicity 1.5mg weekly on Mondays",
    "Novorapid 6 units tds with meals", "Lasix 40mg mane", "Slow-K 600mg bd",
    "Aldactone 25mg mane", "Simvistatin 20mg nocte", "Metfromin 500mg bd", "Grandma's tonic",
    "Vitamin D 1000 IU daily", "Ostelin 1000 units daily", "Movicol 1 sachet daily prn",
    "Paracetamol 1g qid prn", "Nurofen 200mg 2 tabs tds prn", "methotrexate 10mg weekly",
    "Folic acid 5mg weekly", "Allopurinol 300mg daily", "Colgout 500mcg bd prn gout",
]


def lists(seed: int = 7) -> tuple[list[SourceLine], list[SourceLine]]:
    rng = random.Random(seed)
    current = rng.sample(POOL, 40)
    new = []
    for text in current[:34]:  # most continue, some with a changed dose or frequency
        roll = rng.random()
        new.append(text.replace(" bd", " tds") if roll < 0.15 else
                   text.replace("10mg", "20mg") if roll < 0.3 else text)
    new += rng.sample([x for x in POOL if x not in current], 6)
    rng.shuffle(new)
    return ([SourceLine(f"c{i}", t) for i, t in enumerate(current)],
            [SourceLine(f"n{i}", t) for i, t in enumerate(new)])


# The standard modules the app has imported long before it first needs the base.
CHILD_TIME = """
import dataclasses, functools, json, pathlib, re, threading, time
t = time.perf_counter()
from carecoord_desktop.knowledge.base import knowledge_base
knowledge_base()
print((time.perf_counter() - t) * 1000)
"""
CHILD_MEMORY = """
import tracemalloc
tracemalloc.start()
from carecoord_desktop.knowledge.base import knowledge_base
kb = knowledge_base()
print(tracemalloc.get_traced_memory()[0] / 1e6)
"""


def child(code: str) -> float:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    return float(done.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--starts", type=int, default=7)
    args = parser.parse_args()

    loads = [child(CHILD_TIME) for _ in range(args.starts)]
    kb_mb = child(CHILD_MEMORY)

    kb = knowledge_base()
    current, new = lists()
    reconcile(current, new)  # warm: fuzzy candidate index, first regex compiles
    times = []
    for _ in range(args.rounds):
        t = time.perf_counter()
        result = reconcile(current, new)
        times.append((time.perf_counter() - t) * 1000)
    match_ms = statistics.median(times)

    # Reference: the same name look-ups from dicts vs an indexed SQLite table.
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE names (name TEXT PRIMARY KEY, ingredients TEXT, source TEXT)")
    with (knowledge_dir() / "names.tsv").open(encoding="utf-8") as f:
        db.executemany("INSERT INTO names VALUES (?, ?, ?)",
                       (line.rstrip("\n").split("\t") for line in f if not line.startswith("#")))
    words = [w.lower() for t in POOL for w in t.split()][:80]
    t = time.perf_counter()
    for _ in range(100):
        for w in words:
            kb.lookup(w)
    dict_us = (time.perf_counter() - t) * 1e6 / 100
    t = time.perf_counter()
    for _ in range(100):
        for w in words:
            db.execute("SELECT ingredients, source FROM names WHERE name = ?", (w,)).fetchone()
    sqlite_us = (time.perf_counter() - t) * 1e6 / 100

    load_ms = statistics.median(loads)
    counts = kb.manifest["counts"]
    print(f"knowledge base {kb.version}: {counts['names']:,} names, {counts['ingredients']:,} "
          f"ingredients, {counts['classes']:,} classes, {counts['interaction_pairs']:,} pairs")
    print(f"match+check 40 vs 40 lines: median {match_ms:.2f} ms over {args.rounds} rounds "
          f"(goal <= 20 ms); {len(result.rows)} rows, {len(result.flags)} flags")
    print(f"knowledge base load in a new process: median {load_ms:.1f} ms over {args.starts} "
          f"starts (min {min(loads):.1f}, max {max(loads):.1f}; goal <= 150 ms)")
    if hasattr(os, "getloadavg"):
        print(f"machine load average while measuring: {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} cores")
    print(f"knowledge base memory: {kb_mb:.1f} MB (goal <= 30 MB)")
    print(f"80 name look-ups: dicts {dict_us:.1f} µs, SQLite indexed {sqlite_us:.1f} µs "
          f"(ratio {dict_us / sqlite_us:.2f})")
    print(f"match_check_ms={match_ms:.2f} kb_load_ms={load_ms:.1f} kb_mb={kb_mb:.1f}")


if __name__ == "__main__":
    main()
