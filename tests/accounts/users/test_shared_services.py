"""What the account pages rely on from end_other_sessions and second_factor_reset."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.second_factor import second_factor_reset
from accounts.services import end_other_sessions
from trail.models import AuditAction, AuditEvent
from tests.builders import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(username):
    client = Client()
    assert client.post(reverse("login"), {"username": username, "password": PASSWORD}).status_code == 302
    return client


def test_it_ends_every_session_of_the_user_but_the_one_kept_and_no_one_elses(world):
    phone, desk, other = signed_in("clerk"), signed_in("clerk"), signed_in("reviewer")
    end_other_sessions(world.clerk, keep_session_key=desk.session.session_key)
    alive = set(Session.objects.values_list("session_key", flat=True))
    assert phone.session.session_key not in alive
    assert {desk.session.session_key, other.session.session_key} <= alive


def test_it_removes_the_second_factor_devices_and_records_it(world):
    TOTPDevice.objects.create(user=world.clerk, name="手机")
    StaticDevice.objects.create(user=world.clerk, name="恢复码")
    TOTPDevice.objects.create(user=world.reviewer, name="手机")
    second_factor_reset(world.clerk, by=world.county_staff)
    assert not TOTPDevice.objects.filter(user=world.clerk).exists()
    assert not StaticDevice.objects.filter(user=world.clerk).exists()
    assert TOTPDevice.objects.filter(user=world.reviewer).exists()
    assert AuditEvent.objects.get(action=AuditAction.SECOND_FACTOR).actor == world.county_staff
