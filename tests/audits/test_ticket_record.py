"""The ticket page's 当前记录: the record as it is now, the fields the rule reads highlighted."""

import datetime
import re

import pytest
from django.urls import reverse

from audits.record import fix_link, rule_fields, ticket_record
from households.choices import Employment
from tests.audits.builders import make_ticket
from tests.builders import make_income, make_member


def highlighted(html: str) -> list[str]:
    return re.findall(r'<dt class="rule-reads">([^<]+)</dt>', html)


def test_the_fields_are_those_the_rule_declares_it_reads():
    assert rule_fields("A02").household == {"water_safe"}
    assert rule_fields("B06").household == {"phone"}
    income = rule_fields("I03")  # two years of decline: this year, last year and the year before
    assert set(income.income) == {0, 1, 2} and "wage" in income.income[0] and income.members
    assert rule_fields("I10").income == {0: {"public_welfare_income"}}
    assert rule_fields("M06").member == {"employment", "months_worked"}
    assert rule_fields("B01").member == {"id_number"}
    assert rule_fields("nonexistent").household == set()


def test_the_fix_goes_to_the_form_that_holds_the_fields(world):
    income = make_ticket(world.home, rule_id="I01")
    assert fix_link(income)[0] == reverse("household_income_new", args=[world.home.number]) \
        + f"?year=2025&ticket={income.pk}"
    water = make_ticket(world.home, rule_id="A02")
    assert fix_link(water)[0] == reverse("household_change_new", args=[world.home.number]) + f"?ticket={water.pk}"
    risk = make_ticket(world.home, rule_id="R05")  # monitoring fields: not on a clerk's form
    assert fix_link(risk)[0] == reverse("household_detail", args=[world.home.number])


def test_the_page_highlights_the_household_fields_the_rule_reads(client, world):
    ticket = make_ticket(world.home, rule_id="A02")
    client.force_login(world.clerk)
    html = client.get(reverse("ticket_detail", args=[ticket.pk])).content.decode()
    assert highlighted(html) == ["饮水安全有保障"]


def test_the_page_shows_the_incomes_of_the_years_the_rule_reads(client, world):
    make_income(world.home, 2025, wage="9000")
    make_income(world.home, 2024, wage="12000")
    ticket = make_ticket(world.home, rule_id="I02")
    client.force_login(world.clerk)
    html = client.get(reverse("ticket_detail", args=[ticket.pk])).content.decode()
    assert 'data-testid="record-income-2025"' in html and 'data-testid="record-income-2024"' in html
    assert "9000" in html and "12000" in html
    assert "工资性收入" in highlighted(html) and "家庭人口（正常状态成员）" in highlighted(html)


def test_a_member_rule_shows_the_member_with_the_id_masked(client, world):
    member = world.home.members.first()
    ticket = make_ticket(world.home, rule_id="B01", member=member, member_key=member.pk)
    record = ticket_record(ticket)
    assert [line.label for line in record.member if line.read] == ["证件号码"]
    client.force_login(world.clerk)
    html = client.get(reverse("ticket_detail", args=[ticket.pk])).content.decode()
    assert member.id_number not in html


def test_the_page_reads_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    for year in (2022, 2023, 2024, 2025):
        make_income(world.home, year, wage="9000")
    for _ in range(6):
        make_member(world.home)
    ticket = make_ticket(world.home, rule_id="I04")
    client.force_login(world.clerk)
    client.get(reverse("ticket_detail", args=[ticket.pk]))  # warm the rule's columns
    with django_assert_max_num_queries(11):
        response = client.get(reverse("ticket_detail", args=[ticket.pk]))
    assert response.status_code == 200


def members_section(html: str) -> str:
    return html.split('data-testid="record-members"', 1)[1].split('data-testid="record-household"', 1)[0]


def test_an_i08_ticket_highlights_every_members_employment_and_months_worked(client, world):
    worker = make_member(world.home, name="王务工", employment=Employment.IN_COUNTY, months_worked=6)
    ticket = make_ticket(world.home, rule_id="I08")
    record = ticket_record(ticket)
    assert [line.label for name, lines in record.members if name == worker.name for line in lines] == \
        ["务工状况", "务工时间(月)"]
    client.force_login(world.clerk)
    html = members_section(client.get(reverse("ticket_detail", args=[ticket.pk])).content.decode())
    assert "王务工" in html and highlighted(html).count("务工状况") == world.home.members.count()


def test_an_i09_ticket_highlights_every_members_birth_date(client, world):
    make_member(world.home, name="李老人", born=datetime.date(1950, 3, 1))
    ticket = make_ticket(world.home, rule_id="I09")
    client.force_login(world.clerk)
    html = members_section(client.get(reverse("ticket_detail", args=[ticket.pk])).content.decode())
    assert "李老人" in html and "1950年3月1日" in html
    assert set(highlighted(html)) == {"出生日期"}


def test_a_household_rule_reading_no_member_field_lists_no_members(world):
    assert ticket_record(make_ticket(world.home, rule_id="A02")).members == []


@pytest.mark.parametrize("rule_id", ["B05", "I04", "M06", "R03", "D04"])
def test_every_kind_of_rule_draws_a_record(world, rule_id):
    member = world.home.members.first()
    record = ticket_record(make_ticket(world.home, rule_id=rule_id, member=member, member_key=member.pk))
    assert record.household and record.fix_url
