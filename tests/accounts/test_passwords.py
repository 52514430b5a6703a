"""Password rules and the session's absolute limit (issue 14, 身份鉴别)."""

import datetime

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.builders import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("password", "message"), [
    (" " * 12, "密码不能全部是空格。"),
    ("short-pass1", "密码至少 12 个字符。"),
    ("123456789012", "密码不能全部是数字。"),
    ("password1234", "这个密码太常见，容易被猜中。"),
])
def test_a_weak_password_is_refused_in_chinese(world, password, message):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, world.clerk)
    assert message in refused.value.messages


def test_a_password_like_the_username_is_refused(world):
    world.clerk.username = "zhangwei-clerk"
    with pytest.raises(ValidationError, match="太相似"):
        validate_password("zhangwei-clerk1", world.clerk)


def test_twelve_characters_that_are_neither_blank_nor_digits_nor_common_pass(world):
    validate_password("清水河边种果树2025年", world.clerk)
    validate_password(PASSWORD, world.clerk)


def test_a_session_ends_twelve_hours_after_sign_in_however_active(client, world):
    start = datetime.datetime(2025, 3, 3, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client.post(reverse("login"), {"username": "clerk", "password": PASSWORD})
        for _ in range(24):  # a request every 29 minutes keeps the idle limit away: 11 h 36 min
            clock.shift(datetime.timedelta(minutes=29))
            assert client.get(reverse("home")).status_code == 200
        clock.shift(datetime.timedelta(minutes=29))  # 12 h 5 min after signing in, 29 min idle
        response = client.get(reverse("home"))
        assert response.status_code == 302 and "/login/" in response.url
        assert client.get(reverse("home")).status_code == 302
