"""Times are stored in UTC and entered and shown in Europe/Helsinki."""

import argparse
import datetime
import re
from zoneinfo import ZoneInfo

from babel.dates import format_date
from django.utils import timezone

from avustamo.core.money import LOCALES
from avustamo.core.translation import language_code

HELSINKI = ZoneInfo("Europe/Helsinki")
DAY_PATTERNS = {"fi": "d.M.yyyy", "sv": "d.M.yyyy", "en": "d MMMM yyyy"}


def helsinki_datetime(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """The moment `day` at `time` on the wall clocks of Helsinki (DST handled by the zone)."""
    return datetime.datetime.combine(day, time, tzinfo=HELSINKI)


def in_helsinki(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment, HELSINKI)


def shift_years(moment: datetime.datetime | datetime.date, years: int):
    """The same wall-clock moment `years` later; 29 February becomes 28 February."""
    if isinstance(moment, datetime.datetime):
        local = in_helsinki(moment)
        return helsinki_datetime(shift_years(local.date(), years), local.time().replace(tzinfo=None))
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first moment after `day` in Helsinki: a reply "by 15.1." may arrive until midnight."""
    return helsinki_datetime(day + datetime.timedelta(days=1), datetime.time(0, 0))


def format_day(day: datetime.date | None, language: str | None = None) -> str:
    """`7.12.2026` in Finnish and Swedish, `7 December 2026` in English."""
    if day is None:
        return ""
    code = language_code(language)
    return format_date(day, DAY_PATTERNS[code], locale=LOCALES[code])


def helsinki_today(now: datetime.datetime | None = None) -> datetime.date:
    return in_helsinki(now or timezone.now()).date()


def _easter_sunday(year: int) -> datetime.date:
    """Easter Sunday of the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


def is_day_off(day: datetime.date) -> bool:
    """A day on which a time limit does not end (Act on the Calculation of Time Limits 150/1930 §5): Saturdays,
    Sundays and the other church holidays, Independence Day, May Day, Christmas Eve and Midsummer Eve."""
    if day.weekday() >= 5:
        return True
    if (day.month, day.day) in {(1, 1), (1, 6), (5, 1), (12, 6), (12, 24), (12, 25), (12, 26)}:
        return True
    easter = _easter_sunday(day.year)
    if day in {easter - datetime.timedelta(days=2), easter + datetime.timedelta(days=1)}:
        return True
    if day == easter + datetime.timedelta(days=39):  # Ascension Day
        return True
    return day.month == 6 and 19 <= day.day <= 25 and day.weekday() == 4  # Midsummer Eve


def is_banking_day(day: datetime.date) -> bool:
    """Whether Finnish banks execute payments on `day`. They close on the days off of 150/1930: weekends, New
    Year's Day, Epiphany, Good Friday, Easter Monday, May Day, Ascension Day, Midsummer Eve, Independence Day and
    Christmas Eve to Boxing Day."""
    return not is_day_off(day)


def banking_day_from(day: datetime.date) -> datetime.date:
    """`day` itself when it is a banking day, else the next one."""
    while not is_banking_day(day):
        day += datetime.timedelta(days=1)
    return day


def time_limit_end(start: datetime.date, days: int) -> datetime.date:
    """The last day of a time limit of `days` days from `start`, the start day not counted (150/1930 §2); a last
    day that is a day off moves to the next working day (§5)."""
    day = start + datetime.timedelta(days=days)
    while is_day_off(day):
        day += datetime.timedelta(days=1)
    return day


def iso_day_argument(value: str) -> datetime.date:
    """A day given to a management command as YYYY-MM-DD (argparse `type=`); Python alone would also take other ISO
    forms such as 20260101."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return datetime.date.fromisoformat(value)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"{value!r} is not a day in the form YYYY-MM-DD")
