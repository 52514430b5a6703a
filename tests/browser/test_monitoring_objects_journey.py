"""County staff roll back an eliminated household from its page and see the step on its timeline;
the monitoring objects' list and the household page are photographed at desktop and phone width."""

import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from households.choices import RiskStatus
from tests.builders import PASSWORD, make_household
from tests.conftest import VILLAGE_A1
from tests.monitoring_objects.objects_builders import late_application, measure, monitored

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


def shoot(page, name, part=None):
    """Screenshots for looking at (SCREENSHOT_DIR, e.g. /tmp), never asserted on."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)
        if part is not None:
            part.screenshot(path=f"{folder}/{name}-panel.png")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_county_staff_roll_back_an_elimination_and_see_it_on_the_timeline(
    live_server, page, world, csp_violations, viewport
):
    page.set_viewport_size(viewport)
    kind = "phone" if viewport is PHONE else "desktop"
    target = monitored(world.home, risk_status=RiskStatus.ELIMINATED, eliminated_on=timezone.localdate())
    measure(target)
    for index in range(3):
        other = monitored(make_household(VILLAGE_A1, members=2))
        if index:
            late_application(other)

    page.goto(live_server.url + "/monitoring/")
    page.get_by_label("用户名").fill("county")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/monitoring/$"))
    expect(page.get_by_test_id("result-count")).to_have_text("共 4 户")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    shoot(page, f"monitoring-list-{kind}")

    page.get_by_role("link", name=target.number).click()
    expect(page.get_by_test_id("monitoring-panel")).to_contain_text("风险已消除")
    shoot(page, f"monitoring-before-{kind}", page.get_by_test_id("monitoring-panel"))
    page.get_by_text("风险消除回退", exact=True).click()
    page.get_by_role("button", name="回退为风险未消除").click()
    expect(page.get_by_text("请填写理由。")).to_be_visible()  # the reason is required, next to its field
    page.locator("#id_rollback-reason").fill("复核发现务工收入未落实")
    page.get_by_role("button", name="回退为风险未消除").click()

    expect(page.get_by_text("已回退风险消除")).to_be_visible()
    timeline = page.get_by_test_id("procedure-timeline")
    expect(timeline).to_contain_text("风险消除回退")
    expect(timeline).to_contain_text("复核发现务工收入未落实")
    expect(timeline).to_contain_text("风险已消除 → 风险未消除")
    expect(page.get_by_test_id("monitoring-panel")).to_contain_text("风险未消除")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    shoot(page, f"monitoring-household-{kind}")
    assert csp_violations == []
