"""spelling search and Charlson-weighted risk: a vocabulary of name words; comorbidity points

Revision ID: 0007
Revises: 0006_allergy_status

patient_name_words  FTS5 over each patient's name words, the same text as patient_fts's `names`
                    column (given, family, preferred and previous names, also without
                    apostrophes and hyphens). Contentless (nothing is stored twice); with
                    contentless_delete a row is removed by rowid alone.
patient_name_vocab  fts5vocab over it: the distinct name words of the register with the number
                    of patients holding each. The search's spelling fallback compares a typed
                    word with these (services/patient_search.py), not with every patient.
charlson_condition  the Charlson comorbidity index's conditions and weights (Charlson ME, Pompei P,
                    Ales KL, MacKenzie CR. J Chronic Dis 1987;40(5):373-383), keyed by SNOMED CT
                    code or by the lower-case condition name for conditions recorded without a
                    code. Each category counts once, at its highest weight (diabetes with
                    end-organ damage 2 supersedes diabetes 1; metastatic tumour 6 supersedes
                    any tumour 2).
patient_stats.comorbidity_points  the sum over the patient's active conditions, kept by triggers
                    on condition.

The SQL is written out as literals: this revision is frozen as written, whatever later code
does. The live rebuild (`carecoord check --reindex`) is store/search_sql.py; tests check that it
reproduces what these triggers keep.
"""

from alembic import op

revision = "0007"
down_revision = "0006_allergy_status"
branch_labels = None
depends_on = None

NAME_WORDS_TABLE = (
    "CREATE VIRTUAL TABLE patient_name_words USING fts5(names, content = '', "
    "contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2')"
)
NAME_VOCAB_TABLE = (
    "CREATE VIRTUAL TABLE patient_name_vocab USING fts5vocab(patient_name_words, 'row')"
)
NAME_WORDS_FILL = (
    "INSERT INTO patient_name_words (rowid, names) SELECT p.id, p.given_name || ' ' || "
    "p.family_name || ' ' || coalesce(p.preferred_name, '') || ' ' || "
    "replace(replace(replace(p.family_name, '''', ''), '-', ''), '\u2019', '') || ' ' || "
    "replace(replace(replace(p.given_name, '''', ''), '-', ''), '\u2019', '') || coalesce(' ' || "
    "p.previous_names || ' ' || replace(replace(replace(p.previous_names, '''', ''), '-', ''), "
    "'\u2019', ''), '') FROM patient p"
)
NAME_WORDS_TRIGGERS = (
    (
        "CREATE TRIGGER patient_spelling_ai AFTER INSERT ON patient BEGIN INSERT INTO "
        "patient_name_words (rowid, names) VALUES (NEW.id, NEW.given_name || ' ' || "
        "NEW.family_name || ' ' || coalesce(NEW.preferred_name, '') || ' ' || "
        "replace(replace(replace(NEW.family_name, '''', ''), '-', ''), '\u2019', '') || ' ' || "
        "replace(replace(replace(NEW.given_name, '''', ''), '-', ''), '\u2019', '') || coalesce(' "
        "' || NEW.previous_names || ' ' || replace(replace(replace(NEW.previous_names, '''', ''), "
        "'-', ''), '\u2019', ''), '')); END"
    ),
    (
        "CREATE TRIGGER patient_spelling_au AFTER UPDATE OF id, given_name, family_name, "
        "preferred_name, previous_names ON patient BEGIN DELETE FROM patient_name_words WHERE "
        "rowid = OLD.id; INSERT INTO patient_name_words (rowid, names) VALUES (NEW.id, "
        "NEW.given_name || ' ' || NEW.family_name || ' ' || coalesce(NEW.preferred_name, '') || ' "
        "' || replace(replace(replace(NEW.family_name, '''', ''), '-', ''), '\u2019', '') || ' ' "
        "|| replace(replace(replace(NEW.given_name, '''', ''), '-', ''), '\u2019', '') || "
        "coalesce(' ' || NEW.previous_names || ' ' || replace(replace(replace(NEW.previous_names, "
        "'''', ''), '-', ''), '\u2019', ''), '')); END"
    ),
    (
        "CREATE TRIGGER patient_spelling_ad AFTER DELETE ON patient BEGIN DELETE FROM "
        "patient_name_words WHERE rowid = OLD.id; END"
    ),
)

# (key, category, weight): key is a SNOMED CT code, or "name:" and the condition's name in
# lower case for a condition recorded without a code.
CHARLSON: tuple[tuple[str, str, int], ...] = (
    ("22298006", "Myocardial infarction", 1),
    ("399211009", "Myocardial infarction", 1),
    ("name:myocardial infarction", "Myocardial infarction", 1),
    ("name:heart attack", "Myocardial infarction", 1),
    ("84114007", "Congestive heart failure", 1),
    ("42343007", "Congestive heart failure", 1),
    ("name:heart failure", "Congestive heart failure", 1),
    ("name:congestive heart failure", "Congestive heart failure", 1),
    ("name:congestive cardiac failure", "Congestive heart failure", 1),
    ("name:chronic heart failure", "Congestive heart failure", 1),
    ("400047006", "Peripheral vascular disease", 1),
    ("name:peripheral vascular disease", "Peripheral vascular disease", 1),
    ("name:peripheral arterial disease", "Peripheral vascular disease", 1),
    ("230690007", "Cerebrovascular disease", 1),
    ("62914000", "Cerebrovascular disease", 1),
    ("266257000", "Cerebrovascular disease", 1),
    ("name:stroke", "Cerebrovascular disease", 1),
    ("name:cerebrovascular disease", "Cerebrovascular disease", 1),
    ("name:transient ischaemic attack", "Cerebrovascular disease", 1),
    ("52448006", "Dementia", 1),
    ("26929004", "Dementia", 1),
    ("name:dementia", "Dementia", 1),
    ("name:alzheimer's disease", "Dementia", 1),
    ("13645005", "Chronic pulmonary disease", 1),
    ("195967001", "Chronic pulmonary disease", 1),
    ("name:chronic obstructive pulmonary disease", "Chronic pulmonary disease", 1),
    ("name:copd", "Chronic pulmonary disease", 1),
    ("name:asthma", "Chronic pulmonary disease", 1),
    ("name:emphysema", "Chronic pulmonary disease", 1),
    ("69896004", "Connective tissue disease", 1),
    ("55464009", "Connective tissue disease", 1),
    ("name:rheumatoid arthritis", "Connective tissue disease", 1),
    ("name:systemic lupus erythematosus", "Connective tissue disease", 1),
    ("13200003", "Peptic ulcer disease", 1),
    ("name:peptic ulcer", "Peptic ulcer disease", 1),
    ("19943007", "Liver disease", 1),
    ("name:cirrhosis of liver", "Liver disease", 1),
    ("44054006", "Diabetes", 1),
    ("46635009", "Diabetes", 1),
    ("73211009", "Diabetes", 1),
    ("name:type 2 diabetes mellitus", "Diabetes", 1),
    ("name:type 1 diabetes mellitus", "Diabetes", 1),
    ("name:diabetes mellitus", "Diabetes", 1),
    ("name:type 2 diabetes", "Diabetes", 1),
    ("name:diabetes", "Diabetes", 1),
    ("127013003", "Diabetes", 2),  # with end-organ damage: kidney
    ("4855003", "Diabetes", 2),  # with end-organ damage: retina
    ("50582007", "Hemiplegia", 2),
    ("name:hemiplegia", "Hemiplegia", 2),
    ("name:paraplegia", "Hemiplegia", 2),
    ("709044004", "Renal disease", 2),
    ("46177005", "Renal disease", 2),
    ("name:chronic kidney disease", "Renal disease", 2),
    ("name:end stage renal disease", "Renal disease", 2),
    ("363346000", "Tumour, leukaemia or lymphoma", 2),
    ("93143009", "Tumour, leukaemia or lymphoma", 2),
    ("118600007", "Tumour, leukaemia or lymphoma", 2),
    ("128462008", "Tumour, leukaemia or lymphoma", 6),  # metastatic
    ("86406008", "AIDS", 6),
    ("62479008", "AIDS", 6),
)
CHARLSON_TABLE = (
    "CREATE TABLE charlson_condition (key VARCHAR NOT NULL PRIMARY KEY, "
    "category VARCHAR NOT NULL, weight INTEGER NOT NULL)"
)
POINTS_FILL = (
    "UPDATE patient_stats SET comorbidity_points = coalesce((SELECT sum(points) FROM (SELECT "
    "max(w.weight) AS points FROM condition c JOIN charlson_condition w ON w.key IN (c.code, "
    "'name:' || lower(trim(c.display))) WHERE c.patient_id = patient_stats.patient_id AND "
    "c.status = 'active' GROUP BY w.category)), 0)"
)
POINTS_TRIGGERS = (
    (
        "CREATE TRIGGER condition_charlson_ai AFTER INSERT ON condition BEGIN INSERT OR IGNORE "
        "INTO patient_stats (patient_id) SELECT id FROM patient WHERE id = NEW.patient_id;UPDATE "
        "patient_stats SET comorbidity_points = coalesce((SELECT sum(points) FROM (SELECT "
        "max(w.weight) AS points FROM condition c JOIN charlson_condition w ON w.key IN (c.code, "
        "'name:' || lower(trim(c.display))) WHERE c.patient_id = NEW.patient_id AND c.status = "
        "'active' GROUP BY w.category)), 0) WHERE patient_id = NEW.patient_id; END"
    ),
    (
        "CREATE TRIGGER condition_charlson_au AFTER UPDATE ON condition BEGIN INSERT OR IGNORE "
        "INTO patient_stats (patient_id) SELECT id FROM patient WHERE id = OLD.patient_id;UPDATE "
        "patient_stats SET comorbidity_points = coalesce((SELECT sum(points) FROM (SELECT "
        "max(w.weight) AS points FROM condition c JOIN charlson_condition w ON w.key IN (c.code, "
        "'name:' || lower(trim(c.display))) WHERE c.patient_id = OLD.patient_id AND c.status = "
        "'active' GROUP BY w.category)), 0) WHERE patient_id = OLD.patient_id;INSERT OR IGNORE "
        "INTO patient_stats (patient_id) SELECT id FROM patient WHERE id = NEW.patient_id;UPDATE "
        "patient_stats SET comorbidity_points = coalesce((SELECT sum(points) FROM (SELECT "
        "max(w.weight) AS points FROM condition c JOIN charlson_condition w ON w.key IN (c.code, "
        "'name:' || lower(trim(c.display))) WHERE c.patient_id = NEW.patient_id AND c.status = "
        "'active' GROUP BY w.category)), 0) WHERE patient_id = NEW.patient_id; END"
    ),
    (
        "CREATE TRIGGER condition_charlson_ad AFTER DELETE ON condition BEGIN INSERT OR IGNORE "
        "INTO patient_stats (patient_id) SELECT id FROM patient WHERE id = OLD.patient_id;UPDATE "
        "patient_stats SET comorbidity_points = coalesce((SELECT sum(points) FROM (SELECT "
        "max(w.weight) AS points FROM condition c JOIN charlson_condition w ON w.key IN (c.code, "
        "'name:' || lower(trim(c.display))) WHERE c.patient_id = OLD.patient_id AND c.status = "
        "'active' GROUP BY w.category)), 0) WHERE patient_id = OLD.patient_id; END"
    ),
)
TRIGGER_NAMES = (
    "patient_spelling_ai",
    "patient_spelling_au",
    "patient_spelling_ad",
    "condition_charlson_ai",
    "condition_charlson_au",
    "condition_charlson_ad",
)


def upgrade() -> None:
    op.execute(NAME_WORDS_TABLE)
    op.execute(NAME_VOCAB_TABLE)
    op.execute(NAME_WORDS_FILL)
    for sql in NAME_WORDS_TRIGGERS:
        op.execute(sql)
    op.execute(CHARLSON_TABLE)
    op.get_bind().exec_driver_sql(
        "INSERT INTO charlson_condition (key, category, weight) VALUES (?, ?, ?)", list(CHARLSON)
    )
    op.execute("ALTER TABLE patient_stats ADD COLUMN comorbidity_points INTEGER NOT NULL DEFAULT 0")
    op.execute(POINTS_FILL)
    for sql in POINTS_TRIGGERS:
        op.execute(sql)


def downgrade() -> None:
    for name in TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("ALTER TABLE patient_stats DROP COLUMN comorbidity_points")
    op.execute("DROP TABLE IF EXISTS charlson_condition")
    op.execute("DROP TABLE IF EXISTS patient_name_vocab")
    op.execute("DROP TABLE IF EXISTS patient_name_words")
