"""Care plan knowledge shipped as data: templates (resources/careplans/templates/*.json) and
completeness rule packs (resources/careplans/packs/*.json). Pure: files in, plain data out.

A new template or a new program is a new file; nothing here names one. Each file says where
its content comes from (`source`), and a file that does not parse or lacks a required key is
refused with its file name and what is wrong, never half-loaded.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


class KnowledgeFileError(ValueError):
    """A shipped or added data file is malformed: the message names the file and the problem."""


def resources_dir() -> Path:
    """The shipped resources folder, in a checkout or a PyInstaller bundle."""
    candidates = []
    if hasattr(sys, "_MEIPASS"):
        candidates.append(Path(sys._MEIPASS) / "resources")
    candidates.append(Path(__file__).resolve().parents[3] / "resources")
    for path in candidates:
        if path.is_dir():
            return path
    raise KnowledgeFileError("The app's resources folder is missing: reinstall the app.")


@dataclass(frozen=True)
class Source:
    organisation: str  # "RACGP", "Diabetes Australia"
    title: str
    url: str = ""
    year: str = ""

    @property
    def citation(self) -> str:
        year = f" ({self.year})" if self.year else ""
        return f"{self.organisation}: {self.title}{year}"


@dataclass(frozen=True)
class Template:
    """A plan template as shipped (or as a practice's copy): `data` holds the lists in the
    file's own shape (problems, goals, interventions, patient_actions, warning_signs and the
    free-text sections); services/careplans/templates.py turns it into draft items."""

    key: str
    name: str
    version: str
    sources: tuple[Source, ...]
    snomed: tuple[str, ...]  # SNOMED CT codes of the conditions it is for
    names: tuple[str, ...]  # condition names (lower case) it is for
    data: dict
    shipped: bool = True

    @property
    def source_text(self) -> str:
        return "; ".join(s.citation for s in self.sources)


@dataclass(frozen=True)
class PackElement:
    key: str
    name: str  # as the program names it ("Measurable treatment goals")
    why: str  # what the program asks for, said to the person writing the plan
    check: dict  # the rule: {"kind": ..., ...} (services/careplans/packs.py reads it)


@dataclass(frozen=True)
class TimingRule:
    key: str
    name: str
    why: str
    check: dict


@dataclass(frozen=True)
class Pack:
    key: str  # "ccm", "gpccmp": what `--pack` takes
    name: str
    jurisdiction: str
    effective_from: str  # ISO date the program's rules apply from
    sources: tuple[Source, ...]
    elements: tuple[PackElement, ...]
    timing: tuple[TimingRule, ...] = ()


def _need(data: dict, key: str, path: Path, kind: type = str):
    value = data.get(key)
    if not isinstance(value, kind) or (kind is str and not value.strip()):
        raise KnowledgeFileError(f"{path.name}: '{key}' is missing or not a {kind.__name__}.")
    return value


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KnowledgeFileError(f"{path.name} could not be read: {exc}") from None
    if not isinstance(data, dict):
        raise KnowledgeFileError(f"{path.name}: expected an object at the top.")
    return data


def _sources(data: dict, path: Path) -> tuple[Source, ...]:
    raw = data.get("sources")
    if not isinstance(raw, list) or not raw:
        raise KnowledgeFileError(f"{path.name}: name at least one source under 'sources'.")
    out = []
    for s in raw:
        if not isinstance(s, dict):
            raise KnowledgeFileError(f"{path.name}: each source is an object.")
        out.append(
            Source(
                _need(s, "organisation", path),
                _need(s, "title", path),
                str(s.get("url", "")),
                str(s.get("year", "")),
            )
        )
    return tuple(out)


def template_from(data: dict, path: Path, *, shipped: bool = True) -> Template:
    conditions = data.get("conditions") or {}
    for name in ("problems", "goals", "interventions"):
        if not isinstance(data.get(name, []), list):
            raise KnowledgeFileError(f"{path.name}: '{name}' is a list.")
    return Template(
        key=_need(data, "key", path),
        name=_need(data, "name", path),
        version=str(data.get("version", "1")),
        sources=_sources(data, path),
        snomed=tuple(str(c) for c in conditions.get("snomed", ())),
        names=tuple(str(n).lower() for n in conditions.get("names", ())),
        data=data,
        shipped=shipped,
    )


def _pack_from(data: dict, path: Path) -> Pack:
    def items(name: str, cls):
        raw = data.get(name, [])
        if not isinstance(raw, list):
            raise KnowledgeFileError(f"{path.name}: '{name}' is a list.")
        out = []
        for e in raw:
            check = e.get("check") if isinstance(e, dict) else None
            if not isinstance(check, dict) or "kind" not in check:
                raise KnowledgeFileError(
                    f"{path.name}: each of '{name}' has a 'check' with a kind."
                )
            out.append(
                cls(_need(e, "key", path), _need(e, "name", path), str(e.get("why", "")), check)
            )
        return tuple(out)

    elements = items("elements", PackElement)
    if not elements:
        raise KnowledgeFileError(f"{path.name}: a pack lists its 'elements'.")
    return Pack(
        key=_need(data, "key", path),
        name=_need(data, "name", path),
        jurisdiction=str(data.get("jurisdiction", "")),
        effective_from=str(data.get("effective_from", "")),
        sources=_sources(data, path),
        elements=elements,
        timing=items("timing", TimingRule),
    )


def _folder(root: Path | None, name: str) -> Path:
    return (root or resources_dir()) / "careplans" / name


def _load_all(folder: Path, build) -> dict:
    out: dict = {}
    for path in sorted(folder.glob("*.json")):
        item = build(_read(path), path)
        if item.key in out:
            raise KnowledgeFileError(f"{path.name}: the key '{item.key}' is used twice.")
        out[item.key] = item
    return out


@lru_cache(maxsize=8)
def load_templates(root: Path | None = None) -> dict[str, Template]:
    """The shipped templates by key (`root`: another resources folder, for tests)."""
    return _load_all(_folder(root, "templates"), template_from)


@lru_cache(maxsize=8)
def load_packs(root: Path | None = None) -> dict[str, Pack]:
    """The completeness rule packs by key (`root`: another resources folder, for tests)."""
    return _load_all(_folder(root, "packs"), _pack_from)
