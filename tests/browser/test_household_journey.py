"""A clerk logs in, finds a household by filter, opens it and reveals an ID number."""

import re

import pytest
from playwright.sync_api import expect

from trail.models import AuditAction, AuditEvent
from tests.builders import PASSWORD, make_household, make_income, make_member
from tests.conftest import VILLAGE_A1

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_clerk_finds_a_household_and_reveals_an_id_number(
    live_server, page, world, csp_violations, screenshot, viewport
):
    page.set_viewport_size(viewport)
    target = make_household(VILLAGE_A1, members=0)
    head = make_member(target, name="欧阳春花")
    make_income(target, 2025, wage="12000.50", transfer_total="800")
    for _ in range(3):
        make_household(VILLAGE_A1, members=2)
    kind = "phone" if viewport is PHONE else "desktop"

    page.goto(live_server.url + "/households/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/households/$"))
    screenshot(f"household-list-{kind}")

    page.get_by_label("搜索").fill("欧阳")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("result-count")).to_have_text("共 1 户")
    page.get_by_role("link", name=target.number).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("欧阳春花")
    masked = page.get_by_test_id(f"masked-member-{head.pk}-id_number")
    expect(masked).to_contain_text(head.id_number[:6] + "************")
    expect(page.get_by_test_id("income-table")).to_contain_text("12,800.50")  # net and per capita: one member
    screenshot(f"household-detail-{kind}")

    masked.get_by_role("button", name="显示").click()
    expect(page.get_by_test_id(f"revealed-member-{head.pk}-id_number")).to_contain_text(head.id_number)
    assert AuditEvent.objects.filter(
        action=AuditAction.REVEAL, actor=world.clerk, household_number=target.number
    ).count() == 1
    assert csp_violations == []
