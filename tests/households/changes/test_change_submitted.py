"""The registry tells who listens that a clerk's form submitted a change request, with the
ticket (问题线索) the form was opened from; the tickets side links it (audits.receivers)."""

import pytest
from django.urls import reverse

from audits.receivers import link_ticket_to_change
from households.changes.models import ChangeRequest
from households.signals import NOBODY_LINKED, change_submitted
from tests.audits.builders import make_ticket
from tests.households.changes.test_views import FORM

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    """What `change_submitted` carried, to a receiver of the test's own; it refuses ticket 0."""
    calls = []

    def listener(sender, change_request, ticket_id, user, **kwargs):
        calls.append((sender, change_request.pk, ticket_id, user.username))
        return "测试拒绝" if ticket_id == 0 else None

    change_submitted.connect(listener)
    yield calls
    change_submitted.disconnect(listener)


def test_a_submitted_form_sends_the_request_and_the_ticket_it_came_from(client, world, heard):
    ticket = make_ticket(world.home)
    client.force_login(world.clerk)
    url = reverse("household_change_new", args=[world.home.number])
    page = client.post(f"{url}?ticket={ticket.pk}", FORM, follow=True).content.decode()
    change = ChangeRequest.objects.get()
    assert heard == [(ChangeRequest, change.pk, ticket.pk, "clerk")]
    assert f"已关联问题线索 #{ticket.pk}" in page  # audits' receiver linked it
    ticket.refresh_from_db()
    assert ticket.change_request == change


def test_a_form_without_a_ticket_sends_none_and_says_nothing_of_tickets(client, world, heard):
    client.force_login(world.clerk)
    page = client.post(reverse("household_change_new", args=[world.home.number]), FORM,
                       follow=True).content.decode()
    assert heard == [(ChangeRequest, ChangeRequest.objects.get().pk, None, "clerk")]
    assert "关联问题线索" not in page


@pytest.fixture
def without_the_tickets_side():
    change_submitted.disconnect(link_ticket_to_change)
    yield
    change_submitted.connect(link_ticket_to_change)


def test_a_listener_s_refusal_is_told_to_the_clerk_and_the_request_stays(client, world, heard,
                                                                          without_the_tickets_side):
    client.force_login(world.clerk)
    url = reverse("household_change_new", args=[world.home.number])
    page = client.post(f"{url}?ticket=0", FORM, follow=True).content.decode()
    assert ChangeRequest.objects.count() == 1
    assert "变更申请未关联问题线索：测试拒绝" in page


def test_without_a_listener_that_links_it_the_clerk_is_not_told_it_is_linked(client, world, without_the_tickets_side):
    ticket = make_ticket(world.home)
    client.force_login(world.clerk)
    url = reverse("household_change_new", args=[world.home.number])
    page = client.post(f"{url}?ticket={ticket.pk}", FORM, follow=True).content.decode()
    assert ChangeRequest.objects.count() == 1
    assert "已关联问题线索" not in page and f"变更申请未关联问题线索：{NOBODY_LINKED}" in page
