"""Tables read cleanly: on a phone a card's numbers sit where its other values do; on a desktop
names, household numbers, dates and a rule's severity are never broken across lines."""

import pytest
from playwright.sync_api import expect

from tests.audits.builders import make_ticket
from tests.browser.test_ticket_journey import DESKTOP, PHONE, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT_ALIGN = "element => getComputedStyle(element).textAlign"
WHITE_SPACE = "element => getComputedStyle(element).whiteSpace"


def test_it_aligns_a_phone_cards_numbers_with_its_other_values(live_server, browser, world, csp_violations):
    page = log_in(browser, live_server, "reviewer", PHONE, csp_violations)
    page.goto(live_server.url + "/households/")
    size = page.get_by_test_id("household-table").locator("td[data-label='人口']").first
    expect(size).to_be_visible()
    # Bootstrap's .text-end is !important: the card layout's left alignment has to be too.
    assert size.evaluate(TEXT_ALIGN) == "left"
    assert page.get_by_test_id("household-table").locator("td[data-label='户主']").first.evaluate(TEXT_ALIGN) == "left"

    page.goto(f"{live_server.url}/households/{world.home.number}/")
    age = page.get_by_test_id("member-table").locator("td[data-label='年龄']").first
    assert age.evaluate(TEXT_ALIGN) == "left"
    assert csp_violations == []


def test_it_never_breaks_names_numbers_dates_or_severities_across_lines(live_server, browser, world,
                                                                       csp_violations):
    make_ticket(world.home, rule_id="B05")
    page = log_in(browser, live_server, "county", DESKTOP, csp_violations)

    page.goto(f"{live_server.url}/households/{world.home.number}/")
    members = page.get_by_test_id("member-table")
    assert members.locator("td.card-title-cell").first.evaluate(WHITE_SPACE) == "nowrap"  # name, 修改 · 减员
    assert members.locator("td[data-label='出生日期']").first.evaluate(WHITE_SPACE) == "nowrap"

    page.goto(live_server.url + "/ledger/")
    ledger = page.get_by_test_id("ledger-table")
    expect(ledger).to_contain_text(world.home.number)
    assert ledger.locator("td[data-label='户编号']").first.evaluate(WHITE_SPACE) == "nowrap"
    assert ledger.locator("td[data-label='户主']").first.evaluate(WHITE_SPACE) == "nowrap"

    page.goto(live_server.url + "/rules/")
    severity = page.locator("td[data-label='严重程度']").first
    expect(severity).to_contain_text("县级终审")
    assert severity.evaluate(WHITE_SPACE) == "nowrap"
    assert csp_violations == []
