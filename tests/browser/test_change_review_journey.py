"""A clerk sends a change with a photo of the signed form; the township reviewer sees it in
the queue with the photo, reveals the new phone, and approves it together with another one."""

import base64
import re

import pytest
from playwright.sync_api import expect

from households.changes import services
from households.models import Household
from tests.browser.test_ticket_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}


def camera_photo(page) -> bytes:
    """A real JPEG, drawn by the browser itself (a stand-in for a phone camera's photo)."""
    data_url = page.evaluate("""() => {
        const canvas = document.createElement("canvas");
        canvas.width = 320; canvas.height = 240;
        const context = canvas.getContext("2d");
        context.fillStyle = "#f4f1e8"; context.fillRect(0, 0, 320, 240);
        context.fillStyle = "#1f4e79"; context.fillRect(20, 20, 280, 30);
        context.fillStyle = "#555"; for (let y = 70; y < 220; y += 20) context.fillRect(20, y, 200 + y % 60, 6);
        return canvas.toDataURL("image/jpeg", 0.8);
    }""")
    return base64.b64decode(data_url.split(",", 1)[1])


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_change_with_a_photo_is_bulk_approved_with_another(live_server, browser, world, viewport, settings,
                                                             tmp_path, screenshot):
    settings.MEDIA_ROOT = tmp_path
    kind = "phone" if viewport is PHONE else "desktop"
    violations = []
    household_url = f"{live_server.url}/households/{world.home.number}/"

    clerk = log_in(browser, live_server, "clerk", viewport, violations)
    clerk.goto(household_url)
    clerk.get_by_role("link", name="申请修改").click()
    clerk.get_by_label("联系电话").first.fill("13912345678")
    clerk.get_by_label("申请说明").fill("入户核实：电话已更换，附户主签字的核实表")
    attachments = clerk.get_by_label("附件（照片或扫描件）")
    expect(attachments).to_have_attribute("accept", "image/*,application/pdf")
    attachments.set_input_files([{"name": "核实表.jpg", "mimeType": "image/jpeg", "buffer": camera_photo(clerk)}])
    screenshot(f"change-form-attachments-{kind}", clerk)
    clerk.get_by_role("button", name="提交乡镇审核").click()
    expect(clerk.get_by_test_id("change-status")).to_have_text("待乡镇审核")
    expect(clerk.get_by_test_id("attachment-thumbnail")).to_be_visible()
    clerk.get_by_text("撤回申请").click()  # the requester may withdraw, after confirming
    expect(clerk.get_by_role("button", name="确认撤回")).to_be_visible()
    screenshot(f"change-submitted-{kind}", clerk)

    other = services.change_request_submit(user=world.clerk, household=world.home,
                                           data={"address": "金湾村 3 组 8 号"}, note="门牌号更正")

    reviewer = log_in(browser, live_server, "reviewer", viewport, violations)
    reviewer.goto(live_server.url + "/changes/")
    expect(reviewer.get_by_test_id("queue-count")).to_have_text("2")
    queue = reviewer.get_by_test_id("change-queue")
    thumbnail = queue.get_by_test_id("attachment-thumbnail")
    expect(thumbnail).to_be_visible()
    # decode() waits for the image to load (visible is not loaded) and fails if it cannot be served.
    assert thumbnail.evaluate("img => img.decode().then(() => img.naturalWidth)") == 320  # served, in scope
    screenshot(f"change-queue-{kind}", reviewer)

    queue.get_by_role("link", name=re.compile(r"户基本信息")).first.click()
    expect(reviewer.get_by_test_id("change-diff")).to_contain_text("139****5678")
    expect(reviewer.get_by_test_id("change-attachments")).to_be_visible()
    expect(reviewer.get_by_test_id("ticket-preview")).to_contain_text("将新增")  # the rules side's fragment
    reviewer.get_by_test_id("masked-change-phone-new").get_by_role("button", name="显示").click()
    expect(reviewer.get_by_test_id("revealed-change-phone-new")).to_contain_text("13912345678")
    screenshot(f"change-detail-{kind}", reviewer)

    reviewer.goto(live_server.url + "/changes/")
    for change_pk in Household.objects.get(pk=world.home.pk).change_requests.values_list("pk", flat=True):
        reviewer.locator(f"#select-{change_pk}").check()
    reviewer.get_by_role("button", name="批量通过").click()
    expect(reviewer.get_by_text("2 条已通过")).to_be_visible()
    expect(reviewer.get_by_test_id("queue-empty")).to_be_visible()

    clerk.goto(household_url)
    expect(clerk.locator("#main")).to_contain_text("139****5678")
    expect(clerk.locator("#main")).to_contain_text("金湾村 3 组 8 号")
    household = Household.objects.get(pk=world.home.pk)
    assert (household.phone, household.address) == ("13912345678", "金湾村 3 组 8 号")
    assert other.pk in household.change_requests.filter(status="approved").values_list("pk", flat=True)
    assert violations == []
