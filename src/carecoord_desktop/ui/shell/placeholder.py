"""An honest page for a screen that could not be opened: it says why, in the screen's place."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class UnavailablePage(QWidget):
    def __init__(self, title: str, reason: Exception | str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        heading = QLabel(title)
        heading.setObjectName("pageTitle")
        body = QLabel(f"This screen could not be opened: {reason}")
        body.setObjectName("error")
        body.setWordWrap(True)
        layout.addWidget(heading)
        layout.addWidget(body)
        layout.addStretch(1)
