"""Working days follow the State Council's holidays and make-up days (chinese-calendar)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from monitoring_objects.models import CalendarDay
from monitoring_objects.workdays import add_workdays, is_estimated, is_workday, workdays_between, workdays_in

pytestmark = pytest.mark.django_db

D = datetime.date


def test_the_national_day_holiday_is_not_counted_and_its_make_up_saturday_is():
    assert not is_workday(D(2025, 10, 1))
    assert not is_workday(D(2025, 10, 8))
    assert is_workday(D(2025, 10, 11))  # Saturday, 调休
    assert add_workdays(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert add_workdays(D(2025, 9, 30), 5) == D(2025, 10, 14)


def test_the_spring_festival_2026():
    # 15–23 February 2026 off; 14 and 28 February (Saturdays) are worked.
    assert not is_workday(D(2026, 2, 16))
    assert is_workday(D(2026, 2, 14))
    assert add_workdays(D(2026, 2, 13), 2) == D(2026, 2, 24)


def test_a_plain_week_counts_monday_to_friday():
    assert add_workdays(D(2025, 3, 7), 1) == D(2025, 3, 10)  # Friday → Monday
    assert add_workdays(D(2025, 3, 3), 15) == D(2025, 3, 24)


def test_a_notice_period_counts_its_first_and_last_day():
    assert workdays_in(D(2025, 3, 3), D(2025, 3, 7)) == 5
    assert workdays_in(D(2025, 9, 29), D(2025, 10, 10)) == 4  # 29, 30 Sep; 9, 10 Oct


def test_beyond_the_published_calendar_it_counts_weekdays_and_says_so():
    assert is_estimated(D(2030, 1, 7)) and not is_estimated(D(2025, 1, 6))
    assert add_workdays(D(2030, 1, 4), 1) == D(2030, 1, 7)  # Friday → Monday


def test_beyond_the_published_calendar_new_year_and_national_day_are_still_holidays():
    assert not is_workday(D(2027, 1, 1))  # a Friday
    assert add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert not is_workday(D(2030, 10, 1)) and not is_workday(D(2030, 10, 3))


def test_zero_working_days_after_a_day_is_that_day():
    assert add_workdays(D(2025, 3, 3), 0) == D(2025, 3, 3)


def test_the_days_entered_from_the_state_councils_notice_win_for_a_year_the_package_does_not_know():
    out = io.StringIO()
    call_command("calendar_days", 2027, holiday=["2027-02-05..2027-02-11"], workday=["2027-02-13"],
                 note="春节", stdout=out)
    assert "2027-02-13 上班 春节" in out.getvalue() and "已有该年安排" in out.getvalue()
    assert not is_workday(D(2027, 2, 8)) and is_workday(D(2027, 2, 13))
    assert not is_estimated(D(2027, 3, 1))
    # Thursday 4 February: the next three working days are 12 (Fri), 13 (Sat, 调休) and 15 February.
    assert add_workdays(D(2027, 2, 4), 3) == D(2027, 2, 15)
    assert workdays_between(D(2027, 2, 4), D(2027, 2, 15)) == 3


def test_an_entered_day_corrects_the_package_too():
    CalendarDay.objects.create(day=D(2025, 3, 4), is_workday=False, note="示例")
    assert add_workdays(D(2025, 3, 3), 1) == D(2025, 3, 5)


def test_the_calendar_command_refuses_a_day_of_another_year_or_a_bad_date():
    with pytest.raises(CommandError, match="不在 2027 年"):
        call_command("calendar_days", 2027, holiday=["2028-01-01"], stdout=io.StringIO())
    with pytest.raises(CommandError, match="格式"):
        call_command("calendar_days", 2027, holiday=["2027-13-01"], stdout=io.StringIO())
    assert not CalendarDay.objects.exists()


def test_a_long_wait_reads_the_entered_days_a_window_at_a_time(django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        add_workdays(D(2025, 1, 2), 60)
