"""Alembic migrations: the schema matches the models, and opening an old workspace upgrades it
after a verified backup, keeping every row and auditing the change."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from carecoord_desktop.services import accounts, audit, workspaces
from carecoord_desktop.store import backup as backups
from carecoord_desktop.store import migrate
from carecoord_desktop.store.migrate import include_name
from carecoord_desktop.store.workspace import Workspace
from conftest import ADMIN_PASSWORD, TEST_SCRYPT_N

PATIENT_TABLES = {"patient", "condition", "allergy", "medication"}


pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def downgrade(ws: Workspace, revision: str) -> None:
    with ws.engine.begin() as conn:
        command.downgrade(migrate._config(conn), revision)


def table_names(ws: Workspace) -> set[str]:
    with ws.engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def trigger_names(ws: Workspace) -> set[str]:
    with ws.engine.connect() as conn:
        rows = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        return {r[0] for r in rows}


def test_a_new_workspace_is_at_head_and_matches_the_models(ws):
    assert migrate.current_revision(ws.engine) == migrate.head_revision()
    assert not ws.needs_migration()
    with ws.engine.connect() as conn:
        diffs = compare_metadata(
            MigrationContext.configure(conn, opts={"include_name": include_name}),
            SQLModel.metadata,
        )
    assert diffs == []
    assert {"audit_event_no_update", "audit_event_no_delete"} <= trigger_names(ws)


def test_migrations_need_the_applications_connection():
    # Run without a keyed connection (as a bare `alembic upgrade` would), env.py refuses.
    with pytest.raises(RuntimeError, match="need the workspace key"):
        command.upgrade(migrate._config(), "head")


@pytest.fixture
def at_0001(new_practice):
    """The practice's workspace taken back to revision 0001 and closed."""
    ws, admin = new_practice.workspace, new_practice.admin
    accounts.add_user(
        ws,
        admin,
        username="g.doctor",
        full_name="Grace Doctor",
        role="gp",
        password="a long enough phrase",
    )
    audit.record_now(ws, admin, "view", record_type="audit_log", detail="before the upgrade")
    downgrade(ws, "0001")
    assert migrate.current_revision(ws.engine) == "0001"
    assert not (PATIENT_TABLES & table_names(ws))
    with ws.engine.connect() as conn:
        audit_rows = conn.execute(text("SELECT count(*) FROM audit_event")).scalar()
    ws.close()
    return new_practice, audit_rows


def test_open_workspace_migrates_an_old_workspace_after_a_backup(at_0001):
    practice, audit_rows_before = at_0001
    folder = practice.workspace.folder
    assert backups.list_backups(folder / "backups") == []

    ws = workspaces.open_workspace(folder)
    try:
        assert migrate.current_revision(ws.engine) == migrate.head_revision()
        assert not ws.needs_migration()
        assert table_names(ws) >= PATIENT_TABLES

        # A verified pre-migrate backup, still at the old revision and with the same rows.
        made = backups.list_backups(ws.backup_dir)
        assert len(made) == 1
        assert "pre-migrate" in made[0].name
        assert "0001" in made[0].name
        conn = ws.connect_file(made[0])
        try:
            assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
            names = {r[0] for r in conn.execute("SELECT username FROM staff_user")}
            assert names == {"admin", "g.doctor"}
            assert conn.execute("SELECT count(*) FROM audit_event").fetchone()[0] == (
                audit_rows_before
            )
        finally:
            conn.close()

        # Every staff user and audit row survived; the migration itself is audited.
        assert accounts.authenticate(ws, "admin", ADMIN_PASSWORD).username == "admin"
        assert accounts.find_user_id(ws, "g.doctor") is not None
        events, total = audit.list_events(ws, practice.admin, action="migrate")
        assert total == 1
        assert "0001 -> " + migrate.head_revision() in events[0].detail
        assert made[0].name in events[0].detail
        assert events[0].actor_name.startswith("System (migration")
        events, _ = audit.list_events(ws, practice.admin, limit=1000)
        assert any(e.detail == "before the upgrade" for e in events)
        report = audit.verify_chain(ws)
        assert report.ok
        assert report.rows >= audit_rows_before + 1
        # The append-only triggers are still in place after the migration.
        assert {"audit_event_no_update", "audit_event_no_delete"} <= trigger_names(ws)
        assert workspaces.check(ws).ok
    finally:
        ws.close()


def test_opening_again_does_not_migrate_or_back_up_twice(at_0001):
    folder = at_0001[0].workspace.folder
    workspaces.open_workspace(folder).close()
    ws = workspaces.open_workspace(folder)
    try:
        assert len(backups.list_backups(ws.backup_dir)) == 1
        with ws.engine.connect() as conn:
            migrations = conn.execute(
                text("SELECT count(*) FROM audit_event WHERE action = 'migrate'")
            ).scalar()
        assert migrations == 1
    finally:
        ws.close()


def test_plain_workspace_open_does_not_migrate(at_0001):
    folder = at_0001[0].workspace.folder
    ws = Workspace.open(folder)
    try:
        assert ws.needs_migration()
        assert migrate.current_revision(ws.engine) == "0001"
        report = workspaces.check(ws)
        assert any("schema is at 0001" in p for p in report.problems)
    finally:
        ws.close()


def test_full_downgrade_and_upgrade_round_trip(tmp_path):
    ws, _ = Workspace.create(tmp_path / "fresh", scrypt_n=TEST_SCRYPT_N)
    try:
        downgrade(ws, "base")
        assert migrate.current_revision(ws.engine) is None
        assert table_names(ws) <= {"alembic_version"}
        migrate.upgrade(ws.engine, "0001")
        assert migrate.current_revision(ws.engine) == "0001"
        assert {"audit_event", "staff_user", "practice_setting"} <= table_names(ws)
        migrate.upgrade(ws.engine)
        assert migrate.current_revision(ws.engine) == migrate.head_revision()
        with ws.engine.connect() as conn:
            diffs = compare_metadata(
                MigrationContext.configure(conn, opts={"include_name": include_name}),
                SQLModel.metadata,
            )
        assert diffs == []
    finally:
        ws.close()
