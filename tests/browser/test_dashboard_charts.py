"""数据看板 in chromium: every chart draws (an SVG), hovering each shows its tooltip, and no
chart or tooltip breaks the content security policy."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from households.choices import RiskType
from rules.models import RiskScore
from tests.audits.builders import make_ticket
from tests.browser.test_csp_pages import Visitor
from tests.monitoring_objects.builders import make_clue
from tests.monitoring_objects.objects_builders import monitored

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_draws_every_chart_without_a_csp_violation(live_server, browser, world):
    monitored(world.home, risk_types=[RiskType.ILLNESS, RiskType.HOUSING])
    for household, risk in [(world.home, "0.9"), (world.neighbour, "0.76"), (world.other_township, "0.2")]:
        RiskScore.objects.create(household=household, year=2025, risk=Decimal(risk))
    make_ticket(world.home, due_in_days=-1)
    make_ticket(world.other_township)
    make_clue(world.home, days_left=-2)

    county = Visitor(browser, live_server, "county")
    county.visit("/dashboard/")
    page = county.page
    charts = page.locator("[data-chart]")
    assert charts.count() == 8  # both pies, risk types, ticket status, townships, months, histogram, colours
    for index in range(charts.count()):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        expect(chart.locator("svg")).to_have_count(1)
        box = chart.bounding_box()
        for step in range(1, 10):
            page.mouse.move(box["x"] + box["width"] * step / 10, box["y"] + box["height"] * 0.5)
            page.wait_for_timeout(20)
    county.record("/dashboard/ (charts hovered)")
    expect(page.locator(".chart-tooltip .chart-tooltip-row").first).to_be_attached()

    clerk = Visitor(browser, live_server, "clerk")
    clerk.visit("/dashboard/")
    assert clerk.page.locator("[data-chart] svg").count() == clerk.page.locator("[data-chart]").count() > 0

    assert {"county": county.violations(), "clerk": clerk.violations()} == {"county": {}, "clerk": {}}
