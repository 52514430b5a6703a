"""The problem ledger workbook (operations.md) and the export_ledger command, read back with openpyxl."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from audits import services as ticket_services
from audits.ledger.workbook import HEADERS, LEDGER_SHEET, SUMMARY_SHEET, ledger_number, ledger_write
from audits.models import Severity, Ticket, TicketStatus
from trail.models import AuditAction, AuditEvent
from households.id_numbers import mask
from tests.audits.builders import make_ticket

REQUIRED_HEADERS = ["台账编号", "规则编号", "规则名称", "严重程度", "乡镇", "村", "户编号", "户主姓名", "成员姓名",
                    "证件号码", "问题描述", "状态", "当前层级", "发现时间", "截止日期", "是否超期", "处理结果", "销号时间"]


def export(tickets=None, *, full_ids=False):
    out = io.BytesIO()
    ledger_write(tickets=tickets if tickets is not None else Ticket.objects.all(), out=out, full_ids=full_ids)
    out.seek(0)
    return load_workbook(out)


def rows_by_number(workbook) -> dict[str, dict]:
    sheet = workbook[LEDGER_SHEET]
    values = list(sheet.iter_rows(values_only=True))
    headers = values[0]
    return {row[0]: dict(zip(headers, row, strict=True)) for row in values[1:]}


def head(household):
    return household.members.order_by("pk").first()


def test_it_writes_the_ledger_and_summary_sheets_with_the_headers_of_operations_md(world):
    make_ticket(world.home)
    workbook = export()
    assert workbook.sheetnames == [LEDGER_SHEET, SUMMARY_SHEET]
    sheet = workbook[LEDGER_SHEET]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:len(REQUIRED_HEADERS)] == REQUIRED_HEADERS
    assert headers == HEADERS
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:S2"
    assert sheet.column_dimensions["K"].width == 40
    assert sheet["A1"].font.bold


def test_a_ticket_row_carries_its_household_rule_and_status(world):
    ticket = make_ticket(world.home, rule_id="B05")
    row = rows_by_number(export())[ledger_number(ticket)]
    assert row["规则编号"] == "B05"
    assert row["规则名称"]
    assert row["严重程度"] == "错误"
    assert row["村"] == "金湾村"
    assert row["乡镇"] == world.home.village.parent.name
    assert row["户编号"] == world.home.number
    assert row["户主姓名"] == head(world.home).name
    assert row["状态"] == "待核实"
    assert row["当前层级"] == "村级"
    assert row["是否超期"] == "否"
    assert isinstance(row["发现时间"], datetime.datetime)
    assert row["截止日期"] == datetime.datetime.combine(ticket.due_on, datetime.time())


def test_a_closed_ticket_has_its_closing_time_as_a_date_and_its_history(world):
    ticket = make_ticket(world.home)
    ticket_services.ticket_transition(ticket_id=ticket.pk, user=world.clerk, action="explain", comment="入户核实无误")
    ticket_services.ticket_transition(ticket_id=ticket.pk, user=world.reviewer, action="approve")
    ticket_services.ticket_transition(ticket_id=ticket.pk, user=world.county_staff, action="approve")
    ticket.refresh_from_db()
    row = rows_by_number(export())[ledger_number(ticket)]
    assert row["状态"] == "已销号"
    assert row["当前层级"] == "已办结"
    assert row["处理结果"] == "核实无误"
    closed = row["销号时间"]
    assert isinstance(closed, datetime.datetime)
    local = ticket.closed_at.astimezone(datetime.timezone(datetime.timedelta(hours=8)))
    assert (closed.date(), closed.hour, closed.minute) == (local.date(), local.hour, local.minute)
    assert "待核实→待乡镇审核：入户核实无误" in row["办理记录"]
    assert "待县级终审→已销号" in row["办理记录"]


def test_an_overdue_ticket_says_so(world):
    ticket = make_ticket(world.home, due_in_days=-1)
    assert rows_by_number(export())[ledger_number(ticket)]["是否超期"] == "是"


@pytest.mark.parametrize("text", ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "\n=1"])
def test_text_a_spreadsheet_would_run_as_a_formula_is_kept_exactly_and_quote_prefixed(world, text):
    ticket = make_ticket(world.home)
    Ticket.objects.filter(pk=ticket.pk).update(message=text)
    workbook = export()
    cell = next(row[10] for row in workbook[LEDGER_SHEET].iter_rows(min_row=2) if row[0].value == ledger_number(ticket))
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)


def test_a_member_name_starting_with_equals_is_kept_exactly_and_quote_prefixed(world):
    member = head(world.home)
    member.name = "=HYPERLINK(1)"
    member.save()
    ticket = make_ticket(world.home, member=member, member_key=member.pk)
    workbook = export()
    row = next(row for row in workbook[LEDGER_SHEET].iter_rows(min_row=2) if row[0].value == ledger_number(ticket))
    for cell in (row[HEADERS.index("成员姓名")], row[HEADERS.index("户主姓名")]):
        assert (cell.value, cell.data_type, cell.quotePrefix) == ("=HYPERLINK(1)", "s", True)


def test_ordinary_text_is_not_quote_prefixed(world):
    ticket = make_ticket(world.home)
    Ticket.objects.filter(pk=ticket.pk).update(message="金湾村 1+1")
    row = next(row for row in export()[LEDGER_SHEET].iter_rows(min_row=2) if row[0].value == ledger_number(ticket))
    assert (row[10].value, row[10].quotePrefix) == ("金湾村 1+1", False)


def test_id_numbers_are_masked_unless_full_ids_are_asked_for(world):
    member = head(world.home)
    household_ticket = make_ticket(world.home)
    member_ticket = make_ticket(world.neighbour, rule_id="M04", member=head(world.neighbour),
                                member_key=head(world.neighbour).pk)
    masked = rows_by_number(export())
    assert masked[ledger_number(household_ticket)]["证件号码"] == mask(member.id_number)
    assert masked[ledger_number(member_ticket)]["证件号码"] == mask(head(world.neighbour).id_number)
    assert member.id_number not in str(masked)
    full = rows_by_number(export(full_ids=True))
    assert full[ledger_number(household_ticket)]["证件号码"] == member.id_number
    assert full[ledger_number(member_ticket)]["成员姓名"] == head(world.neighbour).name


def test_the_summary_counts_tickets_by_township_and_status_and_by_rule(world):
    make_ticket(world.home, rule_id="B05")
    make_ticket(world.neighbour, rule_id="B05", status=TicketStatus.CLOSED)
    make_ticket(world.neighbour, rule_id="B06", severity=Severity.WARNING, status=TicketStatus.RETURNED,
                due_in_days=-2)
    make_ticket(world.other_township, rule_id="B06", severity=Severity.WARNING)
    rows = [list(row) for row in export()[SUMMARY_SHEET].iter_rows(values_only=True)]
    header = rows[1]
    assert header == ["乡镇代码", "乡镇", "待核实", "待乡镇审核", "待县级终审", "已退回", "已销号", "合计", "其中超期"]
    by_code = {row[0]: row for row in rows if row and row[0] and str(row[0]).isdigit()}
    assert by_code["230381100"][2:9] == [1, 0, 0, 1, 1, 3, 1]
    assert by_code["230381101"][2:9] == [1, 0, 0, 0, 0, 1, 0]
    total = next(row for row in rows if len(row) > 1 and row[1] == "合计")
    assert total[2:9] == [2, 0, 0, 1, 1, 4, 1]
    by_rule = {row[0]: row for row in rows if row and row[0] in ("B05", "B06")}
    assert by_rule["B05"][2:8] == [1, 0, 0, 0, 1, 2]
    assert by_rule["B06"][2:8] == [1, 0, 0, 1, 0, 2]


def test_the_query_count_does_not_grow_with_the_tickets(world):
    make_ticket(world.home)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            ledger_write(tickets=Ticket.objects.all(), out=io.BytesIO(), full_ids=False)
        return len(captured)

    few = queries()
    for rule_id in ("B01", "B02", "B03", "B04", "B06", "B07", "B08", "B09"):
        for household in world.households:
            make_ticket(household, rule_id=rule_id)
    assert Ticket.objects.count() == 33
    assert queries() == few


# --- the command -------------------------------------------------------------------------


def run(*args) -> str:
    out = io.StringIO()
    call_command("export_ledger", *args, stdout=out)
    return out.getvalue()


def test_the_command_exports_a_county_and_logs_it(world, tmp_path):
    mine = make_ticket(world.home)
    make_ticket(world.other_county)
    path = tmp_path / "ledger.xlsx"
    output = run(str(path), "--county", "230381")
    assert "已导出问题台账 1 条" in output
    assert "证件号码已脱敏" in output
    assert list(rows_by_number(load_workbook(path))) == [ledger_number(mine)]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail == {"kind": "ledger", "file": "ledger.xlsx", "county": "230381", "status": "",
                            "full_ids": False, "rows": 1}


def test_the_command_filters_by_status_and_logs_full_ids(world, tmp_path):
    make_ticket(world.home)
    closed = make_ticket(world.neighbour, status=TicketStatus.CLOSED)
    path = tmp_path / "closed.xlsx"
    output = run(str(path), "--status", "已销号", "--full-ids")
    assert "完整证件号码" in output
    rows = rows_by_number(load_workbook(path))
    assert list(rows) == [ledger_number(closed)]
    assert rows[ledger_number(closed)]["证件号码"] == head(world.neighbour).id_number
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail["full_ids"] is True and event.detail["status"] == "closed"
    assert "完整证件号码" in event.subject


@pytest.mark.parametrize("args, message", [
    (["--status", "已完成"], "状态「已完成」不存在"),
    (["--county", "999999"], "县级区划代码「999999」不存在"),
])
def test_the_command_refuses_bad_input_in_one_line(world, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        run(str(tmp_path / "x.xlsx"), *args)
    assert not AuditEvent.objects.exists()


def test_the_command_refuses_a_file_that_is_not_xlsx(world, tmp_path):
    with pytest.raises(CommandError, match=r"\.xlsx"):
        run(str(tmp_path / "x.csv"))


def history_summary(events) -> str:
    """`11-20 张伟 待核实→待乡镇审核：说明；…`: every step, oldest first, in one line (Beijing dates)."""
    labels = dict(TicketStatus.choices)
    steps = []
    for event in events:
        who = event.actor.display_name if event.actor else "系统"
        moved = f"{labels.get(event.from_status, '')}→{labels.get(event.to_status, '')}"
        step = f"{timezone.localtime(event.at):%Y-%m-%d} {who} {moved}".replace("  ", " ")
        steps.append(f"{step}：{event.comment}" if event.comment else step)
    return "；".join(steps)


def test_the_history_the_database_assembles_is_the_one_history_summary_states(world):
    """办理记录 comes from SQL (string_agg / group_concat); it must read as the Python rule says."""
    from audits.models import TicketEvent

    ticket = make_ticket(world.home)
    TicketEvent.objects.create(ticket=ticket, from_status="", to_status=TicketStatus.PENDING_VILLAGE, comment="")
    ticket_services.ticket_transition(ticket_id=ticket.pk, user=world.clerk, action="explain", comment="=入户核实；无误")
    ticket_services.ticket_transition(ticket_id=ticket.pk, user=world.reviewer, action="return", comment="补充材料")
    world.clerk.first_name, world.clerk.last_name = "张", "伟"
    world.clerk.save()
    quiet = make_ticket(world.neighbour)
    row = rows_by_number(export())
    for each in (ticket, quiet):
        expected = history_summary(each.events.select_related("actor").order_by("at", "pk"))
        assert (row[ledger_number(each)]["办理记录"] or "") == expected
    assert "张 伟" in row[ledger_number(ticket)]["办理记录"]
    assert row[ledger_number(ticket)]["办理记录"].startswith(history_summary([ticket.events.order_by("at", "pk")[0]]))
