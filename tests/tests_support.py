"""Constants shared by tests (importable from any test module: tests/ is on sys.path)."""

import pytest

# Fast scrypt for tests that do not measure it (production uses 2**17).
TEST_SCRYPT_N = 2**12
ADMIN_PASSWORD = "correct horse battery"
STAFF_PASSWORD = "a long enough phrase"


def staff(ws, admin, role, username: str = "someone"):
    """A signed-in staff member of `role` (their account made by `admin`)."""
    from carecoord_desktop.services import accounts

    accounts.add_user(
        ws,
        admin,
        username=username,
        full_name=username.replace(".", " ").title(),
        role=role,
        password=STAFF_PASSWORD,
        must_change_password=False,
    )
    return accounts.authenticate(ws, username, STAFF_PASSWORD)


# -- screenshots -----------------------------------------------------------------------------
def rect_in(widget, window, image):
    """`widget`'s rectangle inside a grab of `window`, in the image's (device) pixels."""
    from PySide6.QtCore import QRect

    scale = image.width() / window.width()
    top_left = widget.mapTo(window, widget.rect().topLeft())
    return QRect(
        round(top_left.x() * scale),
        round(top_left.y() * scale),
        round(widget.width() * scale),
        round(widget.height() * scale),
    )


def assert_has_text(image, widget, window, *, min_dark: int = 30) -> None:
    """Fail unless the part of `image` where `widget` sits holds dark strokes on a light ground.

    A blank, single-colour or unpainted area (a grab taken before layout, a label left empty,
    a page that failed to build) has no such pixels.
    """
    from PySide6.QtGui import QColor

    assert widget.isVisible(), f"{widget!r} is not shown"
    area = rect_in(widget, window, image).intersected(image.rect())
    assert area.width() > 4 and area.height() > 4, f"{widget!r} has no room on screen"
    dark = light = 0
    for y in range(area.top(), area.bottom() + 1, 2):
        for x in range(area.left(), area.right() + 1, 2):
            value = QColor(image.pixel(x, y)).lightness()
            dark += value < 110
            light += value > 200
    assert dark >= min_dark, f"no text drawn where {widget!r} sits ({dark} dark pixels)"
    assert light > dark, f"{widget!r} is not dark text on a light ground"


def page_key(image) -> bytes:
    """Identical pictures give identical keys (to check that pages differ)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def save_shot(widget, name: str) -> None:
    """Save a picture of `widget` for a person to look at, only when CARECOORD_SHOTS names a
    folder: tests never write outside their temp folders otherwise (CI, a colleague's disk)."""
    import os
    from pathlib import Path

    folder = os.environ.get("CARECOORD_SHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(Path(folder) / name)), f"could not save {name}"


def import_step(qtbot, dialog, action, *args) -> bool:
    """One step of the CSV import dialog: its reading, checking or importing runs on a worker."""
    with qtbot.waitSignal(dialog.step_done, timeout=30_000) as blocker:
        action(*args)
    return blocker.args[0]


def _import_dialog(qtbot, ws, admin):
    from PySide6.QtWidgets import QApplication

    from carecoord_desktop.services import settings
    from carecoord_desktop.ui.patients.import_dialog import PatientImportDialog
    from carecoord_desktop.ui.resources import stylesheet
    from carecoord_desktop.ui.shell.state import AppState

    QApplication.instance().setStyleSheet(stylesheet())
    dlg = PatientImportDialog(AppState(ws, admin, settings.load(ws)))
    qtbot.addWidget(dlg)
    dlg.show()
    yield dlg
    QApplication.instance().setStyleSheet("")


# The import dialog on a new practice, as the admin: `from tests_support import import_dialog`.
import_dialog = pytest.fixture(name="dialog")(_import_dialog)
