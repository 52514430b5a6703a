"""数据看板: each figure against counts worked out by hand from a small county, for the county,
a township reviewer and a village clerk; every link opens a list showing the same number; the
page's query count does not grow with the data."""

import datetime
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from analysis.dashboard import selectors
from audits.models import Severity, Ticket, TicketStatus
from audits.selectors import month_start
from households.choices import HouseholdType, MonitoringType, RiskStatus, RiskType
from households.models import Area
from monitoring_objects.models import ClueStatus
from rules.models import Batch, BatchRuleResult, BatchStatus, CatalogParameter, RiskScore
from tests.audits.builders import make_ticket
from tests.builders import make_household
from tests.conftest import VILLAGE_A1, VILLAGE_A2, VILLAGE_B1
from tests.monitoring_objects.builders import make_clue
from tests.monitoring_objects.objects_builders import monitored

DASHBOARD = reverse("dashboard")
TOWNSHIP_A, TOWNSHIP_B = VILLAGE_A1[:9], VILLAGE_B1[:9]
COUNT = re.compile(r'data-testid="result-count">共 (\d+) ')


def counts(rows) -> dict:
    return {row["label"]: row["count"] for row in rows}


@pytest.fixture
def county(world):
    """The shared world (home A1, neighbour A2, other_township B1, other_county; all ordinary,
    none monitored) and, added here:

    village A1: `unstable` (脱贫户, 脱贫不稳定户, 风险未消除, 因病+因残, risk 0.85) and a removed
                monitored household (never counted);
    village A2: `marginal` (脱贫户, 边缘易致贫户, 风险已消除, 因病, risk 0.35);
    village B1: `sudden` (一般农户, 突发严重困难户, 风险未消除, 因灾, no risk this year).
    """
    today = timezone.localdate()
    unstable = monitored(make_household(VILLAGE_A1, household_type=HouseholdType.ALLEVIATED),
                         monitoring_type=MonitoringType.UNSTABLE, risk_types=[RiskType.ILLNESS, RiskType.DISABILITY])
    marginal = monitored(make_household(VILLAGE_A2, household_type=HouseholdType.ALLEVIATED),
                         monitoring_type=MonitoringType.MARGINAL, risk_status=RiskStatus.ELIMINATED,
                         eliminated_on=today, risk_types=[RiskType.ILLNESS])
    sudden = monitored(make_household(VILLAGE_B1), monitoring_type=MonitoringType.SUDDEN_HARDSHIP,
                       risk_types=[RiskType.DISASTER])
    removed = monitored(make_household(VILLAGE_A1, removed_on=today), risk_types=[RiskType.ILLNESS])
    monitored(world.other_county, risk_types=[RiskType.ILLNESS])

    # Risk coefficients of 2025 (the current year): each on or next to an edge.
    for household, risk in [(world.home, "0.75"),             # on the township line: 黄色, bin 0.75–0.80
                             (world.neighbour, "0.7499"),      # just below it: 绿色, bin 0.70–0.75
                             (unstable, "0.85"),               # on the county line: 红色, bin 0.85–0.90
                             (marginal, "0.35"),               # 绿色, bin 0.35–0.40 (not 0.30–0.35)
                             (world.other_township, "1"),      # 红色, the last bin holds 1.00
                             (removed, "0.9"), (world.other_county, "0.95")]:  # outside: never counted
        RiskScore.objects.create(household=household, year=2025, risk=Decimal(risk))
    RiskScore.objects.create(household=sudden, year=2024, risk=Decimal("0.99"))  # another year: 未评估

    this_month = month_start(today.replace(day=1))
    three_back = selectors.months_back(today)[-4]
    tickets = {
        "t1": make_ticket(world.home, rule_id="B05"),  # 待核实, found at 00:30 on the 1st (this month)
        "t2": make_ticket(world.home, rule_id="I14", severity=Severity.WARNING,
                          status=TicketStatus.PENDING_TOWNSHIP, due_in_days=-2),  # overdue
        "t3": make_ticket(world.neighbour, rule_id="B05", status=TicketStatus.CLOSED, due_in_days=-5,
                          closed_at=timezone.now()),  # closed this month: never overdue
        "t4": make_ticket(world.other_township, rule_id="R05", status=TicketStatus.PENDING_COUNTY,
                          due_in_days=-1),  # overdue
        "t6": make_ticket(world.home, rule_id="B06", severity=Severity.WARNING, status=TicketStatus.RETURNED),
        "t7": make_ticket(world.other_township, rule_id="B01", status=TicketStatus.CLOSED,
                          closed_at=this_month - datetime.timedelta(minutes=30)),  # found and closed last month
        "outside": make_ticket(world.other_county, due_in_days=-3),
    }
    Ticket.objects.filter(pk=tickets["t1"].pk).update(found_at=this_month + datetime.timedelta(minutes=30))
    Ticket.objects.filter(pk=tickets["t6"].pk).update(found_at=month_start(three_back) + datetime.timedelta(days=2))
    # 23:30 Beijing on the last day of last month (15:30 UTC that day): last month, not this one.
    Ticket.objects.filter(pk=tickets["t7"].pk).update(found_at=this_month - datetime.timedelta(minutes=30))

    make_clue(world.home, days_left=-1)            # overdue
    make_clue(world.other_township, days_left=-3)  # overdue
    make_clue(world.neighbour, days_left=0)        # due today: not overdue yet
    make_clue(world.neighbour, days_left=-9, status=ClueStatus.APPLIED)  # answered: never overdue
    make_clue(world.other_county, days_left=-1)    # outside

    county_area = Area.objects.get(code=VILLAGE_A1[:6])
    batch = Batch.objects.create(county=county_area, area=county_area, year=2025, rule_ids=["B05", "B06"],
                                 status=BatchStatus.DONE)
    BatchRuleResult.objects.create(batch=batch, rule_id="B05", failing=5, by_township={TOWNSHIP_A: 3, TOWNSHIP_B: 2})
    BatchRuleResult.objects.create(batch=batch, rule_id="B06", failing=2, by_township={TOWNSHIP_A: 2})
    Ticket.objects.filter(pk=tickets["t1"].pk).update(batch_id=batch.pk)
    return {"unstable": unstable, "marginal": marginal, "sudden": sudden, "tickets": tickets, "batch": batch,
            "months": (this_month, three_back)}


def figures_of(client, user):
    client.force_login(user)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    return response


# --- Households and monitoring objects ------------------------------------------------------------

def test_households_by_type_and_monitoring_type_per_role(client, world, county):
    # county: home, neighbour, other_township, unstable, marginal, sudden = 6 (the removed one not)
    households = figures_of(client, world.county_staff).context["households"]
    assert households["total"] == 6
    assert counts(households["by_type"]) == {"脱贫户": 2, "一般农户": 4}
    assert counts(households["by_monitoring"]) == {"非监测对象": 3, "脱贫不稳定户": 1, "边缘易致贫户": 1,
                                                  "突发严重困难户": 1}
    # township A: home, neighbour, unstable, marginal
    households = figures_of(client, world.reviewer).context["households"]
    assert counts(households["by_type"]) == {"脱贫户": 2, "一般农户": 2}
    assert counts(households["by_monitoring"])["突发严重困难户"] == 0
    # village A1: home, unstable
    households = figures_of(client, world.clerk).context["households"]
    assert counts(households["by_type"]) == {"脱贫户": 1, "一般农户": 1}
    assert counts(households["by_monitoring"]) == {"非监测对象": 1, "脱贫不稳定户": 1, "边缘易致贫户": 0,
                                                  "突发严重困难户": 0}


def test_monitoring_objects_by_type_status_and_risk_type(client, world, county):
    households = figures_of(client, world.county_staff).context["households"]
    assert households["monitored"] == 3
    assert counts(households["objects_by_type"]) == {"脱贫不稳定户": 1, "边缘易致贫户": 1, "突发严重困难户": 1}
    assert counts(households["objects_by_status"]) == {"风险未消除": 2, "风险已消除": 1}
    risk_types = counts(households["objects_by_risk_type"])
    assert (risk_types["因病"], risk_types["因残"], risk_types["因灾"], risk_types["因学"]) == (2, 1, 1, 0)
    assert households["objects_by_risk_type"][0]["label"] == "因病"  # most first

    households = figures_of(client, world.reviewer).context["households"]
    assert counts(households["objects_by_status"]) == {"风险未消除": 1, "风险已消除": 1}
    assert (counts(households["objects_by_risk_type"])["因病"], counts(households["objects_by_risk_type"])["因灾"]) == (2, 0)
    households = figures_of(client, world.clerk).context["households"]
    assert counts(households["objects_by_risk_type"])["因残"] == 1
    assert counts(households["objects_by_risk_type"])["因病"] == 1


def test_a_risk_type_is_matched_whole_not_as_part_of_another():
    condition = selectors.has_risk_type(RiskType.DISABILITY)
    assert condition.rhs == '"disability"'


# --- Tickets and clues ------------------------------------------------------------------------------

def test_tickets_by_status_category_and_township_for_the_county(client, world, county):
    tickets = figures_of(client, world.county_staff).context["tickets"]
    assert counts(tickets["by_status"]) == {"待核实": 1, "待乡镇审核": 1, "待县级终审": 1, "已退回": 1, "已销号": 2}
    assert tickets["unclosed"]["count"] == 4
    assert tickets["overdue"]["count"] == 2  # t2 and t4; the closed t3 was due earlier but is closed
    by_category = {row["code"]: [cell["count"] for cell in row["cells"]] for row in tickets["by_category"]}
    assert by_category["B"] == [1, 1]  # B05 error (t1), B06 warning (t6); the closed B05, B01 not
    assert by_category["I"] == [0, 1]
    assert by_category["R"] == [1, 0]
    assert by_category["D"] == [0, 0]
    assert tickets["area_level"] == "乡镇"
    by_area = {row["label"]: (row["count"], row["overdue"]) for row in tickets["by_area"]}
    names = dict(Area.objects.filter(code__in=[TOWNSHIP_A, TOWNSHIP_B]).values_list("code", "name"))
    assert by_area == {names[TOWNSHIP_A]: (3, 1), names[TOWNSHIP_B]: (1, 1)}


def test_a_reviewer_sees_their_villages_and_a_clerk_their_village(client, world, county):
    tickets = figures_of(client, world.reviewer).context["tickets"]
    assert counts(tickets["by_status"]) == {"待核实": 1, "待乡镇审核": 1, "待县级终审": 0, "已退回": 1, "已销号": 1}
    assert tickets["area_level"] == "行政村"
    assert {row["label"]: (row["count"], row["overdue"]) for row in tickets["by_area"]} == {
        "金湾村": (3, 1), "石门村": (0, 0)}
    tickets = figures_of(client, world.clerk).context["tickets"]
    assert counts(tickets["by_status"]) == {"待核实": 1, "待乡镇审核": 1, "待县级终审": 0, "已退回": 1, "已销号": 0}
    assert tickets["overdue"]["count"] == 1
    assert tickets["by_area"] == [] and tickets["area_level"] is None


def test_overdue_clues_count_open_clues_past_their_deadline_only(client, world, county):
    assert figures_of(client, world.county_staff).context["overdue_clues"]["count"] == 2
    assert figures_of(client, world.reviewer).context["overdue_clues"]["count"] == 1
    assert figures_of(client, world.clerk).context["overdue_clues"]["count"] == 1


def test_the_rectification_rate_counts_beijing_months(client, world, county):
    this_month, three_back = county["months"]
    months = {row["month"]: row for row in figures_of(client, world.county_staff).context["months"]}
    assert len(months) == 12
    now = timezone.localtime(this_month)
    current = months[f"{now:%Y-%m}"]
    # found this month: t1 (00:30 on the 1st), t2, t3, t4 = 4; closed this month: t3 = 1
    assert (current["raised"], current["closed"], current["rate"]) == (4, 1, Decimal("25.0"))
    previous = months[f"{timezone.localtime(this_month - datetime.timedelta(days=1)):%Y-%m}"]
    # t7: found and closed at 23:30 on the last day of last month (UTC: still that day)
    assert (previous["raised"], previous["closed"], previous["rate"]) == (1, 1, Decimal("100.0"))
    assert (months[f"{three_back:%Y-%m}"]["raised"], months[f"{three_back:%Y-%m}"]["rate"]) == (1, Decimal("0.0"))
    empty = [row for month, row in months.items() if row["raised"] == 0]
    assert len(empty) == 9 and all(row["rate"] is None for row in empty)


def test_months_back_crosses_the_year():
    months = selectors.months_back(datetime.date(2026, 3, 31))
    assert months[0] == datetime.date(2025, 4, 1) and months[-1] == datetime.date(2026, 3, 1) and len(months) == 12


# --- Risk ---------------------------------------------------------------------------------------

def test_the_risk_histogram_and_colours_of_the_county(client, world, county):
    risk = figures_of(client, world.county_staff).context["risk"]
    assert (risk["year"], risk["township_line"], risk["county_line"]) == (2025, Decimal("0.75"), Decimal("0.85"))
    assert {row["label"]: row["count"] for row in risk["bins"] if row["count"]} == {
        "0.35–0.40": 1, "0.70–0.75": 1, "0.75–0.80": 1, "0.85–0.90": 1, "0.95–1.00": 1}
    assert counts(risk["by_colour"]) == {"红色": 2, "黄色": 1, "绿色": 2, "未评估": 1}
    # township A: home 0.75, neighbour 0.7499, unstable 0.85, marginal 0.35
    risk = figures_of(client, world.reviewer).context["risk"]
    assert counts(risk["by_colour"]) == {"红色": 1, "黄色": 1, "绿色": 2, "未评估": 0}


def test_the_colours_follow_the_countys_own_lines(client, world, county):
    CatalogParameter.objects.create(county=VILLAGE_A1[:6], key="risk_county", value=Decimal("0.86"))
    CatalogParameter.objects.create(county=VILLAGE_A1[:6], key="risk_township", value=Decimal("0.7499"))
    risk = figures_of(client, world.county_staff).context["risk"]
    # 0.85 is now amber, 0.7499 amber too; red only 1.00
    assert counts(risk["by_colour"]) == {"红色": 1, "黄色": 3, "绿色": 1, "未评估": 1}
    assert figures_of(client, world.county_staff).context["charts"]["risk"]["county_line"] == 0.86


def test_colour_and_range_links_name_the_household_list_filters(client, world, county):
    risk = figures_of(client, world.county_staff).context["risk"]
    urls = {row["label"]: urlparse(row["url"]) for row in risk["by_colour"]}
    assert urls["红色"].path == reverse("household_list")
    assert {label: parse_qs(url.query) for label, url in urls.items()} == {
        "红色": {"risk_colour": ["red"]}, "黄色": {"risk_colour": ["amber"]},
        "绿色": {"risk_colour": ["green"]}, "未评估": {"risk_colour": ["none"]}}
    bins = {row["label"]: parse_qs(urlparse(row["url"]).query) for row in risk["bins"]}
    assert bins["0.75–0.80"] == {"risk_from": ["0.75"], "risk_below": ["0.80"]}
    assert bins["0.00–0.05"] == {"risk_from": ["0.00"], "risk_below": ["0.05"]}
    assert bins["0.95–1.00"] == {"risk_from": ["0.95"]}  # 1.00 itself is in the last bin


# --- The last batch --------------------------------------------------------------------------------

def test_the_last_batch_as_each_role_sees_it(client, world, county):
    Batch.objects.create(county=county["batch"].county, area=county["batch"].area, year=2025, status=BatchStatus.DONE,
                         )  # made later, but the first is then moved after it: the latest by created_at wins
    Batch.objects.filter(pk=county["batch"].pk).update(created_at=timezone.now() + datetime.timedelta(minutes=1))
    batch = figures_of(client, world.county_staff).context["batch"]
    assert batch["batch"].pk == county["batch"].pk
    assert (batch["total"], counts(batch["by_severity"])) == (7, {"错误": 5, "疑似": 2})
    assert batch["url"] == reverse("rules_batch", args=[county["batch"].pk])
    batch = figures_of(client, world.reviewer).context["batch"]
    assert (batch["total"], counts(batch["by_severity"])) == (5, {"错误": 3, "疑似": 2})
    assert batch["url"] is None  # a reviewer cannot open the batch page
    batch = figures_of(client, world.clerk).context["batch"]
    assert (batch["total"], [row["rule_id"] for row in batch["rules"]]) == (1, ["B05"])


def test_without_a_batch_or_scores_the_page_says_why(client, world):
    page = figures_of(client, world.county_staff).content.decode()
    assert "还没有运行过数据清洗" in page
    assert "本年度还没有计算风险系数" in page
    assert "本区域还没有问题线索" in page


# --- Every figure opens a list with the same number ----------------------------------------------

def linked_figures(context) -> list[tuple[str, int]]:
    households, tickets = context["households"], context["tickets"]
    rows = [*households["by_type"], *households["by_monitoring"], *households["objects_by_type"],
            *households["objects_by_status"], *households["objects_by_risk_type"], *tickets["by_status"],
            tickets["unclosed"], tickets["overdue"], context["overdue_clues"], *tickets["by_category"]]
    rows += [cell for row in tickets["by_category"] for cell in row["cells"]]
    links = [(row["url"], row["count"]) for row in rows]
    links += [(row["url"], row["count"]) for row in tickets["by_area"]]
    links += [(row["overdue_url"], row["overdue"]) for row in tickets["by_area"]]
    links += [(row["raised_url"], row["raised"]) for row in context["months"]]
    links += [(row["closed_url"], row["closed"]) for row in context["months"]]
    # The household list's 三色码 and 风险系数区间 filters (rules.colours, registered on the list).
    links += [(row["url"], row["count"]) for row in context["risk"]["by_colour"]]
    links += [(row["url"], row["count"]) for row in context["risk"]["bins"]]
    return links


@pytest.mark.parametrize("role", ["county_staff", "reviewer", "clerk", "inspector"])
def test_every_link_opens_a_list_with_the_same_number(client, world, county, role):
    user = getattr(world, role)
    links = linked_figures(figures_of(client, user).context)
    assert any(count for _url, count in links)
    for url, count in links:
        page = client.get(url).content.decode()
        shown = COUNT.search(page)
        assert shown, url
        assert int(shown.group(1)) == count, url


def test_the_page_shows_each_count_with_its_link(client, world, county):
    page = figures_of(client, world.county_staff).content.decode()
    assert '<a href="/monitoring/?risk_type=illness" data-figure="因病">2</a>' in page
    assert 'data-testid="stat-overdue-clues">2</a>' in page
    assert "三色码" in page and "红色" in page and "未评估" in page


def test_a_user_without_a_role_gets_a_404(client, world):
    client.force_login(world.no_role)
    assert client.get(DASHBOARD).status_code == 404



@pytest.mark.parametrize("role", ["county_staff", "reviewer", "clerk", "inspector"])
def test_each_roles_home_page_links_to_the_dashboard(client, world, role):
    client.force_login(getattr(world, role))
    page = client.get(reverse("home")).content.decode()
    assert f'href="{DASHBOARD}" data-testid="home-dashboard-link"' in page


def test_the_query_count_does_not_grow_with_the_data(client, world, county, django_assert_max_num_queries):
    client.force_login(world.county_staff)
    with django_assert_max_num_queries(QUERIES):
        client.get(DASHBOARD)
    for index in range(30):
        household = make_household(VILLAGE_A2 if index % 2 else VILLAGE_B1, members=1)
        monitored(household, risk_types=[RiskType.HOUSING, RiskType.ILLNESS])
        RiskScore.objects.create(household=household, year=2025, risk=Decimal(index) / 30)
        make_ticket(household, rule_id="A01", due_in_days=index - 15)
        make_clue(household, days_left=index - 15)
    with django_assert_max_num_queries(QUERIES):
        response = client.get(DASHBOARD)
    assert response.context["households"]["total"] == 36


QUERIES = 24  # 21 today: the session and user (3), the figures (16), the area's name, the session's save

