"""`carecoord print conference-summary|conference-pack --patient PRACTICE_ID --out FILE [--id N]
--as USER`: a care conference's summary for the patient and the team, or the pack to prepare
from (the patient's latest conference when no id). The service checks the role (printing needs
"print patient handouts") and audits the file; who received the summary is recorded in the app
(Summary and check), not by writing a file."""

from __future__ import annotations

from carecoord_desktop.cli.printing import add_kind


def register(sub) -> None:
    """No commands of its own: its documents are kinds of the shared `print` group."""


def _render(document: str):
    def render(ws, actor, patient_id: int, conference_id: int | None, args) -> bytes:
        from carecoord_desktop.services.conferences import printing

        chosen = printing.conference_for(ws, actor, patient_id, conference_id)
        if document == "summary":
            return printing.render_summary(ws, actor, chosen, purpose="file")
        return printing.render_pack(ws, actor, chosen, purpose="file")

    return render


def register_print(psub) -> None:
    add_kind(
        psub,
        "conference-summary",
        "a care conference's summary for the patient and the team (default: the latest)",
        _render("summary"),
    )
    add_kind(
        psub,
        "conference-pack",
        "a care conference's pack to prepare from: agenda and record extract (default: the latest)",
        _render("pack"),
    )
