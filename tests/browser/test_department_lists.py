"""County staff upload a wrong department list, read the report, upload the fixed one, open the batch, its
findings and a comparison with the previous batch; on a desktop and on a phone."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rules.models import DepartmentBatch
from tests.audits.builders import make_ticket
from tests.builders import PASSWORD
from tests.rules.builders import make_list

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
STRANGER = "110105194912310021"


def write_csv(path, rows):
    import csv

    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_county_staff_upload_a_list_and_read_its_batch(live_server, page, world, csp_violations, screenshot,
                                                       viewport, tmp_path):
    kind = "phone" if viewport is PHONE else "desktop"
    page.set_viewport_size(viewport)
    member = world.home.members.first()
    previous = make_list("医保-大额医疗支出", [(member.id_number, {"name": member.name, "amount": "8000"})],
                         imported_at=timezone.now() - datetime.timedelta(days=30))
    DepartmentBatch.objects.filter(pk=previous.pk).update(county="230381", matched_count=1)
    previous.records.update(matched=True)
    ticket = make_ticket(world.home, rule_id="D06", severity="warning")
    wrong = write_csv(tmp_path / "大额医疗.csv", [
        ["证件号码", "姓名", "个人自付金额"], [member.id_number, member.name, "两万"], [STRANGER, "无此人", "-5"]])
    fixed = write_csv(tmp_path / "大额医疗（改正）.csv", [
        ["证件号码", "姓名", "个人自付金额"], [member.id_number, member.name, "20000"], [STRANGER, "无此人", "500"]])

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("county")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    if viewport is PHONE:
        page.get_by_role("button", name="打开菜单").click()
    page.get_by_role("link", name="部门数据").click()
    expect(page.get_by_test_id("department-sources")).to_contain_text("医保-大额医疗支出")
    screenshot(f"departments-list-{kind}")

    page.get_by_role("link", name="上传部门名单").click()
    page.get_by_label("数据来源").select_option("医保-大额医疗支出")
    page.get_by_label("名单文件").set_input_files(str(wrong))
    screenshot(f"departments-upload-{kind}")
    page.get_by_role("button", name="上传并导入（全部无误才写入）").click()
    expect(page.get_by_test_id("department-refused")).to_contain_text("2 处错误，未导入任何数据")
    problems = page.get_by_test_id("department-problems")
    expect(problems).to_contain_text("金额应为数字")
    expect(problems).to_contain_text("金额不能为负数")
    screenshot(f"departments-refused-{kind}")
    assert DepartmentBatch.objects.count() == 1

    page.get_by_label("数据来源").select_option("医保-大额医疗支出")
    page.get_by_label("名单文件").set_input_files(str(fixed))
    page.get_by_role("button", name="上传并导入（全部无误才写入）").click()
    expect(page.get_by_test_id("department-batch-counts")).to_contain_text("2 行：匹配 1，未匹配 1")
    findings = page.get_by_test_id("department-findings")
    expect(findings).to_contain_text("D06")
    expect(findings.get_by_role("link", name="发起预警线索")).to_have_attribute(
        "href", f"/clues/from-ticket/{ticket.pk}/")
    screenshot(f"departments-batch-{kind}")
    page.get_by_role("link", name="已匹配").click()
    expect(page.get_by_test_id("department-matched")).to_contain_text(world.home.number)
    expect(page.get_by_test_id("department-matched")).to_contain_text("20,000.00 元")
    screenshot(f"departments-matched-{kind}")

    page.get_by_role("link", name="与上一批比对").click()
    expect(page.get_by_test_id("compare-count-added")).to_have_text("1")
    page.get_by_role("link", name="取值变化").click()
    expect(page.get_by_test_id("compare-rows")).to_contain_text("8,000.00 元")
    screenshot(f"departments-compare-{kind}")
    page.get_by_label("位置").get_by_role("link", name="医保-大额医疗支出").click()
    expect(page.get_by_test_id("department-batches")).to_contain_text("与上一批比对")
    screenshot(f"departments-source-{kind}")
    assert csp_violations == []
