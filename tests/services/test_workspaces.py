"""Workspace life cycle services: first-run setup, checks, and the practice settings."""

from __future__ import annotations

import json

import pytest

from carecoord_desktop.config import DEFAULT_BACKUPS_KEPT, DEFAULT_IDLE_LOCK_MINUTES
from carecoord_desktop.errors import (
    KeyNotInKeystoreError,
    PermissionDeniedError,
    ValidationError,
    WorkspaceError,
)
from carecoord_desktop.models.staff import Role
from carecoord_desktop.services import accounts, audit, settings, workspaces
from carecoord_desktop.store import keystore, migrate
from carecoord_desktop.store.workspace import MARKER, Workspace
from conftest import ADMIN_PASSWORD, TEST_SCRYPT_N
from tests_support import staff

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def practice_args(**overrides) -> dict:
    args = {
        "practice_name": "Riverside Family Practice",
        "admin_username": "admin",
        "admin_full_name": "Alex Admin",
        "admin_password": ADMIN_PASSWORD,
        "scrypt_n": TEST_SCRYPT_N,
    }
    args.update(overrides)
    return args


def audit_rows(ws: Workspace) -> list[tuple]:
    with ws.raw_connection() as conn:
        return conn.execute(
            "SELECT action, actor_name, record_type, detail FROM audit_event ORDER BY id"
        ).fetchall()


# -- first-run setup ----------------------------------------------------------------------------
def test_create_practice_sets_up_everything(new_practice, memory_keyring):
    ws, admin = new_practice.workspace, new_practice.admin
    assert admin.role == Role.ADMIN and admin.username == "admin"
    assert (keystore.SERVICE, ws.id) in memory_keyring.secrets
    loaded = settings.load(ws)
    assert loaded == settings.PracticeSettings(
        "Riverside Family Practice", DEFAULT_IDLE_LOCK_MINUTES, DEFAULT_BACKUPS_KEPT
    )
    assert not accounts.must_change_password(ws, admin)
    logged = audit_rows(ws)
    assert [r[0] for r in logged] == ["create", "create"]
    assert logged[0][2] == "staff_user"
    assert logged[1][2:] == ("workspace", "workspace created")
    assert all(r[1].startswith("System (setup") for r in logged)
    assert audit.verify_chain(ws).ok
    assert accounts.authenticate(ws, "admin", ADMIN_PASSWORD) == admin


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"practice_name": "   "}, "practice_name"),
        ({"practice_name": "x" * 121}, "practice_name"),
        ({"admin_username": "A B"}, "username"),
        ({"admin_password": "short"}, "password"),
        ({"admin_password": "admin is my password"}, "password"),
        ({"admin_full_name": "  "}, "full_name"),
    ],
)
def test_create_practice_validates_before_creating_anything(tmp_path, overrides, field):
    folder = tmp_path / "ws"
    with pytest.raises(ValidationError) as info:
        workspaces.create_practice(folder, **practice_args(**overrides))
    assert info.value.field == field
    assert not folder.exists()


def test_create_practice_refuses_an_existing_workspace(new_practice):
    ws = new_practice.workspace
    marker = (ws.folder / MARKER).read_bytes()
    with pytest.raises(WorkspaceError, match="nothing was overwritten"):
        workspaces.create_practice(ws.folder, **practice_args(practice_name="Another"))
    assert (ws.folder / MARKER).read_bytes() == marker
    assert settings.load(ws).practice_name == "Riverside Family Practice"


def test_create_practice_without_remembering_the_key(tmp_path, memory_keyring):
    created = workspaces.create_practice(tmp_path / "ws", remember_key=False, **practice_args())
    created.workspace.close()
    assert memory_keyring.secrets == {}
    with pytest.raises(KeyNotInKeystoreError):
        workspaces.open_workspace(tmp_path / "ws")
    ws = workspaces.open_workspace(
        tmp_path / "ws", recovery_key=created.recovery_key.formatted(), remember_key=True
    )
    ws.close()
    workspaces.open_workspace(tmp_path / "ws").close()


def test_demo_workspace_is_marked_and_its_key_not_stored(tmp_path, memory_keyring):
    created = workspaces.create_practice(tmp_path / "demo", demo=True, **practice_args())
    try:
        assert created.workspace.is_demo
        marker = json.loads((tmp_path / "demo" / MARKER).read_text(encoding="utf-8"))
        assert marker["demo"] is True
        assert memory_keyring.secrets == {}
        assert any("(demo)" in r[3] for r in audit_rows(created.workspace))
    finally:
        created.workspace.close()


# -- check --------------------------------------------------------------------------------------
def test_check_on_a_healthy_workspace(ws, admin):
    staff(ws, admin, Role.NURSE)
    report = workspaces.check(ws)
    assert report.ok, report.problems
    assert report.schema_revision == migrate.head_revision()
    assert report.counts["staff_user"] == 2
    assert report.counts["practice_setting"] == 5  # with the holiday region and referral days
    assert report.audit_rows == report.counts["audit_event"] >= 4


# -- settings -----------------------------------------------------------------------------------
def test_admin_updates_settings_and_they_persist(ws, admin):
    before = len(audit_rows(ws))
    new = settings.update(ws, admin, idle_lock_minutes=30, backups_kept=7).value
    assert new.idle_lock_minutes == 30 and new.backups_kept == 7
    assert new.practice_name == "Riverside Family Practice"
    logged = audit_rows(ws)[before:]
    assert logged == [
        (
            "update",
            "Alex Admin (administrator)",
            "practice_setting",
            "backups_kept, idle_lock_minutes",
        )
    ]
    ws.close()
    again = workspaces.open_workspace(ws.folder)
    try:
        assert settings.load(again) == new
    finally:
        again.close()


@pytest.mark.parametrize(("value", "ok"), [(0, False), (1, True), (120, True), (121, False)])
def test_idle_minutes_range(ws, admin, value, ok):
    if ok:
        assert settings.update(ws, admin, idle_lock_minutes=value).value.idle_lock_minutes == value
        return
    before = audit_rows(ws)
    with pytest.raises(ValidationError, match="1 to 120 idle minutes") as info:
        settings.update(ws, admin, idle_lock_minutes=value)
    assert info.value.field == "idle_lock_minutes"
    assert settings.load(ws).idle_lock_minutes == DEFAULT_IDLE_LOCK_MINUTES
    assert audit_rows(ws) == before


@pytest.mark.parametrize(
    ("value", "ok"), [(-1, False), (0, False), (1, True), (365, True), (366, False)]
)
def test_backups_kept_range(ws, admin, value, ok):
    if ok:
        assert settings.update(ws, admin, backups_kept=value).value.backups_kept == value
        return
    with pytest.raises(ValidationError, match="between 1 and 365") as info:
        settings.update(ws, admin, backups_kept=value)
    assert info.value.field == "backups_kept"
    assert settings.load(ws).backups_kept == DEFAULT_BACKUPS_KEPT


def test_practice_name_rules(ws, admin):
    assert settings.update(ws, admin, practice_name="Hillside").value.practice_name == "Hillside"
    for bad in ("", "   ", "x" * 121):
        with pytest.raises(ValidationError) as info:
            settings.update(ws, admin, practice_name=bad)
        assert info.value.field == "practice_name"
    assert settings.load(ws).practice_name == "Hillside"


@pytest.mark.parametrize("role", [Role.GP, Role.NURSE, Role.COORDINATOR, Role.RECEPTION])
def test_non_admins_cannot_change_settings(ws, admin, role):
    actor = staff(ws, admin, role)
    before = audit_rows(ws)
    with pytest.raises(PermissionDeniedError, match="cannot change practice settings"):
        settings.update(ws, actor, idle_lock_minutes=60)
    assert settings.load(ws).idle_lock_minutes == DEFAULT_IDLE_LOCK_MINUTES
    assert audit_rows(ws) == before


def test_unknown_stored_settings_are_ignored_on_load(ws):
    from carecoord_desktop.models.practice import PracticeSetting

    with ws.session() as session:
        session.add(PracticeSetting(key="from_a_newer_version", value=json.dumps(True)))
        session.commit()
    assert settings.load(ws).practice_name == "Riverside Family Practice"
