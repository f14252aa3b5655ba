"""The encrypted workspace: engine, keys, migrations, backups."""
