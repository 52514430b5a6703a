"""防贫监测一张图: the points, their colours, the villages' missing coordinates, the switch to
village points above the limit, scope and the query count."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from rules.models import RiskScore
from tests.builders import make_household
from tests.conftest import VILLAGE_A1, VILLAGE_A2, VILLAGE_B1

from analysis.map import selectors


def located(village, lon, lat, risk=None, **fields):
    household = make_household(village, longitude=Decimal(lon), latitude=Decimal(lat), **fields)
    if risk is not None:
        RiskScore.objects.create(household=household, year=2025, risk=Decimal(risk))
    return household


@pytest.fixture
def placed(world):
    """A1: red (0.85, the county line), amber (0.75, the township line), green, unscored; the
    world's own A1 household has no coordinates; one with a longitude only. A2: one green.
    B1: one red, and the world's household without coordinates."""
    return {
        "red": located(VILLAGE_A1, "115.100000", "26.300000", "0.8500"),
        "amber": located(VILLAGE_A1, "115.110000", "26.310000", "0.7500"),
        "green": located(VILLAGE_A1, "115.120000", "26.320000", "0.7499"),
        "unscored": located(VILLAGE_A1, "115.130000", "26.330000"),
        "half": make_household(VILLAGE_A1, longitude=Decimal("115.14")),
        "a2": located(VILLAGE_A2, "115.200000", "26.400000", "0.1000"),
        "b1": located(VILLAGE_B1, "115.500000", "26.600000", "0.9000"),
    }


def open_map(client, user, **params):
    client.force_login(user)
    return client.get(reverse("household_map"), params)


def chart(response) -> dict:
    html = response.content.decode()
    return json.loads(html.split('id="household-map-data" type="application/json">')[1].split("</script>")[0])


def test_each_located_household_is_a_point_coloured_by_its_risk(client, world, placed):
    data = chart(open_map(client, world.reviewer))
    assert data["mode"] == "households"
    assert sorted(data["points"]) == sorted([
        [115.1, 26.3, placed["red"].number, placed["red"].members.get().name, "red"],
        [115.11, 26.31, placed["amber"].number, placed["amber"].members.get().name, "amber"],
        [115.12, 26.32, placed["green"].number, placed["green"].members.get().name, "green"],
        [115.13, 26.33, placed["unscored"].number, placed["unscored"].members.get().name, "none"],
        [115.2, 26.4, placed["a2"].number, placed["a2"].members.get().name, "green"],
    ])
    assert data["householdUrl"].replace("NUMBER", "X") == reverse("household_detail", args=["X"])
    assert [c["label"] for c in data["colours"]] == ["红色", "黄色", "绿色", "未评估"]


def test_the_legend_counts_each_colour_in_words(client, world, placed):
    html = open_map(client, world.reviewer).content.decode()
    legend = html.split('data-testid="map-legend"')[1].split("</ul>")[0]
    for words in ("红色 <strong>1</strong> 户", "黄色 <strong>1</strong> 户", "绿色 <strong>2</strong> 户",
                  "未评估 <strong>1</strong> 户"):
        assert words in legend


def test_the_filters_are_the_lists_and_the_colour(client, world, placed):
    red = chart(open_map(client, world.county_staff, risk_colour="red"))
    assert sorted(p[2] for p in red["points"]) == sorted([placed["red"].number, placed["b1"].number])
    a2 = chart(open_map(client, world.county_staff, township=VILLAGE_A2[:9], village=VILLAGE_A2))
    assert [p[2] for p in a2["points"]] == [placed["a2"].number]
    monitored = open_map(client, world.county_staff, monitoring_type="any")
    assert monitored.context["map"].located == 0 and 'data-testid="map-empty"' in monitored.content.decode()


def test_each_village_counts_its_households_without_coordinates_as_the_list_does(client, world, placed):
    response = open_map(client, world.county_staff)
    villages = {v.code: (v.located, v.missing) for v in response.context["map"].villages}
    # A1: four located; the world's household and the one with a longitude only are missing (B07).
    assert villages == {VILLAGE_A1: (4, 2), VILLAGE_A2: (1, 1), VILLAGE_B1: (1, 1)}
    html = response.content.decode()
    link = html.split(f'data-testid="missing-{VILLAGE_A1}"')[0].rsplit('href="', 1)[1].split('"')[0]
    listed = client.get(link.replace("&amp;", "&"))
    assert listed.context["page"].paginator.count == 2
    assert {h.number for h in listed.context["page"].object_list} == {world.home.number, placed["half"].number}


def test_the_lists_located_filter(client, world, placed):
    client.force_login(world.county_staff)
    yes = client.get(reverse("household_list"), {"located": "yes"}).context["page"].paginator.count
    no = client.get(reverse("household_list"), {"located": "no"}).context["page"].paginator.count
    assert (yes, no) == (6, 4)  # 4 + 1 + 1 located; A1's 2, A2's and B1's world households not


def test_above_the_limit_the_map_draws_villages(client, world, placed, monkeypatch):
    monkeypatch.setattr(selectors, "POINT_LIMIT", 6)  # 6 located: still every household
    assert chart(open_map(client, world.county_staff))["mode"] == "households"
    monkeypatch.setattr(selectors, "POINT_LIMIT", 5)
    response = open_map(client, world.county_staff, household_type="ordinary")
    data = chart(response)
    assert data["mode"] == "villages" and 'data-testid="map-aggregated"' in response.content.decode()
    by_code = {p[2]: p for p in data["points"]}
    # A1: the mean of its four located households, counts per colour, 2 of 4 red or amber (≥ 20 %).
    lon, lat, code, name, count, red, amber, green, none, band = by_code[VILLAGE_A1]
    assert (round(lon, 3), round(lat, 3), count, red, amber, green, none, band) == (
        115.115, 26.315, 4, 1, 1, 1, 1, "red")
    assert by_code[VILLAGE_A2][4:] == [1, 0, 0, 1, 0, "green"]
    assert data["villageUrl"] == reverse("household_map") + "?household_type=ordinary&"
    assert all(str(p[2]) not in " ".join(str(x) for x in data["points"] if x[2] != p[2]) for p in data["points"])


def test_a_clerk_sees_their_village_only_and_outside_is_404(client, world, placed):
    data = chart(open_map(client, world.clerk))
    assert {p[2] for p in data["points"]} == {placed[k].number for k in ("red", "amber", "green", "unscored")}
    assert [v.code for v in open_map(client, world.clerk).context["map"].villages] == [VILLAGE_A1]
    assert open_map(client, world.clerk, village=VILLAGE_A2).status_code == 404
    assert open_map(client, world.reviewer, township=VILLAGE_B1[:9]).status_code == 404
    assert open_map(client, world.county_staff, village=world.other_county.village_id).status_code == 404
    assert open_map(client, world.no_role).status_code == 404
    html = open_map(client, world.reviewer).content.decode()
    assert placed["b1"].number not in html


def test_no_id_number_reaches_the_map(client, world, placed):
    html = open_map(client, world.county_staff).content.decode()
    for household in placed.values():
        for member in household.members.all():
            assert member.id_number not in html


@pytest.mark.parametrize("extra", [0, 40])
def test_the_page_reads_a_bounded_number_of_queries(client, world, placed, extra, monkeypatch,
                                                    django_assert_max_num_queries):
    for index in range(extra):
        located(VILLAGE_A2, f"115.{300 + index}", "26.5", "0.8")
    client.force_login(world.county_staff)
    # The sign-in's three, the year, the county's lines (twice), the township and village
    # choices, the villages' aggregate, the points, the session's save (in a savepoint).
    with django_assert_max_num_queries(13):
        assert client.get(reverse("household_map")).status_code == 200
    monkeypatch.setattr(selectors, "POINT_LIMIT", 3)  # villages: no query for the points
    with django_assert_max_num_queries(12):
        assert client.get(reverse("household_map")).status_code == 200


def test_the_menu_marks_the_map_not_the_registry(client, world, placed):
    items = {item["label"]: item["active"] for item in open_map(client, world.county_staff).context["nav_items"]}
    assert items["监测一张图"] and not items["农户信息"]
    client.force_login(world.county_staff)
    listed = {i["label"]: i["active"] for i in client.get(reverse("household_list")).context["nav_items"]}
    assert listed["农户信息"] and not listed["监测一张图"]
