"""referrals: the community resources directory, resources linked to patients and plan
interventions, referrals with the history of their steps, and the sharing record

Revision ID: 0012
Revises: 0011

New tables only; nothing existing changes. A resource's folded name and area are unique
together (the CSV import refuses a second entry for the same service). Referrals are read by
patient and status (the record's tab) and by status and sent date (the practice's open list
and the chase sweep), so both have an index led by those columns.

The SQL is written out as literals: this revision is frozen as written, whatever later code
does.
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

UPGRADE = (
    (
        "CREATE TABLE community_resource (id INTEGER NOT NULL, version INTEGER DEFAULT '1' NOT "
        "NULL, name VARCHAR(120) NOT NULL, category VARCHAR(24) NOT NULL, organisation "
        "VARCHAR(120), phone VARCHAR(32), email VARCHAR(120), website VARCHAR(200), address "
        "VARCHAR(200), area VARCHAR(80), eligibility VARCHAR(500), hours VARCHAR(200), cost "
        "VARCHAR(200), notes VARCHAR(1000), active BOOLEAN NOT NULL, name_key VARCHAR(120) NOT "
        "NULL, area_key VARCHAR(80) NOT NULL, created_by_id INTEGER, created_at DATETIME NOT "
        "NULL, updated_at DATETIME NOT NULL, PRIMARY KEY (id), FOREIGN KEY(created_by_id) "
        "REFERENCES staff_user (id))"
    ),
    ("CREATE INDEX ix_community_resource_active_category ON community_resource (active, category)"),
    (
        "CREATE UNIQUE INDEX ix_community_resource_name_area ON community_resource (name_key, "
        "area_key)"
    ),
    (
        "CREATE TABLE patient_resource (id INTEGER NOT NULL, version INTEGER DEFAULT '1' NOT "
        "NULL, patient_id INTEGER NOT NULL, resource_id INTEGER NOT NULL, plan_id INTEGER, "
        "intervention_uid VARCHAR(36), notes VARCHAR(500), linked_by_id INTEGER, linked_at "
        "DATETIME NOT NULL, PRIMARY KEY (id), FOREIGN KEY(patient_id) REFERENCES patient (id), "
        "FOREIGN KEY(resource_id) REFERENCES community_resource (id), FOREIGN KEY(plan_id) "
        "REFERENCES care_plan (id), FOREIGN KEY(linked_by_id) REFERENCES staff_user (id))"
    ),
    (
        "CREATE UNIQUE INDEX ix_patient_resource_patient ON patient_resource (patient_id, "
        "resource_id)"
    ),
    "CREATE INDEX ix_patient_resource_resource_id ON patient_resource (resource_id)",
    (
        "CREATE TABLE referral (id INTEGER NOT NULL, version INTEGER DEFAULT '1' NOT NULL, "
        "patient_id INTEGER NOT NULL, recipient_kind VARCHAR(16) NOT NULL, care_team_member_id "
        "INTEGER, resource_id INTEGER, recipient_name VARCHAR(120) NOT NULL, recipient_detail "
        "VARCHAR(200), reason VARCHAR(2000) NOT NULL, urgency VARCHAR(16) NOT NULL, plan_id "
        "INTEGER, goal_uid VARCHAR(36), status VARCHAR(24) NOT NULL, status_on DATE NOT NULL, "
        "sent_on DATE, sent_via VARCHAR(24), outcome VARCHAR(500), referrer_id INTEGER, "
        "created_by_id INTEGER, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL, "
        "PRIMARY KEY (id), FOREIGN KEY(patient_id) REFERENCES patient (id), FOREIGN "
        "KEY(care_team_member_id) REFERENCES care_team_member (id), FOREIGN KEY(resource_id) "
        "REFERENCES community_resource (id), FOREIGN KEY(plan_id) REFERENCES care_plan (id), "
        "FOREIGN KEY(referrer_id) REFERENCES staff_user (id), FOREIGN KEY(created_by_id) "
        "REFERENCES staff_user (id))"
    ),
    "CREATE INDEX ix_referral_patient_status ON referral (patient_id, status)",
    "CREATE INDEX ix_referral_status_sent ON referral (status, sent_on)",
    (
        "CREATE TABLE referral_step (id INTEGER NOT NULL, version INTEGER DEFAULT '1' NOT NULL,"
        " referral_id INTEGER NOT NULL, status VARCHAR(24) NOT NULL, step_on DATE NOT NULL, at "
        "DATETIME NOT NULL, actor_id INTEGER, actor_name VARCHAR(120) NOT NULL, note "
        "VARCHAR(500), PRIMARY KEY (id), FOREIGN KEY(referral_id) REFERENCES referral (id), "
        "FOREIGN KEY(actor_id) REFERENCES staff_user (id))"
    ),
    "CREATE INDEX ix_referral_step_referral_id ON referral_step (referral_id)",
    (
        "CREATE TABLE document_share (id INTEGER NOT NULL, version INTEGER DEFAULT '1' NOT "
        "NULL, patient_id INTEGER NOT NULL, document VARCHAR(40) NOT NULL, record_type "
        "VARCHAR(40) NOT NULL, record_id INTEGER, recipient VARCHAR(120) NOT NULL, method "
        "VARCHAR(24) NOT NULL, shared_at DATETIME NOT NULL, shared_by_id INTEGER, "
        "shared_by_name VARCHAR(120) NOT NULL, PRIMARY KEY (id), FOREIGN KEY(patient_id) "
        "REFERENCES patient (id), FOREIGN KEY(shared_by_id) REFERENCES staff_user (id))"
    ),
    "CREATE INDEX ix_document_share_patient_at ON document_share (patient_id, shared_at)",
)

DOWNGRADE = (
    "DROP TABLE document_share",
    "DROP TABLE referral_step",
    "DROP TABLE referral",
    "DROP TABLE patient_resource",
    "DROP TABLE community_resource",
)


def upgrade() -> None:
    for sql in UPGRADE:
        op.execute(sql)


def downgrade() -> None:
    for sql in DOWNGRADE:
        op.execute(sql)
