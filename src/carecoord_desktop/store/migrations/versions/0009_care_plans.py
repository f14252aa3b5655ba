"""care plans: the plan and its lists, saved versions, autosaved drafts, observations, templates

Revision ID: 0009
Revises: 0008

A plan is one `care_plan` row (status, period, intensity, the free-text sections, review
schedule, agreement) with its lists in child tables keyed by `plan_id`; every list item has a
`uid` that stays the same across versions (diffs match items by it). Every saved version is a
`care_plan_revision` row holding the whole plan as JSON. `care_plan_autosave` keeps one working
draft per plan per user inside the encrypted database. `observation` holds measured values
(HbA1c, BP, ...) for a patient, optionally for one goal. `care_plan_template` holds the
practice's own copies of the shipped templates.

`ix_care_plan_patient_status_review` lets the Patients screen's "next review" column and its
"review overdue" / "no care plan yet" filters read the index alone at 100k patients.

The SQL is written out as literals: this revision is frozen as written, whatever later code
does.
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

UPGRADE = (
    "CREATE TABLE care_plan ( "
    "id INTEGER NOT NULL, "
    "version INTEGER DEFAULT '1' NOT NULL, "
    "patient_id INTEGER NOT NULL, "
    "title VARCHAR(200) NOT NULL, "
    "status VARCHAR(16) NOT NULL, "
    "period_start DATE, "
    "period_end DATE, "
    "author_id INTEGER, "
    "intensity VARCHAR(16) NOT NULL, "
    "expected_outcome VARCHAR(4000) NOT NULL, "
    "prognosis VARCHAR(4000) NOT NULL, "
    "medication_notes VARCHAR(4000) NOT NULL, "
    "symptom_management VARCHAR(4000) NOT NULL, "
    "community_services VARCHAR(4000) NOT NULL, "
    "coordination VARCHAR(4000) NOT NULL, "
    "preferences VARCHAR(4000) NOT NULL, "
    "cultural_considerations VARCHAR(4000) NOT NULL, "
    "review_interval_weeks INTEGER, "
    "review_arrangements VARCHAR(4000) NOT NULL, "
    "last_review_on DATE, "
    "next_review_on DATE, "
    "agreed_by VARCHAR(200) NOT NULL, "
    "agreed_on DATE, "
    "agreed_how VARCHAR(200) NOT NULL, "
    "copy_offered BOOLEAN NOT NULL, "
    "template_keys VARCHAR(500) NOT NULL, "
    "revision INTEGER NOT NULL, "
    "created_at DATETIME NOT NULL, "
    "updated_at DATETIME NOT NULL, "
    "updated_by_id INTEGER, "
    "PRIMARY KEY (id), "
    "FOREIGN KEY(patient_id) REFERENCES patient (id), "
    "FOREIGN KEY(author_id) REFERENCES staff_user (id), "
    "FOREIGN KEY(updated_by_id) REFERENCES staff_user (id)"
    ")",
    "CREATE INDEX ix_care_plan_patient_status_review ON care_plan (patient_id, status, next_review_on)",
    "CREATE INDEX ix_care_plan_status_review ON care_plan (status, next_review_on, patient_id)",
    "CREATE TABLE care_plan_problem ( "
    "id INTEGER NOT NULL, "
    "version INTEGER DEFAULT '1' NOT NULL, "
    "plan_id INTEGER NOT NULL, "
    "uid VARCHAR(36) NOT NULL, "
    "position INTEGER NOT NULL, "
    "condition_id INTEGER, "
    "description VARCHAR(500) NOT NULL, "
    "notes VARCHAR(4000) NOT NULL, "
    "PRIMARY KEY (id), "
    "FOREIGN KEY(plan_id) REFERENCES care_plan (id), "
    "FOREIGN KEY(condition_id) REFERENCES condition (id)"
    ")",
    "CREATE INDEX ix_care_plan_problem_plan_id ON care_plan_problem (plan_id)",
    "CREATE TABLE care_plan_goal ( "
    "id INTEGER NOT NULL, "
    "version INTEGER DEFAULT '1' NOT NULL, "
    "plan_id INTEGER NOT NULL, "
    "uid VARCHAR(36) NOT NULL, "
    "position INTEGER NOT NULL, "
    "problem_uid VARCHAR(36), "
    "patient_words VARCHAR(500) NOT NULL, "
    "measure VARCHAR(200) NOT NULL, "
    "measure_kind VARCHAR(16) NOT NULL, "
    "target_value FLOAT, "
    "target_unit VARCHAR(40) NOT NULL, "
    "target_direction VARCHAR(8) NOT NULL, "
    "due_on DATE, "
    "status VARCHAR(16) NOT NULL, "
    "priority VARCHAR(8) NOT NULL, "
    "PRIMARY KEY (id), "
    "FOREIGN KEY(plan_id) REFERENCES care_plan (id)"
    ")",
    "CREATE INDEX ix_care_plan_goal_plan_id ON care_plan_goal (plan_id)",
    "CREATE INDEX ix_care_plan_goal_uid ON care_plan_goal (uid)",
    "CREATE TABLE care_plan_intervention ( "
    "id INTEGER NOT NULL, "
    "version INTEGER DEFAULT '1' NOT NULL, "
    "plan_id INTEGER NOT NULL, "
    "uid VARCHAR(36) NOT NULL, "
    "position INTEGER NOT NULL, "
    "problem_uid VARCHAR(36), "
    "goal_uid VARCHAR(36), "
    "what VARCHAR(500) NOT NULL, "
    "responsible_kind VARCHAR(16) NOT NULL, "
    "responsible_staff_id INTEGER, "
    "responsible_role VARCHAR(80) NOT NULL, "
    "responsible_member_id INTEGER, "
    "frequency VARCHAR(120) NOT NULL, "
    "status VARCHAR(16) NOT NULL, "
    "is_service BOOLEAN NOT NULL, "
    "PRIMARY KEY (id), "
    "FOREIGN KEY(plan_id) REFERENCES care_plan (id), "
    "FOREIGN KEY(responsible_staff_id) REFERENCES staff_user (id), "
    "FOREIGN KEY(responsible_member_id) REFERENCES care_team_member (id)"
    ")",
    "CREATE INDEX ix_care_plan_intervention_plan_id ON care_plan_intervention (plan_id)",
    "CREATE TABLE care_plan_action ( "
    "id INTEGER NOT NULL, "
    "version INTEGER DEFAULT '1' NOT NULL, "
    "plan_id INTEGER NOT NULL, "
    "uid VARCHAR(36) NOT NULL, "
    "position INTEGER NOT NULL, "
    "goal_uid VARCHAR(36), "
    "text VARCHAR(500) NOT NULL, "
    "frequency VARCHAR(120) NOT NULL, "
    "PRIMARY KEY (id), "
    "FOREIGN KEY(plan_id) REFERENCES care_plan (id)"
    ")",
    "CREATE INDEX ix_care_plan_action_plan_id ON care_plan_action (plan_id)",
    "CREATE TABLE care_plan_warning_sign ( "
    "id INTEGER NOT NULL, "
    "version INTEGER DEFAULT '1' NOT NULL, "
    "plan_id INTEGER NOT NULL, "
    "uid VARCHAR(36) NOT NULL, "
    "position INTEGER NOT NULL, "
    "sign VARCHAR(500) NOT NULL, "
    "action VARCHAR(500) NOT NULL, "
    "who_to_call VARCHAR(200) NOT NULL, "
    "phone VARCHAR(32) NOT NULL, "
    "urgent BOOLEAN NOT NULL, "
    "PRIMARY KEY (id), "
    "FOREIGN KEY(plan_id) REFERENCES care_plan (id)"
    ")",
    "CREATE INDEX ix_care_plan_warning_sign_plan_id ON care_plan_warning_sign (plan_id)",
    "CREATE TABLE care_plan_intensity_change ( "
    "id INTEGER NOT NULL, "
    "version INTEGER DEFAULT '1' NOT NULL, "
    "plan_id INTEGER NOT NULL, "
    "at DATETIME NOT NULL, "
    "by_id INTEGER, "
    "from_intensity VARCHAR(16), "
    "to_intensity VARCHAR(16) NOT NULL, "
    "reason VARCHAR(500) NOT NULL, "
    "PRIMARY KEY (id), "
    "FOREIGN KEY(plan_id) REFERENCES care_plan (id), "
    "FOREIGN KEY(by_id) REFERENCES staff_user (id)"
    ")",
    "CREATE INDEX ix_care_plan_intensity_change_plan_id ON care_plan_intensity_change (plan_id)",
    "CREATE TABLE care_plan_copy ( "
    "id INTEGER NOT NULL, "
    "version INTEGER DEFAULT '1' NOT NULL, "
    "plan_id INTEGER NOT NULL, "
    "recipient_kind VARCHAR(16) NOT NULL, "
    "recipient VARCHAR(200) NOT NULL, "
    "given_on DATE NOT NULL, "
    "method VARCHAR(40) NOT NULL, "
    "plan_revision INTEGER NOT NULL, "
    "recorded_by_id INTEGER, "
    "recorded_at DATETIME NOT NULL, "
    "PRIMARY KEY (id), "
    "FOREIGN KEY(plan_id) REFERENCES care_plan (id), "
    "FOREIGN KEY(recorded_by_id) REFERENCES staff_user (id)"
    ")",
    "CREATE INDEX ix_care_plan_copy_plan_id ON care_plan_copy (plan_id)",
    "CREATE TABLE care_plan_revision ( "
    "id INTEGER NOT NULL, "
    "version INTEGER DEFAULT '1' NOT NULL, "
    "plan_id INTEGER NOT NULL, "
    "number INTEGER NOT NULL, "
    "kind VARCHAR(16) NOT NULL, "
    "saved_at DATETIME NOT NULL, "
    "saved_by_id INTEGER, "
    "summary VARCHAR NOT NULL, "
    "reason VARCHAR(4000) NOT NULL, "
    "snapshot VARCHAR NOT NULL, "
    "PRIMARY KEY (id), "
    "CONSTRAINT uq_care_plan_revision UNIQUE (plan_id, number), "
    "FOREIGN KEY(plan_id) REFERENCES care_plan (id), "
    "FOREIGN KEY(saved_by_id) REFERENCES staff_user (id)"
    ")",
    "CREATE INDEX ix_care_plan_revision_plan_id ON care_plan_revision (plan_id)",
    "CREATE TABLE care_plan_autosave ( "
    "id INTEGER NOT NULL, "
    "version INTEGER DEFAULT '1' NOT NULL, "
    "plan_id INTEGER NOT NULL, "
    "user_id INTEGER NOT NULL, "
    "base_version INTEGER NOT NULL, "
    "saved_at DATETIME NOT NULL, "
    "payload VARCHAR NOT NULL, "
    "PRIMARY KEY (id), "
    "CONSTRAINT uq_care_plan_autosave UNIQUE (plan_id, user_id), "
    "FOREIGN KEY(plan_id) REFERENCES care_plan (id), "
    "FOREIGN KEY(user_id) REFERENCES staff_user (id)"
    ")",
    "CREATE INDEX ix_care_plan_autosave_plan_id ON care_plan_autosave (plan_id)",
    "CREATE TABLE observation ( "
    "id INTEGER NOT NULL, "
    "version INTEGER DEFAULT '1' NOT NULL, "
    "patient_id INTEGER NOT NULL, "
    "goal_uid VARCHAR(36), "
    "kind VARCHAR(16) NOT NULL, "
    "label VARCHAR(120) NOT NULL, "
    "value FLOAT NOT NULL, "
    "unit VARCHAR(40) NOT NULL, "
    "observed_on DATE NOT NULL, "
    "note VARCHAR(500) NOT NULL, "
    "recorded_by_id INTEGER, "
    "recorded_at DATETIME NOT NULL, "
    "PRIMARY KEY (id), "
    "FOREIGN KEY(patient_id) REFERENCES patient (id), "
    "FOREIGN KEY(recorded_by_id) REFERENCES staff_user (id)"
    ")",
    "CREATE INDEX ix_observation_patient_kind_on ON observation (patient_id, kind, observed_on)",
    "CREATE TABLE care_plan_template ( "
    "id INTEGER NOT NULL, "
    "version INTEGER DEFAULT '1' NOT NULL, "
    '"key" VARCHAR(64) NOT NULL, '
    "name VARCHAR(200) NOT NULL, "
    "based_on VARCHAR(64), "
    "data VARCHAR NOT NULL, "
    "retired BOOLEAN NOT NULL, "
    "created_at DATETIME NOT NULL, "
    "updated_at DATETIME NOT NULL, "
    "updated_by_id INTEGER, "
    "PRIMARY KEY (id), "
    'UNIQUE ("key"), '
    "FOREIGN KEY(updated_by_id) REFERENCES staff_user (id)"
    ")",
)
DOWNGRADE = tuple(
    f'DROP TABLE "{name}"'
    for name in (
        "care_plan_template",
        "observation",
        "care_plan_autosave",
        "care_plan_revision",
        "care_plan_copy",
        "care_plan_intensity_change",
        "care_plan_warning_sign",
        "care_plan_action",
        "care_plan_intervention",
        "care_plan_goal",
        "care_plan_problem",
        "care_plan",
    )
)


def upgrade() -> None:
    for sql in UPGRADE:
        op.execute(sql)


def downgrade() -> None:
    for sql in DOWNGRADE:
        op.execute(sql)
