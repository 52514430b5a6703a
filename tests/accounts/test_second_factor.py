"""二次验证: enrolment with a QR code served by the site, the second step of signing in,
recovery codes, the requirement for county staff, and an officer's reset."""

import datetime
from contextlib import contextmanager

import pytest
import time_machine
from django.core import checks
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

import monitoring.settings
from accounts.second_factor import check_required_roles, second_factor_reset
from trail.models import AuditAction, AuditEvent
from tests.builders import PASSWORD, make_phone, totp_code

pytestmark = pytest.mark.django_db

ENROL = reverse("second_factor")
VERIFY = reverse("second_factor_verify")
CODES = reverse("second_factor_codes")
# Pages of several apps that a county officer opens every day.
PAGES = ["home", "household_list", "ticket_list", "rules_batches", "ledger", "registry_import_list"]


@pytest.fixture
def required(settings):
    """The production default: county staff must have a second factor (the test settings
    require it of nobody, for the force_login of every other test)."""
    settings.SECOND_FACTOR_REQUIRED_ROLES = ["county_staff"]


@contextmanager
def later(seconds: int):
    """The clock `seconds` on: django-otp's back-off after a wrong code has run out."""
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=seconds), tick=True):
        yield


def sign_in(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def second_factor_events(**detail):
    return [event for event in AuditEvent.objects.filter(action=AuditAction.SECOND_FACTOR)
            if all(event.detail.get(key) == value for key, value in detail.items())]


def test_the_production_default_requires_it_of_county_staff_and_the_tests_of_nobody(settings):
    assert monitoring.settings.SECOND_FACTOR_REQUIRED_ROLES == ["county_staff"]
    assert settings.SECOND_FACTOR_REQUIRED_ROLES == []


def test_a_misspelt_role_in_the_setting_fails_the_system_check(settings):
    settings.SECOND_FACTOR_REQUIRED_ROLES = ["county"]
    errors = check_required_roles(None)
    assert [error.id for error in errors] == ["accounts.E001"] and "county" in errors[0].msg
    settings.SECOND_FACTOR_REQUIRED_ROLES = ["county_staff"]
    assert check_required_roles(None) == []
    assert check_required_roles in checks.registry.registry.get_checks()


# Enrolment ---------------------------------------------------------------------------------


def test_the_enrolment_page_shows_a_qr_code_drawn_by_the_site_and_the_secret(client, world):
    client.force_login(world.clerk)
    response = client.get(ENROL)
    page = response.content.decode()
    device = TOTPDevice.objects.get(user=world.clerk)
    assert not device.confirmed
    assert '<svg width="' in page and "二次验证二维码" in page  # inline SVG: no outside QR service
    secret = page.split('data-testid="second-factor-secret">')[1].split("<")[0]
    assert secret.replace(" ", "") in device.config_url
    assert "no-store" in response["Cache-Control"]  # the secret is not kept by a cache
    assert client.get(ENROL).content.decode().count(secret) == 1  # a reload shows the same secret
    assert TOTPDevice.objects.filter(user=world.clerk).count() == 1


def test_enrolment_refuses_a_wrong_code_and_confirms_with_the_right_one(client, world):
    client.force_login(world.clerk)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=world.clerk)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"

    page = client.post(ENROL, {"code": wrong}).content.decode()
    assert "验证码不正确" in page
    device.refresh_from_db()
    assert not device.confirmed and not StaticDevice.objects.filter(user=world.clerk).exists()
    assert len(second_factor_events(step="enrol", success=False)) == 1

    with later(5):
        response = client.post(ENROL, {"code": totp_code(device)})
    assert response.status_code == 302 and response["Location"] == CODES
    device.refresh_from_db()
    assert device.confirmed
    assert StaticToken.objects.filter(device__user=world.clerk).count() == 10
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id  # this session is verified
    assert len(second_factor_events(step="enrol", success=True)) == 1


def test_the_recovery_codes_are_shown_once(client, world):
    client.force_login(world.clerk)
    client.get(ENROL)
    client.post(ENROL, {"code": totp_code(TOTPDevice.objects.get(user=world.clerk))})
    page = client.get(CODES).content.decode()
    codes = set(StaticToken.objects.filter(device__user=world.clerk).values_list("token", flat=True))
    assert len(codes) == 10 and all(code in page for code in codes)
    again = client.get(CODES).content.decode()
    assert not any(code in again for code in codes) and "只在生成时显示一次" in again


def test_regenerating_recovery_codes_makes_the_old_ones_useless(client, world):
    phone = make_phone(world.clerk, recovery_codes=("oldcode1",))
    client.force_login(world.clerk)
    _verify_session(client, phone)
    response = client.post(CODES)
    assert response["Location"] == CODES
    assert not StaticToken.objects.filter(token="oldcode1").exists()
    assert StaticToken.objects.filter(device__user=world.clerk).count() == 10
    assert len(second_factor_events(step="recovery_codes")) == 1


def test_a_new_phone_replaces_the_old_one_only_once_confirmed(client, world):
    old = make_phone(world.county_staff, recovery_codes=("oldcode1",))
    client.force_login(world.county_staff)
    _verify_session(client, old)
    client.get(ENROL + "?rebind=1")
    new = TOTPDevice.objects.get(user=world.county_staff, confirmed=False)
    assert TOTPDevice.objects.filter(pk=old.pk, confirmed=True).exists()  # still works meanwhile
    client.post(ENROL, {"code": totp_code(new)})
    assert list(TOTPDevice.objects.filter(user=world.county_staff)) == [new]
    assert not StaticToken.objects.filter(token="oldcode1").exists()


# Signing in ----------------------------------------------------------------------------------


def test_signing_in_with_a_phone_asks_for_the_code_before_anything_opens(client, world):
    phone = make_phone(world.clerk)
    response = sign_in(client, "clerk")
    assert response["Location"] == reverse("home")
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == f"{VERIFY}?next=%2F"
    page = client.get(VERIFY + "?next=/households/").content.decode()
    assert "二次验证" in page and "6位验证码" in page
    assert "农户信息" not in page  # no menu before the second step

    response = client.post(VERIFY, {"code": totp_code(phone), "next": "/households/"})
    assert response.status_code == 302 and response["Location"] == "/households/"
    assert client.get(reverse("home")).status_code == 200
    assert len(second_factor_events(step="verify", success=True, method="totp")) == 1


def test_a_wrong_code_at_sign_in_is_refused_recorded_and_throttled(client, world):
    phone = make_phone(world.clerk)
    sign_in(client, "clerk")
    wrong = f"{(int(totp_code(phone)) + 1) % 1_000_000:06d}"
    page = client.post(VERIFY, {"code": wrong}).content.decode()
    assert "验证码不正确" in page
    assert client.get(reverse("home")).status_code == 302

    # At once, even the right code waits for django-otp's back-off.
    page = client.post(VERIFY, {"code": totp_code(phone)}).content.decode()
    assert "次数过多" in page
    assert client.get(reverse("home")).status_code == 302
    assert len(second_factor_events(step="verify", success=False)) == 2
    assert len(second_factor_events(step="verify", throttled=True)) == 1
    event = second_factor_events(step="verify", success=False)[0]
    assert (event.actor, event.ip_address) == (world.clerk, "127.0.0.1")

    with later(5):
        assert client.post(VERIFY, {"code": totp_code(phone)}).status_code == 302
        assert client.get(reverse("home")).status_code == 200


def test_a_recovery_code_works_once(client, world):
    make_phone(world.clerk, recovery_codes=("abcd2345", "efgh6723"))
    sign_in(client, "clerk")
    response = client.post(VERIFY, {"code": "ABCD 2345"})  # as people type it
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 200 and "还剩 1 个" in home.content.decode()
    assert len(second_factor_events(step="verify", success=True, method="recovery_code")) == 1

    client.post(reverse("logout"))
    sign_in(client, "clerk")
    assert "验证码不正确" in client.post(VERIFY, {"code": "abcd2345"}).content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_a_user_without_a_phone_goes_straight_to_the_verification_page_never(client, world):
    client.force_login(world.clerk)
    assert client.get(VERIFY + "?next=/households/")["Location"] == "/households/"
    assert client.get(VERIFY + "?next=https://evil.example/")["Location"] == "/"
    assert client.get(VERIFY + "?next=home")["Location"] == "/"  # a word, not a view's name


def test_a_clerk_without_a_phone_signs_in_with_the_password_alone(client, world, required):
    assert sign_in(client, "clerk")["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


# Required for county staff -----------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_county_staff_without_a_phone_are_sent_to_enrolment_from_every_page(client, world, required, name):
    client.force_login(world.county_staff)
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL + "?next=")
    assert client.post(url)["Location"] == ENROL


def test_county_staff_without_a_phone_may_still_sign_out_load_static_files_and_be_probed(
        client, world, required):
    client.force_login(world.county_staff)
    page = client.get(ENROL).content.decode()
    assert "必须启用二次验证" in page
    assert "清洗批次" not in page and "app-sidebar" not in page and "打开菜单" not in page  # no menu yet
    assert client.get("/static/css/app.css").status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    htmx = client.get(reverse("household_list"), headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"].startswith(ENROL)
    assert client.post(reverse("logout"))["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_county_staff_signing_in_enrol_and_then_reach_their_pages(client, world, required):
    sign_in(client, "county")
    assert client.get(reverse("home"))["Location"].startswith(ENROL)
    client.get(ENROL)
    client.post(ENROL, {"code": totp_code(TOTPDevice.objects.get(user=world.county_staff))})
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 200, name


@pytest.mark.parametrize("name", PAGES)
def test_county_staff_with_a_phone_reach_nothing_until_verified(client, world, required, name):
    make_phone(world.county_staff)
    client.force_login(world.county_staff)
    assert client.get(reverse(name))["Location"].startswith(VERIFY + "?next=")


def test_an_unverified_session_cannot_enrol_a_new_phone_around_the_old_one(client, world):
    make_phone(world.clerk)
    sign_in(client, "clerk")
    assert client.get(ENROL + "?rebind=1")["Location"].startswith(VERIFY)
    assert client.post(ENROL, {"code": "123456"})["Location"] == VERIFY
    assert client.post(reverse("second_factor_remove"))["Location"] == VERIFY
    assert TOTPDevice.objects.filter(user=world.clerk).count() == 1


# Removing and resetting ----------------------------------------------------------------------


def test_a_clerk_may_turn_their_second_factor_off(client, world, required):
    phone = make_phone(world.clerk, recovery_codes=("abcd2345",))
    client.force_login(world.clerk)
    _verify_session(client, phone)
    client.post(reverse("second_factor_remove"))
    assert not TOTPDevice.objects.filter(user=world.clerk).exists()
    assert not StaticDevice.objects.filter(user=world.clerk).exists()
    assert client.get(reverse("home")).status_code == 200


def test_county_staff_cannot_turn_their_required_second_factor_off(client, world, required):
    phone = make_phone(world.county_staff)
    client.force_login(world.county_staff)
    _verify_session(client, phone)
    assert "停用二次验证" not in client.get(ENROL).content.decode()
    response = client.post(reverse("second_factor_remove"), follow=True)
    assert "不能停用" in response.content.decode()
    assert TOTPDevice.objects.filter(pk=phone.pk).exists()


def test_an_officers_reset_deletes_the_devices_and_is_recorded(client, world, required):
    phone = make_phone(world.county_staff, recovery_codes=("abcd2345",))
    client.force_login(world.county_staff)
    _verify_session(client, phone)
    assert client.get(reverse("home")).status_code == 200

    assert second_factor_reset(world.county_staff, by=world.inspector) == 2
    assert not TOTPDevice.objects.filter(user=world.county_staff).exists()
    assert not StaticDevice.objects.filter(user=world.county_staff).exists()
    event = second_factor_events(step="reset")[0]
    assert (event.actor, event.subject) == (world.inspector, "county")
    # The officer's session lost its device: enrol again before anything else.
    assert client.get(reverse("home"))["Location"].startswith(ENROL)


def _verify_session(client, device):
    """The session of a user who entered the code of `device` (as django_otp.login stores it)."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def test_an_operator_resets_a_lost_phone_from_the_command_line(world, capsys):
    make_phone(world.county_staff, recovery_codes=("abcd2345",))
    call_command("reset_second_factor", "county")
    assert not TOTPDevice.objects.filter(user=world.county_staff).exists()
    assert "已重置 county 的二次验证" in capsys.readouterr().out
    assert second_factor_events(step="reset")[0].subject == "county"
    with pytest.raises(CommandError, match="不存在"):
        call_command("reset_second_factor", "nobody-such")
