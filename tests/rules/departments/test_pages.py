"""部门数据 pages: the nine lists, a batch (rows and findings in scope), a source's batches, comparison."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from audits.models import TicketStatus
from households.choices import DisabilityGrade
from households.models import Member
from rules import registry
from rules.departments import selectors
from rules.models import DepartmentSource
from tests.audits.builders import make_ticket
from tests.rules.builders import id_for, make_list

pytestmark = pytest.mark.django_db

STRANGER = "110105194912310021"


def batch_url(batch, **query):
    return reverse("department_batch", args=[batch.pk]) + ("?" + "&".join(f"{k}={v}" for k, v in query.items())
                                                          if query else "")


def matched(batch):
    """As the command's import marks it: rows whose ID number some registered member has."""
    batch.records.filter(id_number__in=Member.objects.values("id_number")).update(matched=True)
    return batch


def test_the_list_shows_the_nine_sources_with_their_newest_batch(client, world):
    member = world.home.members.first()
    make_list(DepartmentSource.SUBSISTENCE, [member.id_number])
    newest = matched(make_list(DepartmentSource.SUBSISTENCE, [member.id_number, STRANGER], year=2025))
    client.force_login(world.inspector)
    response = client.get(reverse("department_list"))
    assert response.status_code == 200
    rows = {row["source"]: row for row in response.context["sources"]}
    assert list(rows) == DepartmentSource.values
    assert rows["民政-低保"]["batch"].pk == newest.pk and rows["民政-低保"]["total"] == 2
    assert (rows["民政-低保"]["batch"].matched_here, rows["民政-低保"]["batch"].unmatched_here) == (1, 1)
    assert rows["公安-死亡注销"]["batch"] is None
    page = response.content.decode()
    assert "上传部门名单" not in page  # the inspector reads only
    assert f'href="{reverse("department_source", args=["民政-低保"])}"' in page


@pytest.mark.parametrize("persona", ["clerk", "reviewer", "no_role"])
def test_other_roles_are_refused(client, world, persona):
    batch = make_list(DepartmentSource.DEATHS, [STRANGER])
    client.force_login(getattr(world, persona))
    for url in (reverse("department_list"), batch_url(batch), reverse("department_source", args=["公安-死亡注销"]),
                reverse("department_compare") + f"?a={batch.pk}&b={batch.pk}", reverse("department_upload")):
        assert client.get(url).status_code == 403, url


def test_another_countys_batch_is_not_found(client, world):
    theirs = make_list(DepartmentSource.DEATHS, [STRANGER], county="340323")
    ours = make_list(DepartmentSource.DEATHS, [STRANGER], county="230381")
    client.force_login(world.county_staff)
    assert client.get(batch_url(theirs)).status_code == 404
    assert client.get(reverse("department_compare") + f"?a={ours.pk}&b={theirs.pk}").status_code == 404
    listed = client.get(reverse("department_source", args=["公安-死亡注销"])).context["page"].object_list
    assert [batch.pk for batch in listed] == [ours.pk]
    assert client.get(reverse("department_list")).context["sources"][0]["batch"].pk == ours.pk


def test_a_shared_batch_shows_matched_rows_of_the_users_scope_only(client, world):
    ours, theirs = world.home.members.first(), world.other_county.members.first()
    batch = matched(make_list(DepartmentSource.DISABILITY, [
        (ours.id_number, {"name": ours.name, "text_value": DisabilityGrade.GRADE_2}),
        (theirs.id_number, {"name": theirs.name, "text_value": DisabilityGrade.GRADE_1}),
        (STRANGER, {"name": "无此人", "text_value": DisabilityGrade.GRADE_4}),
    ]))
    client.force_login(world.county_staff)
    response = client.get(batch_url(batch, show="matched"))
    assert [r.household_number for r in response.context["page"].object_list] == [world.home.number]
    page = response.content.decode()
    assert f'href="{reverse("household_detail", args=[world.home.number])}"' in page and "二级" in page
    assert world.other_county.number not in page and theirs.name not in page and theirs.id_number[:6] not in page
    assert ours.id_number not in page
    unmatched = client.get(batch_url(batch, show="unmatched")).content.decode()
    assert "无此人" in unmatched and STRANGER[:6] + "*" * 12 in unmatched and STRANGER not in unmatched
    assert theirs.name not in unmatched
    assert "2 行：匹配 1，未匹配 1" in page


def test_a_township_scope_would_see_only_its_households(world):
    """The selectors bound matched rows by `Member.objects.in_scope(user)`, whatever the role."""
    neighbour = world.neighbour.members.first()
    other_township = world.other_township.members.first()
    batch = matched(make_list(DepartmentSource.DEATHS, [neighbour.id_number, other_township.id_number]))
    numbers = {r.household_number for r in selectors.matched_rows(batch, world.reviewer)}
    assert numbers == {world.neighbour.number}


def test_the_batch_page_lists_the_open_findings_of_its_rules_with_a_clue_button(client, world):
    batch = make_list(DepartmentSource.LARGE_MEDICAL, [STRANGER])
    found = make_ticket(world.home, rule_id="D06", severity="warning")
    make_ticket(world.home, rule_id="D06", status=TicketStatus.CLOSED)
    make_ticket(world.home, rule_id="D07")
    make_ticket(world.other_county, rule_id="D06")
    client.force_login(world.county_staff)
    response = client.get(batch_url(batch))
    assert [t.pk for t in response.context["page"].object_list] == [found.pk]
    page = response.content.decode()
    assert f'href="/clues/from-ticket/{found.pk}/"' in page and "发起预警线索" in page
    assert f'href="{reverse("ticket_detail", args=[found.pk])}"' in page
    assert world.other_county.number not in page


def test_d04_findings_show_on_both_welfare_lists(world):
    ticket = make_ticket(world.home, rule_id="D04")
    for source in (DepartmentSource.SUBSISTENCE, DepartmentSource.EXTREME_POVERTY):
        assert list(selectors.findings(make_list(source, []), world.inspector)) == [ticket]


def test_every_d_rule_reads_a_listed_source():
    d_rules = {rule_id for rule_id in registry.CATALOG if rule_id.startswith("D")}
    assert {rule for rules in selectors.SOURCE_RULES.values() for rule in rules} == d_rules


def test_the_comparison_finds_added_removed_and_changed_ids(client, world):
    keep, rise, drop, new = (id_for(datetime.date(1970, 1, 1), n) for n in (11, 13, 15, 17))
    old = make_list(DepartmentSource.SUBSISTENCE, [
        (keep, {"name": "不变", "amount": "3600"}), (rise, {"name": "提标", "amount": "3600"}),
        (drop, {"name": "退出", "amount": "3600"}), (STRANGER, {"name": "空额"})])
    new_batch = make_list(DepartmentSource.SUBSISTENCE, [
        (keep, {"name": "不变", "amount": "3600"}), (rise, {"name": "提标", "amount": "4200"}),
        (new, {"name": "新进", "amount": "3000"}), (STRANGER, {"name": "空额"})])
    client.force_login(world.county_staff)
    url = reverse("department_compare") + f"?a={old.pk}&b={new_batch.pk}"
    response = client.get(url)
    assert response.status_code == 200
    assert {key: count for key, _label, count in response.context["tabs"]} == {"added": 1, "removed": 1, "changed": 1}
    assert [r.name for r in response.context["page"].object_list] == ["新进"]
    assert [r.name for r in client.get(url + "&show=removed").context["page"].object_list] == ["退出"]
    changed = client.get(url + "&show=changed")
    assert [(r.name, r.old_value, r.value) for r in changed.context["page"].object_list] == [
        ("提标", Decimal("3600.00"), Decimal("4200.00"))]
    page = changed.content.decode()
    assert "3,600.00 元" in page and "4,200.00 元" in page and rise not in page


def test_the_comparison_of_shared_lists_never_shows_another_countys_people(client, world):
    theirs = world.other_county.members.first()
    old = matched(make_list(DepartmentSource.EMPLOYMENT, [STRANGER]))
    new = matched(make_list(DepartmentSource.EMPLOYMENT, [STRANGER, (theirs.id_number, {"name": theirs.name})]))
    client.force_login(world.county_staff)
    response = client.get(reverse("department_compare") + f"?a={old.pk}&b={new.pk}")
    assert {key: count for key, _label, count in response.context["tabs"]} == {"added": 0, "removed": 0, "changed": 0}
    assert theirs.name not in response.content.decode()


def test_the_comparison_is_one_query_per_table_whatever_the_size(client, world, django_assert_max_num_queries):
    rows = [id_for(datetime.date(1970, 1, 1), n) for n in range(1, 400, 2)]
    old = make_list(DepartmentSource.EMPLOYMENT, [(r, {"months": 3}) for r in rows[:150]])
    new = make_list(DepartmentSource.EMPLOYMENT, [(r, {"months": 4}) for r in rows[50:]])
    client.force_login(world.county_staff)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("department_compare") + f"?a={old.pk}&b={new.pk}&show=changed")
    assert {key: count for key, _label, count in response.context["tabs"]} == {"added": 50, "removed": 50, "changed": 100}
    assert len(response.context["page"].object_list) == 50


def test_comparing_two_sources_is_refused_with_a_message(client, world):
    a = make_list(DepartmentSource.EMPLOYMENT, [])
    b = make_list(DepartmentSource.DEATHS, [])
    client.force_login(world.county_staff)
    response = client.get(reverse("department_compare") + f"?a={a.pk}&b={b.pk}", follow=True)
    assert "只能比对同一来源的两批名单" in response.content.decode()


def test_a_bad_compare_query_is_not_found(client, world):
    client.force_login(world.county_staff)
    assert client.get(reverse("department_compare") + "?a=x&b=").status_code == 404


def test_the_menu_offers_department_lists_to_county_staff_and_inspectors(client, world):
    for persona, shown in [("county_staff", True), ("inspector", True), ("clerk", False), ("reviewer", False)]:
        client.force_login(getattr(world, persona))
        labels = [item["label"] for item in client.get(reverse("home")).context["nav_items"]]
        assert ("部门数据" in labels) is shown, persona


def test_the_page_links_to_the_previous_batch_for_comparison(client, world):
    first = make_list(DepartmentSource.EMPLOYMENT, [])
    second = make_list(DepartmentSource.EMPLOYMENT, [])
    client.force_login(world.county_staff)
    page = client.get(batch_url(second)).content.decode()
    assert re.search(rf'compare/\?a={first.pk}&amp;b={second.pk}', page)
