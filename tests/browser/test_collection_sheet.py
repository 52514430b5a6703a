"""A township reviewer picks a village's 信息采集对照表, prints it on A4 and downloads the workbook."""

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.audits.builders import make_ticket
from tests.browser.test_ticket_journey import DESKTOP, PHONE, log_in, screenshot
from tests.builders import make_household, make_income
from tests.conftest import VILLAGE_A1

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_reviewer_prints_and_downloads_a_villages_collection_sheet(live_server, browser, world, viewport):
    second = make_household(VILLAGE_A1, members=2)
    make_income(world.home, 2025, wage="12000")
    make_ticket(second, rule_id="B05")
    errors = []
    page = log_in(browser, live_server, "reviewer", viewport, errors)
    page.goto(live_server.url + "/")
    if viewport is PHONE:
        page.get_by_role("button", name="打开菜单").click()
    page.get_by_role("link", name="信息采集对照表").click()
    page.get_by_label("行政村", exact=True).select_option(label="区划230381100 金湾村")  # submits on change
    expect(page.get_by_test_id("household-count")).to_contain_text("共 2 户")
    blocks = page.get_by_test_id("collection-block")
    expect(blocks).to_have_count(2)
    expect(blocks.nth(1).get_by_test_id("open-tickets")).to_contain_text("B05")
    screenshot(page, f"collection-sheet-{viewport['width']}")

    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="打印（A4，每户一页）")).to_be_hidden()
    expect(page.locator(".app-sidebar")).to_be_hidden()
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 2  # a household per page
    page.emulate_media(media="screen")

    with page.expect_download() as info:
        page.get_by_role("button", name="下载Excel").click()
    with open(info.value.path(), "rb") as workbook:
        members = list(load_workbook(workbook)["家庭成员"].iter_rows(values_only=True))
    assert len(members) == 1 + 3 + 2
    assert errors == []
