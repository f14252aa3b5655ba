"""An honest page for a screen that a later issue builds: says what is coming, fakes nothing."""

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
