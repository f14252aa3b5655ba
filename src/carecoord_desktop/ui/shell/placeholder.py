"""Honest pages: a screen that a later issue builds (says what is coming, fakes nothing), and a
screen that could not be opened (says why, in its place)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class NotBuiltPage(QWidget):
    def __init__(self, title: str, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        heading = QLabel(title)
        heading.setObjectName("pageTitle")
        layout.addWidget(heading)
        body = QLabel(
            f"<p><b>Not built yet.</b> This screen will let you {what}</p>"
            "<p>Nothing here is stored or shown until it is built; the rest of CareCoord "
            "(accounts, audit, backups) works now.</p>"
        )
        body.setWordWrap(True)
        body.setObjectName("pageSubtitle")
        layout.addWidget(body)
        layout.addStretch(1)


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
