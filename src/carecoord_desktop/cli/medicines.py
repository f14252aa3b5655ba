"""`carecoord print medcard` and `carecoord print medrec`: the patient's medication card and a
reconciliation record as PDFs, through the same services (role checked, print audited) as the
app. `carecoord meds check` (the knowledge base alone, no workspace) is added here by meds-kb.
"""

from __future__ import annotations

from carecoord_desktop.cli import printing
from carecoord_desktop.services.medications import printing as med_printing


def register(sub) -> None:
    """Commands of this feature besides printing (`meds check` joins here)."""


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
