"""Feature tabs join the record window's own: ordered by position, replacing an own tab by key."""

from PySide6.QtWidgets import QLabel

from carecoord_desktop.services.changes import Kind
from carecoord_desktop.services.permissions import Permission
from carecoord_desktop.ui.patients.record_sections import RECORD_SECTIONS
from carecoord_desktop.ui.shell.record_tabs import SectionSpec, combined
from carecoord_desktop.ui.shell.screens import record_sections


def _spec(key: str, position: int) -> SectionSpec:
    return SectionSpec(
        key, key.title(), Permission.VIEW_PATIENTS, lambda _ctx: QLabel(key),
        frozenset({Kind.PATIENT}), position,
    )  # fmt: skip


def test_feature_tabs_are_ordered_and_replace_the_records_own_by_key():
    own_keys = [spec.key for spec in RECORD_SECTIONS]
    assert own_keys == ["summary", "conditions", "medicines", "hospital", "people"]
    tabs = combined(RECORD_SECTIONS, (_spec("medicines", 30), _spec("plans", 25)))
    assert [spec.key for spec in tabs] == [
        "summary", "conditions", "plans", "medicines", "hospital", "people",
    ]  # fmt: skip
    medicines = next(spec for spec in tabs if spec.key == "medicines")
    assert medicines not in RECORD_SECTIONS  # the feature's, not the record's own


def test_the_shell_builds_record_windows_from_the_combined_list():
    keys = [spec.key for spec in record_sections()]
    assert keys[0] == "summary" and len(keys) == len(set(keys))
