"""The place-and-date line, by the profile's rule (days 1–9 and months 1–2 padded)."""

from __future__ import annotations

import datetime as _dt
import functools
import re

from babel import Locale
from babel.dates import format_date

from ._i18n import _
from ._profiles import DateFormat

__all__ = ["NUMERIC_PLACE_DATE", "format_place_date", "numeric_date"]

#: A place-and-date line written in figures, as clerks type it: `Huế, 05/3/2025`,
#: `Huế, ngày 5-3-2025`. Never how a rule writes it; read so that it can be put right.
NUMERIC_PLACE_DATE = re.compile(
    r"^(?P<place>.+?)\s*,\s*(?:ngày\s*)?(?P<day>[0-9]{1,2})\s*(?P<sep>[/.\-])\s*"
    r"(?P<month>[0-9]{1,2})\s*(?P=sep)\s*(?P<year>[0-9]{4})\s*\.?$",
    re.IGNORECASE,
)


def numeric_date(match: re.Match[str]) -> _dt.date | None:
    """The day a NUMERIC_PLACE_DATE match names (day first, as Vietnamese dates are), or None
    when there is no such day."""
    try:
        return _dt.date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        return None


def format_place_date(place: str, date: _dt.date | None, year: int, rule: DateFormat) -> str:
    """`Thanh Hoá, ngày 03 tháng 3 năm 2023`; a draft (no date) leaves day and month blank."""
    locale = _locale(rule.locale)
    if date is None:
        day = month = rule.draft_blank
        year_text = format_date(_dt.date(year, 1, 1), rule.year, locale=locale)
    else:
        # babel does the digits; which pattern a month takes is the rule, not babel's
        month_pattern = rule.month_padded if date.month in rule.padded_months else rule.month
        day = format_date(date, rule.day, locale=locale)
        month = format_date(date, month_pattern, locale=locale)
        year_text = format_date(date, rule.year, locale=locale)
    return rule.template.format(place=place, day=day, month=month, year=year_text)


@functools.cache
def _locale(identifier: str) -> Locale:
    # parsed once: babel parses a locale given by name on every call
    return Locale.parse(identifier)


def describe_date_rule(rule: DateFormat) -> str:
    """The padding rule in words, from the profile: `days 1–9 and months 1–2 take a leading
    zero, months 3–12 do not`."""
    padded = sorted(set(rule.padded_months))
    day_padded = rule.day.count("d") >= 2
    if not padded:
        if day_padded:
            return _("days 1–9 take a leading zero; months are not padded")
        return _("days are not padded; months are not padded")
    runs = _runs(padded)
    rest = _runs([m for m in range(1, 13) if m not in padded])
    if rest:
        if day_padded:
            text = _("days 1–9 and months {runs} take a leading zero, months {rest} do not")
        else:
            text = _("days are not padded; months {runs} take a leading zero, months {rest} do not")
    elif day_padded:
        text = _("days 1–9 and months {runs} take a leading zero")
    else:
        text = _("days are not padded; months {runs} take a leading zero")
    return text.format(runs=runs, rest=rest)


def _runs(months: list[int]) -> str:
    """[1, 2, 5] -> `1–2 and 5`."""
    spans: list[list[int]] = []
    for m in months:
        if spans and m == spans[-1][-1] + 1:
            spans[-1].append(m)
        else:
            spans.append([m])
    parts = [f"{s[0]}–{s[-1]}" if len(s) > 1 else f"{s[0]}" for s in spans]
    if len(parts) <= 1:
        return "".join(parts)  # no months at all: ''
    return _("{first} and {last}").format(first=", ".join(parts[:-1]), last=parts[-1])
