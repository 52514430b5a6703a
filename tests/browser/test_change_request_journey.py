"""A clerk proposes a change, the township returns it, the clerk revises, the township approves.

And a township reviewer's own edit goes to the county queue and is approved there.
"""

import os
import re

import pytest
from playwright.sync_api import expect

from households.models import Household
from tests.builders import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


CSP_ERRORS = []


def screenshot(page, name: str) -> None:
    """Save a PNG under screenshots/ when SCREENSHOTS=1 (for looking, not asserting)."""
    if os.environ.get("SCREENSHOTS"):
        os.makedirs("screenshots", exist_ok=True)
        page.screenshot(path=f"screenshots/{name}.png", full_page=True)


def log_in(browser, live_server, username, viewport):
    """A page of its own for each persona (separate cookies), watched for CSP violations."""
    page = browser.new_page(viewport=viewport)
    page.on("console", lambda message: CSP_ERRORS.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text else None)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    return page


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_clerk_edit_is_returned_revised_and_approved(live_server, browser, world, viewport):
    kind = "phone" if viewport is PHONE else "desktop"
    household_url = f"{live_server.url}/households/{world.home.number}/"

    clerk = log_in(browser, live_server, "clerk", viewport)
    clerk.goto(household_url)
    clerk.get_by_role("link", name="申请修改").click()
    clerk.get_by_label("联系电话").first.fill("13912345678")
    clerk.get_by_label("住房安全有保障").select_option(label="否")
    clerk.get_by_label("申请说明").fill("入户核实：电话已更换，住房出现裂缝")
    screenshot(clerk, f"change-form-{kind}")
    clerk.get_by_role("button", name="提交乡镇审核").click()
    expect(clerk.get_by_test_id("change-status")).to_have_text("待乡镇审核")
    clerk.goto(household_url)
    expect(clerk.get_by_test_id("pending-changes")).to_be_visible()

    reviewer = log_in(browser, live_server, "reviewer", viewport)
    reviewer.goto(live_server.url + "/changes/")
    expect(reviewer.get_by_test_id("queue-count")).to_have_text("1")
    reviewer.get_by_test_id("change-queue").get_by_role("link").first.click()
    expect(reviewer.get_by_test_id("change-diff")).to_contain_text("139****5678")
    expect(reviewer.get_by_test_id("ticket-preview")).to_contain_text("将销号")  # loaded by htmx
    screenshot(reviewer, f"change-review-{kind}")
    reviewer.get_by_role("button", name="退回村级").click()
    expect(reviewer.get_by_text("请填写退回原因。")).to_be_visible()
    expect(reviewer.get_by_test_id("ticket-preview-loading")).to_have_count(0)  # the preview has loaded
    reviewer.get_by_label("退回原因").fill("住房情况请附照片后再提交")
    reviewer.get_by_role("button", name="退回村级").click()
    expect(reviewer.get_by_text("已退回变更申请")).to_be_visible()
    assert Household.objects.get(pk=world.home.pk).phone == "13800138000"

    clerk.goto(live_server.url + "/changes/")
    expect(clerk.get_by_test_id("my-changes")).to_contain_text("住房情况请附照片后再提交")
    screenshot(clerk, f"change-list-returned-{kind}")
    clerk.get_by_role("link", name="修改后重新提交").click()
    expect(clerk.get_by_test_id("return-reason")).to_contain_text("住房情况请附照片")
    clerk.get_by_label("申请说明").fill("已补拍照片，住房确有裂缝")
    clerk.get_by_role("button", name="修改后重新提交").click()
    expect(clerk.get_by_test_id("change-status")).to_have_text("待乡镇审核")

    reviewer.goto(live_server.url + "/changes/")
    reviewer.get_by_test_id("change-queue").get_by_role("link").first.click()
    expect(reviewer.get_by_test_id("ticket-preview-loading")).to_have_count(0)  # the preview has loaded
    reviewer.get_by_role("button", name="通过").click()
    expect(reviewer.get_by_text("户信息已更新")).to_be_visible()

    clerk.goto(household_url)
    expect(clerk.locator("#main")).to_contain_text("139****5678")
    timeline = clerk.get_by_test_id("history-timeline")
    expect(timeline).to_contain_text("联系电话：138****8000 → 139****5678")
    expect(timeline).to_contain_text("住房安全有保障：是 → 否")
    expect(timeline).to_contain_text("变更申请 #")
    screenshot(clerk, f"household-history-{kind}")
    household = Household.objects.get(pk=world.home.pk)
    assert (household.phone, household.housing_safe) == ("13912345678", False)
    assert CSP_ERRORS == []


def test_a_township_edit_goes_to_the_county_queue_and_is_approved_there(live_server, browser, world):
    reviewer = log_in(browser, live_server, "reviewer", DESKTOP)
    reviewer.goto(f"{live_server.url}/households/{world.neighbour.number}/")
    reviewer.get_by_role("link", name="申请修改").click()
    reviewer.get_by_label("地址").fill("石门村 5 组 12 号")
    reviewer.get_by_role("button", name="提交县级审核").click()
    expect(reviewer.get_by_test_id("change-status")).to_have_text("待县级审核")
    expect(reviewer.get_by_role("button", name="通过")).to_have_count(0)

    county = log_in(browser, live_server, "county", DESKTOP)
    county.goto(live_server.url + "/changes/")
    county.get_by_test_id("change-queue").get_by_role("link").first.click()
    expect(county.get_by_test_id("ticket-preview-loading")).to_have_count(0)  # the preview has loaded
    county.get_by_role("button", name="通过").click()
    expect(county.get_by_text("户信息已更新")).to_be_visible()
    assert Household.objects.get(pk=world.neighbour.pk).address == "石门村 5 组 12 号"
    assert CSP_ERRORS == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_clerk_enters_income_seeing_per_capita_as_they_type_and_the_township_approves(
    live_server, browser, world, viewport
):
    kind = "phone" if viewport is PHONE else "desktop"
    household_url = f"{live_server.url}/households/{world.home.number}/"

    clerk = log_in(browser, live_server, "clerk", viewport)
    clerk.goto(household_url)
    clerk.get_by_role("link", name="录入/更正收入").click()
    clerk.get_by_label("工资性收入").fill("24000")
    clerk.get_by_label("生产经营性收入").fill("6000")
    clerk.get_by_label("生产经营性支出").fill("1500")
    figures = clerk.get_by_test_id("income-figures")
    expect(figures).to_contain_text("28,500.00")  # net, computed in the browser
    expect(figures).to_contain_text("9,500.00")   # over the 3 active members
    clerk.get_by_label("工资性收入").fill("-5")
    screenshot(clerk, f"income-form-{kind}")
    clerk.get_by_role("button", name="提交乡镇审核").click()
    expect(clerk.get_by_text("金额不能为负数")).to_be_visible()
    clerk.get_by_label("工资性收入").fill("24000")
    clerk.get_by_role("button", name="提交乡镇审核").click()
    expect(clerk.get_by_test_id("change-status")).to_have_text("待乡镇审核")

    reviewer = log_in(browser, live_server, "reviewer", viewport)
    reviewer.goto(live_server.url + "/changes/")
    reviewer.get_by_test_id("change-queue").get_by_role("link").first.click()
    expect(reviewer.get_by_test_id("income-figures")).to_contain_text("9,500.00")  # the server's values
    expect(reviewer.get_by_test_id("ticket-preview-loading")).to_have_count(0)  # the preview has loaded
    screenshot(reviewer, f"income-review-{kind}")
    reviewer.get_by_role("button", name="通过").click()
    expect(reviewer.get_by_text("户信息已更新")).to_be_visible()

    clerk.goto(household_url)
    expect(clerk.get_by_test_id("income-table")).to_contain_text("9,500.00")
    expect(clerk.get_by_test_id("history-timeline")).to_contain_text("2025 年度工资性收入：— → 24,000.00 元")
    screenshot(clerk, f"household-income-{kind}")
    assert CSP_ERRORS == []
