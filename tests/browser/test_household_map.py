"""防贫监测一张图 in the browser: the points drawn as SVG, the tooltip built without inline
styles (no CSP violation), a click on a point opening its household."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from rules.models import RiskScore
from tests.browser.test_ticket_journey import DESKTOP, PHONE, log_in
from tests.builders import make_household
from tests.conftest import VILLAGE_A1

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_point_shows_its_household_and_opens_it(live_server, browser, world, viewport):
    household = make_household(VILLAGE_A1, longitude=Decimal("115.1"), latitude=Decimal("26.3"))
    RiskScore.objects.create(household=household, year=2025, risk=Decimal("0.9"))
    make_household(VILLAGE_A1, longitude=Decimal("115.2"), latitude=Decimal("26.4"))
    errors = []
    page = log_in(browser, live_server, "clerk", viewport, errors)
    page.goto(live_server.url + "/analysis/map/")
    red = page.locator("[data-chart-kind=householdMap] svg path[fill='#dc3545']").first
    expect(red).to_be_visible()
    red.scroll_into_view_if_needed()
    box = red.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator(".chart-tooltip")).to_contain_text(household.number)
    expect(page.locator(".chart-tooltip")).to_contain_text("风险颜色：红色")
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page).to_have_url(re.compile(rf"/households/{household.number}/$"))
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert errors == []
