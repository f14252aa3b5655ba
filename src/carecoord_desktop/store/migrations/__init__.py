"""Alembic revisions of the workspace schema, run from code at open (store/migrate.py).

A revision is history: it holds the SQL it ran as literals and imports nothing of the
application (only Alembic, SQLAlchemy and sqlmodel's column types), so today's code can change
without changing what an old upgrade does. Live code never imports a revision; the search
index's live SQL is store/search_sql.py. A revision that changes a trigger's text changes
search_sql.py to match (tests/store/test_migrations.py checks the rebuild against the triggers;
tests/test_architecture.py checks the imports).
"""
