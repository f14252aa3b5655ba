"""`carecoord meds ...`: medicines from the command line.

- `carecoord meds check [--json] NAME...` checks the given medicines as one list against the
  shipped knowledge base alone (no workspace, no sign-in). Its JSON, keys exactly:
  {"knowledge_base": {"version"}, "medicines": [{"input", "recognised", "ingredients",
  "classes"}], "duplicates": [{"kind": "ingredient"|"class", "inputs"}],
  "interactions": [{"inputs": [a, b], "ingredients": [x, y], "severity", "advice", "source"}]}
  where every `inputs` holds the names exactly as given and ingredients are the base's keys
  (the practice's names: "paracetamol", "salbutamol", "furosemide").
- `carecoord meds about` shows the knowledge base's version, sources and licences.
- `carecoord print medcard` and `print medrec`: the patient's medication card and a
  reconciliation record as PDFs, through the same services (role checked, print audited) as
  the app.
More `meds` commands (on a patient's list, with --as) are added to the same group here.
"""

from __future__ import annotations

import json

from carecoord_desktop.cli import printing
from carecoord_desktop.cli.common import EXIT_OK, EXIT_PROBLEM, command, say
from carecoord_desktop.knowledge import base
from carecoord_desktop.knowledge.checks import CheckResult, check
from carecoord_desktop.knowledge.recognise import NOT_RECOGNISED
from carecoord_desktop.services.medications import printing as med_printing

SEVERITY_WORD = {
    "contraindicated": "CONTRAINDICATED",
    "major": "MAJOR",
    "moderate": "moderate",
    "minor": "minor",
}


def register(sub) -> None:
    """Add the `meds` command group; its commands are added with `meds_command(...)`."""
    meds = sub.add_parser(
        "meds",
        help="medicines: check a list against the drug knowledge base",
        description="Medicines: the drug knowledge base and medicine lists.",
    )
    msub = meds.add_subparsers(dest="meds_command", required=True, metavar="MEDS_COMMAND")
    s = command(
        msub, "check", "check medicines as one list (knowledge base only, no workspace)", cmd_check
    )
    s.add_argument(
        "names",
        nargs="+",
        metavar="NAME",
        help='a medicine as written, e.g. "Panadeine Forte" or "warfarin 5mg"',
    )
    s.add_argument("--json", action="store_true", help="print the result as JSON")
    command(msub, "about", "the knowledge base's version, sources and licences", cmd_about)


def cmd_check(args, _secrets) -> int:
    try:
        kb = base.knowledge_base()
    except base.KnowledgeBaseError as exc:
        say(f"carecoord: {exc}", err=True)
        return EXIT_PROBLEM
    names = list(args.names)
    result = check(names, kb=kb)
    if args.json:
        for line in json.dumps(check_json(names, result, kb), indent=2, ensure_ascii=False).split(
            "\n"
        ):
            say(line)  # say() prints one safe line at a time
    else:
        for line in check_lines(names, result, kb):
            say(line)
    return EXIT_OK


def check_json(names: list[str], result: CheckResult, kb: base.KnowledgeBase) -> dict:
    """The documented JSON shape (see the module docstring)."""
    return {
        "knowledge_base": {"version": kb.version},
        "medicines": [
            {
                "input": name,
                "recognised": med.recognised,
                "ingredients": list(med.ingredients),
                "classes": list(med.classes(kb)),
            }
            for name, med in zip(names, result.medicines, strict=True)
        ],
        "duplicates": [
            {"kind": d.kind, "inputs": [names[i] for i in d.indices]} for d in result.duplicates
        ],
        "interactions": [
            {
                "inputs": [names[f.indices[0]], names[f.indices[1]]],
                "ingredients": list(f.ingredients),
                "severity": f.severity,
                "advice": f.advice,
                "source": f.source,
            }
            for f in result.interactions
        ],
    }


def check_lines(names: list[str], result: CheckResult, kb: base.KnowledgeBase) -> list[str]:
    """The same result as plain lines for a person."""
    width = min(32, max(len(n) for n in names))
    out = [f"Drug knowledge base {kb.version} (see `carecoord meds about`)", "", "Medicines:"]
    for name, med in zip(names, result.medicines, strict=True):
        what = med.display if med.recognised else NOT_RECOGNISED
        if med.how == "fuzzy":
            what += f"  (read as {med.matched[0]}, similarity {med.score:g}%)"
        out.append(f"  {name:<{width}}  {what}")
    ingredient = [d for d in result.duplicates if d.kind == "ingredient"]
    same_class = [d for d in result.duplicates if d.kind == "class"]
    if ingredient:
        out += ["", "The same medicine twice:"]
        out += [f"  {d.name}: {', '.join(names[i] for i in d.indices)}" for d in ingredient]
    if same_class:
        out += ["", "Two medicines of one class:"]
        out += [
            f"  {d.name.removesuffix(' [EPC]')}: {', '.join(names[i] for i in d.indices)}"
            for d in same_class
        ]
    if result.interactions:
        out += ["", "Interactions:"]
        for f in result.interactions:
            a, b = (names[i] for i in f.indices)
            out.append(f"  {SEVERITY_WORD.get(f.severity, f.severity)}: {a} with {b} — {f.title}")
            out.append(f"      {f.mechanism} {f.advice}")
            out.append(f"      Source: {f.source}")
    if not (result.duplicates or result.interactions):
        out += ["", "No duplicates or interactions found among the recognised medicines."]
    if result.unrecognised:
        out += [
            "",
            f"{len(result.unrecognised)} not recognised: no checks were run on "
            "them; check them by hand.",
        ]
    return out


def cmd_about(_args, _secrets) -> int:
    try:
        for line in base.about_text().split("\n"):
            say(line)
    except base.KnowledgeBaseError as exc:
        say(f"carecoord: {exc}", err=True)
        return EXIT_PROBLEM
    return EXIT_OK


# -- printing ----------------------------------------------------------------------------------
def _medcard(ws, actor, patient_id: int, _id, _args) -> bytes:
    return med_printing.medication_card(ws, actor, patient_id)


def _medrec(ws, actor, patient_id: int, rec_id, _args) -> bytes:
    return med_printing.reconciliation_record(ws, actor, patient_id, rec_id)


def register_print(psub) -> None:
    printing.add_kind(
        psub,
        "medcard",
        "the patient's large-print medication card: what to take when, what was stopped",
        _medcard,
        has_id=False,
    )
    printing.add_kind(
        psub,
        "medrec",
        "a medication reconciliation record: what changed and why, who decided and signed",
        _medrec,
    )
