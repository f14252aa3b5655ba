"""CSV files in and out: reading what another system exported (encoding, delimiter, header
row, dates) and writing a file so that it is never seen half-written.

Plain functions over text and files; nothing here knows about patients or the database.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from carecoord_desktop.errors import ValidationError
from carecoord_desktop.interop.csv.decoding import Decoded, decode_bytes, read_bytes
from carecoord_desktop.services.patients.rules import DMY_DATE, YMD_DATE, fold, read_date

MAX_ROWS = 50_000
FORMAT_NAMES = {"dmy": "day/month/year", "ymd": "year-month-day", "mdy": "month/day/year"}
DMY, YMD = DMY_DATE, YMD_DATE  # the shapes of the one date rule (patient_rules)

DATE_FORMATS: dict[str, str] = {
    "auto": "Detect from the file",
    "dmy": "day/month/year (31/12/1950 or 31/12/50)",
    "ymd": "year-month-day (1950-12-31)",
    "mdy": "month/day/year (12/31/1950, US systems)",
}


def decode(path: Path, encoding: str = "auto") -> Decoded:
    """The file's text by the strict rules of csv_decoding (a mixed file raises
    MixedEncodingError, which says where and asks the user to choose)."""
    return decode_bytes(read_bytes(path), encoding)


def sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        first = text.splitlines()[0] if text else ""
        counts = {d: first.count(d) for d in (",", ";", "\t")}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def parse_rows(
    text: str, delimiter: str
) -> tuple[list[str], list[tuple[int, list[str]]], dict[int, int]]:
    """The header, the non-blank data rows with the line each starts on, and for each row that
    a stray quotation mark ran on over the next lines: its start line -> its last line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationError("The file is empty.") from None
    except csv.Error as exc:
        raise ValidationError(f"The file is not valid CSV ({exc}).") from None
    header = [h.strip() for h in header]
    while header and not header[-1]:
        header.pop()
    if not any(header):
        raise ValidationError(
            "The first line of the file is empty: it should hold the column names "
            "(for example Surname, First name, DOB)."
        )
    if any(looks_like_data(h) for h in header):
        raise ValidationError(
            "The first line looks like patient data, not column names. Export the list again "
            "with a header row, or add one (for example Surname, First name, DOB)."
        )
    headers = unique_headers([h or f"Column {i + 1}" for i, h in enumerate(header)])
    rows: list[tuple[int, list[str]]] = []
    swallowed: dict[int, int] = {}
    last = reader.line_num
    try:
        for cells in reader:
            start = last + 1
            last = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if last > start and _swallowed(cells, delimiter, len(headers)):
                swallowed[start] = last
            rows.append((start, [unescape_cell(c) for c in cells]))
            if len(rows) > MAX_ROWS:
                raise ValidationError(
                    f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files "
                    "and import them one after the other."
                )
    except csv.Error as exc:
        raise ValidationError(
            f"Line {reader.line_num} of the file is not valid CSV ({exc}). Fix it in a text "
            "editor or export the list again."
        ) from None
    return headers, rows, swallowed


def _swallowed(cells: list[str], delimiter: str, width: int) -> bool:
    """A quoted cell over several lines is fine (an address); one that holds a delimiter too,
    or leaves the row short of cells, took in the next line(s) from a quote never closed."""
    broken = [c for c in cells if "\n" in c or "\r" in c]
    return bool(broken) and (len(cells) < width or any(delimiter in c for c in broken))


def swallowed_reason(start: int, end: int) -> str:
    return (
        f"a stray quotation mark on line {start} joins lines {start}-{end} into one cell, "
        f"swallowing the next line{'s' if end - start > 1 else ''}; fix or remove the quotation "
        "mark and check the file again"
    )


def bad_bytes_reason(bad) -> str:
    return (
        f"{bad} is not UTF-8 text, so this row's text would be damaged; fix it in a text "
        "editor and save as UTF-8"
    )


def looks_like_data(cell: str) -> bool:
    cell = cell.strip()
    return bool(
        cell and (DMY.fullmatch(cell) or YMD.fullmatch(cell) or cell.replace(" ", "").isdigit())
    )


def unique_headers(headers: list[str]) -> list[str]:
    out: list[str] = []
    for h in headers:
        name, n = h, 2
        while name in out:
            name = f"{h} ({n})"
            n += 1
        out.append(name)
    return out


def pad_cells(cells: list[str], width: int) -> list[str]:
    return (list(cells) + [""] * width)[: max(width, len(cells))]


def cells_at(rows: list[tuple[int, list[str]]], line: int) -> list[str]:
    lo, hi = 0, len(rows)
    while lo < hi:  # rows are in line order
        mid = (lo + hi) // 2
        if rows[mid][0] < line:
            lo = mid + 1
        else:
            hi = mid
    return rows[lo][1]


def normalise_header(header: str) -> str:
    return "".join(ch for ch in fold(header) if ch.isalnum())


def parse_date(value: str, fmt: str, today: date) -> date | None:
    """The date, or None if `value` is not a real date in `fmt` (the forms' rule, plus the
    two-digit years other systems export)."""
    return read_date(value, fmt, short_year_before=today)


def pick_date_format(values: list[str], wanted: str) -> tuple[str, list[str]]:
    values = [v for v in values if v]
    if wanted != "auto":
        return wanted, []
    if not values:
        return "dmy", []
    today = date.today()
    parsed = {
        fmt: sum(parse_date(v, fmt, today) is not None for v in values)
        for fmt in ("dmy", "ymd", "mdy")
    }
    complete = [fmt for fmt, n in parsed.items() if n == len(values)]
    notes: list[str] = []
    if complete:
        fmt = complete[0]
        if fmt == "dmy" and "mdy" in complete and any(swappable(v) for v in values):
            notes.append(
                "Every date of birth could be read as day/month or month/day; they were read "
                "as day/month/year (Australian). If the file comes from a US system, choose "
                "month/day/year."
            )
    else:
        fmt = max(parsed, key=lambda f: parsed[f])  # ties go to dmy, then ymd
        if parsed[fmt] == 0:
            notes.append("No date of birth could be read; check the date of birth column.")
    notes.insert(0, f"Dates of birth read as {DATE_FORMATS[fmt]}.")
    return fmt, notes


def swappable(value: str) -> bool:
    m = DMY.fullmatch(value.strip())
    return bool(m and m.group(1) != m.group(2))


def date_problem(value: str, fmt: str, today: date) -> str:
    if any(parse_date(value, other, today) for other in ("dmy", "ymd", "mdy") if other != fmt):
        return f"date of birth is not written {FORMAT_NAMES[fmt]} like the file's other dates"
    shape = YMD if fmt == "ymd" else DMY
    if shape.fullmatch(value):
        return f"date of birth is not a real date (read as {FORMAT_NAMES[fmt]})"
    return f"date of birth is not a date like {example_date(fmt)}"


def example_date(fmt: str) -> str:
    return {"dmy": "31/12/1950", "ymd": "1950-12-31", "mdy": "12/31/1950"}[fmt]


@contextmanager
def csv_file_atomically(path: Path) -> Iterator:
    """A csv.writer on a temporary file beside `path`, renamed to `path` only when the block
    ends without error: a reader never sees half a file, and a failure leaves nothing behind.
    UTF-8 with a byte-order mark, so Excel shows accented names right; every cell is
    neutralised against formula injection (see `neutralise_cell`)."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".carecoord-", suffix=".csv.tmp", dir=path.parent)
    except OSError as exc:
        raise ValidationError(
            f"Cannot write in {path.parent} ({exc.strerror or exc}); choose another folder."
        ) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as out:
            yield SafeCsvWriter(out)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ValidationError(
            f"The file could not be written ({exc.strerror or exc}); choose another name or "
            "folder. Nothing was written."
        ) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection"):
# =HYPERLINK(…), +cmd|…, -2+3, @SUM(…), and a tab or carriage return before one of them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """A text cell that a spreadsheet would run gets a leading apostrophe, which Excel and
    LibreOffice take as "this is text" ("+61 3 9123 4567" stays readable, and is not
    turned into a number or a formula). Numbers and other values pass as they are."""
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unescape_cell(value: str) -> str:
    """What `neutralise_cell` wrote, read back: a report saved by this app imports as typed."""
    if value.startswith("'") and value[1:].lstrip(" ").startswith(FORMULA_STARTS):
        return value[1:]
    return value


class SafeCsvWriter:
    """csv.writer whose every cell goes through `neutralise_cell`: the one place it is done,
    for every CSV the app writes."""

    def __init__(self, out) -> None:
        self._writer = csv.writer(out)

    def writerow(self, row) -> None:
        self._writer.writerow([neutralise_cell(cell) for cell in row])

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)
