"""Working days follow the State Council's holidays and make-up days (chinese-calendar)."""

import datetime

from monitoring_objects.workdays import add_workdays, is_estimated, is_workday, workdays_in

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
