import datetime

from django.core.management.base import BaseCommand, CommandError

from households.choices import AreaLevel
from households.models import Area

from analysis.income.services import take_income_snapshot


def month_of(text: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise CommandError(f"月份「{text}」应写作 YYYY-MM，例如 2026-03") from None


class Command(BaseCommand):
    help = "生成收入分析研判的月度快照（县、各乡镇、各村各一行；重复运行覆盖同月快照）。"

    def add_arguments(self, parser):
        parser.add_argument("--county", metavar="CODE", help="县级区划代码（6位）；默认每个县")
        parser.add_argument("--month", metavar="YYYY-MM", help="快照所属月份；默认本月")

    def handle(self, *args, county, month, **options):
        month = month_of(month) if month else None
        counties = [county] if county else list(
            Area.objects.filter(level=AreaLevel.COUNTY).order_by("code").values_list("code", flat=True))
        if county and not Area.objects.filter(code=county, level=AreaLevel.COUNTY).exists():
            raise CommandError(f"县级区划代码「{county}」不存在")
        for code in counties:
            rows = take_income_snapshot(county=code, month=month)
            if options["verbosity"]:
                self.stdout.write(f"{code}：{rows} 行" if rows else f"{code}：未设置当前年度，跳过")
