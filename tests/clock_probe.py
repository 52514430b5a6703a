"""Run only by tests/test_clock.py, in a pytest of its own started with TEST_CLOCK (the file
name keeps it out of normal collection)."""

import os
import threading

from django.utils import timezone


def test_the_clock_is_where_test_clock_put_it_in_every_thread():
    expected = os.environ["EXPECT_LOCAL_HOUR"]  # "2026-12-07 07"
    seen = []
    thread = threading.Thread(target=lambda: seen.append(f"{timezone.localtime():%Y-%m-%d %H}"))
    thread.start()
    thread.join()
    assert [f"{timezone.localtime():%Y-%m-%d %H}", *seen] == [expected, expected]
