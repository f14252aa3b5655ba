"""Finding the shipped resources (style, icons) in a checkout or a PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon


def resources_dir() -> Path | None:
    candidates = []
    if hasattr(sys, "_MEIPASS"):
        candidates.append(Path(sys._MEIPASS) / "resources")
    candidates.append(Path(__file__).resolve().parents[3] / "resources")
    return next((p for p in candidates if p.is_dir()), None)


def stylesheet() -> str:
    root = resources_dir()
    qss = root / "style.qss" if root else None
    return qss.read_text(encoding="utf-8") if qss and qss.exists() else ""


def app_icon() -> QIcon:
    root = resources_dir()
    return QIcon(str(root / "icons" / "app.svg")) if root else QIcon()
