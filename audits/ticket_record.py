"""The record a ticket is about, as it is now, with the fields its rule reads marked.

A rule's condition is a Q over the columns of the rules engine's household or member base
(net0, housing_safe, id_valid, …). Which columns it reads is found by building the
condition once with stand-in parameters and walking the expression; the columns are then
mapped to the fields a clerk sees and can change (年度收入 of the ticket's year, 户基本信息, the
member's fields). Nothing in rules/ is changed for this.
"""

import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Lookup, Q
from django.urls import reverse

from households.changes.fields import HOUSEHOLD_INFO_FIELDS
from households.changes.models import PENDING, ChangeRequest
from households.choices import MemberStatus
from households.id_numbers import mask, mask_phone
from households.models import AnnualIncome, Household, Member
from rules import registry
from rules.registry import Parameters

from audits.models import Ticket, TicketEvidence

# The net income is computed from these (a net-income rule highlights them all).
NET_INCOME_FIELDS = ("wage", "public_welfare_income", "operating_income", "operating_expense",
                     "property_income", "transfer_total")
TRANSFER_PARTS = ("family_planning", "subsistence", "extreme_poverty_support", "pension", "eco_compensation",
                  "other_transfer")
# engine column (its trailing year digit removed) → AnnualIncome fields
INCOME_COLUMNS = {
    "net": NET_INCOME_FIELDS, "wage": ("wage",), "welfare_income": ("public_welfare_income",),
    "transfer": ("transfer_total",), "transfer_parts": TRANSFER_PARTS, "property": ("property_income",),
    "pension": ("pension",), "subsistence": ("subsistence",), "extreme_support": ("extreme_poverty_support",),
}
HOUSEHOLD_COLUMNS = {
    "phone", "latitude", "longitude", "helper_name", "household_type", "monitoring_type", "risk_status",
    "housing_safe", "water_safe", "included_on", "eliminated_on", "risk_types",
}
# Columns about the household's members as a whole: the 家庭人口 line.
MEMBERS_COLUMNS = {"size", "head_count", "head_age", "household_heads"}
MEMBER_COLUMNS = {
    "id_valid": "id_number", "duplicated": "id_number", "id_sequence_odd": "id_number", "id_day": "id_number",
    "id_month": "id_number", "id_year": "id_number", "gender": "gender", "birth_date": "birth_date",
    "age": "birth_date", "relationship": "relationship", "student_status": "student_status",
    "education": "education", "labour_ability": "labour_ability", "employment": "employment",
    "months_worked": "months_worked", "medical_insurance": "medical_insurance",
}
# Always shown, so the clerk sees who and what the record is.
HOUSEHOLD_SHOWN = ("household_type", "monitoring_type", "risk_status", "phone", "housing_safe", "water_safe")
MEMBER_SHOWN = ("name", "id_number", "relationship", "gender", "birth_date", "student_status", "education",
                "labour_ability", "employment", "months_worked", "medical_insurance")


class _AnyValue(dict):
    def __missing__(self, key):
        return Decimal("0.5")


_STAND_IN = Parameters(year=2000, monitoring_line=Decimal("7000"), attention_line=Decimal("10000"),
                       values=_AnyValue(), department_batches={})


def _columns(node, found: set) -> set:
    if isinstance(node, Q):
        for child in node.children:
            _columns(child, found)
    elif isinstance(node, tuple):
        found.add(node[0].split("__")[0])
        _columns(node[1], found)
    elif isinstance(node, F):
        found.add(node.name.split("__")[0])
    elif isinstance(node, Lookup):  # its right side may be an F, which it counts as a plain value
        _columns(node.lhs, found)
        _columns(node.rhs, found)
    elif hasattr(node, "get_source_expressions"):
        for expression in node.get_source_expressions():
            _columns(expression, found)
    return found


@functools.cache
def rule_columns(rule_id: str) -> frozenset[str]:
    """The engine columns the rule's condition reads (empty for an unknown rule)."""
    try:
        rule = registry.get(rule_id)
    except KeyError:
        return frozenset()
    return frozenset(_columns(rule.condition(_STAND_IN), set()) - {"pk"})


@dataclass
class RuleFields:
    household: set = field(default_factory=set)
    members: bool = False
    income: dict = field(default_factory=dict)  # years back (0 = the ticket's year) → set of fields
    member: set = field(default_factory=set)


def rule_fields(rule_id: str) -> RuleFields:
    """The fields a clerk sees that the rule reads."""
    fields = RuleFields()
    for column in rule_columns(rule_id):
        match = re.fullmatch(r"(.+?)(\d)", column)
        if match and match[1] in INCOME_COLUMNS:
            fields.income.setdefault(int(match[2]), set()).update(INCOME_COLUMNS[match[1]])
        elif match and match[1] == "has":  # whether the year has an income row: the year is shown
            fields.income.setdefault(int(match[2]), set())
        elif column in HOUSEHOLD_COLUMNS:
            fields.household.add(column)
        elif column in MEMBERS_COLUMNS:
            fields.members = True
        elif column in MEMBER_COLUMNS:
            fields.member.add(MEMBER_COLUMNS[column])
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
    if fields.members:
        lines.append(Line("家庭人口（正常状态成员）", household.members.filter(status=MemberStatus.NORMAL).count(), True))
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
                        for name in MEMBER_SHOWN]
    fix_url, fix_label = fix_link(ticket, fields)
    return Record(household=lines, incomes=incomes, member=member_lines, fix_url=fix_url, fix_label=fix_label)


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
