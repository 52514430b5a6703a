from django.core.management.base import BaseCommand, CommandError

from households.workbook.exporter import ExportTargetError, export_target, os_error_reason
from trail.models import AuditAction
from trail.services import audit_record

from analysis.assessment import selectors, services
from analysis.assessment.commands import county_argument, month_argument
from analysis.assessment.models import AssessmentScore
from analysis.assessment.workbook import assessment_write


class Command(BaseCommand):
    help = ("导出数据质量月考评（工作表「月考评」：排名、乡镇、户数、得分和每项扣分，表下注明计算方法）。"
            "默认最近一次计算的月份；该月尚未计算时先计算。每次导出记入审计日志。")

    def add_arguments(self, parser):
        parser.add_argument("out", help="输出文件 .xlsx")
        parser.add_argument("--county", metavar="CODE", help="县级区划代码（6位）；系统中只有一个县时可省略")
        parser.add_argument("--month", metavar="YYYY-MM", help="考评月份；默认最近一次计算的月份")

    def handle(self, *args, out, county, month, **options):
        county = county_argument(county)
        try:
            path = export_target(out=out, county=county)
        except ExportTargetError as error:
            raise CommandError(str(error)) from None
        scored = selectors.months_scored(county, limit=1)
        month = month_argument(month, default=scored[0] if scored else selectors.last_month())
        if not AssessmentScore.objects.filter(county=county, month=month).exists():
            services.compute_assessment(county=county, month=month)
        try:
            rows = assessment_write(county=county, month=month, out=path)
        except OSError as error:
            raise CommandError(f"无法写入 {path}：{os_error_reason(error)}") from None
        audit_record(action=AuditAction.EXPORT, username="命令行", county=county,
                     subject=f"数据质量月考评 {county} {month:%Y-%m}",
                     detail={"kind": "assessment", "file": path.name, "county": county,
                             "month": f"{month:%Y-%m}", "rows": rows})
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"已导出 {county} {month:%Y-%m} 月考评 {rows} 个乡镇到 {path}"))
