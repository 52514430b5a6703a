"""A clerk edits a member: the ID number shows masked, 显示 reveals it in place (logged), and
the form sent with the mask untouched changes only what was typed."""

import re

import pytest
from playwright.sync_api import expect

from trail.models import AuditAction, AuditEvent
from households import id_numbers
from households.changes.models import ChangeRequest
from households.choices import Relationship
from tests.builders import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_clerk_edits_a_member_without_seeing_the_id_unless_revealed(
    live_server, page, world, csp_violations, screenshot, viewport
):
    page.set_viewport_size(viewport)
    son = world.home.members.filter(relationship=Relationship.SON).last()
    page.goto(live_server.url + f"/households/{world.home.number}/members/{son.pk}/change/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    field = page.get_by_label("证件号码")
    expect(field).to_have_value(id_numbers.mask(son.id_number))
    assert son.id_number not in page.content()
    kind = "phone" if viewport is PHONE else "desktop"
    screenshot(f"member-form-masked-{kind}")

    page.get_by_test_id("masked-field-help").get_by_role("button", name="显示").click()
    expect(page.get_by_test_id(f"revealed-member-{son.pk}-id_number")).to_contain_text(son.id_number)
    expect(field).to_have_value(id_numbers.mask(son.id_number))  # the input keeps the mask
    assert AuditEvent.objects.filter(action=AuditAction.REVEAL, actor=world.clerk,
                                     household_number=world.home.number).count() == 1
    screenshot(f"member-form-revealed-{kind}")

    page.get_by_label("务工时间(月)").fill("6")
    page.get_by_label("申请说明").fill("入户核实")
    page.get_by_role("button", name="提交乡镇审核").click()
    expect(page).to_have_url(re.compile(r"/changes/\d+/$"))
    assert ChangeRequest.objects.get().changes == {"months_worked": ["0", "6"]}
    assert csp_violations == []
