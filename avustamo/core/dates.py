"""Times are stored in UTC and entered and shown in Europe/Helsinki."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

HELSINKI = ZoneInfo("Europe/Helsinki")


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


def helsinki_today(now: datetime.datetime | None = None) -> datetime.date:
    return in_helsinki(now or timezone.now()).date()
