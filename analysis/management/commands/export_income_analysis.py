from django.core.management.base import BaseCommand, CommandError

from households.choices import AreaLevel
from households.models import Area, Household
from households.workbook.exporter import ExportTargetError, export_target, os_error_reason
from trail.models import AuditAction
from trail.services import audit_record

from analysis.income.selectors import current_year, income_analysis
from analysis.income.workbook import income_workbook_write


class Command(BaseCommand):
    help = "导出收入分析研判（收入分析、按村两张工作表），口径见 docs/analysis.md。每次导出记入审计日志。"

    def add_arguments(self, parser):
        parser.add_argument("out", help="输出文件 .xlsx")
        parser.add_argument("--county", metavar="CODE", help="县级区划代码（6位）；系统中只有一个县时可省略")
        parser.add_argument("--year", type=int, metavar="Y", help="分析年度；默认该县的当前年度")

    def handle(self, *args, out, county, year, **options):
        try:
            path = export_target(out=out, county=county)
        except ExportTargetError as error:
            raise CommandError(str(error)) from None
        if county is None:
            counties = list(Area.objects.filter(level=AreaLevel.COUNTY).values_list("code", flat=True))
            if len(counties) != 1:
                raise CommandError("系统中有多个县（或没有县）：请用 --county 指定县级区划代码")
            county = counties[0]
        year = year or current_year(county)
        if year is None:
            raise CommandError("该县尚未设置当前年度：请先用 set_parameters 设置，或用 --year 指定年度")
        analysis = income_analysis(registry=Household.objects.all(), area=Area.objects.get(code=county), year=year)
        try:
            rows = income_workbook_write(analysis=analysis, out=path)
        except OSError as error:
            raise CommandError(f"无法写入 {path}：{os_error_reason(error)}") from None
        audit_record(action=AuditAction.EXPORT, username="命令行", subject=f"收入分析研判 {county} {year}年度",
                     detail={"kind": "income_analysis", "file": path.name, "county": county, "year": year,
                             "rows": rows})
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"已导出 {county} {year} 年度收入分析研判（{rows} 行）到 {path}"))
