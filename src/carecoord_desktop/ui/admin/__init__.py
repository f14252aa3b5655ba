"""The Admin screen: users, practice settings, the audit log."""
