import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from households.models import Area, Household
from households.progress import progress_bar
from rules import services
from rules.models import Batch, BatchRuleResult, BatchStatus


class Command(BaseCommand):
    help = ("Run a cleansing batch over a county (or a township of it): through Celery by default, "
            "in this process with --sync. Prints per rule the failing count and the new, still-open "
            "and resolved tickets.")

    def add_arguments(self, parser):
        parser.add_argument("--county", help="county (6 digits) or township (9 digits) code; default: the county with households")
        parser.add_argument("--rules", help="comma-separated rule ids, e.g. B01,I02 (default: every enabled rule)")
        parser.add_argument("--year", type=int, help="assessment year (default: the current year)")
        parser.add_argument("--sync", action="store_true", help="run in this process instead of on a Celery worker")

    def handle(self, *args, county, rules, year, sync, **options):
        area = self._area(county)
        rule_ids = [r.strip().upper() for r in rules.split(",") if r.strip()] if rules else None
        try:
            with transaction.atomic():
                batch = services.batch_create(area=area, rule_ids=rule_ids, year=year)
                if not sync:
                    services.batch_start(batch=batch)
            if sync:
                started = time.perf_counter()
                advance = progress_bar(batch.groups_total, sys.stdout, "清洗批次")
                services.batch_run_sync(batch=batch, on_group_done=advance)
            else:
                started = time.perf_counter()
                self._wait(batch)
        except services.CleansingError as error:
            raise CommandError(str(error)) from None
        self._summary(Batch.objects.get(pk=batch.pk), time.perf_counter() - started)

    def _area(self, code: str | None) -> Area:
        if code:
            area = Area.objects.filter(code=code).first()
            if area is None or area.level == "village":
                raise CommandError(f"区划代码 {code} 不是已有的县或乡镇")
            return area
        counties = sorted({village[:6] for village in Household.objects.values_list("village_id", flat=True).distinct()})
        if len(counties) != 1:
            raise CommandError("请用 --county 指定县级区划代码" + (f"（库中有 {'、'.join(counties)}）" if counties else "：库中还没有农户"))
        return Area.objects.get(code=counties[0])

    def _wait(self, batch: Batch) -> None:
        advance = progress_bar(batch.groups_total, sys.stdout, "清洗批次")
        done = 0
        while True:
            batch.refresh_from_db()
            if batch.groups_done > done:
                advance(batch.groups_done - done)
                done = batch.groups_done
            if batch.status == BatchStatus.DONE:
                return
            if batch.status == BatchStatus.FAILED:
                raise CommandError(f"批次 {batch.pk} 失败：{batch.error}")
            time.sleep(0.5)

    def _summary(self, batch: Batch, seconds: float) -> None:
        self.stdout.write(f"批次 {batch.pk}：{batch.area.name}（{batch.area_id}），{batch.year} 年度，"
                          f"{len(batch.rule_ids)} 条规则，用时 {seconds:.1f} 秒")
        self.stdout.write(f"{'规则':<6}{'不通过':>8}{'新增':>8}{'仍未处理':>8}{'系统复核通过':>8}")
        totals = [0, 0, 0, 0]
        for result in BatchRuleResult.objects.filter(batch=batch).order_by("rule_id"):
            row = [result.failing, result.new, result.still_open, result.resolved]
            totals = [a + b for a, b in zip(totals, row)]
            if any(row):
                self.stdout.write(f"{result.rule_id:<6}" + "".join(f"{n:>10}" for n in row))
        self.stdout.write(self.style.SUCCESS("合计  " + "".join(f"{n:>10}" for n in totals)))
