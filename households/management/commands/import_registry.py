import getpass
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from households.workbook import messages as msg
from households.workbook.report import default_report_path, write_error_report
from households.workbook.services import registry_import_record_command
from households.workbook.importer import registry_import
from households.workbook.safety import UnsafeWorkbook

from households.management.commands._registry_output import counts_table, issue_line, progress_reporter

PRINTED_ISSUES = 1000


class Command(BaseCommand):
    help = (
        "导入登记数据工作簿（登记数据导入模板的五个工作表）。全部校验通过才写入，一处有误则一行不写，"
        "并列出全部问题（终端和问题清单 .xlsx）。同一工作簿再次导入不会改变任何数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="登记数据工作簿 .xlsx")
        parser.add_argument("--dry-run", action="store_true", help="只校验，统计将新增、更新和不变的行数，不写入")
        parser.add_argument("--error-report", metavar="PATH",
                            help="问题清单的保存位置（默认：工作簿旁的 <文件名>_问题清单.xlsx）")

    def handle(self, *args, file, dry_run, error_report, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}：请检查路径")
        started = time.monotonic()
        progress = progress_reporter(self.stdout, "校验" if dry_run else "校验并导入")
        try:
            result = registry_import(path=path, dry_run=dry_run, progress=progress)
        except UnsafeWorkbook as refused:
            raise CommandError(refused.message) from None
        report = Path(error_report) if error_report else default_report_path(path)
        if result.errors or result.warnings:
            try:
                write_error_report(result, report)
            except OSError as error:
                raise CommandError(f"无法写入问题清单 {report}：{error.strerror or error}") from None
        registry_import_record_command(
            path=path, result=result, username=getpass.getuser(),
            county=result.counties[0] if len(result.counties) == 1 else "",
        )
        self._summary(result, report, time.monotonic() - started, options["verbosity"])
        if not result.ok:
            raise CommandError(f"{msg.IMPORT_REFUSED.format(count=result.error_count)}。问题清单：{report}")

    def _summary(self, result, report, seconds, verbosity):
        write, err = self.stdout.write, self.stderr.write
        for issue in result.errors[:PRINTED_ISSUES]:
            err("错误 " + issue_line(issue))
        if result.error_count > PRINTED_ISSUES:
            err(f"……共 {result.error_count} 个错误，完整清单见 {report}")
        if verbosity == 0:
            return
        for issue in result.warnings:
            write(self.style.WARNING("提示 " + issue_line(issue)))
        if result.ok:
            title = "校验通过（未写入，--dry-run）" if result.dry_run else "已导入"
            write(self.style.SUCCESS(title))
            for line in counts_table(result.counts, would=result.dry_run):
                write(line)
        if result.errors or result.warnings:
            write(f"问题清单：{report}")
        write(f"用时 {seconds:.1f} 秒")
