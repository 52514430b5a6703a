import time

from django.core.management.base import BaseCommand, CommandError

from audits.ledger.workbook import ledger_write
from audits.models import Exemption, Ticket, TicketStatus
from trail.models import AuditAction
from trail.services import audit_record
from households.workbook.exporter import ExportTargetError, export_target, os_error_reason
from households.progress import progress_bar

STATUSES = {**{value: value for value in TicketStatus.values}, **{label: value for value, label in TicketStatus.choices}}


class Command(BaseCommand):
    help = "导出问题台账（问题台账、汇总两张工作表）。证件号码默认脱敏；--full-ids 导出完整号码。每次导出记入审计日志。"

    def add_arguments(self, parser):
        parser.add_argument("out", help="输出文件 .xlsx")
        parser.add_argument("--county", metavar="CODE", help="只导出该县（6位区划代码）；默认全部")
        parser.add_argument("--status", metavar="S",
                            help="只导出该状态：" + "、".join(f"{label}（{value}）" for value, label in TicketStatus.choices))
        parser.add_argument("--full-ids", action="store_true", help="导出完整证件号码（记入审计日志）")

    def handle(self, *args, out, county, status, full_ids, **options):
        try:
            path = export_target(out=out, county=county)
        except ExportTargetError as error:
            raise CommandError(str(error)) from None
        if status is not None and status not in STATUSES:
            raise CommandError(f"状态「{status}」不存在：应为 " + "、".join(TicketStatus.labels))
        tickets, exemptions = Ticket.objects.all(), Exemption.objects.all()
        if county:
            tickets = tickets.filter(village__code__startswith=county)
            exemptions = exemptions.filter(household__village__code__startswith=county)
        if status:
            tickets = tickets.filter(status=STATUSES[status])
        total = tickets.count() if options["verbosity"] else 0
        started = time.monotonic()
        try:
            rows = ledger_write(tickets=tickets, out=path, full_ids=full_ids, exemptions=exemptions,
                                progress=progress_bar(total, self.stdout, "导出"))
        except OSError as error:
            raise CommandError(f"无法写入 {path}：{os_error_reason(error)}") from None
        audit_record(
            action=AuditAction.EXPORT, username="命令行",
            subject=f"问题台账 {county or '全部'}" + ("（完整证件号码）" if full_ids else ""),
            detail={"kind": "ledger", "file": path.name, "county": county or "",
                    "status": STATUSES[status] if status else "", "full_ids": full_ids, "rows": rows},
        )
        if options["verbosity"] == 0:
            return
        ids = "完整证件号码" if full_ids else "证件号码已脱敏"
        self.stdout.write(self.style.SUCCESS(f"已导出问题台账 {rows} 条到 {path}（{ids}），用时 {time.monotonic() - started:.1f} 秒"))
