"""PySide6 screens. They receive services' results and never touch the database."""
