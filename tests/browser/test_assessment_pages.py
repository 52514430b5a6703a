"""数据质量月考评 in a browser: the charts draw (tooltips included) without breaking the content
security policy, and a phone scrolls nothing sideways."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from analysis.assessment import services
from tests.audits.builders import make_ticket
from tests.builders import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COLLECT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.sample || ""));
});
"""


def signed_in(browser, live_server, username, width=1366):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.add_init_script(COLLECT)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    return page


def hover(page, chart):
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    for step in range(1, 10):
        page.mouse.move(box["x"] + box["width"] * step / 10, box["y"] + box["height"] * 0.5)
        page.wait_for_timeout(20)


def test_the_ranking_and_township_pages_draw_their_charts(live_server, browser, world):
    make_ticket(world.other_township, due_in_days=-1)
    month = timezone.localdate().replace(day=1)
    services.compute_assessment(county="230381", month=month)
    page = signed_in(browser, live_server, "county")
    page.goto(live_server.url + "/analysis/assessment/")
    charts = page.locator("[data-chart] svg")
    expect(charts).to_have_count(2)
    for index in range(2):
        hover(page, charts.nth(index))
    expect(page.locator(".chart-tooltip-row").first).to_be_attached()
    expect(page.get_by_test_id("assessment-row")).to_have_count(2)
    page.get_by_role("link", name=world.other_township.village.parent.name).click()
    expect(page.get_by_test_id("assessment-rank")).to_have_text("第 2 名 / 共 2 个乡镇")
    expect(page.locator("[data-chart] svg")).to_have_count(1)
    assert page.evaluate("window.__csp") == []


def test_a_phone_scrolls_nothing_sideways(live_server, browser, world):
    services.compute_assessment(county="230381", month=timezone.localdate().replace(day=1))
    for username, path in (("county", "/analysis/assessment/"), ("reviewer", "/analysis/assessment/"),
                           ("county", "/analysis/assessment/230381101/")):
        page = signed_in(browser, live_server, username, width=390)
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, (username, path)
        assert page.evaluate("window.__csp") == []
        page.close()
