"""Print plan / Print handout from the editor: what is printed is the stored plan, so unsaved
edits are saved first; before the plan for the record is printed the checklist's missing
elements are named (print anyway, or go to the first one); the preview shows the real PDF pages
(plans-docs' PdfPreviewDialog) and what it prints or saves is audited.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtWidgets import QMessageBox

from carecoord_desktop.services.careplans import printing
from carecoord_desktop.services.careplans.document_data import DocumentKind
from carecoord_desktop.ui.shell.workers import start_job
from carecoord_desktop.ui.widgets.pdf_preview import PdfPreviewDialog

_TITLES = {"plan": "Care plan", "handout": "Patient handout"}
_FILES = {"plan": "care-plan.pdf", "handout": "care-plan-handout.pdf"}  # no patient data


def _ask(parent, text: str, info: str, buttons: list[tuple[str, QMessageBox.ButtonRole]]) -> str:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Print")
    box.setText(text)
    box.setInformativeText(info)
    chosen: list[str] = []
    made = []
    for label, role in buttons:
        button = box.addButton(label, role)
        button.clicked.connect(lambda _c=False, t=label: chosen.append(t))
        made.append(button)
    box.setDefaultButton(made[0])
    cancel = box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
    box.setEscapeButton(cancel)
    parent.print_question = box
    box.exec()
    return chosen[0] if chosen else "Cancel"


def print_document(editor, kind: str) -> PdfPreviewDialog | None:
    if editor.record is None:
        return None
    if editor.has_unsaved_edits() and not editor.doc.read_only:
        answer = _ask(
            editor,
            "Save the plan before printing?",
            "What is printed is the saved plan; your latest changes are not saved yet.",
            [("Save, then print", QMessageBox.ButtonRole.AcceptRole)],
        )
        if answer != "Save, then print":
            return None

        def once(_rec) -> None:
            editor.plan_saved.disconnect(once)
            print_document(editor, kind)

        editor.plan_saved.connect(once)
        editor.save()
        return None
    if kind == "plan":
        missing = editor.checklist.missing_lines()
        if missing:
            shown = "\n".join(f"• {line}" for line in missing[:12])
            more = f"\n… and {len(missing) - 12} more" if len(missing) > 12 else ""
            answer = _ask(
                editor,
                "The plan still lacks what the practice's programs ask for:",
                shown + more,
                [
                    ("Print anyway", QMessageBox.ButtonRole.AcceptRole),
                    ("Go to the first missing", QMessageBox.ButtonRole.ActionRole),
                ],
            )
            if answer == "Go to the first missing":
                target = editor.checklist.first_missing()
                if target:
                    editor.go_to(*target)
                return None
            if answer != "Print anyway":
                return None
    return open_preview(editor, editor.state, editor.plan_id, kind)


def missing_words(results) -> list[str]:
    return [
        f"{r.pack_name}: {e.name}" + (f" ({e.detail})" if e.detail else "")
        for r in results
        for e in r.elements
        if not e.present
    ]


def print_stored(parent, state, plan_id: int, kind: str) -> PdfPreviewDialog | None:
    """Print a stored plan from outside the editor (the record's Care plan tab)."""
    if kind == "plan":
        from carecoord_desktop.services.careplans import packs

        missing = missing_words(packs.check_saved_plan(state.ws, state.actor, plan_id))
        if missing:
            answer = _ask(
                parent,
                "The plan still lacks what the practice's programs ask for:",
                "\n".join(f"• {line}" for line in missing[:12]),
                [("Print anyway", QMessageBox.ButtonRole.AcceptRole)],
            )
            if answer != "Print anyway":
                return None
    return open_preview(parent, state, plan_id, kind)


def open_preview(parent, state, plan_id: int, kind: str) -> PdfPreviewDialog:
    document = DocumentKind(kind)
    dialog = PdfPreviewDialog(
        _TITLES[kind],
        partial(printing.render, state.ws, state.actor, plan_id, document),
        start_job=start_job,
        suggested_name=_FILES[kind],
        parent=parent,
    )

    def output(how: str, pages: int) -> None:
        printing.record_output(state.ws, state.actor, plan_id, document, how=how, pages=pages)

    dialog.document_printed.connect(lambda pages: output("printed", pages))
    dialog.document_saved.connect(lambda _where: output("saved", dialog.page_count))
    parent.preview = dialog
    dialog.show()
    return dialog
