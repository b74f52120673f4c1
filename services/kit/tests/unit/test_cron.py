"""The cron matcher of the scans' and sweeps' schedules."""

from __future__ import annotations

from datetime import datetime

import pytest
from kam_kit.cron import Cron, CronError


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("*/15 * * * *", datetime(2026, 7, 1, 10, 7), datetime(2026, 7, 1, 10, 15)),
        ("0 2 * * *", datetime(2026, 7, 1, 2, 0), datetime(2026, 7, 2, 2, 0)),
        ("30 1 1 * *", datetime(2026, 7, 1, 10, 0), datetime(2026, 8, 1, 1, 30)),
        ("0 9 * * 1-5", datetime(2026, 7, 3, 10, 0), datetime(2026, 7, 6, 9, 0)),  # Friday → Monday
        ("0 0 29 2 *", datetime(2026, 3, 1), datetime(2028, 2, 29, 0, 0)),
        ("0 0 13 * 5", datetime(2026, 7, 1), datetime(2026, 7, 3, 0, 0)),  # day 13 OR Friday
        ("5,10 8-9/1 * * 7", datetime(2026, 7, 4, 23, 0), datetime(2026, 7, 5, 8, 5)),  # 7 = Sunday
    ],
)
def test_next_matching_minute(expression, after, expected) -> None:
    cron = Cron.parse(expression)
    assert cron.next_after(after) == expected
    assert cron.matches(expected)


@pytest.mark.parametrize("expression", ["* * * *", "61 * * * *", "*/0 * * * *", "a * * * *", "5-1 * * * *"])
def test_invalid_expressions(expression) -> None:
    with pytest.raises(CronError):
        Cron.parse(expression)
