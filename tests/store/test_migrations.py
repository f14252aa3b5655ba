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


# -- frozen history: every route to a revision gives the same schema; the live rebuild agrees ----
def revisions() -> list[str]:
    """Every revision, oldest first (a revision added later is covered without editing this)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate._config())
    return [s.revision for s in script.walk_revisions("base", "heads")][::-1]


def schema(ws: Workspace) -> list[tuple[str, str, str, str | None]]:
    """sqlite_master: tables, indexes, triggers and views with their SQL, whitespace normalised."""
    with ws.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).all()
    return [(t, n, tbl, " ".join(sql.split()) if sql else None) for t, n, tbl, sql in rows]


_STAMP = "'2026-01-05 09:00:00.000000'"
# Data written at each revision with that revision's columns (raw SQL: the models are today's).
# Every write path of the index is used: a migration's backfill (rows there before it ran) and
# each revision's insert, update and delete triggers (rows written after it).
SEED: dict[str, list[str]] = {
    "0001": [
        "INSERT INTO staff_user (id, username, full_name, role, active, password_hash, "
        "failed_attempts, must_change_password, created_at) VALUES "
        f"(7, 'c.ward', 'Casey Ward', 'COORDINATOR', 1, 'x', 0, 0, {_STAMP})",
    ],
    "0002": [
        "INSERT INTO patient (id, practice_id, given_name, family_name, preferred_name, "
        "date_of_birth, sex, medicare_number, phone, lives_alone, coordinator_id, is_demo, "
        "archived, created_at, updated_at) VALUES "
        f"(1, 'P000001', 'Zoë', 'O''Brien', 'Zo', '1941-03-07', 'FEMALE', '2123 45670 1', "
        f"'(04) 1234-5678', 1, 7, 0, 0, {_STAMP}, {_STAMP}), "
        f"(2, 'P000002', 'Sam', 'Smith-Jones', NULL, '1980-12-31', 'MALE', NULL, NULL, 0, NULL, "
        f"0, 0, {_STAMP}, {_STAMP}), "
        f"(3, 'P000003', 'Ann', 'Lee', NULL, '1950-01-02', 'FEMALE', NULL, '0298765432', 0, "
        f"NULL, 0, 1, {_STAMP}, {_STAMP})",
        "INSERT INTO condition (id, patient_id, code, display, status, chronic) VALUES "
        "(1, 1, '84114007', 'Heart failure', 'active', 1), "
        "(2, 1, '44054006', 'Type 2 diabetes mellitus', 'active', 1), "
        "(3, 1, NULL, 'COPD', 'active', 1), "
        "(4, 1, NULL, 'Hypertension', 'active', 1), "
        "(5, 2, '13645005', 'Chronic obstructive lung disease', 'resolved', 1)",
        "INSERT INTO medication (id, patient_id, name, status) VALUES "
        "(1, 1, 'metformin', 'active'), (2, 1, 'furosemide', 'active'), "
        "(3, 1, 'ramipril', 'active'), (4, 1, 'aspirin', 'active'), "
        "(5, 1, 'tiotropium', 'active'), (6, 2, 'paracetamol', 'ceased')",
        "INSERT INTO allergy (id, patient_id, substance) VALUES (1, 1, 'penicillin')",
    ],
    "0003": [
        "INSERT INTO patient (id, practice_id, given_name, family_name, date_of_birth, sex, "
        "lives_alone, is_demo, archived, created_at, updated_at) VALUES "
        f"(4, 'P000004', 'Wiremu', 'Tane', '1999-05-05', 'MALE', 0, 0, 0, {_STAMP}, {_STAMP})",
        "UPDATE patient SET family_name = 'Lee-Ng' WHERE id = 3",
        "UPDATE condition SET status = 'resolved' WHERE id = 4",
        "INSERT INTO condition (id, patient_id, code, display, status, chronic) VALUES "
        "(6, 4, '195967001', 'Asthma', 'active', 1)",
    ],
    "0004": [
        "UPDATE patient SET previous_names = 'Sam Quill-O''Dea' WHERE id = 2",
        "INSERT INTO patient_contact (id, patient_id, name, is_next_of_kin, is_carer) VALUES "
        "(1, 1, 'Kim O''Brien', 1, 1)",
        "INSERT INTO hospital_event (id, patient_id, kind, start_date, end_date) VALUES "
        "(1, 1, 'ADMISSION', '2025-11-01', '2025-11-09'), "
        "(2, 1, 'ADMISSION', '2025-06-01', '2025-06-03'), "
        "(3, 1, 'ADMISSION', '2024-01-01', '2024-01-02')",
    ],
    "0005": [
        "INSERT INTO hospital_event (id, patient_id, kind, start_date) VALUES "
        "(4, 2, 'ED_VISIT', '2025-12-01'), (5, 2, 'ED_VISIT', '2025-10-01')",
        "INSERT INTO patient_contact (id, patient_id, name, is_next_of_kin, is_carer) VALUES "
        "(2, 2, 'Pat', 0, 1)",
        "UPDATE patient_contact SET is_carer = 0 WHERE id = 2",
        "DELETE FROM hospital_event WHERE id = 3",
    ],
    "0006_allergy_status": [
        "UPDATE patient SET allergy_status = 'no_known' WHERE id = 2",
    ],
    "0007": [
        "INSERT INTO condition (id, patient_id, code, display, status, chronic) VALUES "
        "(7, 2, '128462008', 'Metastatic cancer', 'active', 1), "
        "(8, 2, NULL, 'Dementia', 'active', 1)",
        "UPDATE condition SET status = 'resolved' WHERE id = 8",
        "UPDATE patient SET given_name = 'Samuel', previous_names = 'Sam Quill-O''Dea' "
        "WHERE id = 2",
        "DELETE FROM condition WHERE patient_id = 4",
        "DELETE FROM patient WHERE id = 4",
    ],
    "0011": [
        "INSERT INTO task (id, patient_id, title, state, position, priority, source, source_id, "
        "kind, dedupe_key, created_at, updated_at) VALUES "
        f"(1, 1, 'Interactive contact', 'todo', 1024.0, 'high', 'discharge', '1', 'contact', "
        f"'discharge:1:contact', {_STAMP}, {_STAMP})",
        "INSERT INTO minutes_entry (patient_id, staff_name, work_date, minutes, activity, source, "
        f"created_at) VALUES (1, 'Casey Ward', '2026-01-05', 25, 'calls', 'manual', {_STAMP})",
    ],
    "0012": [
        "INSERT INTO community_resource (id, name, category, active, name_key, area_key, "
        f"created_at, updated_at) VALUES (1, 'Ride Along', 'transport', 1, 'ride along', "
        f"'north', {_STAMP}, {_STAMP})",
        "INSERT INTO referral (id, patient_id, recipient_kind, resource_id, recipient_name, "
        "reason, urgency, status, status_on, sent_on, created_at, updated_at) VALUES "
        "(1, 1, 'resource', 1, 'Ride Along', 'No longer drives', 'routine', 'sent', "
        f"'2026-01-05', '2026-01-05', {_STAMP}, {_STAMP})",
        "INSERT INTO referral_step (referral_id, status, step_on, at, actor_name) VALUES "
        f"(1, 'sent', '2026-01-05', {_STAMP}, 'Casey Ward')",
        "INSERT INTO document_share (patient_id, document, record_type, record_id, recipient, "
        f"method, shared_at, shared_by_name) VALUES (1, 'referral letter', 'referral', 1, "
        f"'Ride Along', 'fax', {_STAMP}, 'Casey Ward')",
    ],
    "0013": [
        "INSERT INTO care_conference (id, patient_id, title, scheduled_at, planned_minutes, "
        "status, agreed, agreed_on, agreed_how, started_at, ended_at, created_at, updated_at) "
        f"VALUES (1, 1, 'Care conference', {_STAMP}, 30, 'held', 1, '2026-01-02', 'verbal', "
        f"{_STAMP}, '2026-01-05 09:25:00.000000', {_STAMP}, {_STAMP})",
        "INSERT INTO conference_participant (conference_id, kind, staff_user_id, name, "
        "discipline, attendance, position) VALUES (1, 'staff', 7, 'Casey Ward', "
        "'Care coordinator', 'attended', 0)",
        "INSERT INTO conference_agenda_item (id, conference_id, position, source, source_ref, "
        "title, minutes, discussed) VALUES (1, 1, 0, 'open_referral', 'referral:1', "
        "'Ride Along referral unanswered', 'Call them again', 1)",
        "INSERT INTO task (id, patient_id, title, state, position, priority, source, source_id, "
        "kind, dedupe_key, created_at, updated_at) VALUES "
        f"(2, 1, 'Call Ride Along', 'todo', 2048.0, 'normal', 'conference', '1', 'decision', "
        f"'conference:1:decision:1', {_STAMP}, {_STAMP})",
        "INSERT INTO conference_decision (conference_id, agenda_item_id, kind, text, "
        "owner_role, due_date, task_id, created_at) VALUES (1, 1, 'task', 'Call Ride Along', "
        f"'coordinator', '2026-01-12', 2, {_STAMP})",
    ],
}


def _index_content(ws: Workspace) -> dict[str, list[tuple]]:
    """What the search tables and counters hold (the contentless name words through their
    vocabulary), and FTS5's own check that each index agrees with its rows."""
    with ws.engine.begin() as conn:
        for table in ("patient_fts", "patient_trigram"):
            conn.exec_driver_sql(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")
        queries = {
            "fts": "SELECT rowid, names, idents, dob FROM patient_fts ORDER BY rowid",
            "trigram": "SELECT rowid, names FROM patient_trigram ORDER BY rowid",
            "stats": "SELECT * FROM patient_stats ORDER BY patient_id",
            "name_words": "SELECT term, doc, cnt FROM patient_name_vocab ORDER BY term",
        }
        return {key: [tuple(r) for r in conn.exec_driver_sql(sql)] for key, sql in queries.items()}


@pytest.fixture
def migrated_with_data(tmp_path):
    """A workspace taken back to nothing, then migrated one revision at a time with rows
    written at each, as a practice's workspace grows over the releases."""
    ws, _ = Workspace.create(tmp_path / "old", scrypt_n=TEST_SCRYPT_N)
    downgrade(ws, "base")
    for revision in revisions():
        migrate.upgrade(ws.engine, revision)
        with ws.engine.begin() as conn:
            for sql in SEED.get(revision, []):
                conn.exec_driver_sql(sql)
    assert migrate.current_revision(ws.engine) == migrate.head_revision()
    yield ws
    ws.close()


def test_a_fresh_and_a_step_by_step_migrated_database_have_the_same_schema(
    tmp_path, migrated_with_data
):
    fresh, _ = Workspace.create(tmp_path / "fresh", scrypt_n=TEST_SCRYPT_N)
    try:
        assert schema(migrated_with_data) == schema(fresh)
    finally:
        fresh.close()
    kinds = {kind for kind, *_ in schema(migrated_with_data)}
    triggers = {name for kind, name, *_ in schema(migrated_with_data) if kind == "trigger"}
    assert {"table", "index", "trigger"} <= kinds
    assert {"patient_search_au", "hospital_event_stats_ai", "patient_spelling_au"} <= triggers


def test_every_revision_has_the_same_schema_going_down_as_coming_up(tmp_path):
    ws, _ = Workspace.create(tmp_path / "ws", scrypt_n=TEST_SCRYPT_N)
    try:
        at_head = schema(ws)
        downgrade(ws, "base")
        coming_up = {}
        for revision in revisions():
            migrate.upgrade(ws.engine, revision)
            coming_up[revision] = schema(ws)
        assert coming_up[migrate.head_revision()] == at_head
        for revision in reversed(revisions()):
            downgrade(ws, revision)
            assert schema(ws) == coming_up[revision], f"downgraded to {revision}"
    finally:
        ws.close()


def test_the_live_rebuild_gives_what_the_migrations_and_triggers_built(migrated_with_data):
    from carecoord_desktop.services.patients import register as registry

    ws = migrated_with_data
    built = _index_content(ws)  # by each migration's backfill and each revision's triggers
    stats = {row[0]: row for row in built["stats"]}
    assert sorted(stats) == [1, 2, 3]  # patient 4 deleted: no row left behind
    assert [r[0] for r in built["fts"]] == [1, 2, 3]
    fts = {r[0]: r for r in built["fts"]}
    assert "OBrien" in fts[1][1] and "Quill-O'Dea Sam QuillODea" in fts[2][1]
    assert "0412345678" in fts[1][2] and "07031941" in fts[1][3]
    assert "Lee-Ng" in fts[3][1]
    # (word, patients, occurrences): each name is also indexed squeezed, so "samuel" twice.
    assert {("samuel", 1, 2), ("sam", 1, 2), ("quillodea", 1, 1)} <= set(built["name_words"])
    assert ("wiremu",) not in {r[:1] for r in built["name_words"]}
    with ws.engine.connect() as conn:
        row = conn.exec_driver_sql(
            "SELECT condition_count, medication_count, conditions_summary, has_carer, "
            "admission_1, admission_2, last_discharge, comorbidity_points "
            "FROM patient_stats WHERE patient_id = 1"
        ).one()
        points_2 = conn.exec_driver_sql(
            "SELECT comorbidity_points, has_carer, ed_visit_1 FROM patient_stats "
            "WHERE patient_id = 2"
        ).one()
    # Heart failure 1 + diabetes 1 + COPD (by name) 1; hypertension resolved at 0003.
    assert tuple(row) == (
        3, 5, "Heart failure, Type 2 diabetes mellitus +1", 1,
        "2025-11-01", "2025-06-01", "2025-11-09", 3,
    )  # fmt: skip
    assert tuple(points_2) == (6, 0, "2025-12-01")

    assert registry.rebuild_search_index(ws) == 3
    assert _index_content(ws) == built


TASK_TABLES = {
    "task", "task_comment", "task_check_item", "task_history", "care_transition",
    "transition_contact", "minutes_entry", "minutes_timer", "local_holiday",
}  # fmt: skip


def test_0011_adds_the_task_tables_beside_the_records_and_takes_only_them_away(
    migrated_with_data,
):
    ws = migrated_with_data
    assert table_names(ws) >= TASK_TABLES
    with ws.engine.connect() as conn:
        key = conn.exec_driver_sql("SELECT dedupe_key FROM task WHERE id = 1").scalar()
        assert key == "discharge:1:contact"
        dup = "INSERT INTO task (patient_id, title, state, position, priority, source, " \
              "dedupe_key, created_at, updated_at) VALUES (1, 'x', 'todo', 1, 'normal', " \
              f"'discharge', 'discharge:1:contact', {_STAMP}, {_STAMP})"  # fmt: skip
        with pytest.raises(Exception, match="UNIQUE"):
            conn.exec_driver_sql(dup)
    # 0012 and 0013 sit on 0011: they go too.
    before = table_names(ws) - TASK_TABLES - REFERRAL_TABLES - CONFERENCE_TABLES
    revs = revisions()
    downgrade(ws, revs[revs.index("0011") - 1])  # the revision 0011 sits on
    assert table_names(ws) == before
    with ws.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM patient").scalar() == 3


REFERRAL_TABLES = {
    "community_resource", "patient_resource", "referral", "referral_step", "document_share",
}  # fmt: skip


def test_0012_adds_the_referral_tables_beside_the_tasks_and_takes_only_them_away(
    migrated_with_data,
):
    ws = migrated_with_data
    assert table_names(ws) >= REFERRAL_TABLES | TASK_TABLES
    with ws.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT status FROM referral").scalar() == "sent"
        again = "INSERT INTO community_resource (name, category, active, name_key, area_key, " \
                f"created_at, updated_at) VALUES ('RIDE ALONG', 'transport', 1, 'ride along', " \
                f"'north', {_STAMP}, {_STAMP})"  # fmt: skip
        with pytest.raises(Exception, match="UNIQUE"):
            conn.exec_driver_sql(again)
    before = table_names(ws) - REFERRAL_TABLES - CONFERENCE_TABLES  # 0013 sits on 0012
    revs = revisions()
    downgrade(ws, revs[revs.index("0012") - 1])
    assert table_names(ws) == before
    assert migrate.current_revision(ws.engine) == "0011"
    with ws.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM task").scalar() == 2  # 0011 and 0013 rows


CONFERENCE_TABLES = {
    "care_conference", "conference_participant", "conference_agenda_item", "conference_decision",
}  # fmt: skip


def test_0013_adds_the_conference_tables_beside_the_referrals_and_takes_only_them_away(
    migrated_with_data,
):
    ws = migrated_with_data
    assert table_names(ws) >= CONFERENCE_TABLES | REFERRAL_TABLES | TASK_TABLES
    with ws.engine.connect() as conn:
        # A decision's task is a board task like any other: 0011's source column takes
        # "conference" as it stands (text, no CHECK).
        row = conn.exec_driver_sql(
            "SELECT d.kind, t.source, t.dedupe_key FROM conference_decision d "
            "JOIN task t ON t.id = d.task_id"
        ).one()
        assert tuple(row) == ("task", "conference", "conference:1:decision:1")
        orphan = "INSERT INTO conference_participant (conference_id, kind, name, discipline, " \
                 "attendance, position) VALUES (99, 'other', 'X', 'Y', 'invited', 0)"  # fmt: skip
        with pytest.raises(Exception, match="FOREIGN KEY"):
            conn.exec_driver_sql(orphan)
    before = table_names(ws) - CONFERENCE_TABLES
    revs = revisions()
    downgrade(ws, revs[revs.index("0013") - 1])
    assert table_names(ws) == before
    assert migrate.current_revision(ws.engine) == "0012"
    with ws.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM referral").scalar() == 1
        assert conn.exec_driver_sql("SELECT count(*) FROM task").scalar() == 2
    migrate.upgrade(ws.engine)  # and up again over the rows that stayed
    assert table_names(ws) >= CONFERENCE_TABLES
