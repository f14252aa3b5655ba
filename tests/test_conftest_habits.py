"""The shared habits of tests/conftest.py do what they say (each can fail for its reason)."""

from __future__ import annotations

import os
from pathlib import Path

from argon2 import PasswordHasher
from PySide6.QtCore import QSettings

from carecoord_desktop import config
from carecoord_desktop.services import accounts

TESTS = Path(__file__).parent


def test_fast_hashing_is_cheap_and_only_where_asked(fast_password_hashing):
    assert accounts._hasher is fast_password_hashing
    assert accounts._hasher.hash("x").startswith("$argon2id$v=19$m=1024,t=1,p=1$")


def test_without_the_fixture_the_real_hasher_is_the_strong_one():
    assert accounts._hasher.memory_cost >= PasswordHasher().memory_cost >= 19 * 1024
    assert accounts._hasher.time_cost >= 2


def test_settings_and_the_default_workspace_stay_off_the_real_disk(nothing_on_the_real_disk):
    home = nothing_on_the_real_disk
    assert config.default_workspace_dir().is_relative_to(home)
    stray = QSettings("CareCoord", "CareCoord")
    assert Path(stray.fileName()).is_relative_to(home)
    real_home = Path(os.path.expanduser("~"))
    assert not config.default_workspace_dir().is_relative_to(real_home / ".local")


def test_importorskip_of_the_projects_own_module_fails_instead_of_skipping(pytester, monkeypatch):
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])
    )
    pytester.makepyfile(
        test_at_import="""
import pytest
gone = pytest.importorskip("carecoord_desktop.no_such_module")

def test_never_runs():
    pass
""",
        test_in_a_test="""
import pytest

def test_inside():
    pytest.importorskip("carecoord_desktop.services.no_such_module")

def test_an_optional_third_party_module_still_skips():
    pytest.importorskip("surely_not_installed_anywhere")
""",
    )
    result = pytester.runpytest_subprocess(
        "-p", "conftest", "-p", "no:cacheprovider", "-rA", "--continue-on-collection-errors"
    )
    result.assert_outcomes(failed=1, skipped=1, errors=1)
    out = result.stdout.str()
    assert "could not import 'carecoord_desktop.no_such_module'" in out
    assert "never optional" in out


def test_no_test_names_a_folder_of_this_machine():
    """Tests run on a fresh clone on any machine: pictures go through save_shot (only with
    CARECOORD_SHOTS), samples come from the repository or ../shared beside it."""
    from pathlib import Path

    here = Path(__file__).resolve().parent
    offenders = [
        f"{path.relative_to(here)}:{n}"
        for path in here.rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if ('"/work/' in line or "'/work/" in line) and path.name != Path(__file__).name
    ]
    assert not offenders, offenders
