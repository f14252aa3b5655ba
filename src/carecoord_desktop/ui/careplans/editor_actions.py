"""The editor's menus and the actions behind them: save, undo/redo, the plan's parts, a review,
a change of coordination intensity, versions and their diff, printing.

A mixin of PlanEditor (ui/careplans/editor.py), kept apart so each module stays readable.
Every action has a menu entry, most a shortcut; none needs the mouse.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from carecoord_desktop.errors import CareCoordError
from carecoord_desktop.models.careplan import PlanStatus
from carecoord_desktop.services.careplans import reviews
from carecoord_desktop.services.permissions import Permission, can
from carecoord_desktop.ui.careplans import jobs
from carecoord_desktop.ui.shell.workers import start_job, start_with_progress
from carecoord_desktop.ui.widgets.messages import show_error


class EditorActions:
    """Menus and actions; `self` is the PlanEditor."""

    def _act(self, menu, text: str, keys, slot, tip: str = "") -> QAction:
        action = QAction(text, self)
        if keys:
            action.setShortcuts(
                [QKeySequence(k) for k in (keys if isinstance(keys, list) else [keys])]
            )
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def build_menus(self) -> None:
        bar = self.menuBar()
        plan = bar.addMenu("&Plan")
        self.save_action = self._act(plan, "&Save", QKeySequence.StandardKey.Save, self.save)
        plan.addSeparator()
        self.start_review_action = self._act(
            plan,
            "Start &review",
            "Ctrl+R",
            self.start_review,
            "Mark the plan as under review, then edit what the review changes",
        )
        self.complete_review_action = self._act(
            plan,
            "&Complete review…",
            "Ctrl+Shift+R",
            self.complete_review,
            "Save the reviewed plan as a new version, saying what changed and why",
        )
        self.intensity_action = self._act(
            plan, "Change coordination &intensity…", "Ctrl+I", self.change_intensity
        )
        self.copy_action = self._act(plan, "Record a &copy given…", None, self.record_copy)
        plan.addSeparator()
        self.versions_action = self._act(
            plan, "&Versions and changes…", "Ctrl+H", self.show_versions
        )
        plan.addSeparator()
        self.print_plan_action = self._act(
            plan, "&Print plan…", QKeySequence.StandardKey.Print, self.print_plan
        )
        self.print_handout_action = self._act(
            plan, "Print patient &handout…", "Ctrl+Shift+P", self.print_handout
        )
        plan.addSeparator()
        self.close_action = self._act(plan, "Clos&e", "Ctrl+W", self.close)

        edit = bar.addMenu("&Edit")
        stack = self.doc.stack
        self.undo_action = stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts([QKeySequence("Ctrl+Z")])
        self.redo_action = stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for action in (self.undo_action, self.redo_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            edit.addAction(action)
            self.addAction(action)
        edit.addSeparator()
        self.add_action = self._act(edit, "&Add item", None, lambda: self._on_list("add"))
        self.add_action.setToolTip("Insert or Ctrl+N in a list")
        self.remove_action = self._act(edit, "Re&move item", None, lambda: self._on_list("remove"))
        self.up_action = self._act(edit, "Move item &up", None, lambda: self._on_list("up"))
        self.down_action = self._act(edit, "Move item &down", None, lambda: self._on_list("down"))
        for action, keys in (
            (self.add_action, "Insert"),
            (self.remove_action, "Del"),
            (self.up_action, "Alt+Up"),
            (self.down_action, "Alt+Down"),
        ):
            # The keys are the lists' own (shortcuts there); the menu names them.
            action.setText(f"{action.text()}\t{keys}")

        view = bar.addMenu("&View")
        self._act(view, "&Next part", "Ctrl+PgDown", lambda: self._step_part(1))
        self._act(view, "&Previous part", "Ctrl+PgUp", lambda: self._step_part(-1))
        self._act(view, "Parts &list", "F6", self.nav.setFocus)
        toggle = self.checklist_dock.toggleViewAction()
        toggle.setText("&Completeness checklist")
        toggle.setShortcut(QKeySequence("Ctrl+K"))
        view.addAction(toggle)
        self._act(view, "&Go to the checklist", "Ctrl+Shift+K", self.checklist.focus_list)
        history = self.history_dock.toggleViewAction()
        history.setText("&Undo history (every change since opening)")
        view.addAction(history)
        view.addSeparator()
        # Alt+1 … Alt+9 go straight to a part (Ctrl+digits are the main window's screens).
        for n, (key, title) in enumerate(zip(self.page_by_key, self.page_titles, strict=True)):
            keys = f"Alt+{n + 1}" if n < 9 else None
            self._act(view, title, keys, lambda k=key: self.go_to(k))

    def _step_part(self, step: int) -> None:
        count = self.nav.count()
        self.nav.setCurrentRow((self.nav.currentRow() + step) % count)
        page = self.pages.currentWidget()
        if hasattr(page, "focus_field"):
            page.focus_field(None)

    def _on_list(self, what: str) -> None:
        page = self.pages.currentWidget()
        if not hasattr(page, "add"):
            self.statusBar().showMessage("Choose a list (problems, goals …) first.", 4000)
            return
        {
            "add": page.add,
            "remove": page.remove,
            "up": lambda: page.move(-1),
            "down": lambda: page.move(1),
        }[what]()

    def update_actions(self) -> None:
        loaded = self.record is not None
        editable = loaded and not self.doc.read_only
        status = self.doc.draft.status
        for action in (
            self.save_action,
            self.intensity_action,
            self.add_action,
            self.remove_action,
            self.up_action,
            self.down_action,
        ):
            action.setVisible(self.may_edit)
            action.setEnabled(editable)
        self.undo_action.setVisible(self.may_edit)
        self.redo_action.setVisible(self.may_edit)
        self.start_review_action.setVisible(self.may_edit)
        self.complete_review_action.setVisible(self.may_edit)
        self.start_review_action.setEnabled(editable and status == PlanStatus.ACTIVE.value)
        self.complete_review_action.setEnabled(editable and status == PlanStatus.UNDER_REVIEW.value)
        self.versions_action.setEnabled(loaded)
        may_plan = can(self.state.actor, Permission.EXPORT_DATA)
        self.print_plan_action.setEnabled(loaded and may_plan)
        if not may_plan:
            role = self.state.actor.role.label
            self.print_plan_action.setText(f"Print plan… (not for a {role} account)")
        self.print_handout_action.setEnabled(
            loaded and can(self.state.actor, Permission.PRINT_HANDOUTS)
        )
        # Reception hands the printouts over, so it logs the copies given too.
        may_copy = can(self.state.actor, Permission.PRINT_HANDOUTS)
        self.copy_action.setVisible(may_copy)
        self.copy_action.setEnabled(loaded and may_copy)
        self.review_page.copy_button.setVisible(may_copy)
        self.review_page.copy_button.setEnabled(loaded and may_copy)

    # -- writes that are not draft edits ----------------------------------------------------
    def _needs_saved(self, what: str) -> bool:
        """Asks to save first; True when the editor holds unsaved edits."""
        if self.has_unsaved_edits():
            self.statusBar().showMessage(f"Save your changes (Ctrl+S) before you {what}.", 8000)
            return True
        return False

    def _write(self, label: str, fn, *args, **kwargs) -> None:
        def done(result) -> None:
            self._after_write(self.state.publish(result))

        def failed(error) -> None:
            from carecoord_desktop.errors import StaleEditError

            if isinstance(error, StaleEditError):
                self._save_failed(error)
            else:
                show_error(self.error, error)

        start_with_progress(
            self,
            label,
            fn,
            self.state.ws,
            self.state.actor,
            *args,
            on_done=done,
            on_failed=failed,
            **kwargs,
        )

    def start_review(self) -> None:
        if self._needs_saved("start a review"):
            return
        self._write("Starting the review…", reviews.start_review, self.plan_id, self.base_version)

    def complete_review(self) -> None:
        from carecoord_desktop.services.careplans.diffing import diff
        from carecoord_desktop.ui.careplans.dialogs import CompleteReviewDialog

        changes = diff(self.opened_draft, self.doc.draft) if self.opened_draft else []
        dialog = CompleteReviewDialog(changes, self)
        self.review_dialog = dialog

        def save(what: str, why: str) -> None:
            self.saving = True

            def done(result) -> None:
                dialog.accept()
                self._saved(result)
                self.statusBar().showMessage(
                    f"Review complete: saved as version {self.record.revision}.", 8000
                )

            def failed(error) -> None:
                self.saving = False
                if not dialog.show_problem(error):
                    dialog.reject()
                    self._save_failed(error)

            start_with_progress(
                dialog,
                "Saving the review…",
                jobs.complete_review,
                self.state.ws,
                self.state.actor,
                self.doc.snapshot(),
                self.base_version,
                what,
                why,
                on_done=done,
                on_failed=failed,
            )

        dialog.submitted.connect(save)
        dialog.open()

    def change_intensity(self) -> None:
        from carecoord_desktop.ui.careplans.dialogs import IntensityDialog

        if self._needs_saved("change the coordination intensity"):
            return
        dialog = IntensityDialog(self.doc.draft.intensity, self)
        self.intensity_dialog = dialog

        def submitted(level: str, why: str) -> None:
            dialog.accept()
            self._write(
                "Changing the coordination intensity…",
                reviews.change_intensity,
                self.plan_id,
                level,
                why,
                self.base_version,
            )

        dialog.submitted.connect(submitted)
        dialog.open()

    def record_copy(self) -> None:
        from carecoord_desktop.ui.careplans.dialogs import CopyDialog

        dialog = CopyDialog(self)
        self.copy_dialog = dialog

        def submitted(values: dict) -> None:
            try:
                result = reviews.record_copy(
                    self.state.ws, self.state.actor, self.plan_id, **values
                )
            except CareCoordError as exc:
                dialog.show_problem(exc)
                return
            dialog.accept()
            self.state.publish(result)
            self.reload_copies()

        dialog.submitted.connect(submitted)
        dialog.open()

    def reload_copies(self) -> None:
        from carecoord_desktop.ui.careplans.editor_saving import reread as _reread

        def done(rec) -> None:
            if self.has_unsaved_edits():
                self.record = rec
                self.base_version = rec.version
                self.review_page.show_copies(rec)
            else:
                self._adopt(rec)

        start_job(
            self,
            _reread,
            self.state.ws,
            self.state.actor,
            self.plan_id,
            on_done=done,
            on_failed=lambda exc: show_error(self.error, exc),
        )

    def show_versions(self) -> None:
        from carecoord_desktop.ui.careplans.versions import VersionsDialog

        self.versions_dialog = VersionsDialog(self.state, self.plan_id, self)
        self.versions_dialog.show()

    def print_plan(self) -> None:
        from carecoord_desktop.ui.careplans.print_flow import print_document

        print_document(self, "plan")

    def print_handout(self) -> None:
        from carecoord_desktop.ui.careplans.print_flow import print_document

        print_document(self, "handout")
