"""Right-to-left text for reportlab, which lays lines out left to right only.

reportlab reorders RTL text only with `rlbidi`, which is not published on PyPI, and does not
join Arabic letters without HarfBuzz. So: Arabic letters are joined into their presentation
forms by `arabic_reshaper`, lines are broken in logical (typed) order, and each line is then
put in display order by `python-bidi` (the Unicode bidi algorithm) and right-aligned. Breaking
before reordering keeps the first words on the first line (reordering a whole paragraph and then
breaking it reads its lines bottom to top).
"""

from __future__ import annotations

import re

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph

from carecoord_desktop.documents.style import esc

__all__ = ["RtlParagraph", "has_rtl", "is_rtl_language", "visual_line"]

# Written right to left (ISO 639 primary subtags).
_RTL_LANGUAGES = frozenset(
    {
        "ar",
        "arc",
        "ckb",
        "dv",
        "fa",
        "he",
        "iw",
        "ks",
        "ku-arab",
        "ps",
        "sd",
        "syr",
        "ug",
        "ur",
        "yi",
    }
)
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
_STRONG = re.compile(r"[^\W\d_]")  # a letter: the first one decides a paragraph's direction


# The record's "preferred language" is often typed as a name rather than a tag.
_RTL_NAMES = frozenset(
    {
        "arabic",
        "hebrew",
        "persian",
        "farsi",
        "dari",
        "urdu",
        "pashto",
        "yiddish",
        "dhivehi",
        "sorani",
        "kurdish (sorani)",
        "sindhi",
        "uyghur",
        "assyrian",
        "syriac",
    }
)


def is_rtl_language(tag: str) -> bool:
    """A BCP-47 tag ("ar", "he-IL") or a language's English name ("Arabic")."""
    tag = (tag or "").strip().lower().replace("_", "-")
    return tag in _RTL_LANGUAGES or tag.split("-")[0] in _RTL_LANGUAGES or tag in _RTL_NAMES


def has_rtl(text: str) -> bool:
    return bool(_RTL.search(text or ""))


def _starts_rtl(text: str) -> bool:
    first = _STRONG.search(text)
    return bool(first and _RTL.match(first.group()))


def _shape(text: str) -> str:
    if not _ARABIC.search(text):
        return text
    import arabic_reshaper

    return arabic_reshaper.reshape(text)


def _order(line: str, rtl_base: bool) -> str:
    from bidi import get_display

    return get_display(line, base_dir="R" if rtl_base else "L")


def break_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy line breaks at plain spaces only (a no-break space keeps a phone number whole),
    in logical order; a word longer than the line stands on its own line."""
    lines: list[str] = []
    for block in text.split("\n"):
        line = ""
        for word in block.split(" "):
            trial = f"{line} {word}" if line else word
            if line and stringWidth(trial, font, size) > width:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    return lines


def visual_line(text: str) -> str:
    """One line (no wrapping) in display order, for drawString; LTR text comes back as is."""
    if not has_rtl(text):
        return text
    return _order(_shape(text), _starts_rtl(text))


class RtlParagraph(Flowable):
    """A right-aligned paragraph of plain text (not markup) in display order, line by line."""

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text = str(text)
        self.style = ParagraphStyle(f"{style.name}-rtl", parent=style, alignment=TA_RIGHT)
        self._para: Paragraph | None = None
        self.keepWithNext = getattr(style, "keepWithNext", 0)

    def _layout(self, width: float) -> Paragraph:
        s = self.style
        room = width - s.leftIndent - s.rightIndent
        shaped = _shape(self.text)
        rtl_base = _starts_rtl(self.text)
        lines = break_lines(shaped, s.fontName, s.fontSize, room)
        shown = "<br/>".join(esc(_order(line, rtl_base)) for line in lines)
        return Paragraph(shown, s)

    def wrap(self, availWidth, availHeight):  # reportlab override
        self._para = self._layout(availWidth)
        return self._para.wrap(availWidth, availHeight)

    def split(self, availWidth, availHeight):  # reportlab override
        para = self._para or self._layout(availWidth)
        para.wrap(availWidth, availHeight)
        return para.split(availWidth, availHeight)

    def draw(self):  # reportlab override
        self._para.drawOn(self.canv, 0, 0)

    def getSpaceBefore(self):  # reportlab override
        return self.style.spaceBefore

    def getSpaceAfter(self):  # reportlab override
        return self.style.spaceAfter
