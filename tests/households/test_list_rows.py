"""The household list's rows (households.list_rows builds them in Python): their exact HTML."""

import pytest
from django.urls import reverse

from households.choices import HouseholdType, MonitoringType, Relationship, RiskStatus
from tests.builders import make_household, make_income, make_member
from tests.conftest import VILLAGE_A1, VILLAGE_A2

pytestmark = pytest.mark.django_db

NOT_ASSESSED = ('<td data-label="三色码" class="text-nowrap"><span class="badge risk-badge risk-none" '
                'data-risk-colour="none">未评估</span>\n</td>\n')


def row_of(client, number: str, params=None) -> str:
    page = client.get(reverse("household_list"), params or {}).content.decode()
    start = page.index(f'<tr><td class="card-title-cell"><a href="{reverse("household_detail", args=[number])}">')
    return page[start:page.index("</tr>", start) + len("</tr>")]


def test_a_row_escapes_the_head_name_and_shows_income_above_the_line(client, world):
    household = make_household(VILLAGE_A2, members=0)
    make_member(household, name="王<小>&明", relationship=Relationship.HEAD)
    make_member(household, relationship=Relationship.SON)
    make_income(household, 2025, wage="30000.01")
    client.force_login(world.county_staff)
    number = household.number
    assert row_of(client, number, {"q": number}) == (
        f'<tr><td class="card-title-cell"><a href="/households/{number}/">{number}</a></td>'
        '<td data-label="户主">王&lt;小&gt;&amp;明</td>'
        '<td data-label="行政村">区划230381100 石门村</td>'
        f'<td data-label="户类型" class="card-hide">{HouseholdType.ORDINARY.label}</td>'
        '<td data-label="监测状态"><span class="text-body-secondary">—</span></td>'
        f"{NOT_ASSESSED}"
        '<td class="text-end" data-label="人口">2</td>'
        '<td class="money" data-label="人均纯收入">15,000.01</td></tr>'
    )


def test_a_clerks_row_hides_the_village_on_cards_and_marks_an_income_below_the_line(client, world):
    household = make_household(VILLAGE_A1, members=3, household_type=HouseholdType.ALLEVIATED,
                               monitoring_type=MonitoringType.UNSTABLE, risk_status=RiskStatus.ELIMINATED)
    make_income(household, 2025, wage="10000")
    head = household.members.get(relationship=Relationship.HEAD)
    client.force_login(world.clerk)
    row = row_of(client, household.number)
    assert f'<td data-label="户主">{head.name}</td>' in row
    assert '<td data-label="行政村" class="card-hide">区划230381100 金湾村</td>' in row
    assert (f'<td data-label="监测状态"><span class="badge badge-eliminated">{MonitoringType.UNSTABLE.label}</span> '
            f'<span class="small text-body-secondary">{RiskStatus.ELIMINATED.label}</span></td>') in row
    assert ('<td class="money" data-label="人均纯收入"><span class="below-line" title="低于监测标准">3,333.33</span></td>'
            in row)


def test_a_row_without_head_or_income_says_so(client, world):
    household = make_household(VILLAGE_A1, members=0, monitoring_type=MonitoringType.MARGINAL,
                               risk_status=RiskStatus.UNRESOLVED)
    make_member(household, relationship=Relationship.SON)
    client.force_login(world.county_staff)
    row = row_of(client, household.number, {"q": household.number})
    assert '<td data-label="户主">—</td>' in row
    assert (f'<td data-label="监测状态"><span class="badge badge-monitored">{MonitoringType.MARGINAL.label}</span> '
            f'<span class="small text-body-secondary">{RiskStatus.UNRESOLVED.label}</span></td>') in row
    assert '<td class="text-end" data-label="人口">1</td>' in row
    assert '<td class="money" data-label="人均纯收入"><span class="text-body-secondary">未采集</span></td>' in row


def test_a_number_that_needs_quoting_links_as_reverse_quotes_it(client, world):
    household = make_household(VILLAGE_A1, number="甲 1-2", members=1)
    client.force_login(world.county_staff)
    row = row_of(client, household.number)
    assert f'<a href="{reverse("household_detail", args=["甲 1-2"])}">甲 1-2</a>' in row
    assert "%E7%94%B2%201-2" in row


@pytest.mark.parametrize("query", ["", "sort=head", "sort=-head", "sort=income&q=王%3C%26&page=3",
                                   "sort=nonsense&village=230381100201&township=230381100"])
def test_the_sort_headers_are_the_templates_own(rf, query):
    # households.list_rows.sort_headers builds in Python what households/_sort_header.html renders.
    from django.template.loader import render_to_string

    from households.list_rows import SORT_HEADERS, sort_headers

    request = rf.get(f"/households/?{query}")
    sort = request.GET.get("sort", "number")
    built = sort_headers(request.GET, sort)
    for key, label in SORT_HEADERS:
        rendered = render_to_string("households/_sort_header.html", {"sort": sort, "key": key, "label": label},
                                    request=request)
        assert built[key] == rendered, (query, key)


def test_the_sort_headers_flip_the_current_column_and_keep_the_filters(client, world):
    client.force_login(world.county_staff)
    page = client.get(reverse("household_list"), {"sort": "head", "township": VILLAGE_A1[:9], "page": "1"})
    page = page.content.decode()
    assert (f'<a class="sort-link" href="?sort=-head&amp;township={VILLAGE_A1[:9]}">户主 '
            '<i class="bi bi-caret-up-fill" aria-label="升序"></i></a>') in page
    assert f'<a class="sort-link" href="?sort=size&amp;township={VILLAGE_A1[:9]}">人口</a>' in page


@pytest.mark.parametrize("query", ["", "page=1", "page=2&sort=head", "sort=income&q=王%3C%26&page=3",
                                   "page=4&village=230381100201", "page=99", "page=x"])
@pytest.mark.parametrize("rows", [0, 25, 26, 80, 100])
def test_the_pagination_is_the_templates_own(rf, query, rows):
    # households.list_rows.pagination builds in Python what _partials/pagination.html renders.
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string

    from households.list_rows import pagination

    request = rf.get(f"/households/?{query}")
    page = Paginator(range(rows), 25).get_page(request.GET.get("page"))
    assert pagination(request.GET, page) == render_to_string("_partials/pagination.html", {"page": page},
                                                               request=request), (query, rows)
