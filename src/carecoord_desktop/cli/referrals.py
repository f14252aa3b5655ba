"""`carecoord resources import FILE.csv --as USER`: services into the community resources
directory, with every refused row and why (exit 1 when any row was refused, so a script
notices); and `carecoord print referral --patient PRACTICE_ID --out FILE [--id N] --as USER`:
the referral letter (the patient's newest referral when no id), audited and written to the
patient's sharing record."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from carecoord_desktop.cli.common import (
    EXIT_OK,
    EXIT_PROBLEM,
    Secrets,
    acting,
    command,
    global_options,
    say,
)
from carecoord_desktop.cli.printing import add_kind
from carecoord_desktop.services.csv_reading import neutralise_cell

METHODS = ("printed", "secure_message", "fax", "email", "post", "by_hand")


def cmd_resources_import(args: argparse.Namespace, secrets: Secrets) -> int:
    from carecoord_desktop.services.referrals import importing

    with acting(args, secrets) as (ws, actor):
        report = importing.import_resources(
            ws, actor, Path(args.file), encoding=args.encoding
        ).value
    if args.json:
        say(
            json.dumps(
                {
                    "rows": report.rows,
                    "added": report.added,
                    "refused": [
                        {"line": r.line, "name": r.name, "reason": r.reason} for r in report.refused
                    ],
                }
            )
        )
    else:
        for note in report.notes:
            say(note)
        say(f"{report.rows} rows read: {report.summary()}")
        for r in report.refused:
            # Names come from a file: never let one run as a formula if this output is pasted.
            say(f"  line {r.line}: {neutralise_cell(r.name) or '(no name)'}: {r.reason}")
    return EXIT_PROBLEM if report.refused else EXIT_OK


def register(sub) -> None:
    s = sub.add_parser("resources", help="the community resources directory")
    global_options(s, top=False)
    rsub = s.add_subparsers(dest="resources_cmd", required=True, metavar="import")
    c = command(
        rsub,
        "import",
        "add services to the directory from a CSV file (rows already there are refused)",
        cmd_resources_import,
        acts_as=True,
    )
    c.add_argument("file", metavar="FILE.csv", help="columns: Name, Category, Phone, Area, ...")
    c.add_argument(
        "--encoding",
        default="auto",
        choices=("auto", "utf-8", "cp1252"),
        help="how the file's text is encoded (default: detect)",
    )
    c.add_argument("--json", action="store_true", help="one JSON object, stable keys")


def _render_referral(ws, actor, patient_id: int, referral_id: int | None, args) -> bytes:
    from carecoord_desktop.services.referrals import letters

    chosen = letters.referral_for(ws, actor, patient_id, referral_id)
    pdf, _ = letters.render_letter(ws, actor, chosen, method=args.method, purpose="file")
    return pdf


def register_print(psub) -> None:
    p = add_kind(
        psub,
        "referral",
        "the referral letter (default: the patient's newest referral); recorded as shared",
        _render_referral,
    )
    p.add_argument(
        "--method",
        choices=METHODS,
        default="printed",
        help="how the letter goes out, for the sharing record (default: printed)",
    )
