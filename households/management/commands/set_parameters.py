from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from households.county_rows import county_codes
from households.models import YearParameters

MAX_AMOUNT = Decimal("99999999.99")  # the column holds ten digits, two after the point


def amount(text: str, *, option: str, label: str) -> Decimal:
    """A non-negative yuan amount with at most two decimals, or a CommandError naming the option."""
    problem = (
        f"{label}必须是不小于0、最多两位小数的金额"
        f"（{option} must be a non-negative amount）：{text!r}"
    )
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise CommandError(problem) from None
    if (
        not value.is_finite()
        or value < 0
        or value > MAX_AMOUNT
        or value != value.quantize(Decimal("0.01"))
    ):
        raise CommandError(problem)
    return value.quantize(Decimal("0.01")).copy_abs()  # "-0" is zero


class Command(BaseCommand):
    help = "设置一个县的年度参数：监测标准、关注线，以及当前年度。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年度，如 2025")
        parser.add_argument("--monitoring-line", help="监测标准（元/人·年）；新年度必填")
        parser.add_argument("--attention-line", help="关注线（元/人·年），默认10000")
        parser.add_argument(
            "--current", action="store_true", help="设为当前年度（该县其他年度不再是当前年度）"
        )
        parser.add_argument(
            "--county", help="县级区划代码（6位）；库中只有一个县时可省略"
        )

    def handle(self, *args, year, monitoring_line, attention_line, current, county=None, **options):
        county = self._county(county)
        if not 2000 <= year <= 2100:
            raise CommandError(f"年度应在2000至2100之间（year must be 2000–2100）：{year}")
        line = (
            amount(monitoring_line, option="--monitoring-line", label="监测标准")
            if monitoring_line is not None
            else None
        )
        attention = (
            amount(attention_line, option="--attention-line", label="关注线")
            if attention_line is not None
            else None
        )

        with transaction.atomic():
            years = YearParameters.objects.filter(county=county)
            params = years.select_for_update().filter(year=year).first()
            created = params is None
            if created:
                if line is None:
                    raise CommandError(
                        f"{year}年度尚未设置，需同时给出 --monitoring-line"
                        "（a new year needs --monitoring-line）"
                    )
                params = YearParameters(county=county, year=year, monitoring_line=line)
            if line is not None:
                params.monitoring_line = line
            if attention is not None:
                params.attention_line = attention
            previous = None
            if current and not params.is_current:
                previous = list(
                    years.select_for_update()
                    .filter(is_current=True)
                    .values_list("year", flat=True)
                )
                years.filter(is_current=True).update(is_current=False)
                params.is_current = True
            changed = created or line is not None or attention is not None or previous is not None
            if changed:
                params.save()

        if options["verbosity"] == 0:
            return
        state = "新建" if created else "已更新" if changed else "未改变"
        marker = "，当前年度" if params.is_current else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{state} {county} {year} 年度参数：监测标准 {params.monitoring_line:.2f} 元/人·年，"
                f"关注线 {params.attention_line:.2f} 元/人·年{marker}"
            )
        )
        if previous:
            self.stdout.write(f"原当前年度 {'、'.join(map(str, previous))} 已不再是当前年度")

    @staticmethod
    def _county(code: str | None) -> str:
        """The county given, which must be present; without one, the only county there is."""
        known = county_codes(apps)
        if code is None:
            if len(known) == 1:
                return known[0]
            if not known:
                raise CommandError("库中还没有县级区划，请先导入行政区划或建立演示县（no county yet）")
            raise CommandError(
                f"库中有 {len(known)} 个县，请用 --county 指定县级区划代码（{'、'.join(known[:10])}"
                f"{'等' if len(known) > 10 else ''}）"
            )
        code = code.strip()
        if code not in known:
            raise CommandError(f"未知的县级区划代码（unknown county）：{code!r}")
        return code
