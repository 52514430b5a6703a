"""County staff enrol a phone at their first sign-in and then sign in with its codes."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.builders import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def phone_code(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the secret typed in by hand."""
    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key, drift=steps_ahead):06d}"


def sign_in(page, url):
    page.goto(url + "/accounts/login/")
    page.get_by_label("用户名").fill("county")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 768}, {"width": 390, "height": 844}],
                         ids=["desktop", "phone"])
def test_county_staff_enrol_a_phone_and_sign_in_with_its_code(
        live_server, page, world, settings, csp_violations, screenshot, viewport):
    settings.SECOND_FACTOR_REQUIRED_ROLES = ["county_staff"]
    page.set_viewport_size(viewport)
    kind = "phone" if viewport["width"] < 576 else "desktop"

    sign_in(page, live_server.url)
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/\?next="))
    expect(page.get_by_test_id("second-factor-required")).to_be_visible()
    expect(page.get_by_test_id("second-factor-qr").locator("svg")).to_be_visible()
    screenshot(f"second-factor-enrol-{kind}")
    page.goto(live_server.url + "/rules/")  # nothing else opens yet
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/"))

    secret = page.get_by_test_id("second-factor-secret").inner_text()
    page.get_by_label("验证码").fill("000000" if phone_code(secret) != "000000" else "111111")
    page.get_by_role("button", name="验证并启用").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("验证码不正确")
    page.wait_for_timeout(1100)  # django-otp's back-off after one wrong code
    page.get_by_label("验证码").fill(phone_code(secret))
    page.get_by_role("button", name="验证并启用").click()

    expect(page).to_have_url(re.compile(r"/accounts/second-factor/recovery-codes/$"))
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    screenshot(f"second-factor-codes-{kind}")
    page.get_by_role("link", name="我已保存，进入系统").click()
    expect(page.get_by_role("heading", name="全县概况")).to_be_visible()

    page.get_by_role("button", name="退出").click()
    sign_in(page, live_server.url)
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/verify/"))
    screenshot(f"second-factor-verify-{kind}")
    # The next step's code: the one used to enrol may not be used twice.
    page.get_by_label("验证码").fill(phone_code(secret, steps_ahead=1))
    page.get_by_role("button", name="验证").click()
    expect(page.get_by_role("heading", name="全县概况")).to_be_visible()
    assert csp_violations == []
