"""The households behind a snapshot's figures: written with the snapshot, and read by the
households list whenever the page reads that snapshot, so the list holds exactly the number clicked."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from analysis.income import selectors
from analysis.income.models import IncomeSnapshotHousehold
from analysis.income.services import take_income_snapshot
from households.models import AnnualIncome, Area, Household
from tests.analysis.income.fixture import COUNTY, EMPTY_TOWNSHIP, TOWNSHIP, V1, V2, V3, YEAR, build_county, users
from tests.builders import make_household, make_income

pytestmark = pytest.mark.django_db
PAGE = reverse("income_analysis")
HOUSEHOLDS = reverse("income_analysis_households")
MARCH, APRIL = datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)
NAMES = {"households": "户数", "declined": "下降户数", "declined2": "连续两年下降户数", "declined3": "连续三年下降户数",
         "grew30": "增幅超30%户数", "grew50": "增幅超50%户数", "grew100": "增幅超100%户数",
         "below_monitoring": "低于监测线户数", "between_lines": "监测线至关注线户数"}
# By hand, from the fixture: who each figure counts in 一村 (V1), 二村 (V2) and 三村 (V3).
BEHIND_V1 = {
    "households": {"fall1", "fall2", "fall3", "grow30", "grow_just", "grow100", "zero_last", "at_line"},
    "declined": {"fall1", "fall2", "fall3"},
    "declined2": {"fall2", "fall3"},
    "declined3": {"fall3"},
    "grew30": {"grow_just", "grow100"},
    "grew50": {"grow100"},
    "grew100": {"grow100"},
    "below_monitoring": {"fall1"},
    "between_lines": {"fall2", "zero_last", "at_line"},
}
# half: pc 500.01, below the line; operating: 2000 against 500, grew by more than 100 %, below the line
BEHIND_OTHERS = {"households": {"half", "operating"}, "grew30": {"operating"}, "grew50": {"operating"},
                 "grew100": {"operating"}, "below_monitoring": {"half", "operating"}}


@pytest.fixture
def county():
    made, people = build_county(), users()
    take_income_snapshot(county=COUNTY, month=MARCH)
    return made, people


def as_user(client, user):
    client.force_login(user)
    return client


def page_figure(client, code, figure):
    cells = client.get(PAGE, {"area": code}).context["overview_total"]
    return {cell["name"]: cell["value"] for cell in cells}[NAMES[figure]]


def listed(client, code, figure):
    response = client.get(HOUSEHOLDS, {"area": code, "figure": figure})
    assert response.status_code == 200
    return response


def test_the_snapshot_writes_each_household_of_the_population_once_and_rewrites_them_the_same():
    made = build_county()
    take_income_snapshot(county=COUNTY, month=MARCH)
    first = set(IncomeSnapshotHousehold.objects.values_list("household_id", "village", "figures", "size",
                                                             "net_cents", "net_cents_last"))
    assert {row[0] for row in first} == {made[key].pk for key in BEHIND_V1["households"] | {"half", "operating"}}
    take_income_snapshot(county=COUNTY, month=MARCH)
    assert IncomeSnapshotHousehold.objects.count() == 10
    assert set(IncomeSnapshotHousehold.objects.values_list("household_id", "village", "figures", "size",
                                                           "net_cents", "net_cents_last")) == first
    fall2 = IncomeSnapshotHousehold.objects.get(household=made["fall2"])
    assert (fall2.village, fall2.size, fall2.net_cents, fall2.net_cents_last) == (V1, 2, 1600000, 1800000)  # 16,000 and 18,000 yuan
    assert IncomeSnapshotHousehold.objects.get(household=made["at_line"]).net_cents_last is None


@pytest.mark.parametrize("figure", list(NAMES))
@pytest.mark.parametrize("code", [COUNTY, TOWNSHIP, V1, V2, V3, EMPTY_TOWNSHIP])
def test_each_list_holds_the_hand_computed_households_and_the_snapshot_s_number(client, county, figure, code):
    made, people = county
    client = as_user(client, people["county"])
    expected = set()
    if code in (COUNTY, TOWNSHIP, V1):
        expected |= BEHIND_V1.get(figure, set())
    expected |= {key for key in BEHIND_OTHERS.get(figure, set())
                 if code in (COUNTY, TOWNSHIP) or made[key].village_id == code}
    response = listed(client, code, figure)
    assert "数据来自 2026年3月 快照" in response.content.decode()
    assert {h.number for h in response.context["page"].paginator.object_list} == {made[k].number for k in expected}
    assert response.context["page"].paginator.count == len(expected) == page_figure(client, code, figure)


def test_after_an_income_changes_page_and_list_keep_the_snapshot_s_number_until_the_next_one(client, county):
    made, people = county
    client = as_user(client, people["county"])
    # fall1's 2025 income rises above 2024's: live, 一村 has 2 declined households, not 3
    AnnualIncome.objects.filter(household=made["fall1"], year=YEAR).update(wage=Decimal("7000"))
    area = Area.objects.get(code=V1)
    live = selectors.income_analysis(registry=Household.objects.all(), area=area, year=YEAR)
    assert live.total.figures["下降户数"] == 2
    assert page_figure(client, V1, "declined") == 3
    response = listed(client, V1, "declined")
    assert response.context["page"].paginator.count == 3
    fall1 = next(h for h in response.context["page"].object_list if h.number == made["fall1"].number)
    assert fall1.pc0 == Decimal("5000") and fall1.pc1 == Decimal("6000")  # as the snapshot read them
    # a household added since: not in the snapshot's list
    late = make_household(V1, members=1)
    make_income(late, YEAR, wage=1)
    assert listed(client, V1, "households").context["page"].paginator.count == 8

    take_income_snapshot(county=COUNTY, month=APRIL)
    assert page_figure(client, V1, "declined") == 2
    response = listed(client, V1, "declined")
    assert response.context["page"].paginator.count == 2
    assert "数据来自 2026年4月 快照" in response.content.decode()
    assert page_figure(client, V1, "households") == listed(client, V1, "households").context["page"].paginator.count == 9
    # the same month taken again replaces its rows rather than adding to them
    AnnualIncome.objects.filter(household=made["fall2"], year=YEAR).update(wage=Decimal("40000"))
    take_income_snapshot(county=COUNTY, month=APRIL)
    assert page_figure(client, V1, "declined") == listed(client, V1, "declined").context["page"].paginator.count == 1


def test_without_a_snapshot_the_list_is_live_and_says_so(client):
    build_county()
    people = users()
    response = listed(as_user(client, people["county"]), V1, "declined")
    assert response.context["page"].paginator.count == 3 and response.context["snapshot"] is None
    assert "即时计算" in response.content.decode()


def test_a_clerk_sees_only_their_village_from_the_snapshot(client, county):
    made, people = county
    client = as_user(client, people["clerk"])
    response = listed(client, V1, "households")
    assert response.context["page"].paginator.count == 8
    for code in (TOWNSHIP, V2, COUNTY):
        assert client.get(HOUSEHOLDS, {"area": code, "figure": "households"}).status_code == 404
    # the scope is applied to the snapshot rows too, not only to the area asked for
    township = selectors.latest_snapshot(area=Area.objects.get(code=TOWNSHIP), year=YEAR)
    rows = selectors.snapshot_figure_households(registry=Household.objects.in_scope(people["clerk"]),
                                                snapshot=township, figure="households")
    assert {h.village_id for h in rows} == {V1} and rows.count() == 8
    assert not selectors.snapshot_figure_households(registry=Household.objects.in_scope(people["other_reviewer"]),
                                                    snapshot=township, figure="households").exists()


def test_the_snapshot_list_reads_a_bounded_number_of_queries(client, county, django_assert_max_num_queries):
    made, people = county
    client = as_user(client, people["county"])
    with django_assert_max_num_queries(12):
        listed(client, COUNTY, "households")
    for number in range(20):
        household = make_household(V2, members=2)
        make_income(household, YEAR, wage=100 + number)
    take_income_snapshot(county=COUNTY, month=APRIL)
    with django_assert_max_num_queries(12):
        assert listed(client, COUNTY, "households").context["page"].paginator.count == 30


def test_writing_the_snapshot_rows_is_set_based(django_assert_max_num_queries):
    build_county()
    for number in range(30):
        make_income(make_household(V2, members=1), YEAR, wage=100 + number)
    with django_assert_max_num_queries(12):  # the same whatever the county's size (batches of 5,000)
        take_income_snapshot(county=COUNTY, month=MARCH)
    assert IncomeSnapshotHousehold.objects.count() == 40
