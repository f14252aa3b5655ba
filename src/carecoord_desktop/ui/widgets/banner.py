"""A message band above a form or page with its buttons: someone saved first (Reload), an
unsaved draft was found (Restore / Discard), the plan is under review (Complete review), the
conference was cancelled. Shared by the feature packages (which may not import each other).

The look of the patient form's stale banner (ui/patients/conflict_banner.py): yellow for "look
at this", blue for information; the first button focused unless the caller keeps the typing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy

_STYLES = {
    "warning": "QFrame#{name} {{ background: #fff4d6; border: 1px solid #d9b44a;"
    " border-radius: 4px; }} QFrame#{name} QLabel {{ color: #4d3800; }}",
    "info": "QFrame#{name} {{ background: #e6f0fa; border: 1px solid #8db3d9;"
    " border-radius: 4px; }} QFrame#{name} QLabel {{ color: #12355b; }}",
}


class Banner(QFrame):
    def __init__(self, name: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(10, 6, 10, 6)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName(f"{name}Message")
        self.row.addWidget(self.message, 1)
        self.buttons: list[QPushButton] = []
        self.hide()

    def show_message(
        self,
        text: str,
        buttons: Sequence[tuple[str, Callable[[], None]]] = (),
        *,
        tone: str = "warning",
        focus: bool = True,
    ) -> None:
        self.setStyleSheet(_STYLES[tone].format(name=self.objectName()))
        self.message.setText(text)
        for button in self.buttons:
            self.row.removeWidget(button)
            button.deleteLater()
        self.buttons = []
        for label, slot in buttons:
            button = QPushButton(label)
            button.clicked.connect(slot)
            self.row.addWidget(button)
            self.buttons.append(button)
        self.show()
        if focus and self.buttons:
            self.buttons[0].setFocus()

    def button(self, label: str) -> QPushButton | None:
        return next((b for b in self.buttons if b.text().replace("&", "") == label), None)

    def clear(self) -> None:
        self.show_message("")
        self.hide()
