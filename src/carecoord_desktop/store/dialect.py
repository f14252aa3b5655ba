"""SQLite spellings of the SQL pieces services need beyond what every database writes the same.

Services build their queries from these functions rather than writing `json_each` or
`julianday` themselves, so a store for another database (PostgreSQL for a practice with several
workstations) would provide this module and store/search_sql.py, and services would not change.
"""

from __future__ import annotations

import json
from collections.abc import Iterable


def id_list(param: str) -> str:
    """A subquery of the integer ids passed as one parameter (see id_list_value)."""
    return f"(SELECT value FROM json_each(:{param}))"


def id_list_value(ids: Iterable[int]) -> str:
    """The parameter value for id_list: any number of ids in one bound value."""
    return json.dumps([int(i) for i in ids])


def day_number(expr: str) -> str:
    """An ISO date (text) as a number of days, for ordering by it in either direction."""
    return f"julianday({expr})"


def as_int(condition: str) -> str:
    """A condition as 0 or 1, to add up in a score (SQLite's comparisons already are)."""
    return f"({condition})"


def least(a: str, b: str) -> str:
    """The smaller of two values (SQLite's two-argument min)."""
    return f"min({a}, {b})"
