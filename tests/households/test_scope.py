"""Nobody sees a household outside their area, whatever URL they try."""

import pytest
from django.urls import reverse

from trail.models import AuditAction, AuditEvent
from households.models import Household, Member

pytestmark = pytest.mark.django_db

# Which of the world's households each persona may see.
VISIBLE = {
    "clerk": {"home"},
    "reviewer": {"home", "neighbour"},
    "county_staff": {"home", "neighbour", "other_township"},
    "inspector": {"home", "neighbour", "other_township"},
    "no_role": set(),
}
PLACES = ("home", "neighbour", "other_township", "other_county")
CASES = [(persona, place) for persona in VISIBLE for place in PLACES]


def test_in_scope_is_the_prefix_of_the_users_area(world):
    for persona, places in VISIBLE.items():
        user = getattr(world, persona)
        numbers = set(Household.objects.in_scope(user).values_list("number", flat=True))
        assert numbers == {getattr(world, place).number for place in places}, persona
        members = Member.objects.in_scope(user).values_list("household__number", flat=True)
        assert set(members) == numbers, persona


@pytest.mark.parametrize("persona, place", CASES)
def test_detail_is_404_outside_scope(client, world, persona, place):
    client.force_login(getattr(world, persona))
    response = client.get(reverse("household_detail", args=[getattr(world, place).number]))
    assert response.status_code == (200 if place in VISIBLE[persona] else 404)


@pytest.mark.parametrize("persona, place", CASES)
def test_reveal_is_404_outside_scope_and_logs_nothing(client, world, persona, place):
    household = getattr(world, place)
    member = household.members.first()
    client.force_login(getattr(world, persona))
    response = client.post(
        reverse("household_reveal", args=[household.number]), {"field": "id_number", "member": member.pk}
    )
    if place in VISIBLE[persona]:
        assert response.status_code == 200
        assert member.id_number in response.content.decode()
    else:
        assert response.status_code == 404
        assert member.id_number not in response.content.decode()
        assert not AuditEvent.objects.filter(action=AuditAction.REVEAL).exists()


def test_reveal_cannot_reach_a_member_of_another_household(client, world):
    """The member id is looked up inside the household fetched through scope."""
    client.force_login(world.clerk)
    stranger = world.other_county.members.first()
    response = client.post(
        reverse("household_reveal", args=[world.home.number]), {"field": "id_number", "member": stranger.pk}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("persona", VISIBLE)
def test_list_shows_only_households_in_scope(client, world, persona):
    client.force_login(getattr(world, persona))
    page = client.get(reverse("household_list")).content.decode()
    for place in PLACES:
        assert (getattr(world, place).number in page) == (place in VISIBLE[persona]), place


def test_list_filters_cannot_widen_scope(client, world):
    """Asking for another county's village by query parameter shows nothing of it."""
    client.force_login(world.clerk)
    response = client.get(reverse("household_list"), {"village": world.other_county.village_id})
    assert world.other_county.number not in response.content.decode()


@pytest.mark.parametrize("url", ["/", "/households/", "/households/X/"])
def test_anonymous_users_are_sent_to_login(client, world, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_anonymous_reveal_is_sent_to_login_and_logs_nothing(client, world):
    member = world.home.members.first()
    response = client.post(
        reverse("household_reveal", args=[world.home.number]), {"field": "id_number", "member": member.pk}
    )
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action=AuditAction.REVEAL).exists()


def test_a_household_moved_to_another_county_leaves_the_first_countys_scope_and_enters_the_other(world):
    """A household's county (which the list reads it by) is derived by the database from its
    village: moving the household's village moves it across, with no writer keeping it."""
    moved = world.home
    moved.village = world.other_county.village
    moved.save()
    assert not Household.objects.in_scope(world.county_staff).filter(pk=moved.pk).exists()
    assert not Household.objects.in_scope(world.clerk).filter(pk=moved.pk).exists()
    Household.objects.filter(pk=world.other_county.pk).update(village=world.neighbour.village)
    assert set(Household.objects.in_scope(world.reviewer).values_list("number", flat=True)) == {
        world.neighbour.number, world.other_county.number}
    assert Household.objects.get(pk=moved.pk).county == world.other_county.village_id[:6]
