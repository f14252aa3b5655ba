"""`carecoord transitions`, `settings`, `holidays` and `minutes`: discharges from scripts that
import hospital notifications, the practice's settings (its holiday region among them), local
holidays and the month's coordination minutes.

`transitions discharge --json` prints exactly a list of {"kind", "title", "due", "owner"}
(kind: contact | medrec | visit | summary; due: YYYY-MM-DD; owner: the role queue, e.g.
"nurse"), the same for a discharge recorded before (nothing new is opened).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import fields, replace
from datetime import date

from carecoord_desktop.cli.common import (
    EXIT_OK,
    Secrets,
    acting,
    command,
    open_workspace,
    say,
    write_output,
)
from carecoord_desktop.errors import ValidationError
from carecoord_desktop.models.audit import AuditAction
from carecoord_desktop.services import audit, settings, task_feeds
from carecoord_desktop.services.csv_reading import neutralise_cell
from carecoord_desktop.services.patients.lookup import patient_id_for
from carecoord_desktop.services.patients.rules import typed_date
from carecoord_desktop.services.tasks import calendar, minutes, transitions

# `settings set KEY VALUE`: the CLI's key, the PracticeSettings field, and what it means.
SETTING_KEYS = {
    "practice-name": ("practice_name", "the practice's name on documents and screens"),
    "idle-lock-minutes": ("idle_lock_minutes", "minutes idle before the screen locks (1-120)"),
    "backups-kept": ("backups_kept", "routine backups kept (1-365)"),
    "holiday-region": (
        "holiday_region",
        "public holidays for due dates: country-state, e.g. AU-NSW, AU-QLD, US-CA",
    ),
    "referral-follow-up-days": (
        "referral_follow_up_days",
        "days a sent referral may go unanswered before a chase task opens (1-90)",
    ),
    "practice-phone": ("practice_phone", "the phone number printed on patient handouts"),
    "nurses-sign-reconciliation": (
        "nurses_sign_reconciliation",
        "yes: practice nurses may sign off medication reconciliations (no: GPs only)",
    ),
}
_YES, _NO = {"yes", "y", "true", "on", "1"}, {"no", "n", "false", "off", "0"}


def cmd_discharge(args, secrets) -> int:
    with acting(args, secrets) as (ws, actor):
        pid = patient_id_for(ws, actor, args.patient)
        made = transitions.record_discharge(
            ws,
            actor,
            pid,
            discharged=typed_date(args.date, "date", "discharge date", required=True),
            facility=args.facility,
            complexity=args.complexity,
            admitted=typed_date(args.admitted, "admitted", "admission date"),
            summary_received=typed_date(args.summary_received, "summary", "summary date"),
        ).value
    rows = [
        {"kind": t.kind, "title": t.title, "due": t.due.isoformat(), "owner": t.owner}
        for t in made.tasks
    ]
    if args.json:
        say(json.dumps(rows))
        return EXIT_OK
    if not made.created:
        say("This discharge was already recorded; its tasks are:")
    else:
        say(f"Discharge recorded for {args.patient.strip().upper()}; tasks opened:")
    for t in made.tasks:
        say(f"  {t.due:%a %d %b %Y}  {t.title:<48} {t.owner_label}")
    return EXIT_OK


def _setting_value(key: str, text: str):
    name = SETTING_KEYS[key][0]
    kind = {f.name: f.type for f in fields(settings.PracticeSettings)}[name]
    if kind in (int, "int"):
        try:
            return name, int(text)
        except ValueError:
            raise ValidationError(f"{key} takes a whole number, not '{text}'.") from None
    if kind in (bool, "bool"):
        word = text.strip().lower()
        if word not in _YES | _NO:
            raise ValidationError(f"{key} takes yes or no, not '{text}'.")
        return name, word in _YES
    if name == "holiday_region":
        from carecoord_desktop.services.tasks.regions import normalise_region

        return name, normalise_region(text)
    return name, text


def _shown(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value) if value != "" else "(not set)"


def cmd_settings(args, secrets) -> int:
    if args.settings_cmd == "show":
        ws = open_workspace(args, secrets)
        try:
            current = settings.load(ws)
        finally:
            ws.close()
        for key, (name, meaning) in SETTING_KEYS.items():
            say(f"{key:<27} {_shown(getattr(current, name)):<28} {meaning}")
        return EXIT_OK
    key = args.key.strip().lower().replace("_", "-")
    if key not in SETTING_KEYS:
        raise ValidationError(
            f"There is no setting '{args.key}'. Settings: {', '.join(SETTING_KEYS)}."
        )
    name, value = _setting_value(key, args.value)
    with acting(args, secrets) as (ws, actor):
        current = settings.load(ws)
        settings.validate(replace(current, **{name: value}))
        saved = settings.update(ws, actor, version=current.version, **{name: value}).value
    say(f"{key} is now {_shown(getattr(saved, name))}.")
    return EXIT_OK


def cmd_holidays(args, secrets) -> int:
    if args.holidays_cmd == "list":
        ws = open_workspace(args, secrets)
        try:
            cal = calendar.load_calendar(ws)
        finally:
            ws.close()
        year = args.year
        say(f"Holidays in {year} for {cal.region} (local ones marked *):")
        for day, name in cal.holidays_in(year):
            mark = "*" if day in cal.local else " "
            say(f" {mark} {day:%a %d %b %Y}  {name}")
        return EXIT_OK
    day = typed_date(args.date, "date", "holiday's date", required=True)
    with acting(args, secrets) as (ws, actor):
        if args.holidays_cmd == "add":
            calendar.add_local_holiday(ws, actor, day, args.name)
            say(f"Added {args.name.strip()} on {day:%a %d %b %Y}.")
            return EXIT_OK
        found = [h for h in calendar.list_local_holidays(ws) if h.day == day]
        if not found:
            raise ValidationError(f"{day:%d %b %Y} is not a local holiday.")
        calendar.remove_local_holiday(ws, actor, found[0].id, version=found[0].version)
    say(f"Removed the local holiday on {day:%a %d %b %Y}.")
    return EXIT_OK


def cmd_minutes_report(args, secrets) -> int:
    month = minutes.parse_month(args.month)
    with acting(args, secrets) as (ws, actor):
        rows = minutes.month_report(ws, actor, month)
        audit.record_now(
            ws, actor, AuditAction.EXPORT, record_type="minutes_report",
            detail=f"minutes report {month:%Y-%m}: {len(rows)} patients, "
            + ("json" if args.json else "csv"),
        )  # fmt: skip
    if args.json:
        data = json.dumps(rows)
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(minutes.REPORT_COLUMNS)
        for r in rows:
            writer.writerow([neutralise_cell(r[c]) for c in minutes.REPORT_COLUMNS])
        data = buffer.getvalue().rstrip("\n")
    if args.output:
        path = write_output(args.output, (data + "\n").encode("utf-8"))
        say(f"Wrote the {month:%B %Y} minutes report ({len(rows)} patients) to {path}")
    else:
        say(data)
    return EXIT_OK


def cmd_tasks_sync(args, secrets: Secrets) -> int:
    with acting(args, secrets) as (ws, actor):
        done = task_feeds.sync(ws, actor).value
    say(f"Task board brought up to date: {done.opened} tasks opened, {done.closed} closed.")
    return EXIT_OK


def register(sub) -> None:
    """`tasks`, `transitions`, `settings`, `holidays` and `minutes`."""
    s = sub.add_parser("tasks", help="the team task board")
    t = s.add_subparsers(dest="tasks_cmd", required=True, metavar="ACTION")
    command(
        t, "sync", "open the tasks that fell due (plan reviews) and close finished ones",
        cmd_tasks_sync, acts_as=True,
    )  # fmt: skip

    s = sub.add_parser("transitions", help="admissions, discharges and ED visits")
    t = s.add_subparsers(dest="transitions_cmd", required=True, metavar="ACTION")
    d = command(
        t, "discharge", "record a hospital discharge and open its follow-up tasks",
        cmd_discharge, acts_as=True,
    )  # fmt: skip
    d.add_argument("--patient", required=True, metavar="PRACTICE_ID")
    d.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="day of discharge")
    d.add_argument("--facility", required=True, metavar="NAME", help="hospital or facility")
    d.add_argument("--complexity", choices=transitions.COMPLEXITIES, default="moderate",
                   help="high: seen within 7 days; moderate: within 14 (default)")  # fmt: skip
    d.add_argument("--admitted", metavar="YYYY-MM-DD", help="day of admission, if known")
    d.add_argument("--summary-received", metavar="YYYY-MM-DD",
                   help="the day the discharge summary arrived, if it has")  # fmt: skip
    d.add_argument("--json", action="store_true", help="print the tasks as JSON")

    s = sub.add_parser("settings", help="the practice's settings")
    t = s.add_subparsers(dest="settings_cmd", required=True, metavar="ACTION")
    command(t, "show", "show every practice setting", cmd_settings)
    c = command(t, "set", "change one practice setting (administrators)", cmd_settings,
                acts_as=True)  # fmt: skip
    c.add_argument("key", metavar="KEY", help="one of: " + ", ".join(SETTING_KEYS))
    c.add_argument("value", metavar="VALUE")

    s = sub.add_parser("holidays", help="the practice's holiday calendar and local holidays")
    t = s.add_subparsers(dest="holidays_cmd", required=True, metavar="ACTION")
    h = command(t, "list", "the year's public and local holidays", cmd_holidays)
    h.add_argument("--year", type=int, default=date.today().year)
    h = command(t, "add", "add a local holiday (a show day)", cmd_holidays, acts_as=True)
    h.add_argument("date", metavar="YYYY-MM-DD")
    h.add_argument("name")
    h = command(t, "remove", "remove a local holiday", cmd_holidays, acts_as=True)
    h.add_argument("date", metavar="YYYY-MM-DD")

    s = sub.add_parser("minutes", help="coordination minutes")
    t = s.add_subparsers(dest="minutes_cmd", required=True, metavar="ACTION")
    r = command(t, "report", "the month's minutes per patient against the CCM thresholds",
                cmd_minutes_report, acts_as=True)  # fmt: skip
    r.add_argument("--month", required=True, metavar="YYYY-MM")
    r.add_argument("--json", action="store_true", help="JSON rows instead of CSV")
    r.add_argument("--output", metavar="FILE", help="write to FILE instead of the screen")
