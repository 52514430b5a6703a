"""A clerk answers a ticket door to door, the township reviews it, the county closes it."""

import os
import re

import pytest
from playwright.sync_api import expect

from audits.models import Ticket, TicketStatus
from tests.audits.builders import make_ticket, warning_ticket_on
from tests.builders import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


def screenshot(page, name: str) -> None:
    """Save a PNG under screenshots/ when SCREENSHOTS=1 (for looking, not asserting)."""
    if os.environ.get("SCREENSHOTS"):
        os.makedirs("screenshots", exist_ok=True)
        page.screenshot(path=f"screenshots/{name}.png", full_page=True)


def log_in(browser, live_server, username, viewport, csp_errors):
    page = browser.new_page(viewport=viewport)
    page.on("console", lambda message: csp_errors.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text else None)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    return page


@pytest.fixture
def warning_ticket(world):
    return warning_ticket_on(world.home)


def open_first_ticket(page, live_server):
    page.goto(live_server.url + "/tickets/")
    page.locator("#main").get_by_role("link", name=re.compile(r"^B\d\d ")).first.click()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_warning_is_explained_and_closed_by_the_township(live_server, browser, world, warning_ticket,
                                                           viewport):
    kind = "phone" if viewport is PHONE else "desktop"
    errors = []
    clerk = log_in(browser, live_server, "clerk", viewport, errors)
    clerk.goto(live_server.url + "/tickets/")
    expect(clerk.get_by_test_id("ticket-groups")).to_contain_text(world.home.number)
    screenshot(clerk, f"ticket-queue-clerk-{kind}")
    open_first_ticket(clerk, live_server)
    expect(clerk.get_by_test_id("ticket-status")).to_have_text("待核实")
    clerk.get_by_role("button", name="核实无误，提交乡镇审核").click()
    expect(clerk.get_by_text("请填写核实情况说明。")).to_be_visible()
    clerk.get_by_label("核实情况说明").fill("入户核实：该户无电话，已登记邻居电话")
    screenshot(clerk, f"ticket-detail-clerk-{kind}")
    clerk.get_by_role("button", name="核实无误，提交乡镇审核").click()
    expect(clerk.get_by_text("已提交乡镇审核")).to_be_visible()

    reviewer = log_in(browser, live_server, "reviewer", viewport, errors)
    open_first_ticket(reviewer, live_server)
    expect(reviewer.get_by_test_id("ticket-events")).to_contain_text("已登记邻居电话")
    screenshot(reviewer, f"ticket-detail-reviewer-{kind}")
    reviewer.get_by_role("button", name="通过并销号").click()
    expect(reviewer.get_by_text("已通过并销号")).to_be_visible()
    reviewer.goto(f"{live_server.url}/tickets/{warning_ticket.pk}/")
    expect(reviewer.get_by_test_id("ticket-status")).to_have_text("已销号")
    assert Ticket.objects.get(pk=warning_ticket.pk).status == TicketStatus.CLOSED
    assert errors == []


def test_an_error_is_returned_answered_again_and_closed_by_the_county(live_server, browser, world):
    ticket = make_ticket(world.home)
    errors = []
    url = f"{live_server.url}/tickets/{ticket.pk}/"
    clerk = log_in(browser, live_server, "clerk", DESKTOP, errors)
    clerk.goto(url)
    clerk.get_by_label("核实情况说明").fill("核实无误")
    clerk.get_by_role("button", name="核实无误，提交乡镇审核").click()

    reviewer = log_in(browser, live_server, "reviewer", DESKTOP, errors)
    reviewer.goto(url)
    expect(reviewer.get_by_role("button", name="通过并销号")).to_have_count(0)
    reviewer.get_by_label("退回原因").fill("请写明户主去向")
    reviewer.get_by_role("button", name="退回村级").click()
    expect(reviewer.get_by_text("已退回村级")).to_be_visible()

    clerk.goto(url)
    expect(clerk.get_by_test_id("return-reason")).to_contain_text("请写明户主去向")
    clerk.get_by_label("核实情况说明").fill("户主在外务工，已电话核实")
    clerk.get_by_role("button", name="核实无误，提交乡镇审核").click()

    reviewer.goto(url)
    reviewer.get_by_role("button", name="通过并提交县级终审").click()
    expect(reviewer.get_by_text("已通过，提交县级终审")).to_be_visible()

    county = log_in(browser, live_server, "county", DESKTOP, errors)
    county.goto(live_server.url + "/tickets/")
    screenshot(county, "ticket-queue-county-desktop")
    county.get_by_test_id("ticket-table").get_by_role("link").first.click()
    county.get_by_role("button", name="通过并销号").click()
    expect(county.get_by_text("已通过并销号")).to_be_visible()
    county.goto(url)
    expect(county.get_by_test_id("ticket-status")).to_have_text("已销号")
    expect(county.get_by_test_id("ticket-events").locator("li")).to_have_count(6)
    assert errors == []
