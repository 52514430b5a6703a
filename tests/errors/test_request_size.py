"""A request larger than MAX_REQUEST_BYTES is refused in Chinese with 413 before its body is
read; a body of undeclared length is refused with 411; ordinary posts go through."""

import pytest
from django.conf import settings as project_settings
from django.urls import reverse

from monitoring.middleware import DEFAULT_MAX_REQUEST_BYTES

pytestmark = pytest.mark.django_db


def test_the_default_limit_is_a_little_above_the_largest_upload():
    from households.workbook.safety import limit
    from households.uploads import MAX_FILES, max_bytes

    largest = max(limit("MAX_UPLOAD_BYTES"), MAX_FILES * max_bytes())
    assert project_settings.MAX_REQUEST_BYTES == DEFAULT_MAX_REQUEST_BYTES
    assert largest < project_settings.MAX_REQUEST_BYTES <= largest * 1.2


def test_a_body_declared_larger_than_the_limit_is_refused_unread_with_a_chinese_413(client, world):
    client.force_login(world.clerk)
    # The test client's body is 0 bytes: reading the declared 200 MB would fail the test.
    response = client.generic("POST", reverse("registry_import_new"), b"",
                              CONTENT_LENGTH=str(200 * 1024 * 1024), CONTENT_TYPE="multipart/form-data; boundary=x")
    assert response.status_code == 413
    page = response.content.decode()
    assert "提交的内容过大" in page and "200.0 MB" in page and "110.0 MB" in page
    assert 'data-testid="error-page"' in page


def test_a_post_over_a_lowered_limit_is_refused_and_one_under_it_goes_through(client, world, settings):
    settings.MAX_REQUEST_BYTES = 4096
    url = reverse("login")
    refused = client.post(url, {"username": "clerk", "password": "x" * 5000})
    assert refused.status_code == 413 and "提交的内容过大" in refused.content.decode()
    accepted = client.post(url, {"username": "clerk", "password": "wrong password"})
    assert accepted.status_code == 200 and "提交的内容过大" not in accepted.content.decode()


def test_a_body_of_undeclared_length_is_refused_with_411(client, world):
    response = client.generic("POST", reverse("login"), b"", CONTENT_LENGTH="", HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 411
    assert "没有注明内容长度" in response.content.decode()


def test_a_get_without_a_body_is_not_affected(client, world, settings):
    settings.MAX_REQUEST_BYTES = 1
    assert client.get(reverse("login")).status_code == 200


def test_zero_turns_the_check_off(client, world, settings):
    settings.MAX_REQUEST_BYTES = 0
    response = client.post(reverse("login"), {"username": "clerk", "password": "x" * 5000})
    assert response.status_code == 200
