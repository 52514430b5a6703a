"""The ticket queue: filters, sorting, counts, overdue tickets per township, bounded queries."""

import pytest
from django.urls import reverse

from audits.models import TicketStatus
from tests.audits.builders import make_ticket
from tests.conftest import VILLAGE_A1, VILLAGE_B1

LIST = reverse("ticket_list")
DEADLINES = reverse("ticket_deadlines")


def as_user(client, user):
    client.force_login(user)
    return client


def listed(response) -> list[int]:
    return [ticket.pk for ticket in response.context["page"].object_list]


def test_the_category_filter_keeps_the_rules_of_that_category(client, world):
    basic = make_ticket(world.home, rule_id="B05")
    income = make_ticket(world.home, rule_id="I14")
    client = as_user(client, world.clerk)
    assert listed(client.get(LIST, {"category": "I"})) == [income.pk]
    assert listed(client.get(LIST, {"category": "B"})) == [basic.pk]


def test_county_staff_filter_by_township(client, world):
    home = make_ticket(world.home, status=TicketStatus.PENDING_COUNTY)
    elsewhere = make_ticket(world.other_township, status=TicketStatus.PENDING_COUNTY)
    client = as_user(client, world.county_staff)
    assert listed(client.get(LIST, {"township": VILLAGE_A1[:9]})) == [home.pk]
    assert listed(client.get(LIST, {"township": VILLAGE_B1[:9]})) == [elsewhere.pk]


def test_a_township_outside_scope_is_not_a_choice_and_widens_nothing(client, world):
    make_ticket(world.other_township, status=TicketStatus.PENDING_TOWNSHIP)
    response = as_user(client, world.reviewer).get(LIST, {"township": VILLAGE_B1[:9], "status": "all"})
    assert [code for code, _ in response.context["form"].fields["township"].choices] == ["", VILLAGE_A1[:9]]
    assert listed(response) == []


def test_sorting_is_chosen_from_a_whitelist(client, world):
    soon = make_ticket(world.home, rule_id="B06", status=TicketStatus.PENDING_COUNTY, due_in_days=1)
    later = make_ticket(world.neighbour, rule_id="B05", status=TicketStatus.PENDING_COUNTY, due_in_days=5)
    client = as_user(client, world.county_staff)
    assert listed(client.get(LIST)) == [soon.pk, later.pk]  # nearest deadline first
    assert listed(client.get(LIST, {"sort": "rule"})) == [later.pk, soon.pk]
    assert listed(client.get(LIST, {"sort": "found"})) == [later.pk, soon.pk]
    assert listed(client.get(LIST, {"sort": "household__village__code; DROP"})) == [soon.pk, later.pk]


def test_a_clerks_queue_stays_grouped_by_household_unless_sorted_otherwise(client, world):
    make_ticket(world.home)
    client = as_user(client, world.clerk)
    assert client.get(LIST).context["grouped"] is True
    assert client.get(LIST, {"sort": "due"}).context["grouped"] is False


def test_the_ledger_has_the_new_filters_but_keeps_its_own_order(client, world):
    make_ticket(world.home, rule_id="I14")
    make_ticket(world.home, rule_id="B05")
    response = as_user(client, world.county_staff).get(reverse("ledger"), {"category": "I"})
    assert [t.rule_id for t in response.context["page"].object_list] == ["I14"]
    assert "sort" not in response.context["form"].fields


# 审核超时 per township

def test_county_staff_see_open_and_overdue_tickets_per_township(client, world):
    make_ticket(world.home, due_in_days=-1)
    make_ticket(world.neighbour, rule_id="B06", due_in_days=3)
    make_ticket(world.other_township, due_in_days=-2)
    make_ticket(world.other_township, rule_id="B06", status=TicketStatus.CLOSED, due_in_days=-9)
    make_ticket(world.other_county, due_in_days=-2)
    response = as_user(client, world.county_staff).get(LIST)
    rows = [(row["township"], row["open"], row["overdue"]) for row in response.context["townships"]]
    assert sorted(rows) == [(VILLAGE_A1[:9], 2, 1), (VILLAGE_B1[:9], 1, 1)]
    assert 'data-testid="overdue-by-township"' in response.content.decode()


def test_township_reviewers_and_clerks_get_no_county_table(client, world):
    make_ticket(world.home, due_in_days=-1)
    assert as_user(client, world.reviewer).get(LIST).context["townships"] is None
    assert as_user(client, world.clerk).get(LIST).context["townships"] is None


def test_a_reviewer_sees_their_own_overdue_count_and_can_list_only_those(client, world):
    late = make_ticket(world.home, status=TicketStatus.PENDING_TOWNSHIP, due_in_days=-1)
    make_ticket(world.neighbour, status=TicketStatus.PENDING_TOWNSHIP, due_in_days=2)
    make_ticket(world.home, rule_id="B06", status=TicketStatus.PENDING_VILLAGE, due_in_days=-3)  # not theirs to do
    client = as_user(client, world.reviewer)
    response = client.get(LIST)
    assert response.context["overdue_count"] == 1
    assert 'data-testid="overdue-count">审核超时 1<' in response.content.decode()
    assert listed(client.get(LIST, {"overdue": "on"})) == [late.pk]
    assert client.get(LIST, {"status": "all"}).context["overdue_count"] == 2


def test_pagination_keeps_the_filters_and_the_sort(client, world, settings):
    settings.PAGE_SIZE = 2
    for rule_id in ("B05", "B06", "B07"):
        make_ticket(world.home, rule_id=rule_id, status=TicketStatus.PENDING_COUNTY)
    page = as_user(client, world.county_staff).get(LIST, {"category": "B", "sort": "rule"}).content.decode()
    assert "?category=B&amp;sort=rule&amp;page=2" in page


@pytest.mark.parametrize("persona, status", [("county_staff", TicketStatus.PENDING_COUNTY),
                                             ("reviewer", TicketStatus.PENDING_TOWNSHIP),
                                             ("clerk", TicketStatus.PENDING_VILLAGE)])
def test_the_queue_takes_the_same_queries_at_two_sizes(client, world, persona, status,
                                                       django_assert_max_num_queries):
    def add(numbers):
        for number in numbers:
            make_ticket(world.home if number % 2 else world.neighbour, rule_id=f"B{number:02d}",
                        status=status, due_in_days=number % 5 - 2)

    client = as_user(client, getattr(world, persona))
    add(range(1, 4))
    with django_assert_max_num_queries(12) as small:
        client.get(LIST, {"overdue": "on", "sort": "due", "category": "B"})
    add(range(4, 40))
    with django_assert_max_num_queries(len(small)):
        response = client.get(LIST, {"overdue": "on", "sort": "due", "category": "B"})
    assert response.context["page"].paginator.count > 3


def test_the_county_home_charts_open_and_overdue_tickets_per_township(client, world):
    make_ticket(world.home, due_in_days=-1)
    make_ticket(world.neighbour, rule_id="B06", due_in_days=3)
    make_ticket(world.other_county, due_in_days=-2)
    chart = as_user(client, world.county_staff).get(reverse("home")).context["ticket_chart"]
    by_name = dict(zip(chart["townships"], zip(chart["open"], chart["overdue"], strict=True), strict=True))
    assert by_name == {"区划230381100": (2, 1), "区划230381101": (0, 0)}


@pytest.mark.parametrize("persona, advice", [("county_staff", "运行一次数据清洗"), ("inspector", "县级运行数据清洗后")])
def test_before_the_first_batch_the_county_home_says_there_are_no_tickets_instead_of_an_empty_chart(
        client, world, persona, advice):
    page = as_user(client, getattr(world, persona)).get(reverse("home")).content.decode()
    assert 'data-testid="ticket-chart"' not in page
    assert "全县没有未办结的问题线索" in page and advice in page

    make_ticket(world.home)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="ticket-chart"' in page and "全县没有未办结的问题线索" not in page
