"""三色码 (rules/colours.py): the colour at and beside each line, per county, per year; and where it
shows: the household list and the monitoring objects' list (a column and filters registered with
households.list_extensions) and the household page (a badge with the lines it was judged against)."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households.models import Household
from rules.colours import RiskColour, colour_of, risk_lines, with_risk_colour
from rules.models import RiskScore
from tests.builders import make_household
from tests.conftest import OTHER_COUNTY_VILLAGE, VILLAGE_A1, VILLAGE_A2, VILLAGE_B1
from tests.monitoring_objects.objects_builders import monitored
from tests.rules.builders import set_parameter

pytestmark = pytest.mark.django_db

COUNTY = VILLAGE_A1[:6]
DEFAULT_LINES = {"township_line": Decimal("0.75"), "county_line": Decimal("0.85")}


def scored(household, risk: str, year: int = 2025):
    RiskScore.objects.create(household=household, year=year, risk=Decimal(risk))
    return household


def colours(county: str = COUNTY, year: int | None = None) -> dict[str, str]:
    households = with_risk_colour(Household.objects.all(), county=county, year=year)
    return dict(households.values_list("number", "risk_colour"))


# The colour ----------------------------------------------------------------------------------


@pytest.mark.parametrize("risk, expected", [
    ("1", RiskColour.RED), ("0.85", RiskColour.RED), ("0.8499", RiskColour.AMBER),
    ("0.75", RiskColour.AMBER), ("0.7499", RiskColour.GREEN), ("0", RiskColour.GREEN),
])
def test_colour_of_at_and_beside_each_line(risk, expected):
    assert colour_of(Decimal(risk), **DEFAULT_LINES) == expected


def test_no_coefficient_is_unassessed_never_green():
    assert colour_of(None, **DEFAULT_LINES) == RiskColour.NONE
    assert RiskColour.NONE.label == "未评估"


def test_the_sql_colour_agrees_at_the_lines(world):
    edges = {risk: scored(make_household(VILLAGE_A1), risk).number
             for risk in ("0.8499", "0.85", "0.7499", "0.75", "1", "0")}
    unscored = make_household(VILLAGE_A1).number
    found = colours()
    assert {risk: found[number] for risk, number in edges.items()} == {
        "0.8499": "amber", "0.85": "red", "0.7499": "green", "0.75": "amber", "1": "red", "0": "green"}
    assert found[unscored] == "none"


def test_a_county_that_moved_its_lines_gets_its_own_colours(world):
    set_parameter("risk_township", "0.70", county=COUNTY)
    set_parameter("risk_county", "0.90", county=COUNTY)
    here = {risk: scored(make_household(VILLAGE_A1), risk).number for risk in ("0.6999", "0.70", "0.8999", "0.90")}
    there = {risk: scored(make_household(OTHER_COUNTY_VILLAGE), risk).number for risk in ("0.72", "0.86")}
    assert risk_lines(COUNTY) == (Decimal("0.70"), Decimal("0.90"))
    assert risk_lines(OTHER_COUNTY_VILLAGE[:6]) == (Decimal("0.75"), Decimal("0.85"))
    moved, default = colours(COUNTY), colours(OTHER_COUNTY_VILLAGE[:6])
    assert {risk: moved[number] for risk, number in here.items()} == {
        "0.6999": "green", "0.70": "amber", "0.8999": "amber", "0.90": "red"}
    # the same coefficients under the other county's default lines (0.75 / 0.85)
    assert {risk: default[number] for risk, number in there.items()} == {"0.72": "green", "0.86": "red"}


def test_a_score_of_another_year_does_not_count(world):
    household = scored(make_household(VILLAGE_A1), "0.95", year=2024)
    assert colours()[household.number] == "none"  # the current year is 2025
    assert colours(year=2024)[household.number] == "red"
    scored(household, "0.30", year=2025)
    assert colours()[household.number] == "green"


def test_annotating_keeps_one_row_per_household(world):
    household = make_household(VILLAGE_A1)
    for year in (2023, 2024, 2025):
        scored(household, "0.9", year=year)
    assert with_risk_colour(Household.objects.filter(pk=household.pk), county=COUNTY).count() == 1


# The household list --------------------------------------------------------------------------


def list_page(client, user, **params) -> str:
    client.force_login(user)
    response = client.get(reverse("household_list"), params)
    assert response.status_code == 200
    return response.content.decode()


def row_of(page: str, number: str) -> str:
    match = re.search(r"<tr>(?:(?!</tr>).)*?" + number + r".*?</tr>", page, re.S)
    assert match, f"{number} is not listed"
    return match.group(0)


def total(page: str) -> int:
    return int(re.search(r"共 (\d+) 户", page).group(1))


@pytest.fixture
def coloured(world):
    """In 230381: home 0.86 (red), neighbour 0.75 (amber), other_township 0.7499 (green), one
    household of village A1 without a coefficient (未评估); the other county's household 0.99 (red)."""
    scored(world.home, "0.86")
    scored(world.neighbour, "0.75")
    scored(world.other_township, "0.7499")
    scored(world.other_county, "0.99")
    world.unscored = make_household(VILLAGE_A1)
    return world


def test_the_list_shows_each_households_colour_in_words(client, coloured):
    page = list_page(client, coloured.county_staff)
    assert "<th scope=\"col\" class=\"text-nowrap\">三色码</th>" in page
    expected = {coloured.home: "红色", coloured.neighbour: "黄色", coloured.other_township: "绿色",
                coloured.unscored: "未评估"}
    for household, words in expected.items():
        cell = re.search(r'<td data-label="三色码"[^>]*>(.*?)</td>', row_of(page, household.number), re.S).group(1)
        assert f">{words}</span>" in cell, household.number
    assert coloured.other_county.number not in page


@pytest.mark.parametrize("colour, expected", [
    ("red", ["home"]), ("amber", ["neighbour"]), ("green", ["other_township"]), ("none", ["unscored"]),
])
def test_the_list_filters_by_colour_and_counts_what_it_shows(client, coloured, colour, expected):
    page = list_page(client, coloured.county_staff, risk_colour=colour)
    shown = [name for name in ("home", "neighbour", "other_township", "unscored", "other_county")
             if getattr(coloured, name).number in page]
    assert shown == expected
    assert total(page) == 1
    assert f'<option value="{colour}" selected>' in page


def test_the_four_colours_add_up_to_the_whole_list(client, coloured):
    make_household(VILLAGE_A2)  # a second unscored household: 未评估 counts 2
    counts = {colour: total(list_page(client, coloured.county_staff, risk_colour=colour))
              for colour in RiskColour.values}
    assert counts == {"red": 1, "amber": 1, "green": 1, "none": 2}
    assert sum(counts.values()) == total(list_page(client, coloured.county_staff)) == 5


def test_the_colour_filter_follows_the_countys_own_lines(client, coloured):
    set_parameter("risk_county", "0.87", county=COUNTY)  # home's 0.86 is amber now
    page = list_page(client, coloured.county_staff, risk_colour="amber")
    assert total(page) == 2 and coloured.home.number in page and coloured.neighbour.number in page


@pytest.mark.parametrize("url_name", ["household_list", "monitoring_list"])
def test_the_lists_read_the_countys_own_lines_with_the_year(client, coloured, url_name):
    # The lines come in the query for the year (households.list_extensions.year_with_settings),
    # the county's own over the defaults, never another county's.
    for household in (coloured.home, coloured.neighbour):
        monitored(household)
    set_parameter("risk_county", "0.87", county=COUNTY)  # home's 0.86 is amber here
    set_parameter("risk_township", "0.76", county=OTHER_COUNTY_VILLAGE[:6])  # not this county's
    client.force_login(coloured.county_staff)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse(url_name)).content.decode()
    assert ">黄色</span>" in row_of(page, coloured.home.number)
    assert ">黄色</span>" in row_of(page, coloured.neighbour.number)
    assert not [query for query in queries if query["sql"].startswith('SELECT "rules_catalogparameter"')]


@pytest.mark.parametrize("params, expected", [
    ({"risk_from": "0.75"}, ["home", "neighbour"]),          # from: inclusive
    ({"risk_below": "0.75"}, ["other_township"]),              # below: exclusive
    ({"risk_from": "0.7499", "risk_below": "0.86"}, ["neighbour", "other_township"]),
    ({"risk_from": "0.86", "risk_below": "0.87"}, ["home"]),
    ({"risk_from": "0.9"}, []),
    ({"risk_from": "0.750000", "risk_below": "0.8600000"}, ["neighbour"]),  # as a link may write them
])
def test_the_list_filters_by_a_risk_range(client, coloured, params, expected):
    page = list_page(client, coloured.county_staff, **params)
    shown = [name for name in ("home", "neighbour", "other_township", "unscored")
             if getattr(coloured, name).number in page]
    assert shown == expected
    assert (total(page) if expected else 0) == len(expected)


def test_an_invalid_range_is_reported_and_ignored(client, coloured):
    page = list_page(client, coloured.county_staff, risk_from="abc")
    assert "筛选条件有误" in page and "风险系数从须为 0–1 之间的小数" in page
    assert total(page) == 4
    page = list_page(client, coloured.county_staff, risk_below="-0.1", risk_colour="red")
    assert "风险系数低于不能小于 0" in page
    assert total(page) == 1  # the valid filter still applies


def test_a_clerk_filtering_by_colour_sees_only_their_village(client, coloured):
    scored(make_household(VILLAGE_A2), "0.99")  # red, but in the neighbouring village
    scored(make_household(VILLAGE_B1), "0.95")
    page = list_page(client, coloured.clerk, risk_colour="red")
    assert total(page) == 1 and coloured.home.number in page
    page = list_page(client, coloured.clerk, risk_from="0")
    assert total(page) == 1  # the unscored household of A1 has no coefficient: not in a range
    page = list_page(client, coloured.reviewer, risk_colour="red")
    assert total(page) == 2 and coloured.other_county.number not in page


def test_the_filter_form_offers_the_colours_under_their_label(client, coloured):
    page = list_page(client, coloured.clerk)
    assert re.search(r'<label class="form-label" for="id_risk_colour">三色码</label>', page)
    for value, words in RiskColour.choices:
        assert f'<option value="{value}">{words}</option>' in page
    assert 'name="risk_from"' in page and 'name="risk_below"' in page


def test_the_phone_cards_carry_the_colour_too(client, coloured):
    # a phone shows each row as a card; a cell without data-label or with card-hide would be lost
    cell = re.search(r'<td data-label="三色码"([^>]*)>', row_of(list_page(client, coloured.clerk), coloured.home.number))
    assert cell and "card-hide" not in cell.group(1)


def test_the_household_lists_python_cell_is_the_cell_template(world):
    # The household list builds the cell in Python (its rows are many); the monitoring list and
    # any other reader include the template: both must give the same HTML, for every colour.
    from django.template.loader import render_to_string

    from households import list_extensions

    column = next(c for c in list_extensions.columns() if c.label == "三色码")
    for risk in ("0.9", "0.8", "0.1", "0.8500", None):
        if risk is not None:
            scored(make_household(VILLAGE_A1), risk)
    make_household(VILLAGE_A1)
    rows = with_risk_colour(Household.objects.all(), county=COUNTY)
    shown = {row.risk_colour for row in rows}
    assert shown == {"red", "amber", "green", "none"}
    for household in rows:
        assert column.render_cell(household) == render_to_string(column.cell_template, {"household": household})


def queries_for(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url_name", ["household_list", "monitoring_list"])
def test_the_lists_query_count_does_not_grow_with_the_households(client, coloured, url_name):
    client.force_login(coloured.county_staff)
    url = reverse(url_name)
    variants = [{}, {"risk_colour": "red"}, {"risk_colour": "none"}, {"risk_from": "0.5", "risk_below": "0.9"}]
    for household in (coloured.home, coloured.neighbour, coloured.unscored):  # every variant lists a row
        monitored(household)
    queries_for(client, url, {})  # the session's first request records its activity
    for params in variants:  # each shape's first request in a process compiles its statements
        queries_for(client, url, params)
    few = [queries_for(client, url, params) for params in variants]
    for number in range(60):
        household = make_household((VILLAGE_A1, VILLAGE_A2, VILLAGE_B1)[number % 3])
        monitored(household)
        if number % 4:
            scored(household, f"0.{40 + number}")
    assert [queries_for(client, url, params) for params in variants] == few
    assert max(few) <= 11


# The monitoring objects' list ----------------------------------------------------------------


def test_the_monitoring_list_shows_and_filters_by_colour(client, coloured):
    for household in (coloured.home, coloured.neighbour, coloured.other_township, coloured.other_county):
        monitored(household)
    client.force_login(coloured.county_staff)
    response = client.get(reverse("monitoring_list"))
    page = response.content.decode()
    assert "<th scope=\"col\" class=\"text-nowrap\">三色码</th>" in page
    assert ">红色</span>" in row_of(page, coloured.home.number)
    assert ">黄色</span>" in row_of(page, coloured.neighbour.number)
    assert ">绿色</span>" in row_of(page, coloured.other_township.number)
    response = client.get(reverse("monitoring_list"), {"risk_colour": "amber"})
    assert [h.number for h in response.context["page"].object_list] == [coloured.neighbour.number]
    assert total(response.content.decode()) == 1
    response = client.get(reverse("monitoring_list"), {"risk_from": "0.75", "risk_below": "0.86"})
    assert [h.number for h in response.context["page"].object_list] == [coloured.neighbour.number]


def test_a_clerk_filtering_the_monitoring_list_sees_only_their_village(client, coloured):
    for household in (coloured.home, coloured.neighbour):
        monitored(household)
    scored(monitored(make_household(VILLAGE_A2)), "0.9")  # red, in the neighbouring village
    client.force_login(coloured.clerk)
    response = client.get(reverse("monitoring_list"), {"risk_colour": "red"})
    assert [h.number for h in response.context["page"].object_list] == [coloured.home.number]


# The household page --------------------------------------------------------------------------


def detail(client, user, household) -> str:
    client.force_login(user)
    response = client.get(reverse("household_detail", args=[household.number]))
    assert response.status_code == 200
    return response.content.decode()


def summary(page: str) -> str:
    return re.search(r'data-testid="risk-summary">(.*?)</section>', page, re.S).group(1)


def test_the_household_page_shows_the_colour_beside_the_coefficient_and_the_lines(client, world):
    scored(world.home, "0.85")
    text = summary(detail(client, world.clerk, world.home))
    assert 'data-testid="risk">0.8500<' in text
    assert 'data-risk-colour="red"' in text and ">红色</span>" in text
    assert "≥ 0.85（县级复核线）红色" in text and "0.75（乡镇审核线）至 0.85 黄色" in text
    assert "&lt; 0.75 绿色" in text


def test_the_household_page_judges_by_the_countys_own_lines(client, world):
    set_parameter("risk_township", "0.70", county=COUNTY)
    set_parameter("risk_county", "0.90", county=COUNTY)
    scored(world.home, "0.85")
    text = summary(detail(client, world.clerk, world.home))
    assert ">黄色</span>" in text and "≥ 0.9（县级复核线）红色" in text and "0.7（乡镇审核线）至 0.9 黄色" in text


def test_the_household_page_without_a_coefficient_says_unassessed(client, world):
    scored(world.home, "0.99", year=2024)
    text = summary(detail(client, world.clerk, world.home))
    assert ">未评估</span>" in text and 'data-testid="risk"' not in text
    assert "尚未计算" in detail(client, world.clerk, world.home)
