"""A township reviewer picks a village's 信息采集对照表, prints it on A4 and downloads the workbook."""

import os
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from audits.models import Ticket
from households.choices import DisabilityGrade, Employment, Health, MeasureType
from households.models import AssistanceMeasure
from tests.audits.builders import make_ticket
from tests.browser.test_ticket_journey import DESKTOP, PHONE, log_in, screenshot
from tests.builders import make_household, make_income, make_member
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


def a_full_village_of_households_of_1_to_8_members() -> list:
    """Eight households of village A1 with 1..8 members, each with everything the sheet prints:
    a long address, an income record with every item, three measures and three open tickets."""

    households = []
    for size in range(1, 9):
        household = make_household(VILLAGE_A1, members=0, address="金湾村第三村民小组东头二十七号（老村部后面）",
                                   natural_village="第三组", helper_name="王建国")
        for index in range(size):
            make_member(household, name=f"成员{size}{index}", relationship="head" if index == 0 else "son",
                        health=Health.CHRONIC if index % 3 == 1 else Health.HEALTHY,
                        disability_grade=DisabilityGrade.GRADE_2 if index == 2 else DisabilityGrade.NONE,
                        employment=Employment.OUT_OF_PROVINCE if index % 2 else Employment.NONE,
                        months_worked=10 if index % 2 else 0)
        make_income(household, 2025, wage="23000", public_welfare_income="3600", operating_income="5200",
                    operating_expense="1800", property_income="300", transfer_total="6340",
                    family_planning="960", subsistence="2400", extreme_poverty_support="0", pension="1980",
                    eco_compensation="400", other_transfer="600", medical_expense="3200", education_expense="1500")
        for measure in (MeasureType.INDUSTRY, MeasureType.EMPLOYMENT, MeasureType.HEALTH):
            AssistanceMeasure.objects.create(household=household, year=2025, measure_type=measure,
                                             content="发放产业奖补资金，安排外出务工，落实家庭医生签约服务")
        for rule_id in ("B05", "I11", "M06"):
            make_ticket(household, rule_id=rule_id)
        households.append(household)
    Ticket.objects.update(message="转移性收入 6,340.00 元，与计划生育金、低保金等各分项之和 6,000.00 元不一致")
    return households


def test_the_printed_sheet_fits_each_household_of_up_to_8_members_on_one_a4_page(live_server, browser, world):
    a_full_village_of_households_of_1_to_8_members()  # and world.home, of 3 members
    errors = []
    page = log_in(browser, live_server, "clerk", DESKTOP, errors)
    page.goto(live_server.url + "/collection-sheet/")
    expect(page.get_by_test_id("collection-block")).to_have_count(9)
    blocks = page.get_by_test_id("collection-block")
    for part in ("计划生育金", "低保金", "特困供养金", "养老金或离退休金", "生态补偿金", "其他转移性收入"):
        expect(blocks.last).to_contain_text(part)

    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 9  # a household per page, its signature line with it
    if os.environ.get("SCREENSHOTS"):  # each page as the printer lays it out: A4 less 15 mm margins, at 96 dpi
        page.set_viewport_size({"width": 680, "height": 1009})
        os.makedirs("screenshots", exist_ok=True)
        for index in range(9):
            blocks.nth(index).screenshot(path=f"screenshots/collection-sheet-a4-{index + 1}.png")
    assert errors == []
