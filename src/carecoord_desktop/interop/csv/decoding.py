"""The bytes of a CSV file as text, strictly: UTF-8 first; Windows-1252 only for a file that has
no UTF-8 in it at all (and then it says so); a file that mixes the two is reported with the
line and byte, and the user chooses. Nothing is guessed silently, so a correct UTF-8 name is
never imported as mojibake ("Zoë" as "ZoÃ«").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from carecoord_desktop.errors import ValidationError

MAX_ROWS = 50_000
MAX_BYTES = 100 * 1024 * 1024
_BOM = b"\xef\xbb\xbf"
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp1252": "Windows-1252"}
ENCODING_CHOICES: dict[str, str] = {
    "auto": "Detect (UTF-8; Windows-1252 only if the whole file is)",
    "utf-8": "UTF-8: reject the lines with bytes that are not UTF-8",
    "cp1252": "Windows-1252: read every line that way (UTF-8 accents come out wrong)",
}


@dataclass(frozen=True)
class BadByte:
    line: int  # 1-based, as a text editor counts
    column: int  # 1-based byte position within the line
    value: int

    def __str__(self) -> str:
        return f"line {self.line}, byte {self.column} (0x{self.value:02X})"


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # "utf-8", "utf-8-sig" or "cp1252"
    notes: list[str] = field(default_factory=list)
    # Lines (1-based) whose bytes were not UTF-8, read as U+FFFD: their rows are rejected.
    bad_lines: dict[int, BadByte] = field(default_factory=dict)


class MixedEncodingError(ValidationError):
    """The file is partly UTF-8 and partly not: the user must choose how to read it."""

    def __init__(self, bad: list[BadByte], utf8_line: int, total_bad_lines: int) -> None:
        first = bad[0]
        others = total_bad_lines - 1
        more = f" and so are bytes on {others} other line{'s' * (others > 1)}" if others else ""
        lines = "the line" if total_bad_lines == 1 else f"the {total_bad_lines} lines"
        super().__init__(
            f"The file mixes two text encodings: {first} is not UTF-8{more}, but line "
            f"{utf8_line} holds UTF-8 text. Nothing was read. Choose how to read it: as UTF-8 "
            f"({lines} with other bytes rejected and reported), or "
            "all as Windows-1252 (accented letters saved as UTF-8 come out wrong, Zoë as "
            "ZoÃ«). Better still, save the file again as “CSV UTF-8” in the other program.",
            field="encoding",
        )
        self.bad = bad
        self.utf8_line = utf8_line
        self.total_bad_lines = total_bad_lines


def read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ValidationError(
                f"The file is too large ({size // (1024 * 1024)} MB); split it into files of "
                f"at most {MAX_ROWS:,} rows."
            )
        data = path.read_bytes()
    except ValidationError:
        raise
    except OSError as exc:
        raise ValidationError(
            f"The file could not be read ({exc.strerror or exc}). Check that it exists and is "
            "not open in another program."
        ) from None
    if not data.strip():
        raise ValidationError(
            "The file is empty. Export the patient list again from the other system."
        )
    if b"\x00" in data[:65536]:
        raise ValidationError(
            "This is not a CSV text file (it looks like a spreadsheet or another binary file). "
            "In the other program, save or export the list as CSV and choose that file."
        )
    return data


def decode_bytes(data: bytes, choice: str = "auto") -> Decoded:
    """`data` as text by `choice` ("auto", "utf-8" or "cp1252"); see the module's rules."""
    if choice not in ENCODING_CHOICES:
        raise ValidationError(f"Unknown text encoding {choice!r}.", field="encoding")
    bom = data.startswith(_BOM)
    body = data[len(_BOM) :] if bom else data
    utf8 = "utf-8-sig" if bom else "utf-8"
    if choice == "cp1252":
        return _as_cp1252(body, note=False)
    try:
        return Decoded(body.decode("utf-8"), utf8)
    except UnicodeDecodeError:
        pass
    bad, bad_lines = _bad_bytes(body)
    if choice == "utf-8":
        n = len(bad_lines)
        which = "the line" if n == 1 else f"the {n} lines"
        return Decoded(
            body.decode("utf-8", errors="replace"),
            utf8,
            [f"Read as UTF-8, as you chose: {which} with other bytes will be rejected."],
            bad_lines,
        )
    utf8_line = _first_utf8_line(body, bad_lines)
    if bom or utf8_line is not None:
        raise MixedEncodingError(bad[:3], utf8_line or 1, len(bad_lines))
    return _as_cp1252(body, note=True)


def _as_cp1252(body: bytes, *, note: bool) -> Decoded:
    try:
        text = body.decode("cp1252")
    except UnicodeDecodeError as exc:
        where = _position(body, exc.start)
        raise ValidationError(
            f"The file's text is neither UTF-8 nor Windows-1252 ({where} cannot be read). "
            "Save it again as “CSV UTF-8” in the other program.",
            field="encoding",
        ) from None
    notes = (
        [
            "The file is not UTF-8: it was read as Windows-1252 (as Excel on Windows saves "
            "CSV). Check the accented names in the examples."
        ]
        if note
        else []
    )
    return Decoded(text, "cp1252", notes)


def _position(body: bytes, offset: int) -> BadByte:
    line_start = body.rfind(b"\n", 0, offset) + 1
    return BadByte(body.count(b"\n", 0, offset) + 1, offset - line_start + 1, body[offset])


def _bad_bytes(body: bytes) -> tuple[list[BadByte], dict[int, BadByte]]:
    """The first bytes that are not UTF-8 (a few, for the message), and the first per line."""
    found: list[BadByte] = []
    by_line: dict[int, BadByte] = {}
    for number, line in enumerate(body.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad = BadByte(number, exc.start + 1, line[exc.start])
            by_line[number] = bad
            if len(found) < 3:
                found.append(bad)
    return found, by_line


def _first_utf8_line(body: bytes, bad_lines: dict[int, BadByte]) -> int | None:
    """The first line holding a real UTF-8 multi-byte character (None: the file has none)."""
    for number, line in enumerate(body.split(b"\n"), start=1):
        if number in bad_lines or line.isascii():
            continue
        return number
    return None
