"""Reconciling two or three medicine lists: pure data in, pure data out (no database).

API (plain frozen dataclasses; meds-core stores sessions and calls this):

    lines = [SourceLine(key="c1", text="Lasix 40mg mane"), ...]          # one per medicine
    result = reconcile(current=[...], new=[...], reported=[...],       # reported is optional
                       pairs=[("c1", "n3")],                            # manual matches, optional
                       apart=["c2"])                                    # never auto-match these
    for row in result.rows:        # one Row per medicine, counterparts side by side
        row.current / row.new / row.reported   # the SourceLine from each list, or None
        row.status                  # Status: unchanged, new, stopped, dose_changed,
                                    #   frequency_changed, omitted, reported_only
        row.changes                 # ("dose", "frequency", "timing", "route", "form") that differ
        row.matched_by              # "ingredient" | "partial" | "name" | "manual" | ""
        row.ingredients, row.display, row.recognised, row.note
        row.reported_differs        # the patient's account differs from the list it matched
    result.flags                    # Flag(kind, rows, text, severity) for duplicates, class
                                    #   duplicates, interactions, unrecognised, dose changes,
                                    #   omissions, over the list that would result
    result.resulting_rows           # the row indices whose medicines stay on the list

- `SourceLine.key` is the caller's id (any string, unique across all lists); `parsed` and
  `recognition` may be given (from storage) or are computed from `text`.
- Matching: same set of ingredients first, then any shared ingredient ("partial", e.g. Panadeine
  Forte and paracetamol), then the same name as written for unrecognised medicines. Within one
  ingredient, lines with the same strength pair first; list order breaks ties (deterministic).
- Status compares current with new: only in new -> new; only in current -> stopped when the new
  list says so ("stop"/"cease" line, or `stopped=True`), else omitted (no reason given); in both
  -> dose_changed / frequency_changed / unchanged. With no new list (current vs patient report)
  the report takes its place. A medicine only the patient reports is reported_only.
- A medicine not recognised keeps its text, is matched only by name, and is flagged
  "not recognised: no checks run".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from carecoord_desktop.knowledge.base import KnowledgeBase, knowledge_base
from carecoord_desktop.knowledge.checks import check
from carecoord_desktop.knowledge.medline import MedLine, parse_line
from carecoord_desktop.knowledge.recognise import NOT_RECOGNISED, Recognition, recognise

LISTS = ("current", "new", "reported")


class Status(StrEnum):
    UNCHANGED = "unchanged"
    NEW = "new"
    STOPPED = "stopped"
    DOSE_CHANGED = "dose_changed"
    FREQUENCY_CHANGED = "frequency_changed"
    OMITTED = "omitted"  # on the current list, missing from the new one, no reason given
    REPORTED_ONLY = "reported_only"  # the patient takes it; neither list has it


STATUS_TEXT = {
    Status.UNCHANGED: "Unchanged",
    Status.NEW: "New",
    Status.STOPPED: "Stopped",
    Status.DOSE_CHANGED: "Dose changed",
    Status.FREQUENCY_CHANGED: "Frequency changed",
    Status.OMITTED: "Omitted without a reason",
    Status.REPORTED_ONLY: "Patient reports only",
}


@dataclass(frozen=True)
class SourceLine:
    key: str  # the caller's id, unique across all lists
    text: str  # exactly as written
    parsed: MedLine | None = None  # computed from text when None
    recognition: Recognition | None = None  # computed from text when None
    stopped: bool = False  # the source itself says stopped (e.g. FHIR status "stopped")
    reason: str = ""  # why, when the source says (stop reason, change reason)

    def read(self, kb: KnowledgeBase) -> SourceLine:
        parsed = self.parsed or parse_line(self.text)
        rec = self.recognition or recognise(self.text, kb=kb)
        return SourceLine(
            self.key,
            self.text,
            parsed,
            rec,
            self.stopped or parsed.stop,
            self.reason or parsed.stop_reason or "",
        )


@dataclass(frozen=True)
class Row:
    current: SourceLine | None
    new: SourceLine | None
    reported: SourceLine | None
    status: Status
    changes: tuple[str, ...] = ()
    matched_by: str = ""
    reported_differs: bool = False
    note: str = ""

    def lines(self) -> list[SourceLine]:
        return [x for x in (self.current, self.new, self.reported) if x is not None]

    @property
    def recognition(self) -> Recognition:
        # The newest word on the medicine describes it: new list, then current, then report.
        line = self.new or self.current or self.reported
        assert line is not None and line.recognition is not None
        return line.recognition

    @property
    def ingredients(self) -> tuple[str, ...]:
        return self.recognition.ingredients

    @property
    def display(self) -> str:
        return self.recognition.display

    @property
    def recognised(self) -> bool:
        return self.recognition.recognised


@dataclass(frozen=True)
class Flag:
    kind: str  # ingredient_duplicate | class_duplicate | interaction | unrecognised |
    #            dose_changed | frequency_changed | omitted | reported_differs
    rows: tuple[int, ...]  # indices into Reconciliation.rows
    text: str  # one plain sentence for the screen and the record
    severity: str = ""  # for interactions: contraindicated | major | moderate | minor
    advice: str = ""
    source: str = ""


@dataclass(frozen=True)
class Reconciliation:
    rows: tuple[Row, ...]
    flags: tuple[Flag, ...]
    resulting_rows: tuple[int, ...] = field(default=())


def reconcile(
    current: Sequence[SourceLine],
    new: Sequence[SourceLine] = (),
    reported: Sequence[SourceLine] = (),
    *,
    pairs: Iterable[Sequence[str]] = (),
    apart: Iterable[str] = (),
    kb: KnowledgeBase | None = None,
) -> Reconciliation:
    """Match the lists, classify each medicine and flag problems over the resulting list."""
    kb = kb or knowledge_base()
    lists = {
        "current": [x.read(kb) for x in current],
        "new": [x.read(kb) for x in new],
        "reported": [x.read(kb) for x in reported],
    }
    by_key: dict[str, tuple[str, SourceLine]] = {}
    for list_name, lines in lists.items():
        for line in lines:
            if line.key in by_key:
                raise ValueError(f"Line key {line.key!r} is used twice; keys must be unique.")
            by_key[line.key] = (list_name, line)
    groups: list[dict[str, SourceLine]] = []
    methods: list[str] = []
    used: set[str] = set()
    for pair in pairs:
        group: dict[str, SourceLine] = {}
        for key in pair:
            if key not in by_key:
                raise ValueError(f"Manual match names an unknown line {key!r}.")
            if key in used:
                raise ValueError(f"Line {key!r} is in two manual matches.")
            list_name, line = by_key[key]
            if list_name in group:
                raise ValueError("A manual match takes at most one line from each list.")
            group[list_name] = line
            used.add(key)
        groups.append(group)
        methods.append("manual")
    alone = set(apart)
    for key in alone:
        if key in by_key and key not in used:
            groups.append({by_key[key][0]: by_key[key][1]})
            methods.append("")
            used.add(key)
    # Automatic matching: new to current, then reported to whichever group fits.
    free = {name: [x for x in lines if x.key not in used] for name, lines in lists.items()}
    auto: list[dict[str, SourceLine]] = [{"new": x} for x in free["new"]]
    auto_methods = [""] * len(auto)
    for line in free["current"]:
        _attach(auto, auto_methods, "current", line, anchor="new")
    for line in free["reported"]:
        _attach(auto, auto_methods, "reported", line, anchor=None)
    groups += auto
    methods += auto_methods
    has_new = bool(lists["new"])
    rows = [_classify(g, m, has_new) for g, m in zip(groups, methods, strict=True)]
    rows.sort(key=lambda r: _order(r, lists))
    return _flag(tuple(rows), kb)


def _attach(
    groups: list[dict[str, SourceLine]],
    methods: list[str],
    list_name: str,
    line: SourceLine,
    anchor: str | None,
) -> None:
    best: tuple[int, int] | None = None  # (score, index)
    for index, group in enumerate(groups):
        if list_name in group:
            continue
        others = [group[anchor]] if anchor and anchor in group else list(group.values())
        score = max((_match_score(line, other) for other in others), default=0)
        if score and (best is None or score > best[0]):
            best = (score, index)
    if best is None:
        groups.append({list_name: line})
        methods.append("")
        return
    group = groups[best[1]]
    group[list_name] = line
    score = best[0]
    method = "ingredient" if score >= 3 else "partial" if score == 2 else "name"
    if methods[best[1]] in ("", "name") or method == "partial":
        methods[best[1]] = method if methods[best[1]] != "partial" else "partial"


def _match_score(a: SourceLine, b: SourceLine) -> int:
    """4 same ingredients and strength, 3 same ingredients, 2 shared one, 1 same name, 0 none."""
    ra, rb = a.recognition, b.recognition
    assert ra is not None and rb is not None and a.parsed and b.parsed
    if ra.recognised and rb.recognised:
        if set(ra.ingredients) == set(rb.ingredients):
            same = a.parsed.strength is not None and a.parsed.strength == b.parsed.strength
            return 4 if same else 3
        return 2 if set(ra.ingredients) & set(rb.ingredients) else 0
    if not ra.recognised and not rb.recognised:
        na, nb = _name_key(a), _name_key(b)
        return 1 if na and na == nb else 0
    return 0


def _name_key(line: SourceLine) -> str:
    assert line.parsed is not None
    return " ".join((line.parsed.name or line.text).lower().split())


def _classify(group: dict[str, SourceLine], method: str, has_new: bool) -> Row:
    cur, new, rep = group.get("current"), group.get("new"), group.get("reported")
    target = new if has_new else rep
    if cur is None and new is None:
        return Row(
            None,
            None,
            rep,
            Status.REPORTED_ONLY,
            matched_by=method,
            note="The patient reports taking this; it is on no other list.",
        )
    if cur is None:
        status, changes, note = Status.NEW, (), "New on this list."
        if new is not None and new.stopped:
            status, note = Status.STOPPED, new.reason or "Listed as stopped."
    elif target is None or target.stopped:
        if target is not None and target.stopped:
            status, changes = Status.STOPPED, ()
            note = target.reason or "Listed as stopped."
        else:
            status, changes = Status.OMITTED, ()
            note = "On the current list but missing from the new one, with no reason given."
    else:
        changes = _changes(cur, target)
        if "dose" in changes:
            status = Status.DOSE_CHANGED
        elif "frequency" in changes:
            status = Status.FREQUENCY_CHANGED
        else:
            status = Status.UNCHANGED
        note = _change_note(cur, target, changes)
    # The patient's account against the list it is checked with (new, else current).
    compare = (new or cur) if has_new else None
    differs = bool(rep and compare and (_changes(compare, rep) or compare.stopped))
    return Row(cur, new, rep, status, changes, method, differs, note)


def _changes(a: SourceLine, b: SourceLine) -> tuple[str, ...]:
    pa, pb = a.parsed, b.parsed
    assert pa is not None and pb is not None
    out = []
    da, db = _dose(pa), _dose(pb)
    if da is not None and db is not None and not _same_dose(da, db):
        out.append("dose")
    # How often is the frequency; "daily" and "mane" are both once a day (a timing change).
    fa, fb = (pa.times_per_day, pa.prn), (pb.times_per_day, pb.prn)
    if fa != fb and (pa.frequency or pa.prn) and (pb.frequency or pb.prn):
        out.append("frequency")
    elif pa.times_of_day and pb.times_of_day and pa.times_of_day != pb.times_of_day:
        out.append("timing")
    if pa.route and pb.route and pa.route != pb.route:
        out.append("route")
    if pa.dose_unit and pb.dose_unit and pa.dose_unit != pb.dose_unit:
        out.append("form")
    return tuple(out)


def _dose(p: MedLine) -> tuple | None:
    """What one dose is: strength x count (1 g == 2 x 500 mg), or the count of its unit."""
    amount = p.dose_amount if p.dose_amount is not None else 1.0
    if p.strength_mg is not None:
        return ("mg", round(p.strength_mg * amount, 6))
    if p.strength is not None and p.strength_unit is None and p.strength_value is not None:
        return ("", round(p.strength_value * amount, 6))  # "Lasix 40": the unit left out
    if p.strength is not None:
        return (p.strength, amount)
    if p.dose_amount is not None:
        return (p.dose_unit, p.dose_amount)
    return None


def _same_dose(a: tuple, b: tuple) -> bool:
    # A strength written without its unit ("Lasix 40") equals the same number in mg.
    if "" in (a[0], b[0]) and {a[0], b[0]} <= {"", "mg"}:
        return a[1] == b[1]
    return a == b


def _change_note(cur: SourceLine, target: SourceLine, changes: tuple[str, ...]) -> str:
    if not changes:
        return ""
    pc, pt = cur.parsed, target.parsed
    assert pc is not None and pt is not None
    parts = []
    if "dose" in changes:
        parts.append(f"dose {_dose_text(pc)} → {_dose_text(pt)}")
    if "frequency" in changes:
        parts.append(f"frequency {pc.frequency_text or '?'} → {pt.frequency_text or '?'}")
    if "timing" in changes:
        parts.append(f"time {', '.join(pc.times_of_day)} → {', '.join(pt.times_of_day)}")
    if "route" in changes:
        parts.append(f"route {pc.route} → {pt.route}")
    if "form" in changes:
        parts.append(f"form {pc.dose_unit} → {pt.dose_unit}")
    return "Changed: " + "; ".join(parts) + "."


def _dose_text(p: MedLine) -> str:
    bits = []
    if p.dose_amount is not None and p.dose_unit:
        bits.append(f"{p.dose_amount:g} {p.dose_unit}")
    if p.strength:
        bits.append(p.strength)
    return " × ".join(bits) or "?"


def _order(row: Row, lists: dict[str, list[SourceLine]]) -> tuple[int, int]:
    # Rows follow the current list, then the new list, then the report (as the nurse reads them).
    for rank, name in enumerate(LISTS):
        line = getattr(row, name)
        if line is not None:
            return rank, [x.key for x in lists[name]].index(line.key)
    return 3, 0


def _flag(rows: tuple[Row, ...], kb: KnowledgeBase) -> Reconciliation:
    flags: list[Flag] = []
    staying = tuple(i for i, r in enumerate(rows) if r.status != Status.STOPPED)
    result = check([rows[i].recognition for i in staying], kb=kb)
    for dup in result.duplicates:
        idx = tuple(staying[i] for i in dup.indices)
        names = " and ".join(_label(rows[i]) for i in idx)
        if dup.kind == "ingredient":
            flags.append(
                Flag("ingredient_duplicate", idx, f"The same medicine twice ({dup.name}): {names}.")
            )
        else:
            flags.append(
                Flag("class_duplicate", idx, f"Two medicines of one class ({dup.name}): {names}.")
            )
    for hit in result.interactions:
        a, b = (staying[i] for i in hit.indices)
        flags.append(
            Flag(
                "interaction",
                (a, b),
                f"{hit.title}: {_label(rows[a])} with {_label(rows[b])}.",
                hit.severity,
                hit.advice,
                hit.source,
            )
        )
    for i, row in enumerate(rows):
        if not row.recognised:
            flags.append(Flag("unrecognised", (i,), f"{_label(row)}: {NOT_RECOGNISED}."))
        if row.status in (Status.DOSE_CHANGED, Status.FREQUENCY_CHANGED, Status.OMITTED):
            flags.append(Flag(row.status.value, (i,), f"{_label(row)}: {row.note}"))
        if row.reported_differs:
            flags.append(
                Flag(
                    "reported_differs",
                    (i,),
                    f"{_label(row)}: the patient's account differs from the list.",
                )
            )
    return Reconciliation(rows, tuple(flags), staying)


def _label(row: Row) -> str:
    line = row.new or row.current or row.reported
    assert line is not None
    return line.text
