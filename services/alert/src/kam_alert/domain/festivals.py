"""Chinese festivals as greeting occasions (节日关怀): their dates from a maintained lunar-calendar library
(``lunar-python``, 6tail's calendar, which also drives its 农历 almanac), not a hand-kept table."""

from __future__ import annotations

from datetime import date, timedelta

from kam.alert.v1 import alert_pb2
from lunar_python import Lunar

Festival = alert_pb2.FestivalCondition.Festival

#: lunar festivals: (lunar month, lunar day)
LUNAR: dict[int, tuple[int, int]] = {
    alert_pb2.FestivalCondition.FESTIVAL_SPRING: (1, 1),
    alert_pb2.FestivalCondition.FESTIVAL_LANTERN: (1, 15),
    alert_pb2.FestivalCondition.FESTIVAL_DRAGON_BOAT: (5, 5),
    alert_pb2.FestivalCondition.FESTIVAL_MID_AUTUMN: (8, 15),
    alert_pb2.FestivalCondition.FESTIVAL_DOUBLE_NINTH: (9, 9),
}
#: solar (Gregorian) festivals: (month, day)
SOLAR: dict[int, tuple[int, int]] = {
    alert_pb2.FestivalCondition.FESTIVAL_NEW_YEAR: (1, 1),
    alert_pb2.FestivalCondition.FESTIVAL_NATIONAL_DAY: (10, 1),
}
NAMES: dict[int, str] = {
    alert_pb2.FestivalCondition.FESTIVAL_NEW_YEAR: "元旦",
    alert_pb2.FestivalCondition.FESTIVAL_SPRING: "春节",
    alert_pb2.FestivalCondition.FESTIVAL_LANTERN: "元宵节",
    alert_pb2.FestivalCondition.FESTIVAL_DRAGON_BOAT: "端午节",
    alert_pb2.FestivalCondition.FESTIVAL_MID_AUTUMN: "中秋节",
    alert_pb2.FestivalCondition.FESTIVAL_DOUBLE_NINTH: "重阳节",
    alert_pb2.FestivalCondition.FESTIVAL_NATIONAL_DAY: "国庆节",
}


def festival_date(festival: int, year: int) -> date:
    """The Gregorian date of ``festival`` in the lunar (or solar) year ``year``."""
    if festival in SOLAR:
        month, day = SOLAR[festival]
        return date(year, month, day)
    month, day = LUNAR[festival]
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def occurrences(festivals: list[int], start: date, end: date) -> list[tuple[int, date]]:
    """Every (festival, date) with ``start <= date <= end``, by date."""
    out = []
    for festival in festivals:
        for year in range(
            start.year - 1, end.year + 1
        ):  # a lunar year's festival may fall in the next solar year
            when = festival_date(festival, year)
            if start <= when <= end:
                out.append((festival, when))
    return sorted(set(out), key=lambda item: (item[1], item[0]))


def days_until(today: date, when: date) -> timedelta:
    return when - today
