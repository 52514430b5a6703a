"""信息采集对照表: a village's households as the registry holds them now, for the clerk to carry
door to door and write the verified values beside them.

One block per household: the household's information and living conditions, every member,
the income of the assessment year, this year's assistance measures and the open tickets,
each with an empty 核实情况 column. The page prints on A4, a household of up to 8 members per page; the
workbook has the same content in three sheets. ID numbers and phones are masked.

Both read one village at a time with a fixed number of queries (households, then members,
incomes, measures and open tickets prefetched), whatever the village's size.
"""

from dataclasses import dataclass

from django.db.models import Prefetch
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from households.choices import MemberStatus
from households.workbook.writing import header_row, sheet_cell
from households.id_numbers import mask, mask_phone
from households.models import TRANSFER_PARTS, AnnualIncome, AssistanceMeasure, Household, Member, YearParameters

from audits.models import Ticket

INCOME_ROWS = (
    "wage", "public_welfare_income", "operating_income", "operating_expense", "property_income",
    "transfer_total", *TRANSFER_PARTS, "medical_expense", "education_expense",
)


@dataclass(frozen=True)
class IncomeRow:
    label: str
    amount: object  # Decimal, or None without an income record or an empty cell
    is_transfer_part: bool


@dataclass
class HouseholdBlock:
    household: Household
    members: list[Member]
    income: AnnualIncome | None
    measures: list[AssistanceMeasure]
    tickets: list[Ticket]

    @property
    def head(self) -> Member | None:
        return next((m for m in self.members if m.relationship == "head" and m.is_active), None)

    @property
    def size(self) -> int:
        """Members with status 正常 (households.expressions.active_member_count)."""
        return self.household.size

    @property
    def per_capita(self):
        """人均纯收入 of the year (households.expressions.per_capita); None without an income or members."""
        return self.income.per_capita if self.income is not None else None

    def income_rows(self) -> list[IncomeRow]:
        """The year's income items, the six parts of 转移性收入 among them; amounts None without a record."""
        return [IncomeRow(str(AnnualIncome._meta.get_field(name).verbose_name),
                          getattr(self.income, name) if self.income else None, name in TRANSFER_PARTS)
                for name in INCOME_ROWS]


def village_blocks(*, user, village_code: str, year: int | None) -> list[HouseholdBlock]:
    """The active households of one village in `user`'s scope, in number order."""
    members = Member.objects.exclude(status=MemberStatus.DECEASED).order_by("pk")
    if year is not None:
        members = members.with_age(year)
    households = (
        Household.objects.in_scope(user).active().filter(village_id=village_code).with_size()
        .select_related("village", "village__parent")
        .prefetch_related(
            Prefetch("members", queryset=members, to_attr="sheet_members"),
            Prefetch("incomes", queryset=AnnualIncome.objects.with_per_capita().filter(year=year or 0),
                     to_attr="sheet_incomes"),
            Prefetch("measures", queryset=AssistanceMeasure.objects.filter(year=year or 0).order_by("pk"),
                     to_attr="sheet_measures"),
            Prefetch("tickets", queryset=Ticket.objects.unclosed().select_related("member")
                     .order_by("rule_id", "pk"), to_attr="sheet_tickets"),
        )
        .order_by("number")
    )
    return [
        HouseholdBlock(household=h, members=h.sheet_members, income=next(iter(h.sheet_incomes), None),
                       measures=h.sheet_measures, tickets=h.sheet_tickets)
        for h in households
    ]


def current_year(county: str | None) -> int | None:
    """The current year of `county` (the collection sheet's village's county)."""
    current = YearParameters.current(county)
    return current.year if current else None


MEMBER_COLUMNS = [
    ("户编号", 20), ("户主", 10), ("成员姓名", 10), ("证件号码", 21), ("性别", 6), ("出生日期", 12),
    ("与户主关系", 10), ("健康状况", 12), ("残疾等级", 9), ("劳动技能", 14), ("务工状况", 13),
    ("务工时间(月)", 8), ("在校生状况", 10), ("人员状态", 8), ("核实情况", 30),
]
HOUSEHOLD_COLUMNS = [
    ("户编号", 20), ("户主", 10), ("地址", 30), ("联系电话", 14), ("户类型", 10), ("监测对象类别", 14),
    ("住房安全有保障", 8), ("饮水安全有保障", 8), ("家庭人口", 8),
    *[(str(AnnualIncome._meta.get_field(name).verbose_name), 12) for name in INCOME_ROWS],
    ("纯收入", 12), ("人均纯收入", 12), ("帮扶措施", 30), ("核实情况", 30),
]
TICKET_COLUMNS = [("户编号", 20), ("户主", 10), ("规则编号", 9), ("问题描述", 50), ("状态", 11), ("核实情况", 30)]


def _yes_no(value) -> str:
    return {True: "是", False: "否"}.get(value, "未采集")


def _sheet(workbook, title: str, columns):
    sheet = workbook.create_sheet(title)
    for index, (_header, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header_row(sheet, [header for header, _width in columns])
    return sheet


def _append(sheet, values) -> None:
    sheet.append([sheet_cell(sheet, value) for value in values])


def collection_sheet_write(*, blocks: list[HouseholdBlock], out) -> None:
    """The 信息采集对照表 workbook of `blocks` (one village), written in write-only mode to `out`."""
    workbook = Workbook(write_only=True)
    households = _sheet(workbook, "户信息及收入", HOUSEHOLD_COLUMNS)
    members = _sheet(workbook, "家庭成员", MEMBER_COLUMNS)
    tickets = _sheet(workbook, "待核实问题", TICKET_COLUMNS)
    for block in blocks:
        household = block.household
        head_name = block.head.name if block.head else ""
        _append(households, [
            household.number, head_name, household.address, mask_phone(household.phone),
            household.get_household_type_display(), household.get_monitoring_type_display(),
            _yes_no(household.housing_safe), _yes_no(household.water_safe), block.size,
            *[row.amount for row in block.income_rows()],
            block.income.net if block.income else None, block.per_capita,
            "；".join(f"{m.get_measure_type_display()} {m.content}".strip() for m in block.measures), "",
        ])
        for member in block.members:
            _append(members, [
                household.number, head_name, member.name, mask(member.id_number), member.get_gender_display(),
                member.birth_date, member.get_relationship_display(), member.get_health_display(),
                member.get_disability_grade_display(), member.get_labour_ability_display(),
                member.get_employment_display(), member.months_worked, member.get_student_status_display(),
                member.get_status_display(), "",
            ])
        for ticket in block.tickets:
            _append(tickets, [household.number, head_name, ticket.rule_id, ticket.message,
                              ticket.get_status_display(), ""])
    workbook.save(out)

