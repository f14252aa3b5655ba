"""The demographics form shows every field of the one list, with its label and required mark."""

from __future__ import annotations

from carecoord_desktop.services.patients.fields import BY_NAME, NAMES
from carecoord_desktop.ui.patients.form import _GROUPS


def test_the_form_has_every_field_of_the_list_with_its_label():
    specs = [spec for _, _, group in _GROUPS for spec in group]
    shown = [s.name for s in specs]
    assert len(shown) == len(set(shown))
    # The coordinator has its own box (a staff picker), outside the field groups.
    missing = set(NAMES) - set(shown) - {"coordinator_id"}
    assert missing == set(), f"the patient form does not show {missing}"
    assert set(shown) - set(NAMES) == set()
    for spec in specs:
        f = BY_NAME[spec.name]
        assert spec.label == (f.form_label or f.label), spec.name
        assert spec.required == f.required, spec.name
