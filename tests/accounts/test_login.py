import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from trail.models import AuditAction, AuditEvent
from tests.builders import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_page_is_in_chinese(client):
    page = client.get(reverse("login")).content.decode()
    assert "用户名" in page and "密码" in page and 'lang="zh-Hans"' in page


def test_a_good_login_goes_home_and_is_logged(client, world):
    response = login(client, "clerk", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    event = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert (event.actor, event.ip_address) == (world.clerk, "127.0.0.1")


def test_a_failed_login_says_so_and_is_logged(client, world):
    response = login(client, "clerk", "wrong")
    assert "用户名或密码不正确" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, username="clerk").count() == 1


def test_an_overlong_username_is_refused_next_to_the_field_before_any_login_attempt(client, world):
    # PostgreSQL refuses to log a failure with a 300-character name (varchar(255)): a 500.
    response = login(client, "长" * 300, "wrong")
    assert response.status_code == 200
    assert "用户名不超过150个字符" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).exists()


def test_five_failures_lock_the_account_even_for_the_right_password(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "clerk", "wrong")
    response = login(client, "clerk", PASSWORD)
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_is_logged(client, world):
    client.force_login(world.clerk)
    assert client.post(reverse("logout")).status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, actor=world.clerk).exists()
    assert client.get(reverse("home")).status_code == 302


def test_a_session_signed_in_before_the_users_backend_stays_signed_in(client, world):
    # Sessions record the backend that signed them in; those of Django's ModelBackend go on with
    # accounts.backends.UserBackend (accounts.middleware.SessionBackendMiddleware).
    from django.contrib.auth import BACKEND_SESSION_KEY

    client.force_login(world.county_staff)
    session = client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    page = client.get(reverse("household_list"))
    assert page.status_code == 200 and page.context["user"] == world.county_staff
    assert client.session[BACKEND_SESSION_KEY] == "accounts.backends.UserBackend"
    assert client.get(reverse("household_list")).status_code == 200


def test_the_signed_in_user_comes_with_its_area_in_one_query(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.county_staff)
    client.get(reverse("household_list"))  # the session's first request records its activity
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("household_list")).content.decode()
    assert world.county_staff.area.name in page  # the header's badge
    sqls = [query["sql"] for query in queries]
    [user_query] = [sql for sql in sqls if 'FROM "accounts_user"' in sql]
    assert '"households_area"' in user_query
    assert not [sql for sql in sqls if 'FROM "households_area"' in sql and "LIMIT 21" in sql]  # an area by its code


def session_expiry(client):
    from django.contrib.sessions.models import Session
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_sessions_end_after_30_idle_minutes(client, world):
    """Activity moves the expiry to 30 minutes from now, writing the session at most once a minute."""
    import datetime
    import time

    from django.utils import timezone

    client.force_login(world.clerk)
    client.get(reverse("home"))
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    first = session_expiry(client)
    assert abs((first - timezone.now()) - datetime.timedelta(minutes=30)) < datetime.timedelta(seconds=5)

    client.get(reverse("home"))
    assert session_expiry(client) == first  # within the minute: no write

    session = client.session
    session["last_seen"] = int(time.time()) - 120  # as if the last write was two minutes ago
    session.save()
    before = session_expiry(client)
    client.get(reverse("home"))
    assert session_expiry(client) > before


@pytest.mark.parametrize("persona, heading", [
    ("clerk", "我的工作"), ("reviewer", "各村情况"), ("county_staff", "全县概况"),
    ("inspector", "全县概况"), ("no_role", "尚未分配角色"),
])
def test_home_takes_each_role_to_its_work(client, world, persona, heading):
    client.force_login(getattr(world, persona))
    assert heading in client.get(reverse("home")).content.decode()


def test_create_account_binds_a_role_to_an_area_of_the_right_level(world, capsys):
    call_command("create_account", "li", "--role", Role.TOWNSHIP_REVIEWER, "--area", "230381100",
                 "--password", "a-long-pass-phrase")
    user = User.objects.get(username="li")
    assert (user.role, user.area_id) == (Role.TOWNSHIP_REVIEWER, "230381100")
    assert user.check_password("a-long-pass-phrase")
    assert "已创建账号" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["--role", "village_clerk", "--area", "230381100"], "应绑定到行政村"),
    (["--role", "county_staff", "--area", "999999"], "不存在"),
    (["--role", "inspector", "--area", "230381", "--password", "123"], "密码不符合要求"),
])
def test_create_account_refuses_with_a_clear_message(world, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_account", "wang", *args)
    assert not User.objects.filter(username="wang").exists()


def test_create_account_refuses_a_taken_username(world):
    with pytest.raises(CommandError, match="已存在"):
        call_command("create_account", "clerk", "--role", "inspector", "--area", "230381")
