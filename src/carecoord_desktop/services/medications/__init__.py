"""Medicines: the patient's list with its history, reconciliation sessions and their sign-off,
the medication card and reconciliation record (documents), FHIR export.

Functions take `(ws, actor, ...)`, check the role (services/permissions) and audit every read
and write with ids only; writes return `Changed(value, changes)`. See each module's docstring
for the permissions it needs.
"""

from carecoord_desktop.services.medications.medicines import (
    add_medicine,
    change_medicine,
    list_medicines,
    medicine_history,
    restart_medicine,
    stop_medicine,
)
from carecoord_desktop.services.medications.reading import ReadLine, read_line, read_text
from carecoord_desktop.services.medications.sessions import (
    abandon,
    add_source,
    awaiting_signoff,
    decide,
    get_reconciliation,
    list_reconciliations,
    match_lines,
    recent_transition,
    rematch,
    remove_source,
    reopen,
    reread_reconciliation,
    separate_line,
    start_reconciliation,
    submit_for_signoff,
)
from carecoord_desktop.services.medications.signoff import may_sign, sign_off

__all__ = [
    "ReadLine",
    "abandon",
    "add_medicine",
    "add_source",
    "awaiting_signoff",
    "change_medicine",
    "decide",
    "get_reconciliation",
    "list_medicines",
    "list_reconciliations",
    "match_lines",
    "may_sign",
    "medicine_history",
    "preview_line",
    "preview_lines",
    "recent_transition",
    "rematch",
    "remove_source",
    "reopen",
    "reread_reconciliation",
    "restart_medicine",
    "separate_line",
    "sign_off",
    "start_reconciliation",
    "stop_medicine",
    "submit_for_signoff",
]


def preview_lines(text: str) -> list[ReadLine]:
    """What typed or pasted lines will be read and recognised as, before anything is saved
    (a form shows "recognised as …" or "not recognised: no checks run" while the user types).
    No patient data is read or written, so nothing is checked or audited."""
    return read_text(text)


def preview_line(text: str) -> ReadLine:
    return read_line(text)
