"""Tests for the printable recovery kit PDF."""

from __future__ import annotations

import io
import os
import re
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pypdf import PdfReader

from carecoord_desktop.documents.recovery_kit import RecoveryKit, render_recovery_kit

KEY = "7K3M-Q9XA-R2TD-W8HP-4NZC-J6FV-B5YL-M3QE-T9RG"
LONG_NAME = (
    "The Riverside & St Margaret's Combined Medical Practice and Community Health Centre "
    "Lower Thameside Primary Care Network"
)
assert len(LONG_NAME) == 120


def make_kit(**overrides: object) -> RecoveryKit:
    fields: dict[str, object] = {
        "practice_name": "Riverside Surgery",
        "workspace_id": "3f2b8c1e-9a4d-4e7b-8c2f-1d5e6a7b8c9d",
        "created_at": datetime(2026, 11, 22, 22, 10, tzinfo=UTC),
        "recovery_key": KEY,
        "created_by": "Dr Eleanor Fitzgerald",
        "is_demo": False,
    }
    fields.update(overrides)
    return RecoveryKit(**fields)  # type: ignore[arg-type]


def render_bytes(kit: RecoveryKit) -> bytes:
    buffer = io.BytesIO()
    render_recovery_kit(kit, buffer)
    return buffer.getvalue()


def read(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def page_text(data: bytes) -> str:
    """All page text with runs of whitespace collapsed to single spaces."""
    reader = read(data)
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages)).strip()


def assert_in_order(text: str, parts: list[str]) -> None:
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} not found (in order) in {text!r}"
        position = found + len(part)


def test_recovery_key_groups_are_extractable_in_order() -> None:
    text = page_text(render_bytes(make_kit()))
    assert_in_order(text, KEY.split("-"))
    # Groups on the same printed line keep their dashes.
    assert "7K3M-Q9XA-R2TD" in text


def test_long_key_still_fits_and_is_extractable() -> None:
    key = "-".join(f"AB{i:02d}" for i in range(16))
    data = render_bytes(make_kit(recovery_key=key))
    assert len(read(data).pages) == 1
    assert_in_order(page_text(data), key.split("-"))


def test_practice_name_appears_with_markup_characters_escaped() -> None:
    name = "Smith & Jones <Partners> Surgery"
    text = page_text(render_bytes(make_kit(practice_name=name)))
    assert name in text


@pytest.mark.parametrize("is_demo", [False, True])
@pytest.mark.parametrize(
    "name",
    [LONG_NAME, "W" * 120, ("Mmmw Wwwm " * 12)[:120]],
    ids=["words", "no-spaces", "wide-letters"],
)
def test_long_practice_name_fits_on_exactly_one_page(name: str, is_demo: bool) -> None:
    kit = make_kit(
        practice_name=name,
        is_demo=is_demo,
        created_by="Dr Eleanor Margaret Fitzgerald-Okonkwo-Whitworth-Smythe",
    )
    data = render_bytes(kit)
    assert len(read(data).pages) == 1
    text = page_text(data)
    # Long names wrap, so compare with whitespace removed.
    assert re.sub(r"\s+", "", name) in re.sub(r"\s+", "", text)
    assert_in_order(text, KEY.split("-"))


@pytest.mark.parametrize("is_demo", [False, True])
def test_demo_banner_only_for_demo_workspaces(is_demo: bool) -> None:
    text = page_text(render_bytes(make_kit(is_demo=is_demo)))
    assert ("DEMO WORKSPACE \u2014 synthetic data only" in text) is is_demo


def test_metadata_has_title_and_author_but_never_the_key() -> None:
    reader = read(render_bytes(make_kit()))
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "CareCoord recovery kit"
    assert meta.author == "CareCoord Desktop"
    compact_key = KEY.replace("-", "")
    for value in meta.values():
        value = str(value)
        assert compact_key not in value.replace("-", "")
        for group in KEY.split("-"):
            assert group not in value
    assert not reader.is_encrypted


def test_writes_to_binary_file_object() -> None:
    buffer = io.BytesIO()
    render_recovery_kit(make_kit(), buffer)
    data = buffer.getvalue()
    assert data.startswith(b"%PDF-")
    assert len(read(data).pages) == 1


@pytest.mark.parametrize("as_str", [False, True])
def test_writes_to_path(tmp_path: Path, as_str: bool) -> None:
    target = tmp_path / "kit.pdf"
    render_recovery_kit(make_kit(), str(target) if as_str else target)
    reader = PdfReader(target)
    assert len(reader.pages) == 1
    if sys.platform != "win32":
        assert os.stat(target).st_mode & 0o077 == 0  # readable by the owner only


def test_header_shows_workspace_creation_time_in_utc_and_creator() -> None:
    created = datetime(2026, 11, 22, 23, 10, tzinfo=timezone(timedelta(hours=1)))
    text = page_text(render_bytes(make_kit(created_at=created)))
    assert "CareCoord Desktop \u2014 Workspace recovery kit" in text
    assert "3f2b8c1e-9a4d-4e7b-8c2f-1d5e6a7b8c9d" in text
    assert "22 Nov 2026, 22:10 UTC" in text
    assert "Dr Eleanor Fitzgerald" in text


def test_single_digit_day_is_not_zero_padded() -> None:
    created = datetime(2026, 3, 2, 9, 5, tzinfo=UTC)
    assert "2 Mar 2026, 09:05 UTC" in page_text(render_bytes(make_kit(created_at=created)))


def test_page_has_guidance_signature_block_and_footer() -> None:
    text = page_text(render_bytes(make_kit()))
    assert_in_order(
        text,
        [
            "What this key is for",
            "How to use it",
            "carecoord --workspace FOLDER check",
            "Keep it safe",
            "practice safe",
            "can read every patient record",
            "tell your practice administrator at once",
            "Stored by",
            "Date",
            "Location",
        ],
    )
    assert "Generated by CareCoord Desktop" in text
    assert "Page 1 of 1" in text


def test_characters_outside_the_pdf_font_degrade_to_base_letters() -> None:
    text = page_text(render_bytes(make_kit(practice_name="Meddygfa Bryn \u0174yn")))
    assert "Meddygfa Bryn Wyn" in text


def test_naive_created_at_is_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        render_bytes(make_kit(created_at=datetime(2026, 11, 22, 22, 10)))


@pytest.mark.parametrize("key", ["", "   ", "7K3M-Q9X\u00c5"])
def test_unprintable_or_empty_key_is_rejected(key: str) -> None:
    with pytest.raises(ValueError, match="recovery_key"):
        render_bytes(make_kit(recovery_key=key))
