"""Care conference commands:

    carecoord conferences list [--patient ID] [--when upcoming|past|all] [--json] --as USER
    carecoord conferences check --patient ID [--id N] [--json] --as USER
    carecoord conferences show --patient ID [--id N] --json --as USER

`--id` picks one conference (it must be the patient's); without it, the patient's newest.
`check` exits 1 when an element of the case-conference rule pack (MBS items 735-758) is
missing, so a script can act on it. Every command is audited by the services it calls.

The JSON output has stable keys (new keys may be added; none is renamed):

- list: {"when": str, "patient": str|null, "conferences": [{"id", "patient" (practice ID),
  "patient_name", "title", "scheduled_at" (ISO 8601, UTC), "status", "place", "video_link",
  "organiser", "invited", "attended", "agreed" (true|false|null), "minutes" (int|null)}]}
- check: {"patient", "conference_id", "pack", "pack_name", "complete" (bool),
  "elements": [{"key", "name", "met" (bool), "detail"}]}
- show: {"id", "version", "patient", "patient_name", "title", "status", "scheduled_at",
  "planned_minutes", "place", "video_link", "organiser", "plan_id", "agreed", "agreed_on",
  "agreed_how", "started_at", "ended_at", "elapsed_minutes", "tier" ({"label",
  "organiser_item", "participant_item"}|null), "summary_offered_on", "cancel_reason",
  "participants": [{"id", "kind", "name", "discipline", "organisation", "attendance",
  "joined_how"}], "agenda": [{"id", "position", "source", "source_ref", "title", "detail",
  "minutes", "discussed"}], "decisions": [{"id", "agenda_item_id", "kind", "text", "owner",
  "due_date", "task_id", "plan_id", "plan_version", "plan_change"}]}
  Dates are ISO (YYYY-MM-DD), times ISO 8601 in UTC.
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
)
from carecoord_desktop.errors import ValidationError
from carecoord_desktop.services.patients.lookup import patient_id_for

WHEN = ("upcoming", "past", "all")


def _iso(value) -> str | None:
    return None if value is None else value.isoformat()


def _local(at) -> str:
    return at.astimezone().strftime("%d/%m/%Y %H:%M")


def _chosen(ws, actor, args) -> tuple[int, int]:
    """(patient id, conference id): --id when given (checked to be the patient's), else the
    patient's newest conference."""
    from carecoord_desktop.services.conferences import conferences

    patient_id = patient_id_for(ws, actor, args.patient)
    if args.id is None:
        return patient_id, conferences.latest_conference_id(ws, actor, patient_id)
    listed = conferences.list_conferences(ws, actor, patient_id=patient_id, when="all")
    if args.id not in {c.id for c in listed}:
        raise ValidationError(
            f"Conference {args.id} is not one of this patient's: leave out --id for the newest.",
            field="id",
        )
    return patient_id, args.id


def cmd_list(args: argparse.Namespace, secrets: Secrets) -> int:
    from carecoord_desktop.services.conferences import conferences
    from carecoord_desktop.services.conferences.types import status_label

    with acting(args, secrets) as (ws, actor):
        pid = patient_id_for(ws, actor, args.patient) if args.patient else None
        rows = conferences.list_conferences(ws, actor, patient_id=pid, when=args.when)
    if args.json:
        out = {
            "when": args.when,
            "patient": args.patient.strip().upper() if args.patient else None,
            "conferences": [
                {
                    "id": c.id,
                    "patient": c.practice_id,
                    "patient_name": c.patient_name,
                    "title": c.title,
                    "scheduled_at": _iso(c.scheduled_at),
                    "status": c.status,
                    "place": c.place,
                    "video_link": c.video_link,
                    "organiser": c.organiser_name,
                    "invited": c.invited,
                    "attended": c.attended,
                    "agreed": c.agreed,
                    "minutes": c.minutes,
                }
                for c in rows
            ],
        }
        say(json.dumps(out, ensure_ascii=False, sort_keys=True))
        return EXIT_OK
    if not rows:
        say(f"No {args.when} care conferences." if args.when != "all" else "No care conferences.")
        return EXIT_OK
    for c in rows:
        where = c.place or ("video" if c.video_link else "")
        agreed = {True: "agreed", False: "declined", None: "agreement not recorded"}[c.agreed]
        held = f", {c.minutes} min" if c.minutes is not None else ""
        say(
            f"#{c.id}  {_local(c.scheduled_at)}  {c.practice_id} {c.patient_name}  "
            f"{status_label(c.status)}{held}  {c.attended}/{c.invited} attended  {agreed}"
            + (f"  ({where})" if where else "")
        )
    return EXIT_OK


def cmd_check(args: argparse.Namespace, secrets: Secrets) -> int:
    from carecoord_desktop.services.conferences import rules

    with acting(args, secrets) as (ws, actor):
        _, conference_id = _chosen(ws, actor, args)
        result = rules.check_conference(ws, actor, conference_id)
    if args.json:
        out = {
            "patient": args.patient.strip().upper(),
            "conference_id": conference_id,
            "pack": result.pack_key,
            "pack_name": result.pack_name,
            "complete": result.complete,
            "elements": [
                {"key": e.key, "name": e.name, "met": e.met, "detail": e.detail}
                for e in result.elements
            ],
        }
        say(json.dumps(out, ensure_ascii=False, sort_keys=True))
    else:
        met, total = sum(e.met for e in result.elements), len(result.elements)
        say(f"{result.pack_name}: {met} of {total} met (conference #{conference_id})")
        for e in result.elements:
            say(f"  {'ok     ' if e.met else 'missing'}  {e.name}: {e.detail}")
    return EXIT_OK if result.complete else EXIT_PROBLEM


def record_json(rec) -> dict:
    from carecoord_desktop.services.conferences.meeting import tier_for

    minutes = rec.elapsed_minutes
    tier = tier_for(minutes) if minutes is not None else None
    return {
        "id": rec.id,
        "version": rec.version,
        "patient": rec.practice_id,
        "patient_name": rec.patient_name,
        "title": rec.title,
        "status": rec.status,
        "scheduled_at": _iso(rec.scheduled_at),
        "planned_minutes": rec.planned_minutes,
        "place": rec.place,
        "video_link": rec.video_link,
        "organiser": rec.organiser_name,
        "plan_id": rec.plan_id,
        "agreed": rec.agreed,
        "agreed_on": _iso(rec.agreed_on),
        "agreed_how": rec.agreed_how,
        "started_at": _iso(rec.started_at),
        "ended_at": _iso(rec.ended_at),
        "elapsed_minutes": minutes,
        "tier": None
        if tier is None
        else {
            "label": tier.label,
            "organiser_item": tier.organiser_item,
            "participant_item": tier.participant_item,
        },
        "summary_offered_on": _iso(rec.summary_offered_on),
        "cancel_reason": rec.cancel_reason,
        "participants": [
            {
                "id": p.id,
                "kind": p.kind,
                "name": p.name,
                "discipline": p.discipline,
                "organisation": p.organisation,
                "attendance": p.attendance,
                "joined_how": p.joined_how,
            }
            for p in rec.participants
        ],
        "agenda": [
            {
                "id": a.id,
                "position": a.position,
                "source": a.source,
                "source_ref": a.source_ref,
                "title": a.title,
                "detail": a.detail,
                "minutes": a.minutes,
                "discussed": a.discussed,
            }
            for a in rec.agenda
        ],
        "decisions": [
            {
                "id": d.id,
                "agenda_item_id": d.agenda_item_id,
                "kind": d.kind,
                "text": d.text,
                "owner": d.owner_name,
                "due_date": _iso(d.due_date),
                "task_id": d.task_id,
                "plan_id": d.plan_id,
                "plan_version": d.plan_version,
                "plan_change": d.plan_change,
            }
            for d in rec.decisions
        ],
    }


def cmd_show(args: argparse.Namespace, secrets: Secrets) -> int:
    from carecoord_desktop.services.conferences import conferences

    if not args.json:
        raise ValidationError("`conferences show` writes JSON: add --json.")
    with acting(args, secrets) as (ws, actor):
        _, conference_id = _chosen(ws, actor, args)
        rec = conferences.load_conference(ws, actor, conference_id)
    say(json.dumps(record_json(rec), ensure_ascii=False, sort_keys=True))
    return EXIT_OK


def _one(c) -> None:
    c.add_argument("--patient", required=True, metavar="PRACTICE_ID", help="e.g. P000123")
    c.add_argument("--id", type=int, default=None, help="which conference (default: the newest)")
    c.add_argument("--json", action="store_true", help="one JSON object, stable keys")


def register(sub) -> None:
    s = sub.add_parser("conferences", help="care conferences")
    global_options(s, top=False)
    csub = s.add_subparsers(dest="conferences_cmd", required=True, metavar="list|check|show")
    c = command(csub, "list", "the practice's (or one patient's) care conferences", cmd_list,
                acts_as=True)  # fmt: skip
    c.add_argument("--patient", default=None, metavar="PRACTICE_ID", help="one patient's only")
    c.add_argument("--when", choices=WHEN, default="upcoming", help="default: upcoming")
    c.add_argument("--json", action="store_true", help="one JSON object, stable keys")
    _one(
        command(csub, "check", "what a conference lacks for the case-conference items (735-758)",
                cmd_check, acts_as=True)
    )  # fmt: skip
    _one(command(csub, "show", "one conference whole, as JSON", cmd_show, acts_as=True))
