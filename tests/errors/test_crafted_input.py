"""Crafted input never answers 5xx: every URL pattern of the site, for every persona, with
crafted path arguments, query parameters and form fields, on GET and on POST.

The parameter names are every name the code reads from a request plus every field of every
form the walk meets, so a new view or form is walked without editing this file.
"""

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from households.changes import services as change_services
from households.models import Area
from households.workbook.models import RegistryImport
from rules import services as rule_services
from tests.audits.builders import make_ticket

pytestmark = pytest.mark.django_db

NUL = "\x00"
CRAFTED = ["²", "-1", "9" * 30, NUL, "长" * 300 + "x" * 700, "1e309", "[]"]
APPS = ("accounts", "households", "rules", "audits", "monitoring")
SKIPPED_PREFIXES = ("admin/",)  # Django's own admin, for superusers only


def _patterns(resolver=None, prefix=""):
    """(route, name, converters) of every URL pattern, walked through the includes."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.name, getattr(entry.pattern, "converters", {})


PATTERNS = sorted(set((route, name) for route, name, _ in _patterns()))


def _names_in_code() -> set[str]:
    """Every request.GET/POST name the views read."""
    found = set()
    for app in APPS:
        for source in Path(settings.BASE_DIR, app).rglob("*.py"):
            found |= set(re.findall(r"""(?:GET|POST)(?:\.get|\.getlist|\[)\(?["']([\w-]+)["']""",
                                    source.read_text()))
    return found


def _field_names(html: str) -> set[str]:
    return set(re.findall(r"""<(?:input|select|textarea)\b[^>]*\bname=["']([^"']+)["']""", html))


def _url(route: str, values: dict[str, str]) -> str:
    def arg(match):
        return quote(values.get(match.group(2), "1"), safe="")
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", arg, route)


def _refuse_nul_like_postgresql(execute, sql, params, many, context):
    """SQLite stores a NUL byte; PostgreSQL refuses it (ValueError, a 500). Refuse it here too,
    so that the walk on the embedded database finds what CI's PostgreSQL would."""
    flat = [p for row in params for p in row] if many else list(params or ())
    if any(isinstance(p, str) and NUL in p for p in flat):
        raise ValueError("A string literal cannot contain NUL (0x00) characters.")
    return execute(sql, params, many, context)


@pytest.fixture
def real_args(world):
    """The path arguments of real records in the personas' scope, per route prefix."""
    change = change_services.change_request_submit(user=world.clerk, household=world.home,
                                                   data={"phone": "13911112222"})
    ticket = make_ticket(world.home)
    record = RegistryImport.objects.create(created_by=world.county_staff, county="230381",
                                           file_name="x.xlsx")
    batch = rule_services.batch_create(area=Area.objects.get(code="230381"), rule_ids=["B06"])
    member = world.home.members.first()
    by_prefix = {"changes/": change.pk, "tickets/": ticket.pk, "registry/imports/": record.pk}
    common = {"number": world.home.number, "member_id": str(member.pk), "batch_id": str(batch.pk),
              "rule_id": "B06", "attachment_id": "1", "evidence_id": "1"}

    def args(route: str) -> dict[str, str]:
        pk = next((str(v) for prefix, v in by_prefix.items() if route.startswith(prefix)), "1")
        return common | {"pk": pk}
    return args


def _personas(world):
    return {"anonymous": None, "clerk": world.clerk, "reviewer": world.reviewer,
            "county_staff": world.county_staff, "inspector": world.inspector, "no_role": world.no_role}


def _reaching(converters: dict, real: dict[str, str], value: str) -> dict[str, str] | None:
    """The path arguments with `value` in each, if every converter accepts it (a value no
    converter accepts never reaches a view: the resolver answers 404)."""
    if not all(re.fullmatch(converter.regex, value) for converter in converters.values()):
        return None
    return {key: value for key in real}


CONVERTERS = {route: converters for route, _name, converters in _patterns()}


PERSONAS = ["anonymous", "clerk", "reviewer", "county_staff", "inspector", "no_role"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_crafted_request_answers_5xx(persona, world, real_args):
    """The persona sends each crafted value in every parameter and form field to each URL's
    real path, and as every path argument, on GET and on POST."""
    client = Client(raise_request_exception=False)
    user = None if persona == "anonymous" else getattr(world, persona)
    names = _names_in_code()
    failures = []

    def send(method, url, data, *, name):
        response = getattr(client, method)(url, data)
        if response.status_code >= 500:
            error = getattr(response, "exc_info", None)
            failures.append(f"{method.upper()} {url[:70]} {next(iter(data.values()), '')[:12]!r}: "
                            f"{response.status_code} {error[1]!r}"[:200] if error else "")
        if user is not None and name == "logout":
            client.force_login(user)  # a walked logout must not end the persona

    if user is not None:
        client.force_login(user)
    with connection.execute_wrapper(_refuse_nul_like_postgresql):
        for route, name in PATTERNS:
            real = real_args(route)
            page = client.get(_url(route, real))
            html = "" if page.streaming else page.content.decode(errors="replace")
            fields = (names | _field_names(html)) - {"csrfmiddlewaretoken"}
            for value in CRAFTED:
                data = dict.fromkeys(fields, value)
                crafted = _reaching(CONVERTERS[route], real, value) if CONVERTERS[route] else None
                for method in ("get", "post"):
                    send(method, _url(route, real), data, name=name)
                    if crafted is not None:
                        send(method, _url(route, crafted), {}, name=name)
    assert not failures, "\n".join(failures)
