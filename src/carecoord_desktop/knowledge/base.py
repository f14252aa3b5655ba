"""The shipped drug knowledge base: compact files under resources/knowledge/, loaded once, lazily.

Files (built by tools/build_drug_kb.py; see tools/README.md and resources/knowledge/SOURCES.md):
- manifest.json      sources with licence and version, build date, counts, file checksums
- names.tsv          name (lower case) -> ingredient keys (";"), source code
- ingredients.tsv    ingredient key -> display name (the practice's name), classes (";")
- classes.tsv        class -> whether two different drugs of it count as a duplicate, source
- interactions.json  curated rules: two member lists, severity, mechanism, advice, source

Loading reads plain text into dicts (no pickle, no package of drug data at run time): the goal is
<= 150 ms and <= 30 MB. `knowledge_base()` returns the one shared instance.
"""

from __future__ import annotations

import json
import sys
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

SEVERITY_ORDER = {"contraindicated": 0, "major": 1, "moderate": 2, "minor": 3}


class KnowledgeBaseError(RuntimeError):
    """The shipped data is missing or damaged (reinstall, or run tools/build_drug_kb.py)."""


@dataclass(frozen=True)
class InteractionRule:
    id: str
    severity: str  # contraindicated | major | moderate | minor
    mechanism: str
    advice: str
    source: str
    title: str


def knowledge_dir() -> Path:
    """resources/knowledge in a checkout or a PyInstaller bundle."""
    candidates = []
    if hasattr(sys, "_MEIPASS"):
        candidates.append(Path(sys._MEIPASS) / "resources" / "knowledge")
    candidates.append(Path(__file__).resolve().parents[3] / "resources" / "knowledge")
    for path in candidates:
        if (path / "manifest.json").is_file():
            return path
    raise KnowledgeBaseError(
        "The drug knowledge base is missing (resources/knowledge/manifest.json). "
        "Reinstall the app, or rebuild it with tools/build_drug_kb.py."
    )


class KnowledgeBase:
    """Names, ingredients, classes and interaction rules, as dicts. Read-only after loading."""

    def __init__(self, folder: Path | None = None) -> None:
        folder = folder or knowledge_dir()
        try:
            self.manifest: dict = json.loads((folder / "manifest.json").read_text("utf-8"))
            # Columns are read with one split of the whole file and zipped into dicts in C:
            # a loop over 50,000 lines costs more than the load budget.
            names = _columns(folder / "names.tsv", 3)
            self._names: dict[str, str] = dict(zip(names[0::3], names[1::3], strict=True))
            self._name_parts = names  # sources are looked up rarely: built on first use
            ingr = _columns(folder / "ingredients.tsv", 3)
            self._ingredients: dict[str, tuple[str, str]] = dict(
                zip(ingr[0::3], zip(ingr[1::3], ingr[2::3], strict=True), strict=True)
            )
            self._dup_classes: set[str] = set()
            self.class_count = 0
            for line in _lines(folder / "classes.tsv"):
                name, dup, _source = line.split("\t")
                self.class_count += 1
                if dup == "1":
                    self._dup_classes.add(name)
            raw_rules = json.loads((folder / "interactions.json").read_text("utf-8"))
        except (OSError, ValueError, KeyError) as exc:
            raise KnowledgeBaseError(
                f"The drug knowledge base in {folder} is damaged ({type(exc).__name__}). "
                "Reinstall the app, or rebuild it with tools/build_drug_kb.py."
            ) from exc
        self.rules: list[InteractionRule] = []
        self._pairs: dict[tuple[str, str], list[int]] = {}
        for index, rule in enumerate(raw_rules["rules"]):
            self.rules.append(
                InteractionRule(
                    id=rule["id"],
                    severity=rule["severity"],
                    mechanism=rule["mechanism"],
                    advice=rule["advice"],
                    source=rule["source"],
                    title=rule["title"],
                )
            )
            for x in rule["a"]:
                for y in rule["b"]:
                    if x != y:
                        pair = (x, y) if x < y else (y, x)
                        bucket = self._pairs.setdefault(pair, [])
                        if index not in bucket:
                            bucket.append(index)

    # --- look-ups -----------------------------------------------------------------------------
    def lookup(self, name: str) -> tuple[tuple[str, ...], str] | None:
        """Ingredients and source code for an exact (lower-case) name, or None."""
        value = self._names.get(name)
        if value is None:
            return None
        return tuple(value.split(";")), self._sources.get(name, "")

    @cached_property
    def _sources(self) -> dict[str, str]:
        parts = self._name_parts
        return dict(zip(parts[0::3], parts[2::3], strict=True))

    def has_name(self, name: str) -> bool:
        return name in self._names

    def display(self, ingredient: str) -> str:
        entry = self._ingredients.get(ingredient)
        return entry[0] if entry else ingredient

    def classes(self, ingredient: str) -> tuple[str, ...]:
        entry = self._ingredients.get(ingredient)
        return tuple(entry[1].split(";")) if entry and entry[1] else ()

    def counts_as_duplicate(self, drug_class: str) -> bool:
        """Whether two different drugs of this class together are worth a flag."""
        return drug_class in self._dup_classes

    def rules_for(self, x: str, y: str) -> list[InteractionRule]:
        pair = (x, y) if x < y else (y, x)
        return [self.rules[i] for i in self._pairs.get(pair, ())]

    @property
    def version(self) -> str:
        return self.manifest["version"]

    @property
    def pair_count(self) -> int:
        return len(self._pairs)

    @cached_property
    def single_word_names(self) -> list[str]:
        """Candidates for fuzzy matching: one-word names of 5+ letters, sorted (deterministic)."""
        return sorted(n for n in self._names if n.isalpha() and len(n) >= 5)

    def ingredient_keys(self) -> list[str]:
        return list(self._ingredients)


def _columns(path: Path, width: int) -> list[str]:
    """All cells of a TSV file (comment header dropped), row by row, in one flat list."""
    text = path.read_text("utf-8")
    if text.startswith("#"):
        text = text[text.index("\n") + 1 :]
    cells = text.rstrip("\n").replace("\t", "\n").split("\n")
    if len(cells) % width:
        raise ValueError(f"{path.name} is not a {width}-column table")
    return cells


def _lines(path: Path) -> list[str]:
    text = path.read_text("utf-8")
    return [line for line in text.split("\n") if line and not line.startswith("#")]


_lock = threading.Lock()
_instance: KnowledgeBase | None = None


def knowledge_base() -> KnowledgeBase:
    """The one shared knowledge base, loaded on first use (thread-safe)."""
    global _instance
    if _instance is None:
        with _lock:
            if _instance is None:
                _instance = KnowledgeBase()
    return _instance


def about() -> dict:
    """What the About box and `carecoord meds check` show: version, build date, sources, counts.

    {"name", "version", "built", "counts": {...}, "sources": [{"name", "licence", "version",
    "url", "used_for"}], "disclaimer"}
    """
    manifest = knowledge_base().manifest
    return {
        "name": manifest["name"],
        "version": manifest["version"],
        "built": manifest["built"],
        "counts": dict(manifest["counts"]),
        "sources": [dict(s) for s in manifest["sources"]],
        "disclaimer": manifest["disclaimer"],
    }


def about_text() -> str:
    """about() as a few plain lines for an About box."""
    info = about()
    counts = info["counts"]
    lines = [
        f"{info['name']} {info['version']} (built {info['built']})",
        f"{counts['names']:,} names, {counts['ingredients']:,} ingredients, "
        f"{counts['classes']:,} classes, {counts['interaction_pairs']:,} interaction pairs",
    ]
    lines += [f"• {s['name']} {s['version']}: {s['licence']}" for s in info["sources"]]
    lines.append(info["disclaimer"])
    return "\n".join(lines)
