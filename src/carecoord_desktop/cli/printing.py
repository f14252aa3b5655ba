"""`carecoord print KIND --patient PRACTICE_ID --out FILE [--id N]`: one command for every
document a feature prints. A feature adds its kinds from its own `register_print(psub)` with
`add_kind`; the shared part opens the workspace, signs in the --as user, finds the patient and
writes the file whole or not at all. The feature's `render` calls its service, which checks the
role and audits the print."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from carecoord_desktop.cli.common import (
    EXIT_OK,
    Secrets,
    acting,
    command,
    global_options,
    say,
    write_output,
)
from carecoord_desktop.services.context import Actor
from carecoord_desktop.services.patients.lookup import patient_id_for

# render(ws, actor, patient_id, document_id_or_None, args) -> PDF bytes
Render = Callable[[object, Actor, int, "int | None", argparse.Namespace], bytes]


def register(sub, registrars: list[Callable]) -> None:
    """The `print` group, with the kinds every feature's `register_print` adds; no group at all
    while no feature prints anything."""
    if not registrars:
        return
    s = sub.add_parser("print", help="write a patient document as a PDF")
    global_options(s, top=False)
    psub = s.add_subparsers(dest="print_kind", required=True, metavar="KIND")
    for registrar in registrars:
        registrar(psub)


def add_kind(psub, name: str, helptext: str, render: Render, *, has_id: bool = True):
    """One printable kind: `--patient` and `--out` always, `--id` when the patient can have
    several (the latest when it is left out). Returns the parser for extra options."""
    p = command(psub, name, helptext, _runner(render), acts_as=True)
    p.add_argument("--patient", required=True, metavar="PRACTICE_ID", help="e.g. P000123")
    p.add_argument("--out", required=True, metavar="FILE", help="the PDF to write")
    if has_id:
        p.add_argument("--id", type=int, default=None, help="which one (default: the latest)")
    return p


def _runner(render: Render):
    def run(args: argparse.Namespace, secrets: Secrets) -> int:
        with acting(args, secrets) as (ws, actor):
            patient_id = patient_id_for(ws, actor, args.patient)
            data = render(ws, actor, patient_id, getattr(args, "id", None), args)
        target = write_output(args.out, data)
        say(f"Written: {target} ({len(data) / 1024:.0f} KB)")
        return EXIT_OK

    return run
