"""Working days (工作日) as China's State Council publishes them, holidays and make-up days (调休)
included.

Three sources, in order:

1. the days the operator entered from the State Council's notice (`CalendarDay`, through
   `manage.py calendar_days`) — for a year the installed package does not cover yet, since a
   county server off the internet cannot simply upgrade it;
2. the `chinese-calendar` package (it covers up to the year its maintainers last published);
3. past both, Monday to Friday less the fixed-date statutory holidays (元旦, 劳动节, 国庆节:
   全国年节及纪念日放假办法), and `is_estimated` says so: a deadline that reaches into next
   year must not fail before that year's notice is out.
"""

import datetime

import chinese_calendar

from monitoring_objects.models import CalendarDay

FIXED_HOLIDAYS = {(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)}
WINDOW = datetime.timedelta(days=62)  # the entered days are read a window at a time, not day by day

ONE_DAY = datetime.timedelta(days=1)


def _entered(first: datetime.date, last: datetime.date) -> dict[datetime.date, bool]:
    return dict(CalendarDay.objects.filter(day__range=(first, last)).values_list("day", "is_workday"))


def _published(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS


def is_workday(day: datetime.date) -> bool:
    return _entered(day, day).get(day, _published(day))


def is_estimated(day: datetime.date) -> bool:
    """True when neither the package nor the entered days know `day`'s year (counted Monday to Friday)."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return not CalendarDay.objects.filter(day__year=day.year).exists()
    return False


def _days_after(start: datetime.date):
    """(day, is it a working day) for each day after `start`, reading entered days a window at a time."""
    day = start
    while True:
        entered = _entered(day + ONE_DAY, day + WINDOW)
        for _ in range(WINDOW.days):
            day += ONE_DAY
            yield day, entered.get(day, _published(day))


def add_workdays(start: datetime.date, days: int) -> datetime.date:
    """The `days`-th working day after `start` (the day a thing is due when it starts on `start`)."""
    if days <= 0:
        return start
    counted = 0
    for day, working in _days_after(start):
        counted += working
        if counted >= days:
            return day


def workdays_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not after `start`)."""
    if end <= start:
        return 0
    entered = _entered(start + ONE_DAY, end)
    count = 0
    day = start
    while day < end:
        day += ONE_DAY
        count += entered.get(day, _published(day))
    return count


def workdays_in(first: datetime.date, last: datetime.date) -> int:
    """Working days from `first` to `last`, both included (how long a 公示 ran)."""
    return workdays_between(first - ONE_DAY, last)
