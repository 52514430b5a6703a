"""The household list's statements compiled once per process and shape (households.compiled,
households.selectors.HouseholdRows): each request binds its own user's scope and its own values."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from households import selectors
from households.compiled import EXACT, STARTSWITH, CompiledQuery, NotBindable, stand_in
from households.models import Household
from tests.builders import make_household, make_member, make_user
from tests.conftest import OTHER_COUNTY_VILLAGE, VILLAGE_A1, VILLAGE_A2, VILLAGE_B1

pytestmark = pytest.mark.django_db


@pytest.fixture
def statements(monkeypatch):
    """The list's statements, starting from none."""
    compiled = {}
    monkeypatch.setattr(selectors, "_PAGE_STATEMENTS", compiled)
    return compiled


def shown(client, params=None) -> set[str]:
    page = client.get(reverse("household_list"), params or {}).content.decode()
    return {number for number in Household.objects.values_list("number", flat=True) if f">{number}</a>" in page}


def test_users_of_different_areas_share_a_statement_and_each_see_only_their_own_rows(client, world, statements):
    township_b = make_user("reviewer-b", Role.TOWNSHIP_REVIEWER, VILLAGE_B1[:9])
    other_county = make_user("county-b", Role.COUNTY_STAFF, OTHER_COUNTY_VILLAGE[:6])
    mine = {
        world.clerk: {world.home.number},
        world.reviewer: {world.home.number, world.neighbour.number},
        township_b: {world.other_township.number},
        world.county_staff: {world.home.number, world.neighbour.number, world.other_township.number},
        other_county: {world.other_county.number},
    }
    for _ in range(2):  # each user once after every other, in turn
        for user, numbers in mine.items():
            client.force_login(user)
            assert shown(client) == numbers, user.username
            assert shown(client, {"sort": "-number", "page": "1"}) == numbers, user.username
    # one statement per county (its settings are part of the statement) and sort, for every area's users
    assert len(statements) == 4


def test_a_chosen_township_or_village_is_bound_into_the_statement(client, world, statements):
    client.force_login(world.county_staff)
    assert shown(client, {"village": VILLAGE_A1, "township": VILLAGE_A1[:9]}) == {world.home.number}
    assert shown(client, {"village": VILLAGE_A2, "township": VILLAGE_A1[:9]}) == {world.neighbour.number}
    assert shown(client, {"township": VILLAGE_B1[:9]}) == {world.other_township.number}
    assert shown(client, {"township": VILLAGE_A1[:9]}) == {world.home.number, world.neighbour.number}
    assert len(statements) == 2


def test_a_search_text_is_bound_as_typed_its_like_characters_escaped(client, world, statements):
    make_member(world.home, name="王_明")
    make_member(world.neighbour, name="王大明")
    client.force_login(world.county_staff)
    assert shown(client, {"q": "王大"}) == {world.neighbour.number}
    assert shown(client, {"q": "王_"}) == {world.home.number}  # not any one character after 王
    assert shown(client, {"q": "王"}) == {world.home.number, world.neighbour.number}
    assert shown(client, {"q": "王%"}) == set()
    assert shown(client, {"q": world.other_township.number}) == {world.other_township.number}
    assert len(statements) == 1


def test_a_search_by_a_whole_id_number_is_not_bound(client, world, statements):
    member = world.neighbour.members.first()
    client.force_login(world.reviewer)
    assert shown(client, {"q": member.id_number}) == {world.neighbour.number}
    assert statements == {}  # the condition on the ID number changes the statement


def test_the_year_is_each_countys_own(client, world):
    from tests.builders import make_year
    from households.models import YearParameters

    YearParameters.objects.filter(county=OTHER_COUNTY_VILLAGE[:6]).update(is_current=False)
    make_year(2026, "9100", county=OTHER_COUNTY_VILLAGE[:6])
    client.force_login(world.county_staff)
    assert "2025 年度监测标准 7,600.00" in client.get(reverse("household_list")).content.decode()
    client.force_login(make_user("county-b", Role.COUNTY_STAFF, OTHER_COUNTY_VILLAGE[:6]))
    assert "2026 年度监测标准 9,100.00" in client.get(reverse("household_list")).content.decode()
    YearParameters.objects.filter(county=OTHER_COUNTY_VILLAGE[:6]).update(is_current=False)
    assert "2026 年度监测标准" in client.get(reverse("household_list")).content.decode()  # no current year: the newest


def test_a_stand_in_anywhere_but_a_parameter_of_its_lookup_is_refused(world):
    with pytest.raises(NotBindable):  # inside a pattern of another form
        CompiledQuery(Household.objects.filter(number__contains=stand_in("q")).order_by("pk"), {"q": STARTSWITH})
    with pytest.raises(NotBindable):  # a bound value the statement does not take
        CompiledQuery(Household.objects.filter(number=stand_in("q")).order_by("pk"), {"q": EXACT, "scope": EXACT})
    with pytest.raises(NotBindable):
        CompiledQuery(Household.objects.order_by("pk")[:5], {})
    statement = CompiledQuery(Household.objects.filter(number=stand_in("q")).order_by("pk"), {"q": EXACT})
    rows = statement.rows({"q": world.home.number}, limit=5, offset=0)
    assert [row.pk for row in rows] == [world.home.pk]
    assert statement.count({"q": world.home.number}) == 1
