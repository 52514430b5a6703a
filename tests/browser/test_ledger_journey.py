"""County staff open the problem ledger, filter it and download the workbook with full IDs."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from audits.ledger.workbook import LEDGER_SHEET
from audits.models import TicketStatus
from trail.models import AuditAction, AuditEvent
from tests.audits.builders import make_ticket
from tests.browser.test_ticket_journey import DESKTOP, PHONE, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_county_staff_download_the_ledger_with_full_ids(live_server, browser, world, viewport):
    make_ticket(world.home)
    make_ticket(world.neighbour, rule_id="B06", status=TicketStatus.CLOSED)
    errors = []
    page = log_in(browser, live_server, "county", viewport, errors)
    page.goto(live_server.url + "/ledger/")
    expect(page.get_by_test_id("result-count")).to_have_text("共 2 条")
    page.get_by_label("状态", exact=True).select_option(label="已销号")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("result-count")).to_have_text("共 1 条")
    page.get_by_label("显示完整证件号码").check()
    with page.expect_download() as info:
        page.get_by_role("button", name="下载Excel台账").click()
    assert info.value.suggested_filename.endswith(".xlsx")
    with open(info.value.path(), "rb") as workbook:
        rows = list(load_workbook(workbook)[LEDGER_SHEET].iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][rows[0].index("状态")] == "已销号"
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail["full_ids"] is True and event.detail["filters"] == {"status": "closed"}
    page.reload()
    expect(page.get_by_test_id("export-log")).to_contain_text("完整证件号码")
    screenshot(page, f"ledger-{viewport['width']}")
    assert errors == []
