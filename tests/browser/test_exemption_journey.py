"""County staff exempt a ticket's record from its rule, find it on the exemption list and the
rule's page, and revoke it; a township reviewer reads the list and cannot act on it."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from audits.exemptions.models import Exemption
from audits.models import Resolution, Ticket
from tests.audits.builders import make_ticket
from tests.browser.test_ticket_journey import DESKTOP, PHONE, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_county_staff_exempt_a_record_and_revoke_it(live_server, browser, world, viewport):
    ticket = make_ticket(world.home, rule_id="P01")
    errors = []
    page = log_in(browser, live_server, "county", viewport, errors)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    page.get_by_test_id("exempt-link").click()
    expect(page.get_by_test_id("exemption-record")).to_contain_text(world.home.number)
    page.get_by_label("豁免理由").fill("父子分户，两户共用父亲的手机")
    last_day = timezone.localdate() + datetime.timedelta(days=90)
    page.get_by_label("豁免截止日期").fill(last_day.isoformat())
    screenshot(page, f"exemption-new-{viewport['width']}")
    page.get_by_role("button", name="登记豁免").click()

    expect(page.get_by_test_id("exemption-row")).to_have_count(1)
    expect(page.get_by_test_id("exemption-state")).to_have_text("生效中")
    assert Ticket.objects.get(pk=ticket.pk).resolution == Resolution.EXEMPTED
    page.goto(f"{live_server.url}/rules/P01/")
    expect(page.get_by_test_id("rule-exemptions")).to_contain_text("父子分户，两户共用父亲的手机")
    screenshot(page, f"rule-page-{viewport['width']}")

    page.goto(f"{live_server.url}/ledger/")
    page.get_by_test_id("ledger-exemptions").click()
    page.get_by_text("撤销", exact=True).click()
    page.get_by_label("撤销理由").fill("已更换号码")
    page.get_by_role("button", name="撤销豁免并重新检查该户").click()
    expect(page.get_by_test_id("exemption-state")).to_have_text("已撤销")
    screenshot(page, f"exemption-list-{viewport['width']}")
    assert Exemption.objects.get().revoke_reason == "已更换号码"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert errors == []


def test_a_reviewer_reads_the_list_without_the_buttons(live_server, browser, world):
    Exemption.objects.create(rule_id="P01", household=world.home, reason="分户共用电话",
                             ends_on=timezone.localdate(), created_by=world.county_staff)
    errors = []
    page = log_in(browser, live_server, "reviewer", DESKTOP, errors)
    page.goto(f"{live_server.url}/ledger/exemptions/")
    expect(page.get_by_test_id("exemption-row")).to_have_count(1)
    expect(page.get_by_role("link", name="登记豁免")).to_have_count(0)
    expect(page.get_by_text("撤销", exact=True)).to_have_count(0)
    assert errors == []
