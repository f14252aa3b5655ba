"""Reading one free-text medication line as practices write it.

    parse_line("metformin 500mg 1 tab bd with meals")
    -> MedLine(name="metformin", strength="500 mg", dose_amount=1.0, dose_unit="tablet",
               frequency="bd", times_per_day=2, instructions="with meals", ...)

The grammar is deliberately small: a name (the words before the first number or dose word), then
any of strength, dose and form, route, frequency, times of day, "prn <reason>" and instructions in
any order. Whatever it cannot read stays in `unparsed`, exactly as written, and `flagged` is true:
nothing is ever dropped or guessed. Pure functions, no knowledge base needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Units a strength is written in, mapped to one spelling; mass units convert for comparisons.
_STRENGTH_UNITS = {
    "mg": "mg",
    "milligram": "mg",
    "milligrams": "mg",
    "g": "g",
    "gm": "g",
    "gram": "g",
    "grams": "g",
    "mcg": "mcg",
    "microgram": "mcg",
    "micrograms": "mcg",
    "ug": "mcg",
    "µg": "mcg",
    "ng": "ng",
    "iu": "IU",
    "mmol": "mmol",
    "meq": "mEq",
    "%": "%",
    "ml": "mL",
    "mls": "mL",
    "units": "units",
    "unit": "units",
    "u": "units",
}
_TO_MG = {"mg": 1.0, "g": 1000.0, "mcg": 0.001, "ng": 0.000001}
# Dose forms: what one dose is counted in.
_FORMS = {
    "tab": "tablet",
    "tabs": "tablet",
    "tablet": "tablet",
    "tablets": "tablet",
    "tbl": "tablet",
    "cap": "capsule",
    "caps": "capsule",
    "capsule": "capsule",
    "capsules": "capsule",
    "puff": "puff",
    "puffs": "puff",
    "inhalation": "puff",
    "inhalations": "puff",
    "actuation": "puff",
    "actuations": "puff",
    "actuat": "puff",
    "drop": "drop",
    "drops": "drop",
    "gtt": "drop",
    "spray": "spray",
    "sprays": "spray",
    "sachet": "sachet",
    "sachets": "sachet",
    "patch": "patch",
    "patches": "patch",
    "supp": "suppository",
    "suppository": "suppository",
    "suppositories": "suppository",
    "unit": "unit",
    "units": "unit",
    "ml": "mL",
    "mls": "mL",
    "application": "application",
    "applications": "application",
    "amp": "ampoule",
    "ampoule": "ampoule",
    "vial": "vial",
    "dose": "dose",
    "doses": "dose",
    "lozenge": "lozenge",
    "pessary": "pessary",
    "odt": "tablet",
    "wafer": "tablet",
    "wafers": "tablet",
}
# Frequency abbreviations (AU practice usage) -> (canonical, times per day, times of day).
_FREQ: dict[str, tuple[str, float | None, tuple[str, ...]]] = {
    "daily": ("daily", 1, ()),
    "od": ("daily", 1, ()),
    "qd": ("daily", 1, ()),
    "once": ("daily", 1, ()),
    "mane": ("mane", 1, ("morning",)),
    "om": ("mane", 1, ("morning",)),
    "nocte": ("nocte", 1, ("night",)),
    "qhs": ("nocte", 1, ("night",)),
    "hs": ("nocte", 1, ("night",)),
    "midi": ("midday", 1, ("midday",)),
    "vespere": ("evening", 1, ("evening",)),
    # Twice or three times a day means with the day's meals to a patient: the last dose is the
    # evening one, not bedtime (which "nocte" names).
    "bd": ("bd", 2, ("morning", "evening")),
    "bid": ("bd", 2, ("morning", "evening")),
    "twice": ("bd", 2, ("morning", "evening")),
    "tds": ("tds", 3, ("morning", "midday", "evening")),
    "tid": ("tds", 3, ("morning", "midday", "evening")),
    "qid": ("qid", 4, ("morning", "midday", "evening", "night")),
    "qds": ("qid", 4, ("morning", "midday", "evening", "night")),
    "weekly": ("weekly", 1 / 7, ()),
    "fortnightly": ("fortnightly", 1 / 14, ()),
    "monthly": ("monthly", 1 / 30, ()),
    "stat": ("stat", None, ()),
    "alt": ("alternate days", 0.5, ()),
}
_PHRASE_FREQ = {
    "once daily": "daily",
    "once a day": "daily",
    "once a week": "weekly",
    "twice daily": "bd",
    "twice a day": "bd",
    "three times daily": "tds",
    "three times a day": "tds",
    "four times daily": "qid",
    "four times a day": "qid",
    "every day": "daily",
    "each morning": "mane",
    "in the morning": "mane",
    "every morning": "mane",
    "at night": "nocte",
    "every night": "nocte",
    "at bedtime": "nocte",
    "each night": "nocte",
    "alternate days": "alt",
    "every other day": "alt",
    "once weekly": "weekly",
    "one day a week": "weekly",
}
_ROUTES = {
    "po": "oral",
    "oral": "oral",
    "orally": "oral",
    "sl": "sublingual",
    "sublingual": "sublingual",
    "inh": "inhaled",
    "inhaled": "inhaled",
    "inhaler": "inhaled",
    "neb": "nebulised",
    "nebulised": "nebulised",
    "sc": "subcutaneous",
    "subcut": "subcutaneous",
    "s/c": "subcutaneous",
    "subcutaneous": "subcutaneous",
    "im": "intramuscular",
    "intramuscular": "intramuscular",
    "iv": "intravenous",
    "intravenous": "intravenous",
    "top": "topical",
    "topical": "topical",
    "topically": "topical",
    "pr": "rectal",
    "rectal": "rectal",
    "pv": "vaginal",
    "vaginal": "vaginal",
    "td": "transdermal",
    "transdermal": "transdermal",
    "nasal": "nasal",
    "intranasal": "nasal",
    "ophthalmic": "eye",
    "eye": "eye",
    "ear": "ear",
    "mucosal": "mucosal",
    "injection": "injection",
    "cream": "topical",
    "ointment": "topical",
    "gel": "topical",
}
_TIMES = {
    "morning": "morning",
    "am": "morning",
    "breakfast": "morning",
    "lunch": "midday",
    "midday": "midday",
    "noon": "midday",
    "evening": "evening",
    "dinner": "evening",
    "tea": "evening",
    "night": "night",
    "pm": "evening",
    "bedtime": "night",
}
_DAYS = {
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mondays",
    "tuesdays",
    "wednesdays",
    "thursdays",
    "fridays",
    "saturdays",
    "sundays",
}
# Instruction phrases kept whole (longest first when matching).
_INSTRUCTIONS = sorted(
    [
        "with meals",
        "with food",
        "with breakfast",
        "with dinner",
        "with evening meal",
        "with lunch",
        "after food",
        "after meals",
        "before meals",
        "before food",
        "before breakfast",
        "on an empty stomach",
        "with water",
        "with plenty of water",
        "swallow whole",
        "do not crush",
        "dissolve in water",
        "rinse mouth after use",
        "rinse mouth",
        "under the tongue",
        "as directed",
        "when required",
        "when needed",
        "as needed",
        "as required",
        "if required",
        "if needed",
        "as per sliding scale",
        "sliding scale",
        "per sliding scale",
        "via spacer",
        "as per inr",
        "as per protocol",
        "as per chart",
        "with spacer",
        "apply thinly",
        "to affected area",
    ],
    key=lambda p: -len(p),
)
_PRN_PHRASES = {
    "when required",
    "when needed",
    "as needed",
    "as required",
    "if required",
    "if needed",
}
_PRN_WORDS = {"prn", "p.r.n.", "p.r.n"}
_STOP_WORDS = {"stop", "stopped", "cease", "ceased", "discontinue", "discontinued"}
_PERIOD_DAYS = {"hour": 1 / 24, "day": 1, "week": 7, "month": 30}
# Patterns read from the whole line before it is split into words, in this order.
_DURATION_RE = re.compile(r"\b(?:x|for)\s*(\d+)\s*(day|week|month)s?\b")
_EVERY_HOURS_RE = re.compile(
    r"\b(?:(?:change\s+)?every|q)\s*(\d+)\s*(?:hours?|hrs?|h)\b|\b(\d+)(?:\s*-\s*\d+)?\s*"
    r"(?:hourly|hrly)\b"
)
_EVERY_PERIOD_RE = re.compile(r"\b(?:change\s+)?every\s+(\d+)\s+(day|week|month)s?\b")
_LEADING_STOP_RE = re.compile(r"^\s*(stop|stopped|cease|ceased|discontinued?)\b\s*[:\-–]?\s*")
_WITHHOLD_RE = re.compile(r"\b(?:withhold|withheld|suspend|suspended|hold)\b.*$")
_WAS_RE = re.compile(r"\(?\bwas\s+[\d.]+\s*[a-zµ]*\)?")
_NUMBER = r"\d+(?:\.\d+)?"
_STRENGTH_RE = re.compile(
    rf"^({_NUMBER}(?:/{_NUMBER})*)\s*(mg|g|gm|mcg|ug|µg|ng|iu|mmol|meq|%|ml|units?|u|"
    r"milligrams?|micrograms?|grams?)(?:/(ml|actuat|dose|hr|h|g|l|spray|puff|24h))?$",
    re.IGNORECASE,
)
_COUNT_RE = re.compile(rf"^({_NUMBER}|½|half|one|two|three|four)(?:-({_NUMBER}))?$")
_QH_RE = re.compile(r"^q(\d+)(?:-(\d+))?h$|^(\d+)(?:-(\d+))?\s*(?:hourly|hrly|h)$")
_WORD_NUMBERS = {"½": 0.5, "half": 0.5, "one": 1, "two": 2, "three": 3, "four": 4}
_TOKEN_RE = re.compile(r"[^\s,;()]+")
_RATIO_RE = re.compile(rf"^{_NUMBER}(?:/{_NUMBER})+$")  # "250/25": a strength with no unit
_UNIT_WORD_RE = re.compile(
    r"^(mg|g|gm|mcg|ug|µg|ng|iu|mmol|meq|%|ml|units?|u|milligrams?|micrograms?|grams?)"
    r"(?:/(ml|actuat|dose|hr|h|g|l|spray|puff|24h))?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class MedLine:
    """One medication line, read. Every field but `text` and `name` may be empty."""

    text: str  # the whole line exactly as written
    name: str  # the medicine as written (the words before strength/dose), original case
    strength: str | None = None  # normalised, e.g. "500 mg", "250/25 mcg", "10 mg/mL"
    strength_value: float | None = None  # first number of the strength
    strength_unit: str | None = None  # "mg", "mcg", "units", "mg/mL", ...
    dose_amount: float | None = None  # how many of dose_unit per dose (1, 2, 0.5, 20)
    dose_max: float | None = None  # "1-2 tabs" -> 1 and 2
    dose_unit: str | None = None  # "tablet", "puff", "unit", "mL", ...
    route: str | None = None  # "oral", "inhaled", "subcutaneous", ...
    frequency: str | None = None  # "daily", "bd", "tds", "qid", "mane", "nocte", "q4h", "weekly"
    times_per_day: float | None = None
    times_of_day: tuple[str, ...] = ()  # "morning", "midday", "evening", "night"
    days: tuple[str, ...] = ()  # "monday", ... for weekly medicines
    prn: bool = False
    prn_reason: str | None = None  # "pain", "wheeze", ...
    instructions: str | None = None  # "with meals; swallow whole"
    stop: bool = False  # the line says stop/cease/withhold this medicine
    stop_reason: str | None = None  # the words after "stop" ("GI bleed")
    unparsed: tuple[str, ...] = ()  # words it could not read, exactly as written

    @property
    def flagged(self) -> bool:
        """True when part of the line could not be read (shown to the user, never dropped)."""
        return bool(self.unparsed) or not any(ch.isalpha() for ch in self.name)

    @property
    def strength_mg(self) -> float | None:
        """The strength in mg when it is a plain mass (for comparing 1 g with 1000 mg)."""
        if self.strength_value is None or self.strength_unit not in _TO_MG:
            return None
        return self.strength_value * _TO_MG[self.strength_unit]

    @property
    def frequency_text(self) -> str:
        """Plain words for the frequency, for lists and cards."""
        words = {
            "daily": "once a day",
            "bd": "twice a day",
            "tds": "three times a day",
            "qid": "four times a day",
            "mane": "in the morning",
            "nocte": "at night",
            "weekly": "once a week",
            "midday": "at midday",
            "evening": "in the evening",
        }
        text = words.get(self.frequency or "", self.frequency or "")
        if self.prn:
            reason = f" for {self.prn_reason}" if self.prn_reason else ""
            text = (text + " " if text else "") + f"when needed{reason}"
        return text


def _number(token: str) -> float | None:
    if token in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[token])
    try:
        return float(token)
    except ValueError:
        return None


def _strength(token: str) -> tuple[str, float, str] | None:
    m = _STRENGTH_RE.match(token.replace(" ", ""))
    if not m:
        return None
    numbers, unit, per = m.group(1), _STRENGTH_UNITS[m.group(2).lower()], m.group(3)
    if per:
        unit = f"{unit}/{'mL' if per.lower() == 'ml' else per.lower()}"
    return f"{numbers} {unit}", float(numbers.split("/")[0]), unit


def _tokens(text: str) -> list[str]:
    raw = _TOKEN_RE.findall(text)
    # Leading pack sizes in coded displays ("24 HR metoprolol...", "10 ML Furosemide ...").
    while (
        len(raw) > 2
        and _number(raw[0]) is not None
        and raw[1].lower() in {"hr", "actuat", "ml", "day"}
    ):
        raw = raw[2:]
    out: list[str] = []
    for token in raw:
        # "500 mg" written with a space is one strength.
        if (
            out
            and _UNIT_WORD_RE.match(token)
            and (_number(out[-1]) is not None or _RATIO_RE.match(out[-1]))
        ):
            out[-1] = f"{out[-1]}{token}"
        else:
            out.append(token)
    return out


def parse_line(text: str) -> MedLine:
    """Read one line; never raises on bad input (what is not understood is kept in `unparsed`)."""
    original = text
    work = " ".join(text.split())
    lowered = work.lower()
    fields: dict = {}
    instructions: list[str] = []
    # Whole phrases first (instructions, worded frequencies), cut out so words are not re-read.
    for phrase in _INSTRUCTIONS:
        idx = lowered.find(phrase)
        if idx >= 0 and _at_word_bounds(lowered, idx, len(phrase)):
            if phrase in _PRN_PHRASES:
                fields["prn"] = True
            else:
                instructions.append(work[idx : idx + len(phrase)])
            work, lowered = _cut(work, idx, len(phrase)), _cut(lowered, idx, len(phrase))
    work, lowered = _read_patterns(work, lowered, fields, instructions)
    for phrase, code in sorted(_PHRASE_FREQ.items(), key=lambda kv: -len(kv[0])):
        idx = lowered.find(phrase)
        if idx >= 0 and _at_word_bounds(lowered, idx, len(phrase)) and "frequency" not in fields:
            _set_frequency(fields, code)
            work, lowered = _cut(work, idx, len(phrase)), _cut(lowered, idx, len(phrase))
    tokens = _tokens(work)
    name_words: list[str] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        low = t.lower().strip(".")
        if (
            _strength(t)
            or _number(low) is not None
            or _RATIO_RE.match(low)
            or _COUNT_RE.match(low)
            or _UNIT_WORD_RE.match(low)
            or low in _FREQ
            or low in _PRN_WORDS
            or low in _STOP_WORDS
            or _QH_RE.match(low)
            or (name_words and low in _ROUTES)
        ):
            break
        if t.startswith("[") or t.endswith("]"):
            break
        name_words.append(t)
        i += 1
    unparsed: list[str] = []
    rest = tokens[i:]
    j = 0
    while j < len(rest):
        t = rest[j]
        low = t.lower().strip(".")
        nxt = rest[j + 1].lower().strip(".") if j + 1 < len(rest) else ""
        st = _strength(t)
        if st and "strength" not in fields:
            fields["strength"], fields["strength_value"], fields["strength_unit"] = st
            # "20 units" right after a name is a dose of insulin, not a strength.
            if st[2] == "units":
                fields["dose_amount"], fields["dose_unit"] = st[1], "unit"
                del fields["strength"], fields["strength_value"], fields["strength_unit"]
        elif _RATIO_RE.match(low) and "strength" not in fields:
            fields["strength"], fields["strength_value"] = low, float(low.split("/")[0])
        elif st and st[2] in {"units", "mL"} and "dose_amount" not in fields:
            fields["dose_amount"], fields["dose_unit"] = st[1], "unit" if st[2] == "units" else "mL"
        elif _COUNT_RE.match(low) and (nxt in _FORMS or nxt.rstrip("s") in _FORMS):
            m = _COUNT_RE.match(low)
            fields["dose_amount"] = _number(m.group(1))
            if m.group(2):
                fields["dose_max"] = float(m.group(2))
            fields["dose_unit"] = _FORMS.get(nxt) or _FORMS[nxt.rstrip("s")]
            j += 1
        elif low in _FORMS and "dose_unit" not in fields and low not in {"unit", "units", "ml"}:
            fields["dose_unit"] = _FORMS[low]
        elif low in _FORMS and fields.get("dose_unit") == _FORMS[low]:
            pass  # "1 tab ... tablet": the form said twice
        elif low in _FREQ:
            _set_frequency(fields, low)
        elif m := _QH_RE.match(low):
            hours = int(m.group(1) or m.group(3))
            fields["frequency"] = f"q{hours}h"
            fields["times_per_day"] = 24 / hours
        elif low in _PRN_WORDS:
            fields["prn"] = True
            reason = []
            while j + 1 < len(rest) and rest[j + 1].isalpha() and not _known(rest[j + 1]):
                reason.append(rest[j + 1])
                j += 1
            if reason:
                fields["prn_reason"] = " ".join(reason)
        elif low.startswith("[") and low.endswith("]"):
            pass  # a brand in brackets in coded displays ("[Toprol]"): recognition reads it
        elif low in _STOP_WORDS:
            fields["stop"] = True
            reason = [w for w in rest[j + 1 :] if w not in {"-", "–", ":", "—"}]
            if reason:  # "STOP - GI bleed": the rest of the line is why
                fields["stop_reason"] = " ".join(reason)
                break
        elif j == 0 and "strength" not in fields and (_number(low) or 0) > 4 and nxt not in _FORMS:
            # "Lasix 40 mane": a number right after the name, too big to be a count, is the
            # strength with its unit left out (kept without a unit, never guessed).
            fields["strength"], fields["strength_value"] = low, _number(low)
        elif (
            _number(low) is not None
            and "dose_amount" not in fields
            and (nxt in _FREQ or nxt in _PRN_WORDS or not nxt)
        ):
            fields["dose_amount"] = _number(low)  # "Somac 40mg 1 daily": one, of the product
        elif low in _ROUTES:
            fields.setdefault("route", _ROUTES[low])
        elif low in _TIMES:
            fields.setdefault("times_of_day", ())
            if _TIMES[low] not in fields["times_of_day"]:
                fields["times_of_day"] = (*fields["times_of_day"], _TIMES[low])
        elif low in _DAYS:
            fields["days"] = (*fields.get("days", ()), low.rstrip("s"))
        elif low in {
            "-",
            "–",
            "—",
            ":",
            "&",
            "+",
            "/",
            "then",
            "x",
            "of",
            "per",
            "to",
            "a",
            "at",
            "in",
            "the",
            "on",
            "and",
            "release",
            "extended",
            "modified",
            "slow",
            "sr",
            "cr",
            "xr",
            "mr",
            "er",
            "oral",
            "tablet",
            "dose",
            "metered",
            "dry",
            "powder",
            "each",
        }:
            pass  # filler and release words carry nothing we store
        else:
            unparsed.append(t)
        j += 1
    # A route the form implies, when none was written.
    form = fields.get("dose_unit")
    if "route" not in fields and form in {"tablet", "capsule", "sachet"}:
        fields["route"] = "oral"
    elif "route" not in fields and form == "puff":
        fields["route"] = "inhaled"
    if fields.get("frequency") in {"mane", "nocte", "midday", "evening"} and not fields.get(
        "times_of_day"
    ):
        fields["times_of_day"] = _FREQ.get(fields["frequency"], ("", 1, ()))[2]
    if instructions:
        fields["instructions"] = "; ".join(instructions)
    return MedLine(text=original, name=" ".join(name_words), unparsed=tuple(unparsed), **fields)


def _read_patterns(
    work: str, lowered: str, fields: dict, instructions: list[str]
) -> tuple[str, str]:
    """Stop, hold, duration, "every N hours/days" and "(was 20mg)", cut out of the line."""

    def cut(m: re.Match) -> None:
        nonlocal work, lowered
        start, end = m.span()
        work, lowered = _cut(work, start, end - start), _cut(lowered, start, end - start)

    if m := _LEADING_STOP_RE.match(lowered):
        fields["stop"] = True
        cut(m)
    if m := _WITHHOLD_RE.search(lowered):
        instructions.append(work[m.start() : m.end()].strip(" -–:"))
        cut(m)
    if m := _WAS_RE.search(lowered):
        instructions.append(work[m.start() : m.end()].strip("()"))
        cut(m)
    if m := _DURATION_RE.search(lowered):
        instructions.append(f"for {m.group(1)} {m.group(2)}{'s' if m.group(1) != '1' else ''}")
        cut(m)
    if m := _EVERY_HOURS_RE.search(lowered):
        hours = int(m.group(1) or m.group(2))
        if hours:
            fields["frequency"], fields["times_per_day"] = f"q{hours}h", 24 / hours
            cut(m)
    elif (m := _EVERY_PERIOD_RE.search(lowered)) and not _has_frequency_word(lowered):
        n, unit = int(m.group(1)), m.group(2)
        if n:
            fields["frequency"] = f"every {n} {unit}s"
            fields["times_per_day"] = 1 / (n * _PERIOD_DAYS[unit])
            cut(m)
    return work, lowered


def _has_frequency_word(lowered: str) -> bool:
    # "daily, reduce by 5mg every 3 days": the every-N belongs to a taper, not the frequency.
    return any(w in _FREQ for w in re.findall(r"[a-z]+", lowered)) or any(
        p in lowered for p in _PHRASE_FREQ
    )


def _known(token: str) -> bool:
    low = token.lower().strip(".")
    return bool(
        low in _FREQ
        or low in _ROUTES
        or low in _FORMS
        or low in _TIMES
        or low in _STOP_WORDS
        or _strength(token)
        or _number(low) is not None
        or _QH_RE.match(low)
    )


def _set_frequency(fields: dict, code: str) -> None:
    canonical, per_day, times = _FREQ[code]
    if "frequency" in fields and fields["frequency"] != canonical:
        # "bd" then "mane": keep the first frequency, add the time of day it names.
        fields["times_of_day"] = tuple(dict.fromkeys((*fields.get("times_of_day", ()), *times)))
        return
    fields["frequency"], fields["times_per_day"] = canonical, per_day
    if times:
        fields["times_of_day"] = tuple(dict.fromkeys((*fields.get("times_of_day", ()), *times)))


def _at_word_bounds(text: str, idx: int, length: int) -> bool:
    before = idx == 0 or not text[idx - 1].isalnum()
    after = idx + length >= len(text) or not text[idx + length].isalnum()
    return before and after


def _cut(text: str, idx: int, length: int) -> str:
    return text[:idx] + " " + text[idx + length :]
