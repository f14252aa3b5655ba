"""Someone else saved the plan first: put their version into the editor without losing an edit.

The same rule as the patient form's Reload (ui/patients/conflict_banner.py), for a whole plan:
a field or list item only they changed takes their value; one only you changed keeps yours;
one you both changed keeps what you typed and is named, so you can look before saving again.
Items are matched by uid: an item you added stays, one they added appears, one removed by one
side and left alone by the other is removed.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields

from carecoord_desktop.services.careplans.diffing import LIST_FIELDS, PLAN_FIELDS
from carecoord_desktop.services.careplans.types import PlanDraft
from carecoord_desktop.ui.careplans.document import item_label, item_title

_NOT_MERGED = {"plan_id", "patient_id", "intensity_reason"} | set(LIST_FIELDS)


@dataclass
class Merged:
    draft: PlanDraft
    taken: list[str] = field(default_factory=list)  # what took their version, in words
    clashes: list[str] = field(default_factory=list)  # what both changed (yours kept)


def merge(opened: PlanDraft, typed: PlanDraft, theirs: PlanDraft) -> Merged:
    out = Merged(copy.deepcopy(theirs))
    for f in fields(PlanDraft):
        if f.name in _NOT_MERGED:
            continue
        mine, base, their = (getattr(d, f.name) for d in (typed, opened, theirs))
        label = PLAN_FIELDS.get(f.name, f.name.replace("_", " "))
        if mine != base and mine != their:
            setattr(out.draft, f.name, copy.deepcopy(mine))
            if their != base:
                out.clashes.append(label)
        elif their != base:
            out.taken.append(label)
    for list_name in LIST_FIELDS:
        _merge_list(list_name, opened, typed, theirs, out)
    return out


def _merge_list(name: str, opened, typed, theirs, out: Merged) -> None:
    base = {i.uid: i for i in getattr(opened, name)}
    mine = {i.uid: i for i in getattr(typed, name)}
    their_items = getattr(theirs, name)
    their = {i.uid: i for i in their_items}
    result = []
    label = item_label(name)
    for item in their_items:  # their order, their additions
        uid = item.uid
        if uid in base and uid not in mine:  # you removed it
            if item == base[uid]:
                continue
            out.clashes.append(
                f"{label} “{item_title(name, item)}” (you removed it, they changed it)"
            )
            result.append(copy.deepcopy(item))
            continue
        if uid in mine and mine[uid] != base.get(uid) and mine[uid] != item:
            if uid in base and item != base[uid]:
                out.clashes.append(f"{label} “{item_title(name, mine[uid])}”")
            result.append(copy.deepcopy(mine[uid]))
            continue
        if uid not in base:
            out.taken.append(f"{label} “{item_title(name, item)}” (added)")
        elif item != base[uid]:
            out.taken.append(f"{label} “{item_title(name, item)}”")
        result.append(copy.deepcopy(item))
    for uid, item in mine.items():
        if uid in their:
            continue
        if uid not in base:  # you added it: it stays, after its neighbour if it had one
            result.append(copy.deepcopy(item))
        elif item != base[uid]:  # they removed it, you changed it: yours comes back
            out.clashes.append(f"{label} “{item_title(name, item)}” (they removed it)")
            result.append(copy.deepcopy(item))
        else:
            out.taken.append(f"{label} “{item_title(name, item)}” (removed)")
    setattr(out.draft, name, result)


def reloaded_words(merged: Merged) -> str:
    parts = ["Reloaded the saved plan."]
    if merged.taken:
        parts.append("Their changes are now in the editor: " + "; ".join(merged.taken) + ".")
    if merged.clashes:
        parts.append(
            "You both changed " + "; ".join(merged.clashes) + ": yours is kept — check it."
        )
    if not merged.taken and not merged.clashes:
        parts.append("Nothing you can see in the plan changed.")
    parts.append("Save again when it reads right.")
    return " ".join(parts)
