"""County staff start a cleansing batch in the browser and see its outcome without reloading."""

import re

import pytest
from playwright.sync_api import expect

from audits.models import Ticket
from tests.builders import PASSWORD, make_household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 768}, {"width": 390, "height": 844}],
                         ids=["desktop", "phone"])
def test_county_staff_run_a_batch_and_read_its_summary(live_server, page, world, csp_violations, screenshot, viewport):
    page.set_viewport_size(viewport)
    kind = "phone" if viewport["width"] < 576 else "desktop"
    for _ in range(3):
        make_household(world.home.village, members=1, phone="")

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("county")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(live_server.url + "/rules/")
    expect(page.get_by_text("证件号码不合规")).to_be_visible()
    screenshot(f"rules-catalog-{kind}")

    page.goto(live_server.url + "/rules/batches/")
    page.get_by_role("button", name="开始清洗").click()
    expect(page).to_have_url(re.compile(r"/rules/batches/\d+/$"))
    expect(page.get_by_test_id("batch-status")).to_contain_text("已完成", timeout=30_000)
    results = page.get_by_test_id("batch-results")
    expect(results).to_contain_text("B06")
    screenshot(f"batch-detail-{kind}")
    assert Ticket.objects.filter(rule_id="B06").count() == 3
    assert csp_violations == []
