"""One spelling of "Practice ID" in what the user reads (export header, import mapping, the
import preview), while the import still recognises the other spellings other systems write."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import carecoord_desktop
from carecoord_desktop.services.patients import export as patient_export
from carecoord_desktop.services.patients.import_mapping import FIELD_BY_NAME, guess_mapping

SRC = Path(carecoord_desktop.__file__).parent


def test_the_export_header_and_the_import_label_say_practice_id():
    assert "Practice ID" in patient_export.COLUMNS
    assert FIELD_BY_NAME["practice_id"].label == "Practice ID"


def test_no_user_facing_string_spells_it_practice_id_in_lower_case():
    # The class of slip: a quoted label "Practice id" anywhere under src/ (code, not comments).
    wrong = re.compile(r"""["']Practice id["']""")
    found = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if wrong.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


@pytest.mark.parametrize(
    "header", ["Practice ID", "Practice id", "practice_id", "PRACTICE ID", "practice-id"]
)
def test_the_import_still_maps_every_spelling_of_the_header(header):
    mapping = guess_mapping(["Given name", "Family name", "Date of birth", header])
    assert mapping["practice_id"] == header


def test_an_exported_file_maps_its_practice_id_column_on_import():
    assert guess_mapping(patient_export.COLUMNS)["practice_id"] == "Practice ID"
