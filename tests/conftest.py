"""Personas and a small two-county world that most tests share.

County 230381 (虎林市) has township 230381100 with villages …201 and …202, and
township 230381101 with village …201. County 340323 (固镇县) is somebody else's.

`--clock INSTANT` (or `TEST_CLOCK=INSTANT`) runs the whole session with the clock set to
INSTANT, ticking on from there: `TEST_CLOCK=2026-12-06T23:30:00+08:00 bin/test -m "not browser"`.
A time alone (`TEST_CLOCK=23:30`) is that time today in Beijing. CI runs the suite at 23:30
and at 07:30 Beijing time: from 00:00 to 08:00 the UTC date is still yesterday, so a UTC date
shown or compared as a local one fails there.
"""

import datetime
import os
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.roles import Role
from households.models import Household
from households.signals import household_changed
from tests.builders import make_area, make_household, make_user, make_year

VILLAGE_A1 = "230381100201"
VILLAGE_A2 = "230381100202"
VILLAGE_B1 = "230381101201"
OTHER_COUNTY_VILLAGE = "340323100201"

BEIJING = ZoneInfo("Asia/Shanghai")


def pytest_addoption(parser):
    parser.addoption(
        "--clock", default=os.environ.get("TEST_CLOCK", ""), metavar="INSTANT",
        help="run the session with the clock set to INSTANT and ticking on (ISO 8601, e.g. "
             "2026-12-06T23:30:00+08:00; without an offset Beijing time; HH:MM alone is today). "
             "Default: $TEST_CLOCK.")


def clock_instant(text: str) -> datetime.datetime:
    """The aware instant that --clock / TEST_CLOCK names; a naive one is Beijing time."""
    text = text.strip()
    try:
        if "T" in text or " " in text or len(text) == 10:
            instant = datetime.datetime.fromisoformat(text)
        else:
            instant = datetime.datetime.combine(datetime.datetime.now(BEIJING).date(),
                                                datetime.time.fromisoformat(text))
    except ValueError:
        raise pytest.UsageError(f"TEST_CLOCK / --clock: not an ISO 8601 instant or HH:MM: {text!r}") from None
    return instant if instant.tzinfo else instant.replace(tzinfo=BEIJING)


clock_travel = pytest.StashKey[time_machine.travel]()


def pytest_configure(config):
    """Travel before anything runs, so the database setup, Celery's eager tasks and the live
    server's thread (all in this process) read the same moved clock. PostgreSQL's own now() is
    not moved: the product never asks the database for the time (auto_now and defaults are
    Python's timezone.now())."""
    text = config.getoption("clock")
    if text:
        # In UTC, so that time-machine leaves the process's TZ (Django's TIME_ZONE) alone.
        travel = time_machine.travel(clock_instant(text).astimezone(datetime.UTC), tick=True)
        travel.start()
        config.stash[clock_travel] = travel


def pytest_unconfigure(config):
    travel = config.stash.get(clock_travel, None)
    if travel is not None:
        travel.stop()


def pytest_report_header(config):
    if config.stash.get(clock_travel, None) is not None:
        now = datetime.datetime.now(BEIJING)
        return f"clock: moved to {now:%Y-%m-%d %H:%M} Beijing time ({now.astimezone(datetime.UTC):%Y-%m-%d %H:%M} UTC), ticking"
    return None


@dataclass
class World:
    home: Household          # in village A1, township 230381100, county 230381
    neighbour: Household     # village A2: same township, other village
    other_township: Household  # village B1: same county, other township
    other_county: Household  # county 340323
    clerk: object
    reviewer: object
    county_staff: object
    inspector: object
    no_role: object

    @property
    def households(self):
        return [self.home, self.neighbour, self.other_township, self.other_county]


@pytest.fixture
def world(db) -> World:
    make_year(2025, "7600")
    for code, name in [(VILLAGE_A1, "金湾村"), (VILLAGE_A2, "石门村"), (VILLAGE_B1, "上坪村"),
                       (OTHER_COUNTY_VILLAGE, "谷阳村")]:
        make_area(code, name)
    return World(
        home=make_household(VILLAGE_A1, members=3),
        neighbour=make_household(VILLAGE_A2, members=2),
        other_township=make_household(VILLAGE_B1, members=2),
        other_county=make_household(OTHER_COUNTY_VILLAGE, members=2),
        clerk=make_user("clerk", Role.VILLAGE_CLERK, VILLAGE_A1),
        reviewer=make_user("reviewer", Role.TOWNSHIP_REVIEWER, VILLAGE_A1[:9]),
        county_staff=make_user("county", Role.COUNTY_STAFF, VILLAGE_A1[:6]),
        inspector=make_user("inspector", Role.INSPECTOR, VILLAGE_A1[:6]),
        no_role=make_user("nobody"),
    )


@pytest.fixture
def events():
    """The household ids `household_changed` is sent for while the test runs, in order."""
    seen = []

    def record(sender, household_id, **kwargs):
        seen.append(household_id)

    household_changed.connect(record)
    yield seen
    household_changed.disconnect(record)
