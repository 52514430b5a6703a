"""TEST_CLOCK moves the whole session's clock, so CI's runs at 23:30 and 07:30 Beijing time
really run there."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("clock", "local_hour"), [
    ("2026-12-06T23:30:00Z", "2026-12-07 07"),  # UTC still on the 6th, Beijing on the 7th
    ("2026-12-07T23:30:00+08:00", "2026-12-07 23"),
    ("2026-12-07 07:30", "2026-12-07 07"),  # without an offset: Beijing time
])
def test_test_clock_moves_the_clock_of_the_whole_session(clock, local_hour):
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/clock_probe.py"],
        cwd=ROOT, env={**os.environ, "TEST_CLOCK": clock, "EXPECT_LOCAL_HOUR": local_hour},
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout


def test_a_bad_test_clock_stops_the_run_with_a_clear_line():
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/clock_probe.py"],
        cwd=ROOT, env={**os.environ, "TEST_CLOCK": "half past eleven"}, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 4  # pytest's usage error
    assert "TEST_CLOCK / --clock: not an ISO 8601 instant or HH:MM: 'half past eleven'" in result.stderr
