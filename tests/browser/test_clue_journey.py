"""A clerk opens a clue and declines it with a reason; from another clue the clerk starts an
inclusion and fills the village record with a photo: at desktop and phone widths."""

import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from monitoring_objects.models import Application, ClueStatus
from tests.builders import PASSWORD
from tests.monitoring_objects.builders import make_clue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def shot(page, name):
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=f"/tmp/{name}.png", full_page=True)


def log_in(browser, live_server, viewport, errors):
    page = browser.new_page(viewport=viewport)
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text
            or "Refused to" in m.text else None)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    return page


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_clerk_declines_one_clue_and_applies_for_another(live_server, browser, world, viewport, tmp_path):
    width = viewport["width"]
    declined = make_clue(world.home, description="收入下降，申请帮扶", days_left=-1,
                         reporter_phone="13912345678")
    applied = make_clue(world.home, description="户主突发重病住院")
    errors = []
    page = log_in(browser, live_server, viewport, errors)

    page.goto(live_server.url + "/clues/")
    expect(page.locator("[data-testid=overdue-row]")).to_have_count(1)
    shot(page, f"clues-list-{width}")
    page.get_by_role("link", name="收入下降，申请帮扶").click()
    expect(page.get_by_test_id("reporter-phone")).to_have_text("139****5678")
    page.get_by_label("不纳入（向农户解释到位）").check()
    page.get_by_label("入户核查日期").fill(timezone.localdate().isoformat())
    page.get_by_label("核查人").fill("李四")
    page.get_by_label("核查情况").fill("务工收入稳定")
    shot(page, f"clue-detail-{width}")
    page.get_by_role("button", name="提交核查结论").click()
    expect(page.locator(".invalid-feedback, .text-danger").first).to_be_visible()  # the answer is missing
    page.get_by_label("不纳入理由（向农户解释的内容）").fill("家庭人均收入高于监测线，已向户主解释")
    page.get_by_role("button", name="提交核查结论").click()
    expect(page.get_by_test_id("clue-answer")).to_contain_text("已向户主解释")
    declined.refresh_from_db()
    assert declined.status == ClueStatus.DECLINED

    page.goto(f"{live_server.url}/clues/{applied.pk}/")
    page.get_by_label("申请纳入监测对象").check()
    page.get_by_role("button", name="提交核查结论").click()
    expect(page).to_have_url(re.compile(r"/applications/\d+/$"))
    expect(page.get_by_test_id("submission-errors")).to_be_visible()
    page.get_by_test_id("edit-record").click()
    page.get_by_label("入户核查日期").fill(timezone.localdate().isoformat())
    page.get_by_label("核查人").fill("李四")
    page.get_by_label("核查情况").fill("户主住院，家庭收入骤降")
    photo = tmp_path / "入户.jpg"
    photo.write_bytes(JPEG)
    page.get_by_label("入户核查照片").set_input_files(str(photo))
    page.get_by_label("监测对象类别").select_option("marginal")
    page.get_by_label("因病").check()
    shot(page, f"application-edit-{width}")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("photos").locator("img")).to_have_count(1)
    shot(page, f"application-detail-{width}")
    application = Application.objects.get(clue=applied)
    assert application.verified_by_name == "李四" and application.files.count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert errors == []
