"""Care plan commands: `plans check` (what a plan lacks for a program) and `export fhir`.

    carecoord plans check --patient P000123 [--pack ccm|gpccmp] [--json] --as USER
    carecoord export fhir --patient P000123 --out plan.json [--plan N] --as USER

Both name who acts with --as, are audited by the services they call, and respect the role
(`export fhir` needs the export permission). `plans check` exits 0 when every element of every
pack checked is present and 1 when one is missing, so a script can act on it.
"""

from __future__ import annotations

import argparse
import json

from carecoord_desktop.cli.common import (
    EXIT_OK,
    EXIT_PROBLEM,
    Secrets,
    acting,
    command,
    global_options,
    say,
    write_output,
)
from carecoord_desktop.knowledge.careplans import load_packs
from carecoord_desktop.services.careplans import fhir_export, packs
from carecoord_desktop.services.patients.lookup import patient_id_for


def cmd_plans_check(args: argparse.Namespace, secrets: Secrets) -> int:
    with acting(args, secrets) as (ws, actor):
        patient_id = patient_id_for(ws, actor, args.patient)
        with ws.session() as session:
            plan_id = args.plan or fhir_export.current_plan_id(session, patient_id)
        results = packs.check_saved_plan(ws, actor, plan_id, [args.pack] if args.pack else None)
    complete = all(r.complete for r in results)
    if args.json:
        say(
            json.dumps(
                {
                    "patient": args.patient.strip().upper(),
                    "plan_id": plan_id,
                    "complete": complete,
                    "packs": [r.as_dict() for r in results],
                },
                ensure_ascii=False,
                sort_keys=True,
            )
        )
        return EXIT_OK if complete else EXIT_PROBLEM
    for r in results:
        present = sum(e.present for e in r.elements)
        say(f"{r.pack_name}: {present} of {len(r.elements)} elements present")
        for e in r.elements:
            if not e.present:
                say(f"  missing: {e.name}: {e.why}" + (f" ({e.detail})" if e.detail else ""))
        for t in r.timing:
            mark = "ok" if t.present else "check"
            say(f"  timing {mark}: {t.name}" + (f" ({t.detail})" if t.detail else ""))
    return EXIT_OK if complete else EXIT_PROBLEM


def cmd_export_fhir(args: argparse.Namespace, secrets: Secrets) -> int:
    with acting(args, secrets) as (ws, actor):
        patient_id = patient_id_for(ws, actor, args.patient)
        data = fhir_export.export_fhir(ws, actor, patient_id, args.plan)
    target = write_output(args.out, data)
    say(f"Written: {target} (FHIR R4 Bundle, {len(data) / 1024:.0f} KB)")
    return EXIT_OK


def register(sub) -> None:
    s = sub.add_parser("plans", help="care plans")
    global_options(s, top=False)
    psub = s.add_subparsers(dest="plans_cmd", required=True, metavar="check")
    c = command(
        psub, "check", "list what the patient's care plan lacks for a program", cmd_plans_check,
        acts_as=True,
    )  # fmt: skip
    c.add_argument("--patient", required=True, metavar="PRACTICE_ID", help="e.g. P000123")
    c.add_argument(
        "--pack",
        choices=sorted(load_packs()),
        default=None,
        help="the program's rule pack (default: the packs the practice chose)",
    )
    c.add_argument("--plan", type=int, default=None, help="which plan (default: the open one)")
    c.add_argument("--json", action="store_true", help="one JSON object, stable keys")

    s = sub.add_parser("export", help="export patient data in a standard format")
    global_options(s, top=False)
    esub = s.add_subparsers(dest="export_cmd", required=True, metavar="fhir")
    e = command(
        esub, "fhir", "write the patient's care plan as a FHIR R4 Bundle (JSON)", cmd_export_fhir,
        acts_as=True,
    )  # fmt: skip
    e.add_argument("--patient", required=True, metavar="PRACTICE_ID", help="e.g. P000123")
    e.add_argument("--out", required=True, metavar="FILE", help="the JSON file to write")
    e.add_argument("--plan", type=int, default=None, help="which plan (default: the open one)")
