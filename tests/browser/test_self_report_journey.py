"""农户自主申报 on a phone: a resident opens the page from a village's QR code, reports hardship,
reads the receipt, looks it up, and after the village's 不纳入 reads its answer there."""

import os

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from monitoring_objects import services
from monitoring_objects.models import Clue
from tests.conftest import VILLAGE_A1
from tests.monitoring_objects.report.conftest import STRANGER_ID

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


def _shot(page, name):
    """Screenshots for looking at (SCREENSHOTS=1), into /tmp, never into the work tree."""
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=f"/tmp/self-report-{name}.png", full_page=True)


def test_a_resident_reports_from_a_phone_and_sees_the_receipt(live_server, page, world, csp_violations):
    cache.clear()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/report/230381/?village={VILLAGE_A1}")
    expect(page.get_by_role("heading", level=1)).to_have_text("申报家庭困难")
    expect(page.get_by_label("所在行政村")).to_have_value(VILLAGE_A1)
    _shot(page, "form-phone")

    page.get_by_label("户主姓名").fill("王大山")
    page.get_by_label("联系电话").fill("13912345678")
    page.get_by_label("户主身份证号码").fill(STRANGER_ID[:17] + ("0" if STRANGER_ID[17] != "0" else "1"))
    page.get_by_label("困难情况").fill("户主突发脑梗住院 http://example.com")
    page.get_by_role("button", name="提交申报").click()
    expect(page.get_by_text("证件号码第18位校验码应为")).to_be_visible()
    expect(page.get_by_text("不要包含网址")).to_be_visible()
    _shot(page, "errors-phone")
    assert not Clue.objects.exists()

    page.get_by_label("户主身份证号码").fill(STRANGER_ID)
    page.get_by_label("困难情况").fill("今年三月户主突发脑梗住院，花费医疗费八万多元，家里没有收入来源。")
    page.get_by_role("button", name="提交申报").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("申报已提交")
    clue = Clue.objects.get()
    expect(page.get_by_test_id("receipt-number")).to_have_text(clue.receipt_number)
    assert clue.village_id == VILLAGE_A1
    _assert_fits(page)
    _shot(page, "submitted-phone")

    page.get_by_role("link", name="查询办理结果").click()
    expect(page.get_by_test_id("receipt-status")).to_have_text("待核查")
    _assert_fits(page)
    _shot(page, "receipt-phone")

    # The village verifies and answers 不纳入 with a reason; the receipt shows the answer.
    services.clue_decline(clue=clue, user=world.clerk, verified_on=timezone.localdate(), verified_by_name="李村干",
                          findings="入户核实，医保报销后自付较少", answer="经入户核查，医疗费用经医保报销后自付较少，暂不纳入监测。")
    page.reload()
    expect(page.get_by_test_id("receipt-status")).to_have_text("不纳入")
    expect(page.get_by_test_id("receipt-answer")).to_have_text("经入户核查，医疗费用经医保报销后自付较少，暂不纳入监测。")
    expect(page.get_by_text("李村干")).to_have_count(0)
    _assert_fits(page)
    _shot(page, "declined-phone")
    assert csp_violations == []


def test_the_form_and_the_codes_at_desktop_width(live_server, page, world, csp_violations):
    cache.clear()
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/report/230381/")
    expect(page.get_by_role("button", name="提交申报")).to_be_visible()
    _shot(page, "form-desktop")
    page.goto(f"{live_server.url}/report/230381/receipt/?number=ABCDEFGHJK")
    expect(page.get_by_test_id("receipt-not-found")).to_be_visible()
    _shot(page, "not-found-desktop")

    from tests.builders import PASSWORD
    page.goto(f"{live_server.url}/accounts/login/?next=/report/230381/codes/")
    page.get_by_label("用户名").fill("county")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("code-card")).to_have_count(3)
    _shot(page, "codes-desktop")
    if os.environ.get("SCREENSHOTS"):
        page.emulate_media(media="print")
        page.pdf(path="/tmp/self-report-codes.pdf", format="A4")
        page.emulate_media(media="screen")
    page.set_viewport_size(PHONE)
    _assert_fits(page)
    _shot(page, "codes-phone")
    assert csp_violations == []


def _assert_fits(page):
    """Nothing scrolls sideways."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
