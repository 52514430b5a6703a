"""The whole of ticket review in the browser, beyond test_ticket_journey.py: an explanation with a
photo taken on the phone, a township return, a second answer, county closure and the ledger;
and a ticket closed by correcting the data (去修改数据 → change request → re-check)."""

import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from audits.ledger.workbook import LEDGER_SHEET
from audits.models import Resolution, Ticket, TicketEvidence, TicketStatus
from households.models import Area
from rules import services as rule_services
from tests.audits.builders import make_ticket
from tests.browser.test_ticket_journey import log_in, screenshot
from tests.builders import make_income

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
WIDE = {"width": 1280, "height": 900}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def camera_photo(page) -> dict:
    """A real JPEG (a picture of the page itself), as a phone camera would send one."""
    return {"name": "入户照片.jpg", "mimeType": "image/jpeg",
            "buffer": page.screenshot(type="jpeg", quality=60, clip={"x": 0, "y": 0, "width": 200, "height": 150})}


def test_an_error_is_explained_with_a_photo_returned_answered_closed_and_in_the_ledger(live_server, browser,
                                                                                         world):
    ticket = make_ticket(world.home)  # an error: the county closes it
    errors = []
    url = f"{live_server.url}/tickets/{ticket.pk}/"

    clerk = log_in(browser, live_server, "clerk", PHONE, errors)
    clerk.goto(url)
    expect(clerk.get_by_test_id("ticket-record")).to_be_visible()
    no_sideways_scroll(clerk)
    clerk.get_by_label("核实情况说明").fill("入户核实，户主信息无误")
    clerk.get_by_label("佐证材料（可选）").set_input_files(camera_photo(clerk))
    screenshot(clerk, "ticket-explain-clerk-375")
    clerk.get_by_role("button", name="核实无误，提交乡镇审核").click()
    expect(clerk.get_by_text("已提交乡镇审核")).to_be_visible()
    photo = TicketEvidence.objects.get(ticket=ticket)

    reviewer = log_in(browser, live_server, "reviewer", WIDE, errors)
    reviewer.goto(url)
    thumbnail = reviewer.get_by_test_id("ticket-events").locator("img.evidence-thumb")
    expect(thumbnail).to_have_count(1)
    thumbnail.scroll_into_view_if_needed()
    assert thumbnail.evaluate("img => img.decode().then(() => img.naturalWidth)") == 200  # the photo, not a broken icon
    screenshot(reviewer, "ticket-detail-reviewer-1280")
    reviewer.get_by_label("退回原因").fill("请补充户主签字的核实表")
    reviewer.get_by_role("button", name="退回村级").click()
    expect(reviewer.get_by_text("已退回村级")).to_be_visible()

    clerk.goto(url)
    expect(clerk.get_by_test_id("return-reason")).to_contain_text("请补充户主签字的核实表")
    clerk.get_by_label("核实情况说明").fill("已补充户主签字的核实表")
    clerk.get_by_role("button", name="核实无误，提交乡镇审核").click()
    expect(clerk.get_by_text("已提交乡镇审核")).to_be_visible()

    reviewer.goto(url)
    reviewer.get_by_role("button", name="通过并提交县级终审").click()
    expect(reviewer.get_by_text("已通过，提交县级终审")).to_be_visible()

    county = log_in(browser, live_server, "county", WIDE, errors)
    county.goto(url)
    county.get_by_role("button", name="通过并销号").click()
    expect(county.get_by_text("已通过并销号")).to_be_visible()
    county.goto(url)
    expect(county.get_by_test_id("ticket-status")).to_have_text("已销号")
    assert county.request.get(f"{url}evidence/{photo.pk}/").headers["content-type"] == "image/jpeg"

    county.goto(live_server.url + "/ledger/")
    with county.expect_download() as info:
        county.get_by_role("button", name="下载Excel台账").click()
    with open(info.value.path(), "rb") as workbook:
        header, *rows = load_workbook(workbook)[LEDGER_SHEET].iter_rows(values_only=True)
    row = next(row for row in rows if row[header.index("规则编号")] == ticket.rule_id)
    closed = Ticket.objects.get(pk=ticket.pk)
    assert row[header.index("状态")] == "已销号"
    assert row[header.index("处理结果")] == "核实无误"
    assert row[header.index("发现时间")] is not None
    assert row[header.index("销号时间")].date() == timezone.localdate(closed.closed_at)  # the ledger is in local time
    assert "请补充户主签字的核实表" in row[header.index("办理记录")]
    assert errors == []


def test_a_ticket_is_resolved_by_correcting_the_income(live_server, browser, world):
    make_income(world.home, 2025, wage="9000")  # 3 000 元 a head: under the 7 600 line
    batch = rule_services.batch_create(area=Area.objects.get(code="230381"), rule_ids=["I01"])
    rule_services.batch_run_sync(batch=batch)
    ticket = Ticket.objects.get(rule_id="I01", household=world.home)
    errors = []
    url = f"{live_server.url}/tickets/{ticket.pk}/"

    clerk = log_in(browser, live_server, "clerk", PHONE, errors)
    clerk.goto(url)
    expect(clerk.get_by_test_id("record-income-2025").locator(".rule-reads").first).to_be_visible()
    no_sideways_scroll(clerk)
    screenshot(clerk, "ticket-detail-clerk-375")
    clerk.get_by_test_id("fix-data").click()
    expect(clerk).to_have_url(re.compile(rf"/income/\?year=2025&ticket={ticket.pk}$"))
    clerk.get_by_label("工资性收入").fill("60000")
    clerk.get_by_role("button", name="提交乡镇审核").click()
    expect(clerk.get_by_text(f"已关联问题线索 #{ticket.pk}")).to_be_visible()
    change = Ticket.objects.get(pk=ticket.pk).change_request
    assert change is not None

    clerk.goto(url)
    expect(clerk.get_by_test_id("ticket-change")).to_contain_text(f"#{change.pk}")
    expect(clerk.get_by_test_id("ticket-events")).to_contain_text(f"已提交变更申请 #{change.pk} 整改")
    expect(clerk.get_by_test_id("change-pending")).to_contain_text("整改申请审核中")
    expect(clerk.get_by_role("button", name="核实无误，提交乡镇审核")).to_have_count(0)
    screenshot(clerk, "ticket-detail-change-pending-375")

    reviewer = log_in(browser, live_server, "reviewer", WIDE, errors)
    reviewer.goto(f"{live_server.url}/changes/{change.pk}/")
    expect(reviewer.get_by_test_id("ticket-preview-loading")).to_have_count(0)  # the preview has loaded
    reviewer.get_by_role("button", name="通过", exact=True).click()
    reviewer.goto(url)
    expect(reviewer.get_by_test_id("recheck-result")).to_contain_text(f"变更申请 #{change.pk} 通过后系统复核通过")
    expect(reviewer.get_by_test_id("ticket-status")).to_have_text("待乡镇审核")
    screenshot(reviewer, "ticket-detail-corrected-1280")
    resolved = Ticket.objects.get(pk=ticket.pk)
    assert resolved.resolution == Resolution.SYSTEM and resolved.status == TicketStatus.PENDING_TOWNSHIP
    assert errors == []


def test_the_clerks_ticket_page_at_desktop_width(live_server, browser, world):
    ticket = make_ticket(world.home, rule_id="A02")
    errors = []
    clerk = log_in(browser, live_server, "clerk", WIDE, errors)
    clerk.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    expect(clerk.get_by_test_id("record-household").locator("dt.rule-reads")).to_have_text(["饮水安全有保障"])
    screenshot(clerk, "ticket-detail-clerk-1280")
    assert errors == []
