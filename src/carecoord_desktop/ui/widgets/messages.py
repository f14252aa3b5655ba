"""The one way a form says what went wrong: a red line that stays hidden until needed."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel


def error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("error")
    label.setWordWrap(True)
    label.hide()
    return label


def show_error(label: QLabel, exc: Exception | str) -> None:
    label.setText(str(exc))
    label.show()
