"""The monitoring list's 风险类型 filter (the dashboard's objects-by-risk-type links)."""

from django.urls import reverse

from households.choices import RiskType
from tests.builders import make_household
from tests.conftest import VILLAGE_A1, VILLAGE_B1
from tests.monitoring_objects.objects_builders import monitored

LIST = reverse("monitoring_list")


def numbers(response) -> set[str]:
    return {household.number for household in response.context["page"].object_list}


def test_the_risk_type_filter_matches_a_whole_type_within_the_list(client, world):
    ill_and_disabled = monitored(make_household(VILLAGE_A1), risk_types=[RiskType.ILLNESS, RiskType.DISABILITY])
    ill = monitored(make_household(VILLAGE_A1), risk_types=[RiskType.ILLNESS])
    housing = monitored(make_household(VILLAGE_A1), risk_types=[RiskType.HOUSING])
    monitored(make_household(VILLAGE_B1), risk_types=[RiskType.ILLNESS])  # outside the clerk's village
    client.force_login(world.clerk)
    assert numbers(client.get(LIST, {"risk_type": "illness"})) == {ill_and_disabled.number, ill.number}
    assert numbers(client.get(LIST, {"risk_type": "disability"})) == {ill_and_disabled.number}
    assert numbers(client.get(LIST, {"risk_type": "housing"})) == {housing.number}
    assert numbers(client.get(LIST, {"risk_type": "schooling"})) == set()
    # an unknown value is ignored, not an error
    assert len(numbers(client.get(LIST, {"risk_type": "nonsense"}))) == 3
