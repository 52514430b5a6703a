"""The review page shows phones masked; a user in scope may reveal one (a logged POST)."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from trail.models import AuditAction, AuditEvent
from households.changes import services
from tests.builders import make_user
from tests.conftest import VILLAGE_A2

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(world):
    return services.change_request_submit(user=world.clerk, household=world.home, data={"phone": "13912345678"})


def reveal(client, user, change, field="phone", which="new", **headers):
    client.force_login(user)
    return client.post(reverse("change_reveal", args=[change.pk]), {"field": field, "which": which}, **headers)


def test_the_diff_shows_phones_masked_with_a_reveal_button(client, world, pending):
    client.force_login(world.reviewer)
    page = client.get(reverse("change_detail", args=[pending.pk])).content.decode()
    assert "139****5678" in page and "13912345678" not in page
    assert "138****8000" in page and "13800138000" not in page
    assert page.count(reverse("change_reveal", args=[pending.pk])) == 4  # old and new, form action and hx-post


def test_a_reviewer_reveals_the_proposed_phone_and_it_is_logged(client, world, pending):
    response = reveal(client, world.reviewer, pending)
    assert response.status_code == 200
    page = response.content.decode()
    assert "13912345678" in page and 'data-testid="revealed-change-phone-new"' in page
    assert "138****8000" in page  # the other one stays masked
    event = AuditEvent.objects.get(action=AuditAction.REVEAL)
    assert (event.actor, event.household_number) == (world.reviewer, world.home.number)
    assert event.detail == {"field": "phone", "change_request": pending.pk, "which": "new"}
    assert f"#{pending.pk}" in event.subject


def test_htmx_gets_only_the_revealed_value(client, world, pending):
    response = reveal(client, world.reviewer, pending, which="old", HTTP_HX_REQUEST="true")
    assert response.content.decode().strip().startswith('<span class="masked revealed" id="reveal-change-phone-old"')
    assert "13800138000" in response.content.decode()


def test_outside_scope_or_nothing_to_reveal_is_404_and_not_logged(client, world, pending):
    assert reveal(client, make_user("clerk-a2", Role.VILLAGE_CLERK, VILLAGE_A2), pending).status_code == 404
    assert reveal(client, world.no_role, pending).status_code == 404
    assert reveal(client, world.reviewer, pending, field="address").status_code == 404
    assert reveal(client, world.reviewer, pending, which="live").status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.REVEAL).exists()


def test_reveal_is_post_only(client, world, pending):
    client.force_login(world.reviewer)
    assert client.get(reverse("change_reveal", args=[pending.pk])).status_code == 405
