"""The record a ticket is about, as it is now, with the fields its rule reads marked.

Which fields a rule reads is what the rules app registered for it (`audits.rule_facts`,
each rule's `reads=`): the household's fields, the member's, the income records of the
ticket's year and the years before, the household's members as a whole. A household rule that
reads member fields (I08's months worked, I09's birth dates) shows every active member with
those fields marked.
"""

import re
from dataclasses import dataclass, field

from django.urls import reverse

from households.changes.fields import HOUSEHOLD_INFO_FIELDS
from households.changes.models import PENDING, ChangeRequest
from households.choices import MemberStatus
from households.id_numbers import mask, mask_phone
from households.models import TRANSFER_PARTS, AnnualIncome, Household, Member

from audits import rule_facts
from audits.models import Ticket, TicketEvidence

# An income year shows its net income's fields (in the form's order) and the transfer's parts.
NET_INCOME_FIELDS = ("wage", "public_welfare_income", "operating_income", "operating_expense", "property_income",
                     "transfer_total")
# Always shown, so the clerk sees who and what the record is.
HOUSEHOLD_SHOWN = ("household_type", "monitoring_type", "risk_status", "phone", "housing_safe", "water_safe")
MEMBER_SHOWN = ("name", "id_number", "relationship", "gender", "birth_date", "student_status", "education",
                "labour_ability", "employment", "months_worked", "medical_insurance")


@dataclass
class RuleFields:
    household: set = field(default_factory=set)
    members: bool = False
    income: dict = field(default_factory=dict)  # years back (0 = the ticket's year) → set of fields
    member: set = field(default_factory=set)


def rule_fields(rule_id: str) -> RuleFields:
    """The fields a clerk sees that the rule reads (none for a rule no longer in the catalog)."""
    fields = RuleFields()
    facts = rule_facts.facts_of(rule_id)
    for name in sorted(facts.reads) if facts else ():
        prefix, _, field_name = name.partition(".")
        income = re.fullmatch(r"income(\d)", prefix)
        if income:  # the year's record is shown; its named field is marked
            read = fields.income.setdefault(int(income[1]), set())
            if field_name:
                read.add(field_name)
        elif prefix == "household":
            fields.household.add(field_name)
        elif prefix == "member":
            fields.member.add(field_name)
        elif name == "members":
            fields.members = True
    return fields


@dataclass
class Line:
    label: str
    value: object
    read: bool  # the rule reads it: highlighted


@dataclass
class Record:
    household: list[Line]
    incomes: list[tuple[int, list[Line]]]  # (year, lines), newest first
    member: list[Line]
    members: list[tuple[str, list[Line]]]  # a household rule reading member fields: (name, lines) per member
    fix_url: str
    fix_label: str


def _display(instance, name: str):
    value = getattr(instance, name)
    if name == "phone":
        return mask_phone(value) if value else "—"
    if name == "id_number":
        return mask(value) if value else "—"
    display = getattr(instance, f"get_{name}_display", None)
    if display is not None and value not in (None, ""):
        return display()
    if isinstance(value, bool):
        return "是" if value else "否"
    return "—" if value in (None, "") else value


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def ticket_record(ticket) -> Record:
    """The ticket's record now (ticket with household and member selected): one query for incomes,
    one for the household size when the rule reads it."""
    fields = rule_fields(ticket.rule_id)
    household = ticket.household
    shown = list(HOUSEHOLD_SHOWN) + sorted(fields.household - set(HOUSEHOLD_SHOWN))
    lines = [Line(_label(Household, name), _display(household, name), name in fields.household) for name in shown]
    active = household.members.filter(status=MemberStatus.NORMAL)
    members, size = [], None
    if ticket.member is None and fields.member:  # a household rule reading its members' fields
        people = list(active.order_by("pk"))
        read = [name for name in MEMBER_SHOWN if name in fields.member] + sorted(fields.member - set(MEMBER_SHOWN))
        members = [(person.name, [Line(_label(Member, name), _display(person, name), True) for name in read])
                   for person in people]
        size = len(people)
    if fields.members:
        lines.append(Line("家庭人口（正常状态成员）", active.count() if size is None else size, True))
    incomes = []
    if fields.income:
        years = {ticket.year - back: read for back, read in fields.income.items()}
        by_year = {row.year: row for row in AnnualIncome.objects.filter(household=household, year__in=years)}
        for year in sorted(years, reverse=True):
            row = by_year.get(year)
            incomes.append((year, [
                Line(_label(AnnualIncome, name), _display(row, name) if row else "—", name in years[year])
                for name in NET_INCOME_FIELDS + TRANSFER_PARTS
            ]))
    member_lines = []
    if ticket.member is not None:
        member_lines = [Line(_label(Member, name), _display(ticket.member, name), name in fields.member)
                        for name in MEMBER_SHOWN + tuple(sorted(fields.member - set(MEMBER_SHOWN)))]
    fix_url, fix_label = fix_link(ticket, fields)
    return Record(household=lines, incomes=incomes, member=member_lines, members=members, fix_url=fix_url,
                  fix_label=fix_label)


def fix_link(ticket, fields: RuleFields | None = None) -> tuple[str, str]:
    """Where a clerk fixes the data (with ?ticket= so the change request is linked): the member's
    form for a member's ticket, the income form of the ticket's year, the household info form,
    or the household page."""
    fields = fields or rule_fields(ticket.rule_id)
    number = ticket.household.number
    if ticket.member_id and ticket.member and ticket.member.is_active:
        return (reverse("member_change_new", args=[number, ticket.member_id]) + f"?ticket={ticket.pk}",
                f"修改成员 {ticket.member.name} 的信息")
    if fields.income:
        return (reverse("household_income_new", args=[number]) + f"?year={ticket.year}&ticket={ticket.pk}",
                f"修改 {ticket.year} 年度收入")
    if fields.household & set(HOUSEHOLD_INFO_FIELDS):
        return reverse("household_change_new", args=[number]) + f"?ticket={ticket.pk}", "修改户基本信息"
    return reverse("household_detail", args=[number]), "到农户信息页修改"



def pending_changes(*, user, ticket) -> list:
    """The ticket household's change requests awaiting review, that 已整改 may link."""
    return list(ChangeRequest.objects.in_scope(user).filter(household_id=ticket.household_id, status__in=PENDING)
                .order_by("-submitted_at", "-pk")[:20])


def ticket_evidence(*, user, pk: int, evidence_id: int):
    """One evidence file of a ticket in `user`'s scope; raises TicketEvidence.DoesNotExist."""
    return TicketEvidence.objects.get(pk=evidence_id, ticket__in=Ticket.objects.in_scope(user).filter(pk=pk))
