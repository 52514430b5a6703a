"""County staff create a village clerk's account in the browser, and reset the password of a
clerk who forgot theirs; the clerk signs in with it. On a desktop and on a phone."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.builders import PASSWORD
from tests.conftest import VILLAGE_A2

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


def sign_in(page, url, username, password):
    page.goto(url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_an_officer_creates_an_account_and_resets_a_password(live_server, page, browser, world, csp_violations,
                                                             screenshot, viewport):
    kind = "phone" if viewport is PHONE else "desktop"
    page.set_viewport_size(viewport)
    sign_in(page, live_server.url, "county", PASSWORD)
    if viewport is PHONE:
        page.get_by_role("button", name="打开菜单").click()
    page.get_by_role("link", name="账户管理").click()
    expect(page.get_by_test_id("account-list")).to_contain_text("clerk")
    screenshot(f"accounts-list-{kind}")

    page.get_by_role("link", name="新建账户").click()
    page.get_by_label("用户名").fill("zhangwei")
    page.get_by_label("姓名").fill("张伟")
    page.get_by_label("角色").select_option(label="村级信息员")
    page.get_by_label("所属区划").select_option(value=VILLAGE_A2)
    screenshot(f"accounts-new-{kind}")
    page.get_by_role("button", name="创建账户").click()
    expect(page.get_by_role("heading", name="账户已创建")).to_be_visible()
    created_password = page.get_by_test_id("shown-password").inner_text()
    screenshot(f"accounts-created-{kind}")
    assert User.objects.get(username="zhangwei").check_password(created_password)

    page.get_by_role("link", name="返回账户列表").click()
    page.get_by_label("搜索").fill("clerk")
    page.get_by_role("button", name="查询").click()
    page.get_by_role("link", name="clerk", exact=True).click()
    page.get_by_label("临时密码").fill("Lantern-river-42x")
    screenshot(f"accounts-detail-{kind}")
    page.get_by_role("button", name="重置密码并让其退出登录").click()
    expect(page.get_by_role("heading", name="密码已重置")).to_be_visible()
    page.get_by_role("link", name="查看该账户").click()
    expect(page.get_by_test_id("account-history")).to_contain_text("重置密码")

    page.get_by_role("button", name="停用账户").click()
    expect(page.get_by_role("button", name="确认停用并强制退出")).to_be_visible()
    screenshot(f"accounts-deactivate-{kind}")
    page.get_by_role("button", name="取消").click()

    clerk_page = browser.new_page(viewport=viewport)
    sign_in(clerk_page, live_server.url, "clerk", "Lantern-river-42x")
    expect(clerk_page.get_by_role("button", name="退出")).to_be_visible()  # signed in, at home
    clerk_page.close()
    assert csp_violations == []
