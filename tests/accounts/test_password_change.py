"""Users change their own password; their other sessions end; the change is recorded."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.services import end_other_sessions
from accounts.views import PASSWORD_CHANGED
from trail.models import AuditAction, AuditEvent
from tests.builders import PASSWORD

pytestmark = pytest.mark.django_db

URL = reverse("password_change")
NEW = "a-fresh-pass-phrase"


def signed_in_as(username, password=PASSWORD):
    client = Client()
    assert client.post(reverse("login"), {"username": username, "password": password}).status_code == 302
    return client


def change(client, old=PASSWORD, new=NEW, again=None):
    return client.post(URL, {"old_password": old, "new_password1": new, "new_password2": again or new})


def is_signed_in(client):
    return client.get(reverse("home")).status_code == 200


def test_it_is_linked_from_every_page_of_a_signed_in_user(client, world):
    client.force_login(world.clerk)
    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()
    assert URL == "/accounts/password/"


def test_it_asks_to_sign_in_first(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_page_is_in_chinese(client, world):
    client.force_login(world.clerk)
    page = client.get(URL).content.decode()
    assert "修改密码" in page and "旧密码" in page and "新密码" in page


def test_changing_it_signs_the_other_sessions_out_and_keeps_this_one(world):
    here, elsewhere = signed_in_as("clerk"), signed_in_as("clerk")
    reviewer = signed_in_as("reviewer")
    response = change(here)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert PASSWORD_CHANGED in here.get(reverse("home")).content.decode()
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    assert is_signed_in(reviewer)  # another user's session is untouched
    world.clerk.refresh_from_db()
    assert world.clerk.check_password(NEW)


def test_the_other_sessions_are_deleted_not_only_refused(world):
    here, elsewhere = signed_in_as("clerk"), signed_in_as("clerk")
    other_key = elsewhere.session.session_key
    change(here)
    assert not Session.objects.filter(session_key=other_key).exists()
    assert Session.objects.filter(session_key=here.session.session_key).exists()


def test_the_change_is_recorded(world):
    here, _elsewhere = signed_in_as("clerk"), signed_in_as("clerk")
    change(here)
    event = AuditEvent.objects.get(action=AuditAction.PASSWORD_CHANGE)
    assert (event.actor, event.username, event.ip_address) == (world.clerk, "clerk", "127.0.0.1")
    assert event.detail == {"other_sessions_ended": 1}


@pytest.mark.parametrize("old, new, again, message", [
    ("wrong-old-password", NEW, None, "旧密码不正确"),
    (PASSWORD, "short", None, "至少"),
    (PASSWORD, "12345678901234", None, "数字"),
    (PASSWORD, NEW, "another-pass-phrase", "不一致"),
])
def test_a_refused_change_says_why_in_chinese_and_ends_nothing(world, old, new, again, message):
    here, elsewhere = signed_in_as("clerk"), signed_in_as("clerk")
    response = change(here, old, new, again)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert is_signed_in(elsewhere)
    assert not AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGE).exists()
    world.clerk.refresh_from_db()
    assert world.clerk.check_password(PASSWORD)


def test_end_other_sessions_ends_every_session_of_the_user_unless_kept(world):
    """The account-management pages call it when a county officer resets someone's password."""
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    first, second, third = signed_in_as("clerk"), signed_in_as("clerk"), signed_in_as("clerk")
    reviewer = signed_in_as("reviewer")
    assert end_other_sessions(world.clerk, keep_session_key=first.session.session_key) == 2
    assert is_signed_in(first) and not is_signed_in(second) and not is_signed_in(third)
    assert end_other_sessions(world.clerk) == 1
    assert not is_signed_in(first)
    assert is_signed_in(reviewer)
