"""A double-submitted form creates one request: each new-request form carries a one-time token,
and a second POST with it leads to the request the first one made."""

import datetime
import re

import pytest
from django.urls import reverse

from audits.models import TicketEvent, TicketEvidence
from households import id_numbers
from households.changes import views as change_views
from households.changes.models import ChangeKind, ChangeRequest
from households.choices import Gender, JoinReason, Relationship
from tests.audits.builders import make_ticket
from tests.households.changes.test_views import FORM
from tests.households.changes.test_income_change_requests import FORM as INCOME_FORM

pytestmark = pytest.mark.django_db
BORN = datetime.date(2025, 3, 2)
MEMBER_FORM = {"name": "王小宝", "gender": Gender.FEMALE, "birth_date": BORN.isoformat(),
               "id_number": id_numbers.make("230381", BORN, 2), "relationship": Relationship.GRANDDAUGHTER,
               "join_reason": JoinReason.BIRTH, "joined_on": "2025-04-01", "public_welfare_job": "unknown",
               "note": "出生"}


def token_of(page: str) -> str:
    return re.search(r'name="submission_token" value="([0-9a-f-]{36})"', page).group(1)


def submit_twice(client, url, data):
    token = token_of(client.get(url).content.decode())
    first = client.post(url, data | {"submission_token": token})
    second = client.post(url, data | {"submission_token": token}, follow=True)
    return first, second


@pytest.mark.parametrize("form", ["household", "member_add", "income"])
def test_a_double_submitted_change_form_creates_one_request(client, world, form):
    url, data = {
        "household": (reverse("household_change_new", args=[world.home.number]), FORM),
        "member_add": (reverse("member_add_new", args=[world.home.number]), MEMBER_FORM),
        "income": (reverse("household_income_new", args=[world.home.number]), INCOME_FORM),
    }[form]
    client.force_login(world.clerk)
    first, second = submit_twice(client, url, data)
    change = ChangeRequest.objects.get()
    assert first.status_code == 302 and first.url == reverse("change_detail", args=[change.pk])
    assert second.redirect_chain[-1][0] == reverse("change_detail", args=[change.pk])
    assert change_views.ALREADY_SUBMITTED in second.content.decode()


def test_county_staffs_double_submitted_edit_applies_once(client, world):
    client.force_login(world.county_staff)
    first, second = submit_twice(client, reverse("household_change_new", args=[world.home.number]), FORM)
    assert ChangeRequest.objects.count() == 1 and world.home.history.count() == 2
    assert second.redirect_chain[-1][0] == reverse("household_detail", args=[world.home.number])


def test_each_opened_form_is_a_new_request(client, world):
    client.force_login(world.clerk)
    url = reverse("member_add_new", args=[world.home.number])
    first = token_of(client.get(url).content.decode())
    second = token_of(client.get(url).content.decode())
    assert first != second
    client.post(url, MEMBER_FORM | {"submission_token": first})
    client.post(url, MEMBER_FORM | {"name": "王小贝", "submission_token": second})
    assert ChangeRequest.objects.filter(kind=ChangeKind.MEMBER_ADD).count() == 2


def test_a_form_shown_again_with_an_error_keeps_its_token(client, world):
    client.force_login(world.clerk)
    url = reverse("household_change_new", args=[world.home.number])
    token = token_of(client.get(url).content.decode())
    again = client.post(url, FORM | {"phone": "12", "submission_token": token}).content.decode()
    assert token_of(again) == token and not ChangeRequest.objects.exists()
    client.post(url, FORM | {"submission_token": token})
    assert ChangeRequest.objects.count() == 1


def test_two_posts_of_one_form_at_the_same_moment_still_make_one_request(client, world, monkeypatch):
    """The second POST got past the look-up before the first was saved: the unique token refuses
    its row, and it leads to the first request."""
    client.force_login(world.clerk)
    url = reverse("household_change_new", args=[world.home.number])
    token = token_of(client.get(url).content.decode())
    client.post(url, FORM | {"submission_token": token})
    real = change_views._earlier
    calls = []
    monkeypatch.setattr(change_views, "_earlier", lambda user, token: calls.append(1) or (
        None if len(calls) == 1 else real(user, token)))
    response = client.post(url, FORM | {"submission_token": token}, follow=True)
    change = ChangeRequest.objects.get()
    assert response.redirect_chain[-1][0] == reverse("change_detail", args=[change.pk])
    assert change_views.ALREADY_SUBMITTED in response.content.decode()


def test_the_forms_disable_their_button_once_sent(client, world):
    client.force_login(world.clerk)
    page = client.get(reverse("household_change_new", args=[world.home.number])).content.decode()
    assert "data-submit-once" in page and "js/submit_once.js" in page


def test_a_double_submitted_explanation_is_one_step_with_its_evidence_once(client, world, settings, tmp_path):
    from tests.audits.test_ticket_evidence import photo

    settings.MEDIA_ROOT = tmp_path
    ticket = make_ticket(world.home)
    client.force_login(world.clerk)
    url = reverse("ticket_explain", args=[ticket.pk])
    for _ in range(2):
        client.post(url, {"explanation": "入户核实，数据无误", "evidence": [photo()]})
    assert TicketEvent.objects.filter(ticket=ticket).count() == 1
    assert TicketEvidence.objects.filter(ticket=ticket).count() == 1
