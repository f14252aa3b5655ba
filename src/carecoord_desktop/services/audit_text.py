"""The audit log in words a practice manager reads: what was done, to whom, in plain language.

Pure functions over stored audit rows. The rows themselves never change (they are hash-chained);
only how they are shown. Patient names are never stored in the log: the caller resolves them at
display time (services/audit_view.py) and passes them in.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache

from carecoord_desktop.models.audit import AuditAction

DATE = "%d/%m/%Y"
DATE_TIME = "%d/%m/%Y %H:%M"

# What each action is called in the filter list and when no record type says more.
ACTION_WORDS: dict[str, str] = {
    AuditAction.VIEW: "Viewed",
    AuditAction.CREATE: "Added",
    AuditAction.UPDATE: "Changed",
    AuditAction.DELETE: "Removed",
    AuditAction.EXPORT: "Exported",
    AuditAction.PRINT: "Printed",
    AuditAction.LOGIN: "Signed in",
    AuditAction.FAILED_LOGIN: "Sign-in refused",
    AuditAction.LOGOUT: "Signed out",
    AuditAction.LOCK: "Locked the screen",
    AuditAction.UNLOCK: "Unlocked the screen",
    AuditAction.BACKUP: "Made a backup",
    AuditAction.RESTORE: "Restored a backup",
    AuditAction.MIGRATE: "Upgraded the database",
}

# The thing a record type names, with its article ("a patient record").
_THINGS: dict[str, str] = {
    "patient": "a patient record",
    "patient_list": "the patient list",
    "patient_duplicates": "possible duplicates",
    "patient_import": "patients from a CSV file",
    "audit_log": "the audit log",
    "staff_user": "a staff account",
    "practice_setting": "practice settings",
    "workspace": "the workspace",
    "schema": "the database",
    "search_index": "the search index",
    "backup": "a backup",
    "condition": "a condition",
    "allergy": "an allergy",
    "patient_contact": "a contact",
    "care_team_member": "a care team member",
    "hospital_event": "a hospital event",
    "care_plan": "a care plan",
    "care_plan_copy": "a copy of a care plan",
    "care_plan_template": "a care plan template",
    "observation": "an observation",
    "medication": "a medicine",
    "med_reconciliation": "a medication reconciliation",
    "medication_card": "a medication card",
    "conference": "a care conference",
    "conference_agenda_item": "a care conference's minutes",
    "conference_decision": "a care conference decision",
}

# (action, record type) pairs whose usual verb + thing reads badly.
_SPECIAL: dict[tuple[str, str], str] = {
    ("view", "patient"): "Opened a patient record",
    ("view", "patient_list"): "Searched the patient list",
    ("view", "patient_duplicates"): "Checked for possible duplicates",
    ("create", "patient_import"): "Imported patients from a CSV file",
    ("create", "workspace"): "Created the workspace",
    ("update", "search_index"): "Rebuilt the search index",
    ("update", "practice_setting"): "Changed practice settings",
    ("view", "medication"): "Viewed the medicine list",
    ("create", "med_reconciliation"): "Started a medication reconciliation",
}

# Field and setting names as the screens label them.
_FIELD_WORDS = {
    "practice_id": "Practice ID",
    "medicare_number": "Medicare number",
    "date_of_birth": "date of birth",
    "idle_lock_minutes": "screen lock time",
    "backups_kept": "number of backups kept",
    "holiday_region": "holiday region",
    "practice_phone": "practice phone",
    "nurses_sign_reconciliation": "nurses may sign off reconciliations",
    "referral_follow_up_days": "days before an unanswered referral is chased",
    "acd_status": "advance care directive",
    "acd_date": "advance care directive date",
    "acd_location": "advance care directive location",
    "coordinator_id": "coordinator",
    "staff_user_id": "staff member",
}

_SORT_WORDS = {
    "name": "name",
    "dob": "date of birth",
    "practice_id": "Practice ID",
    "conditions": "conditions",
    "risk": "risk",
    "coordinator": "coordinator",
    "attention": "needs attention",
}

# Actions whose words are "verb + thing"; the others (signed in, locked...) stand alone.
_DONE_TO_A_THING = {"view", "create", "update", "delete", "export", "print"}

# Stored phrases and their words on screen (in this order).
_PHRASES = (
    ("created record", ""),
    ("opened record", ""),
    ("imported from CSV", "imported from a CSV file"),
    ("(possible duplicate confirmed)", "added although a possible duplicate was shown"),
    ("CSV import duplicate check: ", "CSV file: "),
    ("CSV import: ", ""),
    ("duplicate check: ", ""),
    ("workspace created (demo)", "a demo workspace"),
    ("workspace created", ""),
    ("demo data seeded: ", ""),
    ("previous database kept as", "the database it replaced is kept as"),
)

_BACKUP_FILE = re.compile(r"carecoord-(\d{8}T\d{6})\d*Z(?:-[\w.-]+)?\.ccbackup")
RECORD_REFS = re.compile(r"\brecords? (\d+(?:, \d+)*)")


def action_text(action: str, record_type: str | None, detail: str = "") -> str:
    """'Opened a patient record', 'Added an allergy', 'Signed in'."""
    rtype = record_type or ""
    if action == AuditAction.UPDATE and rtype == "patient":
        if detail.startswith("merged"):
            return "Merged patient records"
        if detail in ("archived", "unarchived"):
            return f"{detail.capitalize()} a patient record"
    if action == AuditAction.CREATE and rtype == "patient" and detail.startswith("demo data"):
        return "Added demo patients"
    if (action, rtype) in _SPECIAL:
        return _SPECIAL[(action, rtype)]
    verb = ACTION_WORDS.get(action, _words(action).capitalize())
    thing = _THINGS.get(rtype, _words(rtype))
    if action in _DONE_TO_A_THING and thing:
        return f"{verb} {thing}"
    return verb


def detail_text(
    action: str,
    record_type: str | None,
    detail: str,
    patients: dict[int, str] | None = None,
) -> str:
    """The stored detail in words: no field codes, no file names, counts in good grammar.

    `patients` maps internal patient ids to "practice id + name" labels for the ids that
    details mention ("merged in record 45"); ids without a label are left out, never shown raw.
    """
    if not RECORD_REFS.search(detail or ""):
        return _detail_words(action, record_type or "", detail or "")
    return _detail_words.__wrapped__(action, record_type or "", detail or "", patients or {})


@lru_cache(maxsize=4096)
def _detail_words(
    action: str, rtype: str, detail: str, patients: dict[int, str] | None = None
) -> str:
    # Cached for details that name no patient: a page repeats the same few ("opened record").
    text = detail.strip()
    if rtype == "audit_log" and text.startswith("listed"):
        text = text.removeprefix("listed").removeprefix(": ")
        text = re.sub(
            r"\baction (\w+)",
            lambda m: f"only “{ACTION_WORDS.get(m.group(1), _words(m.group(1)))}”",
            text,
        )
    if rtype == "patient_list" and action == AuditAction.VIEW:
        text = _list_words(text)
    elif rtype == "patient_list" and action == AuditAction.EXPORT:
        head, _, rest = text.partition(": ")
        text = f"{head.replace('CSV export of', 'CSV file of')}: {_list_words(rest)}"
    elif text.startswith("changed: ") or rtype in ("practice_setting",):
        prefix = "changed: " if text.startswith("changed: ") else ""
        fields = text[len(prefix) :].split(", ")
        text = prefix + ", ".join(_FIELD_WORDS.get(f, _words(f)) for f in fields)
    elif rtype == "schema" and action == AuditAction.MIGRATE:
        text = re.sub(r"^(\S+) -> (\S+)", r"from version \1 to \2", text)
        text = re.sub(r"^-> (\S+)", r"a new database set up at version \1", text)
        text = text.replace("; backup ", "; a backup was made first: ")
    elif rtype == "staff_user":
        text = re.sub(r"^added user (\S+) as (.+)$", r"\1 as \2", text)
        text = re.sub(r"\brole (.+?) -> ([^,]+)", r"role changed from \1 to \2", text)
        text = text.replace("password reset by admin", "password reset by an administrator")
    elif action == AuditAction.BACKUP:
        # The event's own time is the backup's: the file name adds nothing.
        text = _BACKUP_FILE.sub("", text).replace(", verified,", "checked after writing,")
    text = re.sub(r"\s*\(records \d+-\d+\)", "", text)
    text = text.replace("candidate(s)", "possible match(es)")
    text = RECORD_REFS.sub(lambda m: _patient_refs(m, patients or {}), text)
    text = _BACKUP_FILE.sub(_backup_words, text)
    text = re.sub(r"\b(\d+) bytes\b", lambda m: size_text(int(m.group(1))), text)
    for old, new in _PHRASES:
        text = text.replace(old, new)
    if _repeats_action(text, rtype) or text in ("archived", "unarchived"):
        return ""
    return _plurals(re.sub(r"\s+", " ", text).strip(" ;,"))


def _repeats_action(text: str, rtype: str) -> bool:
    """'added allergy' on an allergy row, 'removed contact' on a patient_contact row."""
    verb, _, what = text.partition(" ")
    return verb in ("added", "removed") and bool(what) and _words(rtype).endswith(what)


def size_text(size_bytes: int) -> str:
    if size_bytes < 1_000_000:
        return f"{max(size_bytes, 1) / 1000:.0f} kB"
    return f"{size_bytes / 1e6:.1f} MB"


def backup_time(name: str) -> datetime | None:
    """When a backup file was made, from its name (UTC there), or None for another file."""
    found = _BACKUP_FILE.search(name)
    if not found:
        return None
    return datetime.strptime(found.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=UTC)


def local_time(at: datetime, fmt: str = DATE_TIME) -> str:
    return at.astimezone().strftime(fmt)


def _backup_words(match: re.Match) -> str:
    made = backup_time(match.group(0))
    return f"the backup of {local_time(made)}" if made else "a backup"


def _patient_refs(match: re.Match, patients: dict[int, str]) -> str:
    ids = [int(i) for i in match.group(1).split(", ")]
    labels = [patients[i] for i in ids if i in patients]
    if not labels:
        return "another record" if len(ids) == 1 else f"{len(ids)} other records"
    return ("record " if len(labels) == 1 else "records ") + "; ".join(labels)


def _list_words(text: str) -> str:
    """registry's 'search (3 chars), sort name desc, 2 patients (first page)' in words."""
    text = re.sub(
        r"search \((\d+) chars?(, typo-tolerant)?\)",
        lambda m: (
            f"search of {m.group(1)} characters"
            + (" (allowing for misspelling)" if m.group(2) else "")
        ),
        text,
    )
    text = re.sub(
        r"\bsort (\w+)( desc)?",
        lambda m: (
            f"sorted by {_SORT_WORDS.get(m.group(1), _words(m.group(1)))}"
            + (", reversed" if m.group(2) else "")
        ),
        text,
    )
    text = re.sub(r"\brisk filter (\w+)", r"risk \1 only", text)
    # How many were found comes first ("200 patients, sorted by name"). Events written before
    # one search made one event still end "(first page)".
    text = text.replace("(first page)", "(first page shown)")
    head, sep, found = text.rpartition(", ")
    if sep and re.fullmatch(r"\d[\d,]* patients?( \(first page shown\))?", found):
        text = f"{found}, {head}"
    return text


def _plurals(text: str) -> str:
    """'1 patients' → '1 patient'; 'candidate(s)' and 'match(es)' → the right form."""

    def fix(m: re.Match) -> str:
        n, word, suffix = m.group(1), m.group(2), m.group(3)
        if suffix in ("(s)", "(es)"):
            return f"{n} {word}" if n == "1" else f"{n} {word}{suffix[1:-1]}"
        if n == "1" and suffix:
            return f"{n} {word}"
        return m.group(0)

    text = re.sub(r"\b(\d[\d,]*) ([\w ]+?)(\(e?s\))", fix, text)
    return re.sub(r"\b(1) (patient|row|record|candidate|match|event)(e?s)\b", fix, text)


def _words(code: str) -> str:
    return (code or "").replace("_", " ").strip()
