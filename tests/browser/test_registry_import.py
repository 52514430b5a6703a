"""County staff upload a wrong workbook, read the problems, upload the fixed one, confirm, see the households."""

import re

import pytest
from playwright.sync_api import expect

from households.workbook import messages as msg
from households.models import Household
from tests.builders import PASSWORD
from tests.households.workbook.workbooks import sample_rows, write_workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_county_staff_fix_a_refused_workbook_and_import_it(
    live_server, page, world, csp_violations, screenshot, viewport, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    kind = "phone" if viewport is PHONE else "desktop"
    page.set_viewport_size(viewport)
    wrong = sample_rows()
    wrong["年度收入"][0]["wage"] = "一万八"
    wrong["家庭成员"][1]["months_worked"] = 13
    wrong_path = write_workbook(tmp_path / "登记数据.xlsx", wrong)
    fixed_path = write_workbook(tmp_path / "登记数据（改正）.xlsx")

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("county")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    if viewport is PHONE:
        page.get_by_role("button", name="打开菜单").click()
    page.get_by_role("link", name="登记数据导入").click()
    expect(page.get_by_test_id("empty-state")).to_contain_text("还没有导入记录")
    screenshot(f"registry-import-empty-{kind}")

    page.get_by_role("link", name="上传登记数据工作簿").click()
    page.get_by_label("登记数据工作簿").set_input_files(str(wrong_path))
    screenshot(f"registry-import-upload-{kind}")
    page.get_by_role("button", name="上传并校验（不写入）").click()

    expect(page.get_by_test_id("import-refused")).to_contain_text("发现 2 个问题，数据库未作任何修改")
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text(msg.NOT_A_NUMBER.format(column="工资性收入", value="一万八"))
    expect(errors).to_contain_text(msg.OUT_OF_RANGE.format(column="务工时间", low=0, high=12, value=13))
    expect(page.get_by_role("link", name="下载问题清单 (.xlsx)")).to_be_visible()
    screenshot(f"registry-import-refused-{kind}")
    assert not Household.objects.filter(number="H0001").exists()

    page.get_by_role("link", name="重新上传").click()
    page.get_by_label("登记数据工作簿").set_input_files(str(fixed_path))
    page.get_by_role("button", name="上传并校验（不写入）").click()
    counts = page.get_by_test_id("import-counts")
    expect(counts).to_contain_text("户信息")
    screenshot(f"registry-import-valid-{kind}")
    page.get_by_role("button", name="确认导入（新增 2 户，更新 0 户）").click()

    expect(page.get_by_test_id("import-done")).to_contain_text("已导入")
    screenshot(f"registry-import-done-{kind}")
    page.get_by_role("link", name="查看农户").click()
    expect(page).to_have_url(re.compile(r"/households/$"))
    expect(page.get_by_test_id("household-table")).to_contain_text("H0001")
    expect(page.get_by_test_id("household-table")).to_contain_text("李大山")

    page.goto(live_server.url + "/registry/imports/")
    history = page.get_by_test_id("import-history")
    expect(history).to_contain_text("登记数据（改正）.xlsx")
    expect(history).to_contain_text("已导入")
    expect(history).to_contain_text("校验未通过")
    screenshot(f"registry-import-history-{kind}")
    assert csp_violations == []


def test_a_running_import_shows_its_progress_and_the_result_when_it_ends(
    live_server, page, world, csp_violations, screenshot, monkeypatch
):
    """The page polls with htmx while the worker runs, and swaps in the result without a reload."""
    from households.workbook import services as import_services
    from households.workbook.models import ImportStatus, RegistryImport

    record = RegistryImport.objects.create(
        created_by=world.county_staff, username="county", county="230381", file_name="全县登记数据.xlsx",
        status=ImportStatus.IMPORTING, dry_run=False, task_id="task-1",
    )
    monkeypatch.setattr(import_services, "registry_import_progress",
                        lambda r: (1500, 4000) if r.status == ImportStatus.IMPORTING else None)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("county")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(live_server.url + f"/registry/imports/{record.pk}/")
    expect(page.get_by_test_id("import-status")).to_contain_text("已处理 1,500 / 4,000 行")
    screenshot("registry-import-running-phone")

    RegistryImport.objects.filter(pk=record.pk).update(
        status=ImportStatus.IMPORTED, counts={"户信息": {"rows": 2, "created": 2, "updated": 0, "unchanged": 0}})
    expect(page.get_by_test_id("import-done")).to_contain_text("已导入", timeout=5000)
    expect(page.get_by_test_id("import-counts")).to_contain_text("户信息")
    assert page.locator("[hx-trigger]").count() == 0  # the 286 answer carried no trigger: polling ended
    assert csp_violations == []
