"""What a clerk meets when something goes wrong, in a real browser: a double-clicked submit
makes one request, an out-of-scope link is a Chinese page with a way home."""

import re

import pytest
from playwright.sync_api import expect

from households.changes.models import ChangeRequest
from tests.builders import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def test_a_double_clicked_submit_makes_one_change_request(live_server, page, world, csp_violations):
    log_in(page, live_server, "clerk")
    page.goto(f"{live_server.url}/households/{world.home.number}/change/")
    page.get_by_label("联系电话").first.fill("13912345678")
    page.get_by_label("申请说明").fill("入户核实：电话已更换")
    page.get_by_role("button", name="提交乡镇审核").dblclick()
    expect(page.get_by_test_id("change-status")).to_have_text("待乡镇审核")
    assert ChangeRequest.objects.count() == 1
    assert csp_violations == []


def test_an_out_of_scope_link_is_a_chinese_page_with_a_way_home(live_server, page, world, csp_violations,
                                                                 screenshot):
    log_in(page, live_server, "clerk")
    page.goto(f"{live_server.url}/households/{world.other_county.number}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("页面不存在，或不在您的管辖范围内")
    screenshot("error-404-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("error-404-phone")
    page.get_by_role("link", name="返回首页").click()
    expect(page).to_have_url(live_server.url + "/")
    assert csp_violations == []
