"""The public page held against abuse: throttled per address, every attempt logged with the ID
masked, and no way to learn from it whether an ID number is registered."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from monitoring_objects.models import Clue
from trail.models import AuditAction, AuditEvent
from tests.monitoring_objects.report.conftest import COUNTY, STRANGER_ID

pytestmark = pytest.mark.django_db

FORM = reverse("report_form", args=[COUNTY])
LOOKUP = reverse("report_receipt", args=[COUNTY])


def _client(address="203.0.113.7"):
    return Client(REMOTE_ADDR=address)


# Throttle ----------------------------------------------------------------------------------


def test_the_sixth_submission_in_an_hour_from_one_address_is_refused_with_429(world, report_data):
    client = _client()
    for _ in range(5):
        assert client.post(FORM, report_data).status_code == 200
    response = client.post(FORM, report_data)
    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()
    assert Clue.objects.count() == 5
    assert _client("198.51.100.9").post(FORM, report_data).status_code == 200  # another address


def test_refused_forms_count_against_the_limit_too(world, report_data):
    client = _client()
    for _ in range(5):
        client.post(FORM, {**report_data, "reporter_id_number": "1"})
    assert client.post(FORM, report_data).status_code == 429
    assert not Clue.objects.exists()


def test_the_form_itself_is_not_throttled(world, report_data):
    client = _client()
    for _ in range(6):
        client.post(FORM, report_data)
    assert client.get(FORM).status_code == 200


def test_the_limits_are_settings(world, report_data, settings):
    settings.REPORT_SUBMISSIONS_PER_HOUR = 1
    client = _client()
    assert client.post(FORM, report_data).status_code == 200
    assert client.post(FORM, report_data).status_code == 429


def test_the_thirty_first_lookup_in_an_hour_is_refused_with_429(world):
    client = _client()
    for _ in range(30):
        assert client.get(LOOKUP, {"number": "ABCDEFGHJK"}).status_code == 200
    response = client.get(LOOKUP, {"number": "ABCDEFGHJK"})
    assert response.status_code == 429
    assert "查询的次数太多" in response.content.decode()


def test_behind_the_proxy_each_resident_is_counted_by_the_address_the_proxy_saw(world, report_data, settings):
    settings.BEHIND_PROXY = True
    settings.REPORT_SUBMISSIONS_PER_HOUR = 1

    def via_proxy(forwarded):
        return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert via_proxy("203.0.113.7").post(FORM, report_data).status_code == 200
    assert via_proxy("198.51.100.9").post(FORM, report_data).status_code == 200
    # A forged entry before the proxy's own does not make a new address.
    assert via_proxy("192.0.2.1, 203.0.113.7").post(FORM, report_data).status_code == 429
    assert AuditEvent.objects.filter(ip_address="198.51.100.9").exists()


# Audit -------------------------------------------------------------------------------------


def _events():
    return list(AuditEvent.objects.filter(action=AuditAction.SELF_REPORT).order_by("pk"))


def _dump(event) -> str:
    return json.dumps([event.username, event.subject, event.household_number, event.detail], ensure_ascii=False)


def test_an_accepted_submission_is_logged_with_the_address_and_the_id_masked(world, report_data):
    _client().post(FORM, report_data)
    [event] = _events()
    clue = Clue.objects.get()
    assert event.ip_address == "203.0.113.7" and event.actor is None
    assert event.detail["outcome"] == "accepted" and event.detail["receipt"] == clue.receipt_number
    assert event.detail["village"] == world.home.village_id
    assert event.detail["id_number"] == STRANGER_ID[:6] + "*" * 12
    assert event.detail["phone"] == "139****5678"
    assert STRANGER_ID not in _dump(event) and "13912345678" not in _dump(event)


def test_a_refused_submission_is_logged_with_its_errors_and_the_id_masked(world, report_data):
    wrong = STRANGER_ID[:17] + ("0" if STRANGER_ID[17] != "0" else "1")
    _client().post(FORM, {**report_data, "reporter_id_number": wrong, "description": "<script>x</script>"})
    [event] = _events()
    assert event.detail["outcome"] == "refused"
    assert set(event.detail["errors"]) == {"reporter_id_number", "description"}
    assert event.ip_address == "203.0.113.7"
    assert wrong not in _dump(event) and wrong[6:14] not in _dump(event)


def test_a_flood_of_throttled_submissions_is_logged_once_per_hour(world, report_data):
    client = _client()
    for _ in range(9):
        client.post(FORM, report_data)
    assert [e.detail["outcome"] for e in _events()] == ["accepted"] * 5 + ["throttled"]


def test_the_log_never_holds_a_registered_id_in_clear(world, report_data):
    head = world.home.members.order_by("pk").first()
    _client().post(FORM, {**report_data, "reporter_id_number": head.id_number})
    [event] = _events()
    assert head.id_number not in _dump(event) and world.home.number not in _dump(event)


# Indistinguishability ----------------------------------------------------------------------


def _submit_as_a_stranger_would(data):
    """A fresh browser: opens the form (CSRF enforced), then submits it."""
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.50")
    client.get(FORM)
    token = client.cookies["csrftoken"].value
    response = client.post(FORM, {**data, "csrfmiddlewaretoken": token})
    clue = Clue.objects.latest("pk")
    body = response.content.decode().replace(clue.receipt_number, "RECEIPT")
    # Expires is the moment of the answer (never_cache): it differs by the clock, not by the ID.
    headers = {k: v for k, v in response.headers.items() if k != "Expires"}
    assert "no-store" in response.headers["Cache-Control"]
    cookies = {name: (morsel.value, dict(morsel)) for name, morsel in response.cookies.items()}
    return response.status_code, headers, cookies, body, clue


def test_the_answer_is_the_same_whether_or_not_the_id_is_registered(world, report_data):
    registered = world.home.members.order_by("pk").first().id_number
    *seen_registered, registered_clue = _submit_as_a_stranger_would({**report_data, "reporter_id_number": registered})
    *seen_stranger, stranger_clue = _submit_as_a_stranger_would(report_data)
    # The village does learn it (the clue carries the household); the resident's answer does not.
    assert registered_clue.household == world.home and stranger_clue.household is None
    assert seen_registered[0] == 200
    assert seen_registered == seen_stranger
    assert "RECEIPT" in seen_registered[3]


def test_a_wrong_id_is_refused_the_same_way_whether_or_not_its_first_17_digits_are_registered(
        world, report_data):
    registered = world.home.members.order_by("pk").first().id_number
    answers = []
    for valid in [registered, STRANGER_ID]:
        wrong = valid[:17] + ("0" if valid[17] != "0" else "1")
        response = _client().post(FORM, {**report_data, "reporter_id_number": wrong})
        # The CSRF token is salted afresh on every page; the number typed and its check are the input's own.
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"|校验码应为 [0-9X]', "", response.content.decode())
        answers.append((response.status_code, text.replace(wrong, "")))
    assert answers[0] == answers[1]
