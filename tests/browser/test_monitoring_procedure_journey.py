"""Issue 13's whole procedure in the browser, at desktop and phone width.

A real cleansing batch finds a household on the 医保 large-expense list (D06); the clerk starts
a clue from the ticket, visits, applies for inclusion and fills the village record with a photo
and the signed authorisation; the township and the county approve; the household page says it
is 风险未消除 and needs a measure until the clerk records one. Six months later (the clock moved
here, which the live server's thread shares) the clerk applies for 风险消除 with every criterion
passing, the township and county approve it, and county staff roll it back. Every step is on
the household's timeline and in the /monitoring/ export.
"""

import datetime
import os
import re
import struct
import zlib

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from audits.models import Ticket
from households.models import Area
from monitoring_objects.models import Application
from rules import services as rule_services
from rules.models import DepartmentSource
from tests.builders import PASSWORD, make_income, make_year
from tests.rules.builders import make_list

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
YEAR = 2025  # the shared world's current year (tests/conftest.py)

# The household's steps as the timeline and the export name them, oldest first.
STEPS = [
    "登记线索", "发起申请", "村级提交", "乡镇审核通过", "县级审批通过",  # clue → inclusion
    "登记帮扶措施",
    "发起申请", "村级提交", "乡镇审核通过", "县级审批通过",  # elimination
    "风险消除回退",
]


def png(width: int = 8, height: int = 6) -> bytes:
    """A small real PNG (a green rectangle), made without an imaging library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\x2e\x8b\x57" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


class Journey:
    """The browser side of the journey: one page per actor, each signed in at the given width."""

    def __init__(self, browser, live_server, viewport, tmp_path):
        self.browser, self.url, self.viewport, self.tmp_path = browser, live_server.url, viewport, tmp_path
        self.kind = "phone" if viewport is PHONE else "desktop"
        self.csp_violations = []
        self.pages = []

    def sign_in(self, username):
        context = self.browser.new_context(viewport=self.viewport, accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("console", lambda m: self.csp_violations.append(m.text)
                if "Content Security Policy" in m.text or "Refused to" in m.text else None)
        page.goto(self.url + "/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        self.pages.append(page)
        return page

    def shoot(self, page, name):
        """Screenshots for looking at ($SCREENSHOT_DIR), never asserted on."""
        folder = os.environ.get("SCREENSHOT_DIR")
        if folder:
            page.screenshot(path=f"{folder}/procedure-{name}-{self.kind}.png", full_page=True)

    def fits(self, page):
        assert page.evaluate("document.documentElement.scrollWidth") <= self.viewport["width"]

    def file(self, name, content):
        path = self.tmp_path / name
        path.write_bytes(content)
        return str(path)

    def close(self):
        for page in self.pages:
            page.context.close()


# Arrange: the registry and a real cleansing batch -------------------------------------------

def registry_ready_for_elimination_later(household):
    """Income of the current year above the line and the two recorded years before it at their
    lines; the world's household already has safe housing and water, insurance and workers."""
    make_year(YEAR - 1, "7000", current=False)
    make_year(YEAR - 2, "6500", current=False)
    size = household.members.count()
    make_income(household, YEAR, wage=9000 * size)
    make_income(household, YEAR - 1, wage=7000 * size)
    make_income(household, YEAR - 2, wage=6600 * size)


def d06_ticket_on(household) -> Ticket:
    """The head is on the 医保 large-expense list; a real batch over the county finds D06."""
    head = household.members.order_by("pk").first()
    make_list(DepartmentSource.LARGE_MEDICAL, [(head.id_number, {"amount": "36000"})], year=YEAR)
    batch = rule_services.batch_create(area=Area.objects.get(code=household.village_id[:6]), rule_ids=["D06"])
    rule_services.batch_run_sync(batch=batch)
    return Ticket.objects.get(rule_id="D06", household=household)


# The clerk --------------------------------------------------------------------------------

def clerk_starts_a_clue_from_the_ticket(journey, page, ticket):
    page.goto(f"{journey.url}/tickets/{ticket.pk}/")
    journey.shoot(page, "01-ticket")
    page.get_by_test_id("start-clue").click()
    page.get_by_test_id("confirm-clue").click()
    expect(page).to_have_url(re.compile(r"/clues/\d+/$"))
    expect(page.get_by_test_id("ticket-link")).to_have_text(f"D06 #{ticket.pk}")
    expect(page.get_by_text("系统风险预警", exact=True)).to_be_visible()


def clerk_visits_and_applies_for_inclusion(journey, page):
    page.get_by_label("申请纳入监测对象").check()
    page.get_by_label("入户核查日期").fill(days_ago(25))
    page.get_by_label("核查人").fill("李四")
    page.get_by_label("核查情况").fill("户主住院手术，自付医疗费用 3.6 万元，家庭收入骤降")
    journey.shoot(page, "02-clue")
    page.get_by_role("button", name="提交核查结论").click()
    expect(page).to_have_url(re.compile(r"/applications/\d+/$"))
    expect(page.get_by_test_id("submission-errors")).to_be_visible()


def clerk_fills_the_inclusion_record(journey, page):
    page.get_by_test_id("edit-record").click()
    expect(page.get_by_label("入户核查日期")).to_have_value(days_ago(25))  # carried over from the clue
    page.get_by_label("入户核查照片").set_input_files(journey.file("入户核查.png", png()))
    page.get_by_label("承诺授权书签署日期").fill(days_ago(25))
    page.get_by_label("承诺授权书扫描件").set_input_files(journey.file("承诺授权书.pdf", PDF))
    fill_appraisal_and_notice(page, "同意纳入监测")
    page.get_by_label("监测对象类别").select_option(label="边缘易致贫户")
    page.get_by_label("因病").check()
    journey.shoot(page, "03-inclusion-record")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存村级办理记录。")).to_be_visible()
    expect(page.get_by_test_id("photos").locator("img")).to_have_count(1)
    expect(page.get_by_test_id("photos").locator("img")).to_have_js_property("naturalWidth", 8)  # a real image
    expect(page.get_by_role("link", name="承诺授权书.pdf")).to_be_visible()
    expect(page.get_by_test_id("submission-errors")).to_have_count(0)


def fill_appraisal_and_notice(page, result):
    """民主评议 then 公示 for three weeks, ended yesterday (≥ 5 working days whatever the holidays)."""
    page.get_by_label("民主评议日期").fill(days_ago(22))
    page.get_by_label("民主评议参会人数").fill("23")
    page.get_by_label("评议结果").fill(result)
    page.get_by_label("公示开始").fill(days_ago(21))
    page.get_by_label("公示结束").fill(days_ago(1))
    page.get_by_label("公示异议（无则填“无”）").fill("无")


def clerk_submits(journey, page, name):
    page.get_by_role("button", name="提交乡镇审核").click()
    expect(page.get_by_text("已提交乡镇审核。")).to_be_visible()
    expect(page.locator(".page-header")).to_contain_text("待乡镇审核")
    journey.shoot(page, name)
    journey.fits(page)


def clerk_adds_a_measure(journey, page, household):
    page.goto(f"{journey.url}/households/{household.number}/")
    panel = page.get_by_test_id("monitoring-panel")
    expect(panel).to_contain_text("风险未消除")
    expect(panel).to_contain_text("边缘易致贫户")
    expect(page.get_by_test_id("needs-measure")).to_contain_text("需落实帮扶措施")
    journey.shoot(page, "06-household-needs-measure")
    form = page.get_by_test_id("measure-form")
    form.get_by_label("措施类型").select_option(label="健康帮扶")
    form.get_by_label("措施内容").fill("落实大病专项救治和医疗救助，协助办理慢病卡")
    form.get_by_label("已落实（不勾选则为计划）").check()
    form.get_by_role("button", name="登记帮扶措施").click()
    expect(page.get_by_test_id("measure-table")).to_contain_text("落实大病专项救治")
    expect(page.get_by_test_id("needs-measure")).to_have_count(0)
    journey.fits(page)


def clerk_applies_for_elimination(journey, page, household):
    page.goto(f"{journey.url}/households/{household.number}/")
    page.get_by_role("button", name="申请风险消除").click()
    expect(page).to_have_url(re.compile(r"/applications/\d+/$"))
    criteria = page.get_by_test_id("criteria")
    expect(criteria.locator("tbody tr")).to_have_count(9)
    expect(criteria.get_by_text("通过", exact=True)).to_have_count(9)
    expect(criteria.get_by_text("未通过", exact=True)).to_have_count(0)
    journey.shoot(page, "08-elimination-criteria")
    journey.fits(page)
    page.get_by_test_id("edit-record").click()
    page.get_by_label("入户核查日期").fill(days_ago(25))
    page.get_by_label("核查人").fill("李四")
    page.get_by_label("核查情况").fill("户主康复后返岗务工，家庭收入稳定")
    page.get_by_label("入户核查照片").set_input_files(journey.file("回访.png", png()))
    fill_appraisal_and_notice(page, "同意风险消除")
    page.get_by_label("风险消除方式").select_option(label="帮扶消除")
    journey.shoot(page, "09-elimination-record")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存村级办理记录。")).to_be_visible()
    expect(page.get_by_test_id("submission-errors")).to_have_count(0)


# The township reviewer and county staff ----------------------------------------------------

def staff_open_the_inclusion_from_the_clue_list(journey, page):
    page.goto(journey.url + "/clues/")
    page.get_by_role("link", name=re.compile(r"^D06 ")).click()
    page.get_by_test_id("application-link").click()
    expect(page).to_have_url(re.compile(r"/applications/\d+/$"))


def staff_open_the_application_from_the_household(journey, page, household):
    page.goto(journey.url + "/monitoring/")
    page.get_by_role("link", name=household.number).click()
    page.get_by_test_id("open-application").get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/applications/\d+/$"))


def approve(journey, page, button, done, name):
    page.get_by_role("button", name=button).click()
    expect(page.get_by_text(done)).to_be_visible()
    journey.shoot(page, name)
    journey.fits(page)


def county_rolls_back(journey, page, household):
    page.goto(f"{journey.url}/households/{household.number}/")
    expect(page.get_by_test_id("monitoring-panel")).to_contain_text("风险已消除")
    expect(page.get_by_test_id("monitoring-panel")).to_contain_text("帮扶消除")
    page.get_by_text("风险消除回退", exact=True).click()
    page.locator("details", has_text="风险消除回退").get_by_label("理由").fill("复核发现户主务工收入未落实，恢复监测")
    page.get_by_role("button", name="回退为风险未消除").click()
    expect(page.get_by_text("已回退风险消除")).to_be_visible()
    expect(page.get_by_test_id("monitoring-panel")).to_contain_text("风险未消除")


def timeline_lists_every_step(journey, page):
    timeline = page.get_by_test_id("procedure-timeline")
    expect(timeline.locator("li")).to_have_count(len(STEPS))
    shown = timeline.locator("li strong").all_inner_texts()
    assert shown == STEPS  # oldest first
    expect(timeline).to_contain_text("复核发现户主务工收入未落实")
    expect(timeline).to_contain_text("风险已消除 → 风险未消除")
    journey.shoot(page, "12-household-timeline")
    journey.fits(page)


def county_exports_the_monitoring_objects(journey, page, household):
    page.goto(journey.url + "/monitoring/")
    with page.expect_download() as download:
        page.get_by_role("button", name="导出 Excel（含监测记录）").click()
    saved = journey.tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    workbook = load_workbook(saved, read_only=True)
    objects = [row for row in workbook["监测对象"].iter_rows(values_only=True) if row[0] == household.number]
    steps = [row for row in workbook["监测记录"].iter_rows(values_only=True) if row[0] == household.number]
    return objects, steps


def days_ago(days: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_d06_warning_goes_through_inclusion_assistance_elimination_and_rollback(
    live_server, browser, world, viewport, tmp_path
):
    household = world.home
    registry_ready_for_elimination_later(household)
    ticket = d06_ticket_on(household)
    journey = Journey(browser, live_server, viewport, tmp_path)
    try:
        clerk = journey.sign_in("clerk")
        clerk_starts_a_clue_from_the_ticket(journey, clerk, ticket)
        clerk_visits_and_applies_for_inclusion(journey, clerk)
        clerk_fills_the_inclusion_record(journey, clerk)
        clerk_submits(journey, clerk, "04-inclusion-submitted")

        reviewer = journey.sign_in("reviewer")
        staff_open_the_inclusion_from_the_clue_list(journey, reviewer)
        approve(journey, reviewer, "审核通过，提交县级审批", "已通过，提交县级审批。", "05-township-approved")

        county = journey.sign_in("county")
        staff_open_the_inclusion_from_the_clue_list(journey, county)
        approve(journey, county, "批准纳入监测对象", "已批准。", "05-county-approved")

        clerk_adds_a_measure(journey, clerk, household)
        included_on = timezone.localdate()

        later = datetime.datetime.combine(included_on + relativedelta(months=6, days=2), datetime.time(10),
                                          tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
        with time_machine.travel(later.astimezone(datetime.UTC), tick=True):
            # Sessions lapse in six months: everyone signs in again.
            clerk = journey.sign_in("clerk")
            clerk_applies_for_elimination(journey, clerk, household)
            clerk_submits(journey, clerk, "10-elimination-submitted")
            application = clerk.url

            reviewer = journey.sign_in("reviewer")
            staff_open_the_application_from_the_household(journey, reviewer, household)
            assert reviewer.url == application
            approve(journey, reviewer, "审核通过，提交县级审批", "已通过，提交县级审批。", "11-township-approved")

            county = journey.sign_in("county")
            staff_open_the_application_from_the_household(journey, county, household)
            approve(journey, county, "批准风险消除", "已批准。", "11-county-approved")

            county_rolls_back(journey, county, household)
            timeline_lists_every_step(journey, county)
            objects, steps = county_exports_the_monitoring_objects(journey, county, household)
    finally:
        journey.close()

    assert len(objects) == 1 and objects[0][6:8] == ("边缘易致贫户", "风险未消除")
    assert [row[2] for row in steps] == STEPS
    assert steps[-1][6] == "复核发现户主务工收入未落实，恢复监测"
    assert Application.objects.filter(household=household, status="approved").count() == 2
    assert journey.csp_violations == []
