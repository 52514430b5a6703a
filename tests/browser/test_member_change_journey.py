"""A clerk enters a year's income and adds a member (two requests); the township returns the
member, the clerk revises it (confirming a warning), the township approves both, and the
household page shows the new member, the income and both in its history."""

import re

import pytest
from playwright.sync_api import expect

from households import id_numbers
from households.models import Member
from tests.browser.test_change_request_journey import CSP_ERRORS, DESKTOP, PHONE, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_income_and_new_member_are_returned_revised_and_approved(live_server, browser, world, viewport):
    kind = "phone" if viewport is PHONE else "desktop"
    household_url = f"{live_server.url}/households/{world.home.number}/"
    CSP_ERRORS.clear()

    clerk = log_in(browser, live_server, "clerk", viewport)
    clerk.goto(household_url)
    clerk.get_by_role("link", name="录入/更正收入").click()
    clerk.get_by_label("工资性收入").fill("24000")
    clerk.get_by_label("申请说明").fill("入户核实")
    clerk.get_by_role("button", name="提交乡镇审核").click()
    expect(clerk.get_by_test_id("change-status")).to_have_text("待乡镇审核")

    clerk.goto(household_url)
    clerk.get_by_role("link", name="新增成员").click()
    clerk.get_by_label("增员原因").select_option(label="出生")
    clerk.get_by_label("增员日期").fill("2025-04-01")
    clerk.get_by_label("姓名").fill("王小宝")
    clerk.get_by_label("证件号码").fill(id_numbers.make("230381", __import__("datetime").date(2025, 3, 2), 2))
    clerk.get_by_label("性别").select_option(label="女")
    clerk.get_by_label("出生日期").fill("2025-03-02")
    clerk.get_by_label("与户主关系").select_option(label="之孙女")
    clerk.get_by_label("申请说明").fill("出生医学证明")
    screenshot(clerk, f"member-add-form-{kind}")
    clerk.get_by_role("button", name="提交乡镇审核").click()
    expect(clerk.get_by_test_id("change-status")).to_have_text("待乡镇审核")
    expect(clerk.get_by_test_id("change-diff")).to_contain_text("王小宝")

    reviewer = log_in(browser, live_server, "reviewer", viewport)
    reviewer.goto(live_server.url + "/changes/")
    expect(reviewer.get_by_test_id("queue-count")).to_have_text("2")
    reviewer.get_by_test_id("change-queue").get_by_role("link", name=re.compile("新增成员")).first.click()
    expect(reviewer.get_by_test_id("ticket-preview-loading")).to_have_count(0)  # the preview has loaded
    screenshot(reviewer, f"member-add-review-{kind}")
    reviewer.get_by_label("退回原因").fill("出生日期与出生证明不一致，请核对")
    reviewer.get_by_role("button", name="退回村级").click()
    expect(reviewer.get_by_text("已退回变更申请")).to_be_visible()

    clerk.goto(live_server.url + "/changes/?tab=returned")
    clerk.get_by_role("link", name="修改后重新提交").first.click()
    expect(clerk.get_by_test_id("return-reason")).to_contain_text("出生日期与出生证明不一致")
    clerk.get_by_label("出生日期").fill("2025-03-03")  # now disagrees with the ID: a warning
    clerk.get_by_role("button", name="修改后重新提交").click()
    expect(clerk.get_by_test_id("form-warnings")).to_contain_text("与证件号码中的出生日期 2025-03-02 不一致")
    screenshot(clerk, f"member-add-warning-{kind}")
    clerk.get_by_label("已核实，仍要提交").check()
    clerk.get_by_role("button", name="修改后重新提交").click()
    expect(clerk.get_by_test_id("change-status")).to_have_text("待乡镇审核")

    reviewer.goto(live_server.url + "/changes/")
    expect(reviewer.get_by_test_id("queue-count")).to_have_text("2")
    for _ in range(2):
        reviewer.get_by_test_id("change-queue").get_by_role("link").first.click()
        expect(reviewer.get_by_test_id("ticket-preview-loading")).to_have_count(0)  # the preview has loaded
        reviewer.get_by_role("button", name="通过").click()
        expect(reviewer.get_by_text("已通过变更申请")).to_be_visible()
    assert Member.objects.get(name="王小宝").join_reason == "birth"

    clerk.goto(household_url)
    expect(clerk.get_by_test_id("member-table")).to_contain_text("王小宝")
    expect(clerk.get_by_test_id("income-table")).to_contain_text("24,000.00")
    timeline = clerk.get_by_test_id("history-timeline")
    expect(timeline).to_contain_text("成员 王小宝·姓名")
    expect(timeline).to_contain_text("2025 年度工资性收入")
    screenshot(clerk, f"household-after-member-{kind}")
    assert CSP_ERRORS == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_clerk_proposes_a_new_household_a_measure_and_a_removal(live_server, browser, world, viewport):
    kind = "phone" if viewport is PHONE else "desktop"
    CSP_ERRORS.clear()
    clerk = log_in(browser, live_server, "clerk", viewport)
    clerk.goto(live_server.url + "/households/")
    clerk.get_by_role("link", name="新增农户").click()
    clerk.get_by_label("户类型").select_option(label="一般农户")
    clerk.get_by_label("地址").fill("金湾村三组 12 号")
    clerk.get_by_label("户主姓名").fill("赵新户")
    clerk.get_by_label("证件号码").fill("23038119750809001")
    clerk.get_by_role("button", name="提交乡镇审核").click()
    expect(clerk.get_by_text("证件号码应为18位，当前为17位。")).to_be_visible()
    screenshot(clerk, f"household-add-error-{kind}")
    clerk.get_by_label("证件号码").fill(id_numbers.make("230381", __import__("datetime").date(1975, 8, 9), 11))
    clerk.get_by_role("button", name="提交乡镇审核").click()
    expect(clerk.get_by_test_id("change-diff")).to_contain_text("赵新户")
    screenshot(clerk, f"household-add-detail-{kind}")

    clerk.goto(f"{live_server.url}/households/{world.home.number}/")
    clerk.get_by_role("link", name="新增帮扶措施").click()
    clerk.get_by_label("措施类型").select_option(label="产业帮扶")
    clerk.get_by_label("措施内容").fill("发放肉牛 2 头")
    screenshot(clerk, f"measure-form-{kind}")
    clerk.get_by_role("button", name="提交乡镇审核").click()
    expect(clerk.get_by_test_id("change-diff")).to_contain_text("发放肉牛 2 头")

    clerk.goto(f"{live_server.url}/households/{world.home.number}/")
    clerk.get_by_role("link", name="核减").click()
    clerk.get_by_label("核减原因").select_option(label="自然消亡")
    clerk.get_by_label("核减日期").fill("2025-07-01")
    screenshot(clerk, f"household-remove-form-{kind}")
    clerk.get_by_role("button", name="提交乡镇审核").click()
    expect(clerk.get_by_test_id("change-diff")).to_contain_text("自然消亡")
    assert CSP_ERRORS == []
