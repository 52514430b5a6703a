"""收入异常值: modified z-scores per village, each figure computed by hand below.

Village A1 (7 households of one member, wages in yuan; nothing else recorded, so 人均纯收入
equals the wage):
    4649.99  4932.55  4990  5000  5067.45  5200  5350
    median 5000; deviations 350.01 67.45 10 0 67.45 200 350 → sorted 0 10 67.45 [67.45] 200 350 350.01
    MAD 67.45; M(5350) = 0.6745 × 350 / 67.45 = 3.5 exactly (not listed, the limit is 3.5);
    M(4649.99) = 0.6745 × −350.01 / 67.45 = −3.5001 → listed, shown −3.50;
    M(5200) = 2.0.
    Not counted: a household without a 2025 income record, and one without an active member.
Village A2 (even count): 1000, 2000, 3000 and 20000 over two members = 10000 per person:
    median (2000 + 3000) / 2 = 2500; deviations 1500 500 500 7500 → MAD (500 + 1500) / 2 = 1000;
    M(10000) = 0.6745 × 7500 / 1000 = 5.05875 → listed, 5.06; M(1000) = −1.01175.
Village B1: 1000, 1000, 5000 → median 1000, deviations 0 0 4000, MAD 0: skipped, nothing listed.
Every other component is 0 everywhere: MAD 0 in every village, skipped.
"""

from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.cache import cache
from django.urls import reverse

from rules.models import CatalogParameter
from tests.builders import make_household, make_income
from tests.conftest import VILLAGE_A1, VILLAGE_A2, VILLAGE_B1

from analysis.map import outliers

A1_WAGES = ["4649.99", "4932.55", "4990", "5000", "5067.45", "5200", "5350"]


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def incomes(world):
    """The three villages above; returns {label: household}."""
    made = {}
    for wage in A1_WAGES:
        made[f"A1 {wage}"] = household = make_household(VILLAGE_A1, members=1)
        make_income(household, 2025, wage=wage)
    made["A1 no income"] = make_household(VILLAGE_A1, members=1)
    make_income(made["A1 no income"], 2024, wage="99999")  # last year's only
    made["A1 nobody"] = make_household(VILLAGE_A1, members=0)
    make_income(made["A1 nobody"], 2025, wage="99999")
    for wage, members in (("1000", 1), ("2000", 1), ("3000", 1), ("20000", 2)):
        made[f"A2 {wage}"] = household = make_household(VILLAGE_A2, members=members)
        make_income(household, 2025, wage=wage)
    for index, wage in enumerate(("1000", "1000", "5000")):
        made[f"B1 {index}"] = household = make_household(VILLAGE_B1, members=1)
        make_income(household, 2025, wage=wage)
    return made


def compute(limit="3.5"):
    return outliers.compute(county=VILLAGE_A1[:6], year=2025, limit=Decimal(limit))


def test_the_scores_medians_and_mads_are_the_hand_computed_ones(incomes):
    snapshot = compute()
    listed = [(r.number, r.component, r.value, r.median, r.mad, r.score, r.households) for r in snapshot.outliers]
    a2, a1 = incomes["A2 20000"].number, incomes["A1 4649.99"].number
    assert listed == [
        (a2, "income", Decimal("10000.00"), Decimal("2500.00"), Decimal("1000.00"), Decimal("5.06"), 4),
        (a2, "wage", Decimal("10000.00"), Decimal("2500.00"), Decimal("1000.00"), Decimal("5.06"), 4),
        (a1, "income", Decimal("4649.99"), Decimal("5000.00"), Decimal("67.45"), Decimal("-3.50"), 7),
        (a1, "wage", Decimal("4649.99"), Decimal("5000.00"), Decimal("67.45"), Decimal("-3.50"), 7),
    ]


def test_a_value_exactly_at_the_limit_is_not_listed_and_just_above_is(incomes):
    numbers = {r.number for r in compute().outliers}
    assert incomes["A1 5350"].number not in numbers  # |M| = 3.5 exactly
    assert incomes["A1 4649.99"].number in numbers  # |M| = 3.5001
    # Lowered to 2.0, M(5200) = 2.0 exactly is still not listed; 5350 (3.5) now is.
    lowered = {r.number for r in compute("2.0").outliers}
    assert incomes["A1 5350"].number in lowered and incomes["A1 5200"].number not in lowered


def test_a_village_whose_mad_is_zero_is_skipped_and_named(incomes):
    snapshot = compute()
    assert not [r for r in snapshot.outliers if r.village_id == VILLAGE_B1]
    skipped = {(s.village_id, s.component, s.households) for s in snapshot.skipped}
    assert (VILLAGE_B1, "wage", 3) in skipped and (VILLAGE_B1, "income", 3) in skipped
    # Nothing but wages is recorded: every other component is 0 everywhere (MAD 0).
    assert (VILLAGE_A1, "transfer", 7) in skipped and (VILLAGE_A2, "property", 4) in skipped
    assert (VILLAGE_A1, "wage", 7) not in skipped


def test_households_without_data_are_not_counted(incomes):
    rows = compute().outliers
    assert {r.households for r in rows if r.village_id == VILLAGE_A1} == {7}
    assert incomes["A1 no income"].number not in {r.number for r in rows}
    assert incomes["A1 nobody"].number not in {r.number for r in rows}


def test_a_negative_net_operating_income_is_scored_on_its_sign(world):
    """Net operating = operating income − expenses may be negative: −1000 among 100, 200, 300,
    400 (median 200; deviations 1200 100 0 100 200 → MAD 100): M(−1000) = 0.6745 × −1200 / 100
    = −8.094, shown −8.09."""
    for amount in ("100", "200", "300", "400"):
        make_income(make_household(VILLAGE_A1), 2025, operating_income=amount)
    loss = make_household(VILLAGE_A1)
    make_income(loss, 2025, operating_income="500", operating_expense="1500")
    rows = [r for r in compute().outliers if r.component == "operating"]
    assert [(r.number, r.value, r.median, r.score) for r in rows] == [
        (loss.number, Decimal("-1000.00"), Decimal("200.00"), Decimal("-8.09"))]


def get(client, user, **params):
    client.force_login(user)
    return client.get(reverse("income_outliers"), params)


def test_the_page_lists_the_rows_of_the_users_area_with_the_median_beside(client, world, incomes):
    page = get(client, world.clerk)
    rows = [(row.number, row.component) for row, _, _ in page.context["rows"]]
    assert rows == [(incomes["A1 4649.99"].number, "income"), (incomes["A1 4649.99"].number, "wage")]
    html = page.content.decode()
    assert "4,649.99 元" in html and "5,000.00 元" in html and "-3.50" in html
    assert incomes["A2 20000"].number not in html

    reviewer = get(client, world.reviewer)
    assert reviewer.context["page"].paginator.count == 4
    skipped = {(s.village_id, s.component) for s, _ in get(client, world.county_staff).context["skipped"]}
    assert (VILLAGE_B1, "wage") in skipped
    assert (VILLAGE_B1, "wage") not in {(s.village_id, s.component) for s, _ in reviewer.context["skipped"]}


def test_the_page_filters_by_area_and_component(client, world, incomes):
    by_village = get(client, world.county_staff, village=VILLAGE_A2)
    assert {row.village_id for row, _, _ in by_village.context["rows"]} == {VILLAGE_A2}
    wage_only = get(client, world.county_staff, component="wage")
    assert [row.component for row, _, _ in wage_only.context["rows"]] == ["wage", "wage"]
    township = get(client, world.county_staff, township=VILLAGE_B1[:9])
    assert township.context["page"].paginator.count == 0 and "没有修正Z分数绝对值超过" in township.content.decode()


def test_the_county_parameter_sets_the_limit(client, world, incomes):
    CatalogParameter.objects.create(county=VILLAGE_A1[:6], key="outlier_score_limit", value=Decimal("2.0"))
    numbers = {row.number for row, _, _ in get(client, world.county_staff).context["rows"]}
    assert incomes["A1 5350"].number in numbers


def test_an_area_outside_the_users_is_404_and_a_role_without_an_area_too(client, world, incomes):
    assert get(client, world.clerk, village=VILLAGE_A2).status_code == 404
    assert get(client, world.reviewer, township=VILLAGE_B1[:9]).status_code == 404
    assert get(client, world.county_staff, village=world.other_county.village_id).status_code == 404
    assert get(client, world.no_role).status_code == 404


def test_a_listed_household_links_to_the_clue_form_filled_in(client, world, incomes):
    page = get(client, world.clerk)
    link = page.content.decode().split('data-testid="clue-link" href="')[1].split('"')[0].replace("&amp;", "&")
    query = parse_qs(urlparse(link).query)
    number = incomes["A1 4649.99"].number
    assert urlparse(link).path == reverse("clue_new")
    assert query["household_number"] == [number] and query["village"] == [VILLAGE_A1]
    assert "人均纯收入 4,649.99 元/人，低于本村中位数 5,000.00 元/人" in query["description"][0]
    form = client.get(link)
    html = form.content.decode()
    assert f'value="{number}"' in html and "低于本村中位数 5,000.00 元/人" in html
    # The inspector reads the list but records no clue: no link.
    assert 'data-testid="clue-link"' not in get(client, world.inspector).content.decode()


def test_the_kept_result_is_read_until_recomputed(client, world, incomes):
    get(client, world.county_staff)
    # B1 becomes 1000, 1000, 5000, 90000: median 3000, MAD 2000, M(90000) = 29.34.
    make_income(make_household(VILLAGE_B1), 2025, wage="90000")
    assert get(client, world.county_staff).context["page"].paginator.count == 4
    outliers.refresh(county=VILLAGE_A1[:6], year=2025, limit=Decimal("3.5"))
    assert get(client, world.county_staff).context["page"].paginator.count == 6


@pytest.mark.parametrize("extra", [0, 30])
def test_the_page_reads_a_bounded_number_of_queries(client, world, incomes, extra, django_assert_max_num_queries):
    for index in range(extra):
        make_income(make_household(VILLAGE_A2, members=1), 2025, wage=str(90000 + index))
    client.force_login(world.county_staff)
    # The sign-in's three, the year, the villages, the parameters, the statement (in a savepoint),
    # the page's heads and villages, the session's save (in a savepoint); PostgreSQL adds the
    # statement's two SET LOCALs.
    with django_assert_max_num_queries(18):
        assert client.get(reverse("income_outliers")).status_code == 200
    with django_assert_max_num_queries(13):  # kept: the statement is not run again
        assert client.get(reverse("income_outliers"), {"page": 2}).status_code == 200


def test_the_scheduled_task_keeps_every_countys_outliers(client, world, incomes):
    from analysis.map.tasks import outliers_refresh_task

    assert outliers_refresh_task.delay().get() == 2  # the world's two counties have a current year
    kept = cache.get(outliers._cache_key(VILLAGE_A1[:6], 2025, Decimal("3.5")))
    assert [row[1] for row in kept.rows] == [incomes["A2 20000"].number] * 2 + [incomes["A1 4649.99"].number] * 2
