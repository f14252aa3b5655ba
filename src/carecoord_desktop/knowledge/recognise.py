"""Recognising a medicine as written: "Panadeine Forte 2 tabs qid" -> paracetamol + codeine.

Rules, in order (deterministic: the same text always gives the same answer):
1. Exact names, longest first: any run of up to six words that is a name in the base (generic,
   brand, synonym, AU name, multi-word brands such as "Panadeine Forte" or "Micardis Plus").
   Every name found adds its ingredients (a combination maps to all of them); a line written as
   "Amoxicillin 250 MG / Clavulanate 125 MG" gives both.
2. Only when no exact name was found: fuzzy matching of single words of the medicine's name (the
   words before its strength or dose), 5+ letters, not a common or dosing word, against one-word
   names of the same first letter, with rapidfuzz's similarity >= FUZZY_THRESHOLD. "Simvistatin"
   finds simvastatin; "patient" finds nothing.
3. Otherwise: not recognised. The text is kept exactly as written and reported as
   NOT_RECOGNISED ("not recognised: no checks run"); nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from carecoord_desktop.knowledge.base import KnowledgeBase, knowledge_base

NOT_RECOGNISED = "not recognised: no checks run"
FUZZY_THRESHOLD = 90.0
_MAX_WORDS = 6
_WORD_RE = re.compile(r"[a-z0-9µ]+(?:[-'][a-z0-9]+)*")
# Words never fuzzy-matched: ordinary and dosing words that sit near drug names by spelling.
_NOT_DRUG_TEXT = """
patient patients tablet tablets capsule capsules inhaler inhalers injection cream ointment
solution suspension spray drops daily morning night evening meals before after with mane nocte
units puffs sachet sachets extended release modified metered actuat dose doses topical oral
mucosal powder other unknown water sugar cough tonic vitamin vitamins multivitamin herbal
supplement pain sleep blood pressure tablets unsure stopped ceased hospital doctor review
"""
_NOT_DRUG_WORDS = frozenset(_NOT_DRUG_TEXT.split())

# A salt word after a drug names the salt ("Penicillin V Potassium"), not a second medicine.
_SALT_TEXT = """
sodium potassium calcium magnesium hydrochloride arginine erbumine tromethamine lysine citrate
phosphate sulfate sulphate acetate carbonate bicarbonate chloride bromide gluconate lactate
succinate maleate tartrate fumarate mesylate besylate zinc
"""
_SALT_WORDS = frozenset(_SALT_TEXT.split())


@dataclass(frozen=True)
class Recognition:
    """What one medicine as written was recognised as."""

    text: str  # exactly as given
    ingredients: tuple[str, ...]  # ingredient keys (AU names), empty when not recognised
    display: str  # the practice's names: "paracetamol + codeine"; the text when not recognised
    how: str  # "exact" | "fuzzy" | "none"
    matched: tuple[str, ...] = ()  # the names in the base that matched ("panadeine forte")
    sources: tuple[str, ...] = ()  # source codes of those names (see the manifest)
    score: float | None = None  # fuzzy similarity 0-100, None for exact

    @property
    def recognised(self) -> bool:
        return bool(self.ingredients)

    @property
    def status(self) -> str:
        """ "recognised" or the words shown beside an unrecognised medicine."""
        return "recognised" if self.recognised else NOT_RECOGNISED

    def classes(self, kb: KnowledgeBase | None = None) -> tuple[str, ...]:
        kb = kb or knowledge_base()
        return tuple(dict.fromkeys(c for i in self.ingredients for c in kb.classes(i)))


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text.lower().replace("/", " / "))


def recognise(text: str, *, kb: KnowledgeBase | None = None) -> Recognition:
    """Recognise one medicine as written (a bare name or a whole line)."""
    kb = kb or knowledge_base()
    words = _words(text)
    ingredients: dict[str, None] = {}
    matched: list[str] = []
    sources: list[str] = []
    i = 0
    last_end = -1  # where the previous name ended: a salt word right after it is its salt
    while i < len(words):
        for size in range(min(_MAX_WORDS, len(words) - i), 0, -1):
            candidate = " ".join(words[i : i + size])
            hit = kb.lookup(candidate)
            if hit is None:
                continue
            i += size
            if not (size == 1 and candidate in _SALT_WORDS and last_end == i - 1):
                ingredients.update(dict.fromkeys(hit[0]))
                matched.append(candidate)
                sources.append(hit[1])
            last_end = i
            break
        else:
            i += 1
    if ingredients:
        keys = tuple(ingredients)
        return Recognition(
            text, keys, _display(kb, keys), "exact", tuple(matched), tuple(dict.fromkeys(sources))
        )
    return _fuzzy(text, words, kb)


def _fuzzy(text: str, words: list[str], kb: KnowledgeBase) -> Recognition:
    name_words = []
    for word in words:
        if any(ch.isdigit() for ch in word):
            break  # the name ends where strength or dose begins
        name_words.append(word)
    best: tuple[float, str] | None = None
    for word in name_words:
        if len(word) < 5 or not word.isalpha() or word in _NOT_DRUG_WORDS:
            continue
        choices = [n for n in _by_initial(kb).get(word[0], ()) if abs(len(n) - len(word)) <= 2]
        hit = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD)
        if hit is not None and (best is None or hit[1] > best[0]):
            best = (hit[1], hit[0])
    if best is None:
        return Recognition(text, (), text, "none")
    found = kb.lookup(best[1])
    assert found is not None
    keys = found[0]
    return Recognition(
        text, keys, _display(kb, keys), "fuzzy", (best[1],), (found[1],), round(best[0], 1)
    )


_initial_cache: dict[int, dict[str, list[str]]] = {}


def _by_initial(kb: KnowledgeBase) -> dict[str, list[str]]:
    index = _initial_cache.get(id(kb))
    if index is None:
        index = {}
        for name in kb.single_word_names:
            index.setdefault(name[0], []).append(name)
        _initial_cache[id(kb)] = index
    return index


def _display(kb: KnowledgeBase, keys: tuple[str, ...]) -> str:
    return " + ".join(kb.display(k) for k in keys)
