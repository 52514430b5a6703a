import datetime

import pytest
from django.core.cache import cache
from django.test import override_settings

from households import id_numbers

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "report-tests"}}
COUNTY = "230381"
# Valid, and nobody's in the test world.
STRANGER_ID = id_numbers.make(COUNTY, datetime.date(1975, 1, 1), 777)


@pytest.fixture(autouse=True)
def fresh_throttle():
    """Each test starts with no uses counted against its address."""
    with override_settings(CACHES=LOCMEM):
        cache.clear()
        yield
        cache.clear()


@pytest.fixture
def report_data(world):
    """A complete, valid submission for village A1 by somebody not in the registry."""
    return {
        "reporter_name": "王大山",
        "reporter_phone": "13912345678",
        "reporter_id_number": STRANGER_ID,
        "village": world.home.village_id,
        "description": "今年三月户主突发脑梗住院，花费医疗费八万多元，家里没有收入来源。",
    }
