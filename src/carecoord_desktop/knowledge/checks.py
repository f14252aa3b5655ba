"""Checks over one list of medicines: the same ingredient twice, two of one class, interactions.

    result = check(["Panadeine Forte", "Panadol 500mg", "warfarin", "Nurofen"])
    result.duplicates    -> [Duplicate(kind="ingredient", name="paracetamol", indices=(0, 1))]
    result.interactions  -> [Interaction(indices=(2, 3), ingredients=("warfarin", "ibuprofen"),
                                         severity="major", ...)]
    result.unrecognised  -> indices of medicines with no checks run (kept, never dropped)

Indices point into the list given. A class duplicate is reported only for classes where two
different drugs are a real concern (two NSAIDs, two statins), not for ones used together on
purpose (a reliever and a preventer inhaler, basal and bolus insulin); and not when the drugs
are the same ingredient (that is an ingredient duplicate already).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from carecoord_desktop.knowledge.base import SEVERITY_ORDER, KnowledgeBase, knowledge_base
from carecoord_desktop.knowledge.recognise import Recognition, recognise


@dataclass(frozen=True)
class Duplicate:
    kind: str  # "ingredient" | "class"
    name: str  # the ingredient's display name or the class
    indices: tuple[int, ...]  # the medicines involved, in list order


@dataclass(frozen=True)
class Interaction:
    indices: tuple[int, int]
    ingredients: tuple[str, str]  # ingredient keys, in the order of `indices`
    severity: str  # contraindicated | major | moderate | minor
    title: str
    mechanism: str
    advice: str
    source: str
    rule_id: str


@dataclass(frozen=True)
class CheckResult:
    medicines: tuple[Recognition, ...]
    duplicates: tuple[Duplicate, ...]
    interactions: tuple[Interaction, ...]  # most severe first

    @property
    def unrecognised(self) -> tuple[int, ...]:
        return tuple(i for i, m in enumerate(self.medicines) if not m.recognised)


def check(items: Sequence[str | Recognition], *, kb: KnowledgeBase | None = None) -> CheckResult:
    """Check medicines as one list; a string is recognised first."""
    kb = kb or knowledge_base()
    meds = tuple(m if isinstance(m, Recognition) else recognise(m, kb=kb) for m in items)
    return CheckResult(meds, _duplicates(meds, kb), _interactions(meds, kb))


def _duplicates(meds: tuple[Recognition, ...], kb: KnowledgeBase) -> tuple[Duplicate, ...]:
    found: list[Duplicate] = []
    by_ingredient: dict[str, list[int]] = {}
    for i, med in enumerate(meds):
        for ingredient in med.ingredients:
            by_ingredient.setdefault(ingredient, []).append(i)
    for ingredient, indices in by_ingredient.items():
        if len(indices) > 1:
            found.append(Duplicate("ingredient", kb.display(ingredient), tuple(indices)))
    # class -> {item index: ingredients of that class in the item}
    by_class: dict[str, dict[int, set[str]]] = {}
    for i, med in enumerate(meds):
        for ingredient in med.ingredients:
            for drug_class in kb.classes(ingredient):
                if kb.counts_as_duplicate(drug_class):
                    by_class.setdefault(drug_class, {}).setdefault(i, set()).add(ingredient)
    for drug_class, members in by_class.items():
        distinct = set().union(*members.values())
        if len(members) > 1 and len(distinct) > 1:
            found.append(Duplicate("class", drug_class, tuple(sorted(members))))
    return tuple(found)


def _interactions(meds: tuple[Recognition, ...], kb: KnowledgeBase) -> tuple[Interaction, ...]:
    found: dict[tuple[int, int, str], Interaction] = {}
    for i in range(len(meds)):
        for j in range(i + 1, len(meds)):
            for x in meds[i].ingredients:
                for y in meds[j].ingredients:
                    if x == y:
                        continue
                    for rule in kb.rules_for(x, y):
                        found.setdefault(
                            (i, j, rule.id),
                            Interaction(
                                (i, j),
                                (x, y),
                                rule.severity,
                                rule.title,
                                rule.mechanism,
                                rule.advice,
                                rule.source,
                                rule.id,
                            ),
                        )
    return tuple(
        sorted(found.values(), key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.indices))
    )
