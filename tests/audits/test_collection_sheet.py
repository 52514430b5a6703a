"""信息采集对照表: one block per household of one village, printable and as a workbook; masked, logged, scoped."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from audits.models import TicketStatus
from trail.models import AuditAction, AuditEvent
from households.choices import MemberStatus
from households.id_numbers import mask
from tests.audits.builders import make_ticket
from tests.builders import make_household, make_income, make_member
from tests.conftest import VILLAGE_A1, VILLAGE_A2, VILLAGE_B1

URL = reverse("collection_sheet")
DOWNLOAD = reverse("collection_sheet_download")


def as_user(client, user):
    client.force_login(user)
    return client


def blocks_of(response) -> list[str]:
    return [block.household.number for block in response.context["blocks"]]


def workbook_of(response):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_a_clerk_gets_their_own_village_without_choosing(client, world):
    response = as_user(client, world.clerk).get(URL)
    assert blocks_of(response) == [world.home.number]


def test_a_clerk_asking_for_another_village_gets_404(client, world):
    assert as_user(client, world.clerk).get(URL, {"village": VILLAGE_A2}).status_code == 404
    assert as_user(client, world.clerk).post(DOWNLOAD, {"village": VILLAGE_A2}).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_township_reviewer_chooses_among_their_villages_only(client, world):
    client = as_user(client, world.reviewer)
    page = client.get(URL)
    codes = [code for code, _label in page.context["form"].fields["village"].choices]
    assert codes == ["", VILLAGE_A1, VILLAGE_A2]
    assert page.context["blocks"] == []
    assert blocks_of(client.get(URL, {"village": VILLAGE_A2})) == [world.neighbour.number]
    assert client.get(URL, {"village": VILLAGE_B1}).status_code == 404


@pytest.mark.parametrize("persona", ["county_staff", "inspector"])
def test_county_users_read_any_village_of_their_county(client, world, persona):
    client = as_user(client, getattr(world, persona))
    assert blocks_of(client.get(URL, {"village": VILLAGE_B1})) == [world.other_township.number]
    assert client.get(URL, {"village": world.other_county.village_id}).status_code == 404


def test_users_without_a_role_get_404_and_anonymous_users_log_in(client, world):
    assert client.get(URL).status_code == 302
    assert as_user(client, world.no_role).get(URL).status_code == 404


def test_removed_households_are_left_out_and_deceased_members_too(client, world):
    removed = make_household(VILLAGE_A1, removed_on="2025-03-01", removal_reason="extinct")
    deceased = world.home.members.order_by("pk").last()
    deceased.status = MemberStatus.DECEASED
    deceased.save()
    response = as_user(client, world.clerk).get(URL)
    assert removed.number not in blocks_of(response)
    [block] = response.context["blocks"]
    assert deceased.pk not in [member.pk for member in block.members]


def test_each_block_shows_masked_ids_and_phone_the_income_and_the_open_tickets(client, world):
    make_income(world.home, 2025, wage="12000", operating_expense="500")
    open_ticket = make_ticket(world.home, rule_id="B05")
    closed = make_ticket(world.home, rule_id="B06", status=TicketStatus.CLOSED)
    head = world.home.members.order_by("pk").first()

    html = as_user(client, world.clerk).get(URL).content.decode()

    assert mask(head.id_number) in html and head.id_number not in html
    assert world.home.phone not in html and "138****8000" in html
    assert "11,500.00" in html  # net income of 2025
    assert open_ticket.message in html and closed.message not in html
    assert "核实情况" in html


def test_the_per_capita_income_is_the_registrys_over_the_active_members(client, world):
    household = make_household(VILLAGE_A1, members=3)
    make_member(household, status=MemberStatus.DECEASED)
    make_income(household, 2025, wage="3001")
    client = as_user(client, world.clerk)

    [block] = [b for b in client.get(URL).context["blocks"] if b.household == household]
    assert block.size == 3
    assert block.per_capita.quantize(Decimal("0.01")) == Decimal("1000.33")
    assert "1,000.33" in client.get(URL).content.decode()
    rows = list(workbook_of(client.post(DOWNLOAD, {}))["户信息及收入"].iter_rows(values_only=True))
    row = next(dict(zip(rows[0], r, strict=True)) for r in rows[1:] if r[0] == household.number)
    assert (row["家庭人口"], round(row["人均纯收入"], 2)) == (3, 1000.33)


def test_the_page_reads_a_village_in_the_same_number_of_queries_whatever_its_size(client, world):
    client = as_user(client, world.clerk)
    client.get(URL)  # the session's first request writes it
    with CaptureQueriesContext(connection) as one_household:
        client.get(URL)
    for _ in range(12):
        household = make_household(VILLAGE_A1, members=3)
        make_income(household, 2025, wage="9000")
        make_ticket(household)
    with CaptureQueriesContext(connection) as thirteen:
        response = client.get(URL)
    assert len(response.context["blocks"]) == 13
    assert len(thirteen) == len(one_household) <= 16


def test_printing_and_downloading_are_logged_as_exports(client, world):
    client = as_user(client, world.reviewer)
    client.get(URL, {"village": VILLAGE_A1})
    workbook_of(client.post(DOWNLOAD, {"village": VILLAGE_A1}))
    events = AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=world.reviewer).order_by("pk")
    assert [(e.detail["kind"], e.detail["format"], e.detail["village"]) for e in events] == [
        ("collection_sheet", "打印", VILLAGE_A1), ("collection_sheet", "Excel", VILLAGE_A1),
    ]


def test_the_download_is_a_post(client, world):
    assert as_user(client, world.clerk).get(DOWNLOAD).status_code == 405


def test_the_workbook_has_households_members_and_tickets_masked_and_neutralised(client, world):
    make_income(world.home, 2025, wage="12000")
    world.home.address = "=HYPERLINK(\"http://evil\")"
    world.home.save()
    make_ticket(world.home, rule_id="B05")
    head = world.home.members.order_by("pk").first()

    workbook = workbook_of(as_user(client, world.clerk).post(DOWNLOAD, {}))

    assert workbook.sheetnames == ["户信息及收入", "家庭成员", "待核实问题"]
    households = list(workbook["户信息及收入"].iter_rows(values_only=True))
    row = dict(zip(households[0], households[1], strict=True))
    assert row["户编号"] == world.home.number
    assert row["地址"] == "=HYPERLINK(\"http://evil\")"
    address = workbook["户信息及收入"].cell(row=2, column=households[0].index("地址") + 1)
    assert (address.data_type, address.quotePrefix) == ("s", True)
    assert row["联系电话"] == "138****8000"
    assert row["纯收入"] == 12000
    members = list(workbook["家庭成员"].iter_rows(values_only=True))
    assert len(members) == 1 + 3
    assert members[1][members[0].index("证件号码")] == mask(head.id_number)
    tickets = list(workbook["待核实问题"].iter_rows(values_only=True))
    assert [r[2] for r in tickets[1:]] == ["B05"]


def test_a_child_born_after_the_reference_date_is_under_one_on_the_sheet(client, world):
    import datetime

    from tests.builders import make_member

    make_member(world.home, name="新生儿", born=datetime.date(2025, 10, 8))
    response = as_user(client, world.clerk).get(URL)
    [block] = response.context["blocks"]
    assert [m.age for m in block.members if m.name == "新生儿"] == [0]
    page = response.content.decode()
    assert "未满1岁" in page.split("新生儿")[1].split("</tr>")[0]


TRANSFER_PARTS = {"计划生育金": "960", "低保金": "2400", "特困供养金": "120", "养老金或离退休金": "1980",
                  "生态补偿金": "400", "其他转移性收入": "600"}


def transfer_income_of_every_part(household):
    make_income(household, 2025, transfer_total="6460", family_planning="960", subsistence="2400",
                extreme_poverty_support="120", pension="1980", eco_compensation="400", other_transfer="600")


def test_the_page_shows_all_six_parts_of_the_transfer_income(client, world):
    transfer_income_of_every_part(world.home)
    [block] = as_user(client, world.clerk).get(URL).context["blocks"]
    parts = {row.label: row.amount for row in block.income_rows() if row.is_transfer_part}
    assert {label: str(amount) for label, amount in parts.items()} == {
        label: f"{amount}.00" for label, amount in TRANSFER_PARTS.items()}
    html = as_user(client, world.clerk).get(URL).content.decode()
    for label, amount in TRANSFER_PARTS.items():
        assert f'<span class="visually-hidden">其中 </span>{label}</th><td class="text-end">{int(amount):,}.00</td>' in html


def test_the_workbook_shows_all_six_parts_of_the_transfer_income(client, world):
    transfer_income_of_every_part(world.home)
    workbook = workbook_of(as_user(client, world.clerk).post(DOWNLOAD, {}))
    header, row = list(workbook["户信息及收入"].iter_rows(values_only=True))
    values = dict(zip(header, row, strict=True))
    assert {label: values[label] for label in TRANSFER_PARTS} == {
        label: int(amount) for label, amount in TRANSFER_PARTS.items()}
    assert header.index("转移性收入") < header.index("计划生育金") < header.index("其他转移性收入") < header.index("纯收入")


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "\n=1"])
def test_an_address_a_spreadsheet_would_run_is_kept_exactly_and_quote_prefixed(client, world, text):
    world.home.address = text
    world.home.save()
    workbook = workbook_of(as_user(client, world.clerk).post(DOWNLOAD, {}))
    sheet = workbook["户信息及收入"]
    headers = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=headers.index("地址") + 1)
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    assert sheet.cell(row=2, column=headers.index("户编号") + 1).quotePrefix is False
