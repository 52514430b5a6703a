"""Working days (工作日) as China's State Council publishes them, holidays and make-up days (调休)
included, from the `chinese-calendar` package. Its data covers up to the year its maintainers
last published; for a later year we count Monday to Friday less the fixed-date statutory
holidays (元旦, 劳动节, 国庆节: 全国年节及纪念日放假办法) and say so (`is_estimated`), rather
than failing a deadline that reaches into next year before the calendar for it is out. The
lunar holidays and make-up days of such a year are not known until the State Council publishes
them; upgrading chinesecalendar brings them in."""

import datetime

import chinese_calendar

FIXED_HOLIDAYS = {(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)}


def is_workday(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS


def is_estimated(day: datetime.date) -> bool:
    """True when `day`'s year is beyond the published calendar (counted Monday to Friday)."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return True
    return False


def add_workdays(start: datetime.date, days: int) -> datetime.date:
    """The `days`-th working day after `start` (the day a thing is due when it starts on `start`)."""
    day = start
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_workday(day):
            counted += 1
    return day


def workdays_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not after `start`)."""
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_workday(day):
            count += 1
    return count


def workdays_in(first: datetime.date, last: datetime.date) -> int:
    """Working days from `first` to `last`, both included (how long a 公示 ran)."""
    return workdays_between(first - datetime.timedelta(days=1), last)
