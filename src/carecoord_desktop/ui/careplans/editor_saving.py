"""Saving the plan from the editor, and what a refused save shows: a message at the field
(a ValidationError names "goals.2.target_value"), or the stale banner with Reload, which merges
the other workstation's version into the editor without losing an edit (ui/careplans/merge.py).

A mixin of PlanEditor (ui/careplans/editor.py).
"""

from __future__ import annotations

import copy

from carecoord_desktop.errors import StaleEditError, ValidationError
from carecoord_desktop.services.careplans import plans
from carecoord_desktop.services.careplans.types import PlanRecord
from carecoord_desktop.ui.careplans import jobs
from carecoord_desktop.ui.careplans.merge import merge, reloaded_words
from carecoord_desktop.ui.shell.workers import start_job, start_with_progress
from carecoord_desktop.ui.widgets.messages import show_error


def reread(ws, actor, plan_id: int) -> PlanRecord:
    return plans.reread_plan(ws, actor, plan_id)


class EditorSaving:
    """Save, its answers, and Reload; `self` is the PlanEditor."""

    # -- saving ------------------------------------------------------------------------------
    def save(self, *, then_close: bool = False) -> None:
        if self.doc.read_only or self.record is None or self.saving:
            return
        if not self.has_unsaved_edits():
            self.statusBar().showMessage("Nothing to save: the plan is as stored.", 4000)
            return
        self.error.hide()
        self.saving = True
        start_with_progress(
            self,
            "Saving the care plan…",
            jobs.save_plan,
            self.state.ws,
            self.state.actor,
            self.doc.snapshot(),
            self.base_version,
            on_done=lambda result: self._saved(result, then_close),
            on_failed=self._save_failed,
        )

    def _saved(self, result, then_close: bool = False) -> None:
        self.saving = False
        saved = self.state.publish(result)
        self.stale.clear()
        self._after_write(saved.plan)
        words = "; ".join(saved.summary[:3]) + (" …" if len(saved.summary) > 3 else "")
        if saved.saved:
            self.statusBar().showMessage(f"Saved as version {saved.plan.revision}: {words}", 8000)
        else:
            self.statusBar().showMessage("Nothing to save: the plan is as stored.", 8000)
        self.plan_saved.emit(saved.plan)
        if then_close:
            self._closing_ok = True
            self.close()

    def _after_write(self, rec: PlanRecord) -> None:
        """A service wrote the plan and returned it: the editor now stands on that version.
        The undo history stays when what is stored is what the editor shows."""
        if rec.draft == self.doc.draft:
            self.record, self.base_version = rec, rec.version
            self.opened_draft = copy.deepcopy(rec.draft)
            self.doc.stack.setClean()
            self._autosaved_at = self.doc.stack.index()
            self._show_header()
        else:
            self._adopt(rec)

    def _save_failed(self, error: Exception) -> None:
        self.saving = False
        if isinstance(error, StaleEditError):
            self.stale.show_message(
                str(error) + " Nothing of yours was overwritten, and your changes are still here.",
                [("Reload their changes", self.reload_theirs)],
            )
            return
        if isinstance(error, ValidationError) and self.show_field_problem(error):
            return
        show_error(self.error, error)

    def show_field_problem(self, error: ValidationError) -> bool:
        """Put a refused save's message at its field ("goals.2.target_value" or "title")."""
        where = getattr(error, "field", None) or ""
        parts = where.split(".")
        if len(parts) == 3 and parts[0] in self.page_by_key and parts[1].isdigit():
            page = self.page_by_key[parts[0]]
            items = self.doc.items(parts[0])
            row = int(parts[1])
            if row < len(items):
                self.go_to(parts[0], parts[2], items[row].uid)
                return page.show_problem(parts[2], str(error))
        for key, page in self.page_by_key.items():
            if where and where in getattr(page, "fields", lambda: [])():
                self.go_to(key, where)
                return page.show_problem(where, str(error))
        return False

    def reload_theirs(self) -> None:
        start_job(
            self,
            reread,
            self.state.ws,
            self.state.actor,
            self.plan_id,
            on_done=self._reloaded,
            on_failed=lambda exc: show_error(self.error, exc),
        )

    def _reloaded(self, rec: PlanRecord) -> None:
        merged = merge(self.opened_draft, self.doc.draft, rec.draft)
        self._adopt(rec, draft=merged.draft)
        if merged.draft == rec.draft:
            self.doc.stack.setClean()
        self.stale.show_message(reloaded_words(merged), tone="info", focus=False)
