from django.core.management.base import BaseCommand

from analysis.assessment import selectors, services
from analysis.assessment.commands import county_argument, month_argument


class Command(BaseCommand):
    help = "计算数据质量月考评：每个乡镇一个得分，重复运行只更新同一月份的得分。默认上个月（本月则按此刻计算）。"

    def add_arguments(self, parser):
        parser.add_argument("--county", metavar="CODE", help="县级区划代码（6位）；系统中只有一个县时可省略")
        parser.add_argument("--month", metavar="YYYY-MM", help="考评月份；默认上个月")

    def handle(self, *args, county, month, **options):
        county = county_argument(county)
        month = month_argument(month, default=selectors.last_month())
        count = services.compute_assessment(county=county, month=month)
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"已计算 {county} {month:%Y-%m} 月考评：{count} 个乡镇"))
