"""The suite never crosses midnight in Helsinki: a run starting late in the day runs on the next day's clock."""

import datetime

import pytest

from avustamo.core.dates import helsinki_datetime, helsinki_today
from tests.conftest import suite_clock_start

DAY = helsinki_today()


@pytest.mark.parametrize(
    ("wall_clock", "shift_days", "start"),
    [
        (datetime.time(21, 59), 0, None),
        (
            datetime.time(21, 59),
            3,
            helsinki_datetime(DAY + datetime.timedelta(days=3), datetime.time(21, 59)),
        ),
        (datetime.time(22, 0), 0, helsinki_datetime(DAY + datetime.timedelta(days=1), datetime.time(0, 1))),
        (datetime.time(23, 59), 2, helsinki_datetime(DAY + datetime.timedelta(days=3), datetime.time(0, 1))),
    ],
    ids=["early-enough", "shifted", "late", "late-and-shifted"],
)
def test_the_suite_starts_where_it_has_hours_before_midnight(wall_clock, shift_days, start):
    real_now = helsinki_datetime(DAY, wall_clock).astimezone(datetime.UTC)
    assert suite_clock_start(real_now, shift_days) == start
