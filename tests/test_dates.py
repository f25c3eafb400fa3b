"""The place-and-date line: days 1–9 and months 1–2 padded, months 3–12 not (ND30 II.4)."""

from __future__ import annotations

import calendar
import datetime as dt
import re

import pytest

from planforge import Plan, template_context
from planforge._dates import format_place_date
from planforge._loading import plan_from_data
from planforge._profiles import DateFormat, load_profile

PROFILES = ["nd30-2020", "hd36-2018"]


def rule(profile: str = "nd30-2020") -> DateFormat:
    return load_profile(profile).date


def expected_line(place: str, day: int, month: int, year: int) -> str:
    """The rule written out by hand, without babel and without the profile's patterns."""
    day_text = "0" + str(day) if day < 10 else str(day)
    month_text = "0" + str(month) if month in (1, 2) else str(month)
    return place + ", ngày " + day_text + " tháng " + month_text + " năm " + str(year)


def every_day(year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    count = 366 if calendar.isleap(year) else 365
    return [first + dt.timedelta(days=n) for n in range(count)]


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("year", [2024, 2023])
def test_every_day_of_a_leap_and_a_common_year(profile: str, year: int) -> None:
    days = every_day(year)
    assert len(days) == (366 if year == 2024 else 365)
    assert ("02-29" in {d.isoformat()[5:] for d in days}) is (year == 2024)
    date_rule = rule(profile)
    wrong = [
        (day.isoformat(), got)
        for day in days
        if (got := format_place_date("Hà Nội", day, year, date_rule))
        != expected_line("Hà Nội", day.day, day.month, year)
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("place", "date", "text"),
    [
        ("Thanh Hoá", dt.date(2023, 3, 3), "Thanh Hoá, ngày 03 tháng 3 năm 2023"),
        ("Phú Yên", dt.date(2022, 2, 23), "Phú Yên, ngày 23 tháng 02 năm 2022"),
        ("Hà Nội", dt.date(2020, 1, 5), "Hà Nội, ngày 05 tháng 01 năm 2020"),
        ("Huế", dt.date(2024, 12, 31), "Huế, ngày 31 tháng 12 năm 2024"),
        ("Cần Thơ", dt.date(2024, 10, 9), "Cần Thơ, ngày 09 tháng 10 năm 2024"),
        ("Đà Nẵng", dt.date(2024, 2, 29), "Đà Nẵng, ngày 29 tháng 02 năm 2024"),
    ],
)
@pytest.mark.parametrize("profile", PROFILES)
def test_the_seeds_examples(place: str, date: dt.date, text: str, profile: str) -> None:
    assert format_place_date(place, date, date.year, rule(profile)) == text


def test_the_place_is_kept_as_spelled() -> None:
    day = dt.date(2023, 3, 3)
    assert format_place_date("Thanh Hóa", day, 2023, rule()).startswith("Thanh Hóa, ")
    assert format_place_date("Thanh Hoá", day, 2023, rule()).startswith("Thanh Hoá, ")


@pytest.mark.parametrize("profile", PROFILES)
def test_a_draft_leaves_day_and_month_blank_and_keeps_the_year(profile: str) -> None:
    date_rule = rule(profile)
    blank = date_rule.draft_blank
    assert blank.strip() == "" and blank != ""
    text = format_place_date("Thanh Hoá", None, 2023, date_rule)
    assert text == f"Thanh Hoá, ngày {blank} tháng {blank} năm 2023"
    assert re.fullmatch(r"Thanh Hoá, ngày +tháng +năm 2023", text)


def test_a_draft_keeps_the_year_it_is_given() -> None:
    # the year of a draft is the one given, whatever today is
    assert format_place_date("Huế", None, 1999, rule()).endswith("năm 1999")


def test_padded_months_come_from_the_rule() -> None:
    date_rule = rule().model_copy(update={"padded_months": [1, 2, 3]})
    assert format_place_date("Huế", dt.date(2023, 3, 3), 2023, date_rule) == (
        "Huế, ngày 03 tháng 03 năm 2023"
    )
    unpadded = rule().model_copy(update={"padded_months": []})
    assert format_place_date("Huế", dt.date(2020, 1, 5), 2020, unpadded) == (
        "Huế, ngày 05 tháng 1 năm 2020"
    )


def test_the_template_comes_from_the_rule() -> None:
    date_rule = rule().model_copy(update={"template": "{place}, {day}/{month}/{year}"})
    assert format_place_date("Huế", dt.date(2022, 2, 3), 2022, date_rule) == "Huế, 03/02/2022"


def _plan(**overrides: object) -> Plan:
    data: dict[str, object] = {
        "issuers": [{"name": "UBND TỈNH THANH HÓA", "kind": "state", "abbreviation": "UBND"}],
        "place": "Thanh Hoá",
        "title": {"summary": "Kế hoạch"},
        "signatures": [{"signer": "Đầu Thanh Tùng"}],
        **overrides,
    }
    return plan_from_data(data)


def test_the_context_carries_the_date_line_of_a_dated_plan() -> None:
    context = template_context(_plan(date="2023-03-03"))
    assert context["header"]["place_date"] == "Thanh Hoá, ngày 03 tháng 3 năm 2023"
    assert context["date"] == {
        "iso": "2023-03-03",
        "year": 2023,
        "text": "Thanh Hoá, ngày 03 tháng 3 năm 2023",
    }


def test_the_context_of_a_draft_has_blanks_and_the_year() -> None:
    context = template_context(_plan(year=2023))
    assert re.fullmatch(r"Thanh Hoá, ngày +tháng +năm 2023", context["header"]["place_date"])
    assert context["date"]["iso"] is None
    assert context["date"]["year"] == 2023
