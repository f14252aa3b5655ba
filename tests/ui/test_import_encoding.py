"""The import dialog with hostile files: a mixed-encoding file shows where and lets the user
choose; a stray quotation mark is shown before the rows are checked."""

from __future__ import annotations

from pathlib import Path

from carecoord_desktop.ui.patients import import_dialog as ui
from tests_support import (
    import_dialog,  # noqa: F401 - the `dialog` fixture
    save_shot,
)
from tests_support import import_step as step

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_a_mixed_file_asks_how_to_read_it_and_utf8_rejects_the_damaged_line(qtbot, dialog):
    assert not step(qtbot, dialog, dialog.load_file, FIXTURES / "patients_mixed_encoding.csv")
    assert dialog.pages.currentIndex() == ui.FILE
    assert dialog.encoding_box.isVisible()
    assert "line 3, byte 2 (0xE9) is not UTF-8" in dialog.encoding_detail.text()
    assert not dialog.next_button.isVisible()  # nothing to go on with until the user chooses
    save_shot(dialog, "import_mixed_encoding_choice.png")

    step(qtbot, dialog, dialog.encoding_buttons["utf-8"].click)
    assert dialog.pages.currentIndex() == ui.MAPPING and not dialog.encoding_box.isVisible()
    assert dialog.file_notes.isVisible() and "rejected" in dialog.file_notes.text()
    assert "UTF-8 text" in dialog.file_summary.text()
    step(qtbot, dialog, dialog.next_step)
    assert dialog.pages.currentIndex() == ui.PREVIEW
    model = dialog.rejected_model
    assert model.rowCount() == 1 and model.row_at(0).line == 3
    assert "0xE9" in model.row_at(0).reasons[0]
    assert dialog.plan.accepted_count == 3
    save_shot(dialog, "import_mixed_encoding_checked.png")


def test_choosing_windows_1252_shows_the_names_as_they_would_be_saved(qtbot, dialog):
    step(qtbot, dialog, dialog.load_file, FIXTURES / "patients_mixed_encoding.csv")
    step(qtbot, dialog, dialog.encoding_buttons["cp1252"].click)
    assert dialog.pages.currentIndex() == ui.MAPPING
    assert "Windows-1252 text" in dialog.file_summary.text()
    assert dialog.samples["family_name"].text() == "e.g. MÃ¼ller"


def test_a_stray_quote_is_shown_on_the_mapping_page(qtbot, dialog):
    assert step(qtbot, dialog, dialog.load_file, FIXTURES / "patients_stray_quote.csv")
    assert dialog.file_notes.isVisible()
    assert "stray quotation mark on line 3 joins lines 3-4" in dialog.file_notes.text()
    save_shot(dialog, "import_stray_quote.png")
