"""Django's admin bypasses the site's roles and scopes: /admin/ is not routed unless the
operator sets ADMIN_ENABLED=true (monitoring/urls.py)."""

import importlib

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import clear_url_caches

import monitoring.urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def reload_urls():
    """Rebuild the URL map under the test's settings, and as it was afterwards."""
    def reload():
        importlib.reload(monitoring.urls)
        clear_url_caches()
    yield reload
    reload()


def test_it_is_off_by_default(client, world):
    assert settings.ADMIN_ENABLED is False
    client.force_login(world.county_staff)
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/login/").status_code == 404


def test_it_answers_when_the_operator_turns_it_on(client, reload_urls):
    with override_settings(ADMIN_ENABLED=True):
        reload_urls()
        response = client.get("/admin/")
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
        assert client.get("/admin/login/").status_code == 200
    reload_urls()
    assert client.get("/admin/login/").status_code == 404
