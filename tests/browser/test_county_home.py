"""County staff's home page draws its charts (ECharts as SVG, data from json_script, no inline script)."""

import pytest
from playwright.sync_api import expect

from tests.audits.builders import make_ticket
from tests.browser.test_ticket_journey import DESKTOP, PHONE, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_county_home_draws_the_township_charts(live_server, browser, world, viewport):
    make_ticket(world.home, due_in_days=-1)
    errors = []
    page = log_in(browser, live_server, "county", viewport, errors)
    expect(page.locator("[data-chart-kind=townships] svg")).to_have_count(1)
    expect(page.get_by_test_id("ticket-chart").locator("svg")).to_have_count(1)
    expect(page.get_by_test_id("ticket-chart")).to_contain_text("审核超时")
    screenshot(page, f"county-home-{viewport['width']}")
    assert errors == []
