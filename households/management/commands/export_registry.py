import time

from django.core.management.base import BaseCommand, CommandError

from trail.models import AuditAction
from trail.services import audit_record
from households.workbook.exporter import ExportTargetError, export_target, os_error_reason, registry_export

from households.management.commands._registry_output import pad, progress_reporter


class Command(BaseCommand):
    help = "导出登记数据，格式与登记数据导入模板相同（可原样导入）。含完整证件号码和电话，导出记入审计日志。"

    def add_arguments(self, parser):
        parser.add_argument("out", help="输出文件 .xlsx")
        parser.add_argument("--county", metavar="CODE", help="只导出该县（6位区划代码）；默认全部")

    def handle(self, *args, out, county, **options):
        try:
            path = export_target(out=out, county=county)
        except ExportTargetError as error:
            raise CommandError(str(error)) from None
        started = time.monotonic()
        try:
            counts = registry_export(out=path, county=county, progress=progress_reporter(self.stdout, "导出"))
        except OSError as error:
            raise CommandError(f"无法写入 {path}：{os_error_reason(error)}") from None
        audit_record(
            action=AuditAction.EXPORT, username="命令行", subject=f"登记数据 {county or '全部'}",
            detail={"file": path.name, "county": county or "", "rows": counts},
        )
        if options["verbosity"] == 0:
            return
        self.stdout.write(self.style.SUCCESS(f"已导出到 {path}"))
        for sheet, rows in counts.items():
            self.stdout.write(f"{pad(sheet, 10)}{pad(rows, 10, right=True)} 行")
        self.stdout.write(f"用时 {time.monotonic() - started:.1f} 秒")
