"""Personas and a small two-county world that most tests share.

County 230381 (虎林市) has township 230381100 with villages …201 and …202, and
township 230381101 with village …201. County 340323 (固镇县) is somebody else's.
"""

from dataclasses import dataclass

import pytest

from accounts.roles import Role
from households.models import Household
from tests.builders import make_area, make_household, make_user, make_year

VILLAGE_A1 = "230381100201"
VILLAGE_A2 = "230381100202"
VILLAGE_B1 = "230381101201"
OTHER_COUNTY_VILLAGE = "340323100201"


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
