"""The place-and-date line, by the profile's rule (days 1–9 and months 1–2 padded)."""

from __future__ import annotations

import datetime as _dt

from babel.dates import format_date

from ._profiles import DateFormat

__all__ = ["format_place_date"]


def format_place_date(place: str, date: _dt.date | None, year: int, rule: DateFormat) -> str:
    """`Thanh Hoá, ngày 03 tháng 3 năm 2023`; a draft (no date) leaves day and month blank."""
    if date is None:
        day = month = rule.draft_blank
        year_text = format_date(_dt.date(year, 1, 1), rule.year, locale=rule.locale)
    else:
        # babel does the digits; which pattern a month takes is the rule, not babel's
        month_pattern = rule.month_padded if date.month in rule.padded_months else rule.month
        day = format_date(date, rule.day, locale=rule.locale)
        month = format_date(date, month_pattern, locale=rule.locale)
        year_text = format_date(date, rule.year, locale=rule.locale)
    return rule.template.format(place=place, day=day, month=month, year=year_text)
