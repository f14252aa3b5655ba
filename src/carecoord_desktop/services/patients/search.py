"""What the user types, as search-index tokens, and the spelling fallback of the Patients search.

Tokens: what the user types is folded (case, accents), split on anything but letters and digits;
dates and spaced digit runs are first turned into the digit runs the index holds (d/m/yyyy ->
ddmmyyyy, yyyy-mm-dd -> yyyymmdd, "0412 345 678" -> 0412345678). Each token is searched as a
prefix and the tokens are ANDed (store/search_sql.prefix_match).

Spelling fallback: a letters-only word of 4 to 40 letters that starts no indexed word at all is
compared with the register's vocabulary of name words (migration 0007: each distinct word once,
whatever the number of patients). A name word is a similar spelling when
- its start is within a few edits of the typed word: rapidfuzz's optimal string alignment
  distance (a wrong, missing, extra or swapped letter), 1 edit up to 5 letters, 2 up to 9, 3
  beyond ("papadopolous" -> Papadopoulos is 2);
- or it sounds the same: equal Metaphone keys (jellyfish), or a key that starts with the typed
  word's when that has 3 or more sounds ("smyth" and "smith" are both SM0, "filips" and
  "phillips" FLPS).
The closest words (at most MAX_SIMILAR each) are searched for in the names, ANDed with the other
words as typed. Hostile input is bounded here, not in SQL: at most MAX_TOKENS words, at most
MAX_SPELLING_WORDS of them compared, each of at most MAX_WORD letters; whatever the input, the
index receives only quoted words (never FTS5 syntax) and a fixed-size query.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import jellyfish
from rapidfuzz import process
from rapidfuzz.distance import OSA

MAX_TOKENS = 8
MIN_WORD = 4  # shorter words have too many neighbours to be worth guessing at
MAX_WORD = 40  # no name word is longer; a longer "word" is not compared with the vocabulary
MAX_SPELLING_WORDS = 3
MAX_SIMILAR = 40

_DMY = re.compile(r"(\d{1,2})[/.](\d{1,2})(?:[/.](\d{0,4}))?")
_ISO = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{0,2}))?")
_DIGITS_WORD = re.compile(r"[\d\-()+.]+")
_TOKEN = re.compile(r"[^\W_]+")


def fold(value: str) -> str:
    """Lower case without accents ("Zoë" -> "zoe"), as the index's tokenizer folds."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def search_tokens(typed: str) -> list[str]:
    """What the user typed as index tokens (dates and spaced digit runs joined)."""
    tokens: list[str] = []
    digit_run = False  # the previous word was digits: "0412 345 678" is one number
    for word in fold(typed).split():
        date_token = _date_token(word)
        if date_token is not None:
            tokens.append(date_token)
            digit_run = False
        elif _DIGITS_WORD.fullmatch(word) and any(ch.isdigit() for ch in word):
            digits = "".join(ch for ch in word if ch.isdigit())
            if digit_run:
                tokens[-1] += digits
            else:
                tokens.append(digits)
            digit_run = True
        else:
            tokens.extend(_TOKEN.findall(word))
            digit_run = False
        if len(tokens) > MAX_TOKENS:
            break
    # Digit runs are bounded too: nothing indexed is longer than a phone number and a date.
    return [tok[:64] for tok in tokens[:MAX_TOKENS]]


def _date_token(word: str) -> str | None:
    """d/m/yyyy (or a start of one) -> ddmmyyyy; yyyy-mm-dd -> yyyymmdd; else None."""
    m = _DMY.fullmatch(word)
    if m:
        day, month, year = m.group(1), m.group(2), m.group(3) or ""
        return f"{day.zfill(2)}{month.zfill(2)}{year}"
    m = _ISO.fullmatch(word)
    if m:
        year, month, day = m.group(1), m.group(2), m.group(3)
        if day is None:
            return f"{year}{month}"
        return f"{year}{month.zfill(2)}{day.zfill(2) if len(day) == 2 else day}"
    return None


def may_be_misspelt(token: str) -> bool:
    """Could this token be a misspelt name word (letters only, 4 to 40 of them)?"""
    return MIN_WORD <= len(token) <= MAX_WORD and token.isalpha()


def edit_budget(word: str) -> int:
    return 1 if len(word) <= 5 else 2 if len(word) <= 9 else 3


@lru_cache(maxsize=100_000)
def sound_key(word: str) -> str:
    """The Metaphone key of a name word ('' for words Metaphone cannot read)."""
    return jellyfish.metaphone(word) if word.isascii() else ""


@dataclass(frozen=True)
class Similar:
    distance: int  # edits from the typed word to the start of the name word
    patients: int  # patients whose names hold the word
    word: str


def similar_words(typed: str, vocabulary: list[tuple[str, int]]) -> list[str]:
    """The name words spelt like `typed`, closest first, then the most common (MAX_SIMILAR)."""
    budget = edit_budget(typed)
    found: dict[str, Similar] = {}
    words = [w for w, _ in vocabulary]
    counts = dict(vocabulary)
    # The start of each word, at the typed length and one letter either side: "smth" is one
    # edit from "smith" and "smyth" one from "smithson"'s start.
    for length in {max(1, len(typed) - 1), len(typed), len(typed) + 1}:
        starts = [w[:length] for w in words]
        for _start, distance, index in process.extract(
            typed, starts, scorer=OSA.distance, score_cutoff=budget, limit=None
        ):
            word = words[index]
            best = found.get(word)
            if best is None or distance < best.distance:
                found[word] = Similar(int(distance), counts[word], word)
    key = sound_key(typed)
    if key:
        keys = map(sound_key, words)
        if len(key) >= 3:
            alike = [w for w, k in zip(words, keys, strict=True) if k.startswith(key)]
        else:
            alike = [w for w, k in zip(words, keys, strict=True) if k == key]
        for word in alike:
            found.setdefault(word, Similar(budget, counts[word], word))
    ranked = sorted(found.values(), key=lambda s: (s.distance, -s.patients, s.word))
    return [s.word for s in ranked[:MAX_SIMILAR]]
