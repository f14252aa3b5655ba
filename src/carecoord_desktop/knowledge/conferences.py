"""Care conference rule packs shipped as data (resources/conferences/packs/*.json), in the
same shape as the care plan packs: key, name, jurisdiction, sources with URLs, and elements
each with a `check` (services/conferences/rules.py reads it). Pure: files in, plain data out.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from carecoord_desktop.knowledge.careplans import (
    KnowledgeFileError,
    Pack,
    _load_all,
    _pack_from,
    resources_dir,
)

DEFAULT_PACK = "case_conference"


@lru_cache(maxsize=8)
def load_conference_packs(root: Path | None = None) -> dict[str, Pack]:
    """The conference rule packs by key (`root`: another resources folder, for tests)."""
    return _load_all((root or resources_dir()) / "conferences" / "packs", _pack_from)


def conference_pack(key: str = DEFAULT_PACK, root: Path | None = None) -> Pack:
    packs = load_conference_packs(root)
    if key not in packs:
        raise KnowledgeFileError(f"There is no conference rule pack '{key}'.")
    return packs[key]


__all__ = ["DEFAULT_PACK", "conference_pack", "load_conference_packs"]
