"""`carecoord print plan|handout --patient PRACTICE_ID --out FILE [--id N] --as USER`: the care
plan for the record and the team, and the patient's large-print handout, for scripts and batch
printing. The service checks the role (reception: the handout only) and audits the file."""

from __future__ import annotations

from carecoord_desktop.cli.printing import add_kind


def register(sub) -> None:
    """No commands of its own: its documents are kinds of the shared `print` group."""


def _render(kind: str):
    def render(ws, actor, patient_id: int, plan_id: int | None, args) -> bytes:
        from carecoord_desktop.services.careplans import printing

        chosen = printing.plan_for(ws, actor, patient_id, plan_id)
        return printing.render(ws, actor, chosen, printing.DocumentKind(kind), purpose="file")

    return render


def register_print(psub) -> None:
    add_kind(
        psub,
        "plan",
        "the patient's care plan for the record and the team (default: the open plan)",
        _render("plan"),
    )
    add_kind(
        psub,
        "handout",
        "the patient's large-print care plan handout to take home (default: the open plan)",
        _render("handout"),
    )
