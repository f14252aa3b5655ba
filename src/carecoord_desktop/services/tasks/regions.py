"""The practice's holiday region: "AU-NSW", "AU-QLD", "US-CA", … (ISO 3166 country, then the
subdivision the `holidays` package knows), parsed and checked with one rule."""

from __future__ import annotations

from functools import cache

from carecoord_desktop.errors import ValidationError

DEFAULT_REGION = "AU-NSW"
# Countries named in messages; any country the holidays package supports is accepted.
_COUNTRY_NAMES = {"AU": "Australia", "US": "the United States", "NZ": "New Zealand"}


@cache
def _supported() -> dict[str, tuple[str, ...]]:
    import holidays  # imported here: it loads every country's module table

    return {c: tuple(s) for c, s in holidays.list_supported_countries().items()}


def parse_region(code: str) -> tuple[str, str | None]:
    """("AU", "NSW") for "AU-NSW" (any case, "_" or " " for "-"); a clear message otherwise."""
    text = (code or "").strip().upper().replace("_", "-").replace(" ", "-")
    country, _, subdiv = text.partition("-")
    supported = _supported()
    if country not in supported:
        raise ValidationError(
            f"'{code}' is not a region the holiday calendar knows. Give the country code and "
            "the state, for example AU-NSW, AU-QLD, AU-VIC or US-CA.",
            field="holiday_region",
        )
    subdivs = {s.upper().replace(" ", "-"): s for s in supported[country]}
    if not subdiv:
        if subdivs:
            raise ValidationError(
                f"Say which state or territory of {_COUNTRY_NAMES.get(country, country)}: "
                f"{country}-" + f", {country}-".join(sorted(subdivs)[:8]) + " …",
                field="holiday_region",
            )
        return country, None
    if subdiv not in subdivs:
        raise ValidationError(
            f"'{subdiv}' is not a state or territory of "
            f"{_COUNTRY_NAMES.get(country, country)} the holiday calendar knows. Choose one of: "
            + ", ".join(f"{country}-{s}" for s in sorted(subdivs)),
            field="holiday_region",
        )
    return country, subdivs[subdiv]


def normalise_region(code: str) -> str:
    country, subdiv = parse_region(code)
    return country if subdiv is None else f"{country}-{subdiv}"
