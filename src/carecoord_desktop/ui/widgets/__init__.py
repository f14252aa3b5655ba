"""Widgets with no feature knowledge: form kit, date field, tables, table models."""
