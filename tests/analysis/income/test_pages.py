"""The page, the households behind each count, the download and the snapshot button: scoped."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from analysis.income.models import IncomeSnapshot
from analysis.income.selectors import COLUMNS
from trail.models import AuditAction, AuditEvent
from tests.analysis.income.fixture import (
    COUNTY, EMPTY_TOWNSHIP, EMPTY_VILLAGE, EXPECTED_EMPTY, EXPECTED_TOWNSHIP, EXPECTED_V1, TOWNSHIP, V1, V2, V3,
    build_county, users,
)
from tests.builders import make_household, make_income

pytestmark = pytest.mark.django_db
PAGE = reverse("income_analysis")
HOUSEHOLDS = reverse("income_analysis_households")
DOWNLOAD = reverse("income_analysis_download")
SNAPSHOT = reverse("income_analysis_snapshot")


@pytest.fixture
def county():
    return build_county(), users()


def as_user(client, user):
    client.force_login(user)
    return client


def figures_of_row(cells):
    return {cell["name"]: cell["value"] for cell in cells}


def test_county_staff_see_every_township_and_the_total(client, county):
    _made, people = county
    response = as_user(client, people["county"]).get(PAGE)
    assert response.status_code == 200
    rows = response.context["overview_rows"]
    assert [area.code for area, _cells in rows] == [TOWNSHIP, EMPTY_TOWNSHIP]
    assert figures_of_row(rows[0][1]) == {name: EXPECTED_TOWNSHIP[name] for name in COLUMNS[:12]}
    assert figures_of_row(response.context["component_total"]) == {name: EXPECTED_TOWNSHIP[name]
                                                                  for name in COLUMNS[12:]}
    assert "数据为即时计算" in response.content.decode()


def test_drill_down_to_a_township_and_a_village(client, county):
    _made, people = county
    client = as_user(client, people["county"])
    township = client.get(PAGE, {"area": TOWNSHIP})
    assert [area.code for area, _cells in township.context["overview_rows"]] == [V1, V2, V3]
    village = client.get(PAGE, {"area": V1})
    assert village.context["overview_rows"] == []
    assert figures_of_row(village.context["overview_total"]) == {name: EXPECTED_V1[name] for name in COLUMNS[:12]}
    assert "figure=declined3" in village.content.decode()


def test_a_reviewer_of_another_township_gets_404(client, county):
    _made, people = county
    client = as_user(client, people["other_reviewer"])
    assert client.get(PAGE, {"area": TOWNSHIP}).status_code == 404
    assert client.get(PAGE, {"area": V1}).status_code == 404
    assert client.get(HOUSEHOLDS, {"area": V1, "figure": "declined"}).status_code == 404
    own = client.get(PAGE)
    assert own.status_code == 200 and own.context["area"].code == EMPTY_TOWNSHIP
    assert [area.code for area, _ in own.context["overview_rows"]] == [EMPTY_VILLAGE]


def test_a_clerk_sees_their_village_only(client, county):
    _made, people = county
    client = as_user(client, people["clerk"])
    response = client.get(PAGE)
    assert response.context["area"].code == V1
    assert figures_of_row(response.context["overview_total"])["户数"] == 8
    assert client.get(PAGE, {"area": TOWNSHIP}).status_code == 404
    assert client.get(PAGE, {"area": V2}).status_code == 404
    assert client.get(PAGE, {"area": COUNTY}).status_code == 404


@pytest.mark.parametrize("figure", ["households", "declined", "declined2", "declined3", "grew30", "grew50",
                                    "grew100", "below_monitoring", "between_lines"])
@pytest.mark.parametrize("code", [COUNTY, TOWNSHIP, V1, V3])
def test_the_households_list_counts_what_the_figure_says(client, county, figure, code):
    _made, people = county
    client = as_user(client, people["county"])
    page = client.get(PAGE, {"area": code})
    figure_value = figures_of_row(page.context["overview_total"])[{
        "households": "户数", "declined": "下降户数", "declined2": "连续两年下降户数", "declined3": "连续三年下降户数",
        "grew30": "增幅超30%户数", "grew50": "增幅超50%户数", "grew100": "增幅超100%户数",
        "below_monitoring": "低于监测线户数", "between_lines": "监测线至关注线户数"}[figure]]
    listed = client.get(HOUSEHOLDS, {"area": code, "figure": figure})
    assert listed.status_code == 200
    assert listed.context["page"].paginator.count == figure_value


def test_an_unknown_figure_is_404(client, county):
    _made, people = county
    assert as_user(client, people["county"]).get(HOUSEHOLDS, {"area": V1, "figure": "人口"}).status_code == 404


def test_the_households_list_is_paginated_and_masked(client, county, settings):
    made, people = county
    settings.PAGE_SIZE = 3
    response = as_user(client, people["county"]).get(HOUSEHOLDS, {"area": V1, "figure": "households"})
    assert response.context["page"].paginator.num_pages == 3
    html = response.content.decode()
    member = made["fall1"].members.first()
    assert member.id_number not in html and made["fall1"].phone not in html


def workbook_of(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_the_download_matches_the_definitions_and_is_logged(client, county):
    _made, people = county
    book = workbook_of(as_user(client, people["county"]).post(DOWNLOAD))
    assert book.sheetnames == ["收入分析", "按村"]
    rows = list(book["收入分析"].iter_rows(values_only=True))
    assert list(rows[0]) == ["乡镇代码", "乡镇", *COLUMNS]
    assert [row[:2] for row in rows[1:]] == [(TOWNSHIP, "甲镇"), (EMPTY_TOWNSHIP, "乙乡"), (COUNTY, "合计")]

    def as_read(expected):  # money comes back as a number, an empty cell as None
        return [None if v is None else (float(v) if isinstance(v, Decimal) else v) for v in expected.values()]

    assert [None if v is None else v for v in rows[1][2:]] == as_read(EXPECTED_TOWNSHIP)
    assert list(rows[2][2:]) == as_read(EXPECTED_EMPTY)
    assert list(rows[3][2:]) == as_read(EXPECTED_TOWNSHIP)
    villages = list(book["按村"].iter_rows(values_only=True))
    assert list(villages[0]) == ["乡镇代码", "乡镇", "村代码", "村", *COLUMNS]
    assert [row[:4] for row in villages[1:]] == [(TOWNSHIP, "甲镇", V1, "一村"), (TOWNSHIP, "甲镇", V2, "二村"),
                                                 (TOWNSHIP, "甲镇", V3, "三村"), (EMPTY_TOWNSHIP, "乙乡", EMPTY_VILLAGE, "空村")]
    assert list(villages[1][4:]) == as_read(EXPECTED_V1)
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail["kind"] == "income_analysis" and event.actor == people["county"]


def test_a_reviewer_downloads_their_township_only(client, county):
    _made, people = county
    book = workbook_of(as_user(client, people["reviewer"]).post(DOWNLOAD))
    rows = list(book["收入分析"].iter_rows(values_only=True))
    assert [row[:2] for row in rows[1:]] == [(TOWNSHIP, "甲镇"), (TOWNSHIP, "合计")]
    assert [row[2] for row in book["按村"].iter_rows(values_only=True)][1:] == [V1, V2, V3]


def test_a_cell_that_looks_like_a_formula_stays_text(client, county):
    from households.models import Area

    _made, people = county
    Area.objects.filter(code=V2).update(name="=HYPERLINK(\"x\")")
    book = workbook_of(as_user(client, people["county"]).post(DOWNLOAD))
    cell = book["按村"]["D3"]
    assert cell.value == "=HYPERLINK(\"x\")" and cell.data_type == "s"


def test_clerks_and_inspectors_cannot_download_or_snapshot(client, county):
    _made, people = county
    for who in ("clerk", "inspector"):
        client.force_login(people[who])
        assert client.post(DOWNLOAD).status_code == 404
        assert client.post(SNAPSHOT).status_code == 404
    client.force_login(people["reviewer"])
    assert client.post(SNAPSHOT).status_code == 404
    assert not IncomeSnapshot.objects.exists()


def test_the_button_takes_a_snapshot_and_the_page_then_reads_it(client, county):
    _made, people = county
    client = as_user(client, people["county"])
    assert client.post(SNAPSHOT).status_code == 302
    assert IncomeSnapshot.objects.count() == 1 + 2 + 4  # the county, two townships, four villages
    # a household added after the snapshot changes the live figures, not the page's
    late = make_household(V1, members=1)
    make_income(late, 2025, wage=1)
    response = client.get(PAGE)
    assert "数据来自" in response.content.decode()
    assert figures_of_row(response.context["overview_rows"][0][1]) == {name: EXPECTED_TOWNSHIP[name]
                                                                     for name in COLUMNS[:12]}
    assert figures_of_row(response.context["overview_rows"][1][1]) == {name: EXPECTED_EMPTY[name]
                                                                     for name in COLUMNS[:12]}
    assert response.context["trend_chart"]["any"] is True


@pytest.mark.parametrize("code", [COUNTY, TOWNSHIP, V1])
def test_the_page_reads_a_bounded_number_of_queries(client, county, code, django_assert_max_num_queries):
    _made, people = county
    client = as_user(client, people["county"])
    with django_assert_max_num_queries(14):
        client.get(PAGE, {"area": code})
    client.post(SNAPSHOT)
    with django_assert_max_num_queries(14):
        client.get(PAGE, {"area": code})
    with django_assert_max_num_queries(14):
        client.get(HOUSEHOLDS, {"area": code, "figure": "households"})


def test_the_households_pages_hold_every_household_once(client, county, settings):
    made, people = county
    settings.PAGE_SIZE = 3
    client = as_user(client, people["county"])
    seen = []
    for number in (1, 2, 3):
        page = client.get(HOUSEHOLDS, {"area": V1, "figure": "households", "page": number}).context["page"]
        assert page.paginator.count == 8 and page.number == number
        seen += [h.number for h in page.object_list]
    assert len(seen) == len(set(seen)) == 8
    past = client.get(HOUSEHOLDS, {"area": V1, "figure": "households", "page": 9}).context["page"]
    assert past.number == 3 and len(past.object_list) == 2
    wrong = client.get(HOUSEHOLDS, {"area": V1, "figure": "households", "page": "x"}).context["page"]
    assert wrong.number == 1
    empty = client.get(HOUSEHOLDS, {"area": V2, "figure": "declined"})
    assert empty.context["page"].paginator.count == 0 and "没有符合" in empty.content.decode()
