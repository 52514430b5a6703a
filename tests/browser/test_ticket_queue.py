"""A township reviewer filters and sorts the queue, then approves two tickets at once;
county staff see overdue tickets per township and set the review deadlines."""

import re

import pytest
from playwright.sync_api import expect

from audits.models import ReviewDeadline, Severity, Ticket, TicketStatus
from tests.audits.builders import make_ticket
from tests.browser.test_ticket_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_reviewer_filters_sorts_and_approves_two_tickets_at_once(live_server, browser, world, screenshot,
                                                                   viewport):
    kind = "phone" if viewport is PHONE else "desktop"
    late = make_ticket(world.home, rule_id="B07", status=TicketStatus.PENDING_TOWNSHIP, due_in_days=-2)
    warning = make_ticket(world.neighbour, rule_id="B06", severity=Severity.WARNING,
                          status=TicketStatus.PENDING_TOWNSHIP, due_in_days=1)
    income = make_ticket(world.home, rule_id="I14", status=TicketStatus.PENDING_TOWNSHIP, due_in_days=2)
    errors = []
    page = log_in(browser, live_server, "reviewer", viewport, errors)
    page.goto(live_server.url + "/tickets/")
    expect(page.get_by_test_id("overdue-count")).to_have_text("审核超时 1")
    page.get_by_label("规则类别").select_option("B")
    page.get_by_label("排序").select_option("rule")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("result-count")).to_have_text("共 2 条")
    rows = page.get_by_test_id("ticket-table").locator("tbody tr")
    expect(rows.first).to_contain_text("B06")  # by rule: B06 before B07
    expect(rows.nth(1)).to_contain_text("审核超时")
    page.get_by_label("全选本页").check()
    screenshot(f"ticket-queue-bulk-{kind}", page)
    page.get_by_role("button", name="批量通过").click()
    expect(page.get_by_text("已通过 2 条问题线索（其中 1 条已销号）。")).to_be_visible()
    expect(page).to_have_url(re.compile(r"category=B&.*sort=rule"))
    assert Ticket.objects.get(pk=late.pk).status == TicketStatus.PENDING_COUNTY
    assert Ticket.objects.get(pk=warning.pk).status == TicketStatus.CLOSED
    assert Ticket.objects.get(pk=income.pk).status == TicketStatus.PENDING_TOWNSHIP
    assert errors == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_county_staff_see_overdue_per_township_and_set_the_deadlines(live_server, browser, world, screenshot,
                                                                     viewport):
    kind = "phone" if viewport is PHONE else "desktop"
    make_ticket(world.home, status=TicketStatus.PENDING_COUNTY, due_in_days=-1)
    make_ticket(world.other_township, status=TicketStatus.PENDING_TOWNSHIP, due_in_days=-3)
    make_ticket(world.other_township, rule_id="B06", due_in_days=4)
    errors = []
    page = log_in(browser, live_server, "county", viewport, errors)
    page.goto(live_server.url + "/tickets/")
    expect(page.get_by_test_id("overdue-by-township").locator("tbody tr")).to_have_count(2)
    screenshot(f"ticket-queue-county-{kind}", page)
    page.get_by_role("link", name="审核时限").click()
    page.get_by_label("乡镇审核（天）").fill("0")
    page.get_by_role("button", name="保存审核时限").click()
    expect(page.get_by_text("时限至少 1 天。")).to_be_visible()
    page.get_by_label("乡镇审核（天）").fill("5")
    page.get_by_role("button", name="保存审核时限").click()
    expect(page.get_by_test_id("deadline-changes")).to_contain_text("3 天 → 5 天")
    screenshot(f"ticket-deadlines-{kind}", page)
    assert ReviewDeadline.objects.get(county="230381", level="township").days == 5
    assert errors == []
