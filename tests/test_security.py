"""Secure by default: the content security policy, templates that satisfy it, deploy checks."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

TEMPLATES = sorted(Path(settings.BASE_DIR, "templates").rglob("*.html"))


def test_pages_carry_a_strict_content_security_policy(client, db):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy and "unsafe-hashes" not in policy
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["default-src"] == "'self'"


PRODUCTION_SETTINGS = """
import os
os.environ["DJANGO_SETTINGS_MODULE"] = "monitoring.settings"
import django
django.setup()
from django.conf import settings as s
print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE,
      s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_CONTENT_TYPE_NOSNIFF)
"""


def production_settings(**env_vars) -> str:
    env = {key: value for key, value in os.environ.items()
           if key not in {"DEBUG", "HTTPS", "SECURE_HSTS_SECONDS", "DJANGO_SETTINGS_MODULE", "ENV_FILE"}}
    env.update(SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="monitoring.example.org", ENV_FILE="", **env_vars)
    result = subprocess.run([sys.executable, "-c", PRODUCTION_SETTINGS], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_settings_turn_on_https_hsts_and_secure_cookies_by_default():
    assert production_settings() == "True 31536000 True True True True True"


def test_a_plain_http_intranet_turns_them_off_only_when_it_says_so():
    assert production_settings(HTTPS="false") == "False 0 False False False True True"


def test_an_https_response_carries_hsts(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_templates_hold_no_inline_script_style_or_outside_asset(template):
    text = template.read_text()
    inline_scripts = [tag for tag in re.findall(r"<script\b[^>]*>", text)
                      if "src=" not in tag and "application/json" not in tag]
    assert inline_scripts == []
    assert not re.search(r"\sstyle=", text)
    assert not re.search(r"<style\b", text)
    assert not re.search(r"\son[a-z]+=", text)  # onclick= and friends
    assert not re.search(r"""(src|href)=["'](https?:)?//""", text)


def test_forms_that_change_state_carry_a_csrf_token():
    for template in TEMPLATES:
        text = template.read_text()
        for form in re.findall(r"<form\b[^>]*method=\"post\"[^>]*>.*?</form>", text, re.S):
            assert "csrf" in form, template


def test_check_deploy_is_clean_with_production_settings():
    env = {
        key: value for key, value in os.environ.items()
        if key not in {"DEBUG", "HTTPS", "STATIC_MANIFEST", "DJANGO_SETTINGS_MODULE",
                       "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the browser tests set that one for themselves
    }
    env.update(SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="monitoring.example.org",
               DJANGO_SETTINGS_MODULE="monitoring.settings")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {key: value for key, value in os.environ.items()
           if key not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    result = subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='monitoring.settings'; django.setup()"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
    )
    assert result.returncode != 0 and "未设置 SECRET_KEY" in result.stderr


def test_healthz_answers_without_login_and_shows_nothing(client, db):
    response = client.get("/healthz/")
    assert (response.status_code, response.content) == (200, b"ok")
