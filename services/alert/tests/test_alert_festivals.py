"""Festival dates from the lunar-calendar library, checked against the published calendar for three years."""

from __future__ import annotations

from datetime import date

from kam.alert.v1 import alert_pb2
from kam_alert.domain.festivals import festival_date, occurrences

F = alert_pb2.FestivalCondition

# 国务院办公厅 holiday notices and the 中国科学院紫金山天文台 calendar
PUBLISHED = {
    2026: {
        F.FESTIVAL_SPRING: date(2026, 2, 17),
        F.FESTIVAL_DRAGON_BOAT: date(2026, 6, 19),
        F.FESTIVAL_MID_AUTUMN: date(2026, 9, 25),
    },
    2027: {
        F.FESTIVAL_SPRING: date(2027, 2, 6),
        F.FESTIVAL_DRAGON_BOAT: date(2027, 6, 9),
        F.FESTIVAL_MID_AUTUMN: date(2027, 9, 15),
    },
    2028: {
        F.FESTIVAL_SPRING: date(2028, 1, 26),
        F.FESTIVAL_DRAGON_BOAT: date(2028, 5, 28),
        F.FESTIVAL_MID_AUTUMN: date(2028, 10, 3),
    },
}


def test_lunar_festivals_for_three_years_are_the_published_dates() -> None:
    for year, festivals in PUBLISHED.items():
        for festival, expected in festivals.items():
            assert festival_date(festival, year) == expected, (year, F.Festival.Name(festival))


def test_occurrences_in_a_window_across_the_year_end() -> None:
    wanted = [F.FESTIVAL_NEW_YEAR, F.FESTIVAL_SPRING, F.FESTIVAL_MID_AUTUMN]
    assert occurrences(wanted, date(2027, 12, 30), date(2028, 1, 31)) == [
        (F.FESTIVAL_NEW_YEAR, date(2028, 1, 1)),
        (F.FESTIVAL_SPRING, date(2028, 1, 26)),
    ]
    assert occurrences(wanted, date(2026, 3, 1), date(2026, 9, 24)) == []
