"""A task's detail: what it is, for whom, by when; claim it, edit it, move it; its checklist,
comments and history. A window of its own, so the board stays usable beside it."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from carecoord_desktop.errors import CareCoordError, StaleEditError, ValidationError
from carecoord_desktop.services.changes import Changes, Kind
from carecoord_desktop.services.tasks import board as boards
from carecoord_desktop.services.tasks import edit as task_edit
from carecoord_desktop.services.tasks.calendar import load_calendar
from carecoord_desktop.services.tasks.types import (
    COLUMN_TITLES,
    PRIORITY_LABELS,
    TaskDetail,
    TaskPriority,
    TaskSource,
    TaskState,
)
from carecoord_desktop.ui.shell.state import AppState
from carecoord_desktop.ui.tasks.cards import (
    countdown,
    due_text,
    owner_text,
    patient_text,
    source_text,
)
from carecoord_desktop.ui.tasks.form import TaskFormDialog
from carecoord_desktop.ui.tasks.transitions import ContactDialog
from carecoord_desktop.ui.widgets.messages import error_label, show_error

_LOCAL = "%d/%m/%Y %H:%M"


def _when(dt) -> str:
    return dt.astimezone().strftime(_LOCAL) if dt is not None else ""


class TaskDetailDialog(QDialog):
    record_requested = Signal(int)  # patient id

    def __init__(self, state: AppState, task_id: int, parent=None) -> None:
        super().__init__(parent)
        self.state, self.task_id = state, task_id
        self.detail: TaskDetail | None = None
        self.setWindowTitle("Task")
        self.resize(720, 640)
        self.heading = QLabel()
        self.heading.setObjectName("pageTitle")
        self.heading.setWordWrap(True)
        self.error = error_label()
        self.facts = QFormLayout()
        self.patient = QLabel()
        self.record_button = QPushButton("Open patient's &record")
        self.record_button.setToolTip("Open this patient's record window (Ctrl+O)")
        self.record_button.setShortcut("Ctrl+O")
        self.record_button.clicked.connect(self._open_record)
        patient_row = QHBoxLayout()
        patient_row.addWidget(self.patient, 1)
        patient_row.addWidget(self.record_button)
        self.facts.addRow("Patient", patient_row)
        self.labels = {
            key: QLabel() for key in ("state", "owner", "due", "priority", "source", "made")
        }
        for key, title in (
            ("state", "Column"),
            ("owner", "Owner"),
            ("due", "Due"),
            ("priority", "Priority"),
            ("source", "From"),
            ("made", "Created"),
        ):
            self.labels[key].setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.facts.addRow(title, self.labels[key])
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.claim_button = QPushButton("&Claim")
        self.claim_button.setObjectName("primary")
        self.claim_button.clicked.connect(self.claim)
        self.release_button = QPushButton("Give &back to queue")
        self.release_button.clicked.connect(self.release)
        self.edit_button = QPushButton("&Edit…")
        self.edit_button.clicked.connect(self.edit)
        self.move_box = QComboBox()
        for state_ in TaskState:
            self.move_box.addItem(COLUMN_TITLES[state_], state_)
        self.move_box.setToolTip("Move the task to another column")
        self.move_box.activated.connect(self._move_chosen)
        self.contact_button = QPushButton("Record &contact…")
        self.contact_button.setToolTip(
            "Who reached the patient, when and how: a conversation completes this task, a "
            "voicemail or a text alone does not"
        )
        self.contact_button.clicked.connect(self.record_contact)
        actions = QHBoxLayout()
        for button in (
            self.claim_button,
            self.release_button,
            self.edit_button,
            self.contact_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(QLabel("&Move to"))
        actions.itemAt(actions.count() - 1).widget().setBuddy(self.move_box)
        actions.addWidget(self.move_box)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._checklist_page(), "Checklist")
        self.tabs.addTab(self._comments_page(), "Comments")
        self.history = QListWidget()
        self.history.setWordWrap(True)
        self.tabs.addTab(self.history, "History")

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.error)
        layout.addLayout(self.facts)
        layout.addWidget(self.details)
        layout.addLayout(actions)
        layout.addWidget(self.tabs, 1)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        state.changes_published.connect(self._changes_published)
        self.reload()

    # -- pages ---------------------------------------------------------------------------------
    def _checklist_page(self) -> QWidget:
        page = QWidget()
        self.checklist = QListWidget()
        self.checklist.itemChanged.connect(self._item_ticked)
        self.new_item = QLineEdit()
        self.new_item.setPlaceholderText("Add a step and press Enter")
        self.new_item.setMaxLength(200)
        self.new_item.returnPressed.connect(self.add_item)
        add = QPushButton("Add step")
        add.clicked.connect(self.add_item)
        row = QHBoxLayout()
        row.addWidget(self.new_item, 1)
        row.addWidget(add)
        box = QVBoxLayout(page)
        box.addWidget(self.checklist, 1)
        box.addLayout(row)
        return page

    def _comments_page(self) -> QWidget:
        page = QWidget()
        self.comments = QListWidget()
        self.comments.setWordWrap(True)
        self.comment_box = QPlainTextEdit()
        self.comment_box.setPlaceholderText("Write a comment for the team")
        self.comment_box.setFixedHeight(64)
        self.comment_box.setTabChangesFocus(True)
        add = QPushButton("Add &comment")
        add.clicked.connect(self.add_comment)
        row = QHBoxLayout()
        row.addWidget(self.comment_box, 1)
        row.addWidget(add, 0, Qt.AlignmentFlag.AlignBottom)
        box = QVBoxLayout(page)
        box.addWidget(self.comments, 1)
        box.addLayout(row)
        return page

    # -- reading -------------------------------------------------------------------------------
    def reload(self) -> None:
        try:
            self.detail = boards.get_task(self.state.ws, self.state.actor, self.task_id)
        except CareCoordError as exc:
            show_error(self.error, exc)
            return
        d, card = self.detail, self.detail.card
        today = date.today()
        self.setWindowTitle(f"Task — {card.title}")
        self.heading.setText(card.title)
        self.patient.setText(patient_text(card))
        self.record_button.setVisible(card.patient_id is not None)
        left = countdown(card, today, load_calendar(self.state.ws)) if card.due_date else ""
        overdue = card.is_overdue(today)
        self.labels["due"].setText(due_text(card) + (f" — {left}" if left else ""))
        self.labels["due"].setStyleSheet("color: #a11d1d; font-weight: 600;" if overdue else "")
        self.labels["state"].setText(
            COLUMN_TITLES[card.state]
            + (f" — {d.resolution}" if d.resolution and card.state == TaskState.DONE else "")
        )
        self.labels["owner"].setText(owner_text(card))
        self.labels["priority"].setText(PRIORITY_LABELS[TaskPriority(card.priority)])
        self.labels["source"].setText(source_text(card))
        self.labels["made"].setText(f"{_when(card.created_at)} by {d.created_by_name or 'the app'}")
        self.details.setText(d.details or "")
        self.details.setVisible(bool(d.details))
        mine = card.owner_id is not None and card.owner_id == self.state.actor.user_id
        self.claim_button.setVisible(card.owner_id is None and card.is_open)
        self.claim_button.setToolTip(
            f"Take this task from the {card.owner_label} queue: it becomes yours"
            if card.owner_role
            else "Take this task: it becomes yours"
        )
        self.release_button.setVisible(mine and bool(card.owner_role))
        self.contact_button.setVisible(
            card.is_open
            and card.source == TaskSource.DISCHARGE
            and card.kind == "contact"
            and (card.source_id or "").isdigit()
        )
        self.move_box.setCurrentIndex(self.move_box.findData(card.state))

        self.checklist.blockSignals(True)
        self.checklist.clear()
        for item in d.checklist:
            row = QListWidgetItem(item.text)
            row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            row.setCheckState(Qt.CheckState.Checked if item.done else Qt.CheckState.Unchecked)
            row.setData(Qt.ItemDataRole.UserRole, (item.id, item.version))
            self.checklist.addItem(row)
        self.checklist.blockSignals(False)
        self.tabs.setTabText(
            0,
            f"Checklist ({sum(i.done for i in d.checklist)}/{len(d.checklist)})"
            if d.checklist
            else "Checklist",
        )
        self.comments.clear()
        for c in d.comments:
            self.comments.addItem(f"{c.author_name} · {_when(c.at)}\n{c.body}")
        self.tabs.setTabText(1, f"Comments ({len(d.comments)})" if d.comments else "Comments")
        self.history.clear()
        for h in d.history:
            words = f" — {h.detail}" if h.detail else ""
            self.history.addItem(f"{_when(h.at)}  {h.actor_name}: {h.action}{words}")

    def _changes_published(self, changes: Changes) -> None:
        if Kind.TASKS in changes.kinds and self.isVisible():
            self.reload()

    # -- writing -------------------------------------------------------------------------------
    def _write(self, fn, *args, **kwargs) -> bool:
        self.error.hide()
        try:
            self.state.publish(fn(self.state.ws, self.state.actor, *args, **kwargs))
        except StaleEditError as exc:
            show_error(self.error, f"{exc} The task below is shown as it is now.")
            self.reload()
            self.error.show()
            return False
        except CareCoordError as exc:
            show_error(self.error, exc)
            return False
        self.reload()
        return True

    def claim(self) -> None:
        self._write(task_edit.claim_task, self.task_id, version=self.detail.card.version)

    def release(self) -> None:
        self._write(task_edit.release_task, self.task_id, version=self.detail.card.version)

    def edit(self) -> None:
        form = TaskFormDialog(
            self.state, self.detail.card, details=self.detail.details, parent=self
        )
        form.saved.connect(lambda _card: self.reload())
        form.open()

    def record_contact(self) -> None:
        card = self.detail.card
        dialog = ContactDialog(self.state, int(card.source_id), card.title, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self._contact = dialog

    def _move_chosen(self, index: int) -> None:
        target = self.move_box.itemData(index)
        if target == self.detail.card.state:
            return
        self.move_to(target)

    def move_to(self, target: TaskState, resolution: str | None = None) -> None:
        card = self.detail.card
        try:
            self.state.publish(
                task_edit.move_task(
                    self.state.ws,
                    self.state.actor,
                    card.id,
                    target,
                    version=card.version,
                    resolution=resolution,
                )
            )
        except ValidationError as exc:
            if getattr(exc, "field", None) == "resolution" and resolution is None:
                reason = ask_resolution(self, str(exc))
                if reason:
                    self.move_to(target, reason)
                    return
            show_error(self.error, exc)
        except CareCoordError as exc:
            show_error(self.error, exc)
        self.reload()

    def add_item(self) -> None:
        if self.new_item.text().strip() and self._write(
            task_edit.add_check_item, self.task_id, self.new_item.text()
        ):
            self.new_item.clear()

    def _item_ticked(self, row: QListWidgetItem) -> None:
        item_id, version = row.data(Qt.ItemDataRole.UserRole)
        done = row.checkState() == Qt.CheckState.Checked
        self._write(task_edit.set_check_item, item_id, done, version=version)

    def add_comment(self) -> None:
        if self.comment_box.toPlainText().strip() and self._write(
            task_edit.add_comment, self.task_id, self.comment_box.toPlainText()
        ):
            self.comment_box.clear()

    def _open_record(self) -> None:
        if self.detail and self.detail.card.patient_id is not None:
            self.record_requested.emit(self.detail.card.patient_id)


def ask_resolution(parent: QWidget, why: str) -> str | None:
    """Ask why a task closes without its event (a discharge contact not made); None: cancel."""
    text, ok = QInputDialog.getText(
        parent, "Close without a contact?", f"{why}\n\nReason it closes without one:"
    )
    return text.strip() if ok and text.strip() else None
