import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from monitoring_objects.models import CalendarDay
from monitoring_objects.workdays import is_estimated


def _days(text: str) -> list[datetime.date]:
    """`2027-02-06` or a range `2027-02-06..2027-02-13`."""
    try:
        first, _, last = text.partition("..")
        first = datetime.date.fromisoformat(first)
        last = datetime.date.fromisoformat(last) if last else first
    except ValueError:
        raise CommandError(f"日期“{text}”格式应为 YYYY-MM-DD 或 YYYY-MM-DD..YYYY-MM-DD") from None
    if last < first:
        raise CommandError(f"“{text}”的结束日期早于开始日期")
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


class Command(BaseCommand):
    help = ("Enter a year's holidays and make-up working days from the State Council's notice, for a year "
            "the installed chinesecalendar does not cover yet; without options, list the year's entered days.")

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--holiday", action="append", default=[], metavar="DATE[..DATE]",
                            help="a holiday (放假), or a range of them")
        parser.add_argument("--workday", action="append", default=[], metavar="DATE[..DATE]",
                            help="a make-up working day (调休上班)")
        parser.add_argument("--note", default="", help="e.g. 春节")
        parser.add_argument("--clear", action="store_true", help="remove the year's entered days first")

    def handle(self, *args, year, holiday, workday, note, clear, **options):
        entries = [(day, False) for text in holiday for day in _days(text)]
        entries += [(day, True) for text in workday for day in _days(text)]
        outside = [day for day, _ in entries if day.year != year]
        if outside:
            raise CommandError(f"{outside[0]} 不在 {year} 年")
        with transaction.atomic():
            if clear:
                removed, _ = CalendarDay.objects.filter(day__year=year).delete()
                self.stdout.write(f"已删除 {year} 年录入的 {removed} 天")
            for day, working in entries:
                CalendarDay.objects.update_or_create(day=day, defaults={"is_workday": working, "note": note[:32]})
        for entry in CalendarDay.objects.filter(day__year=year):
            self.stdout.write(f"{entry.day} {'上班' if entry.is_workday else '放假'} {entry.note}")
        source = "周一至周五估算（仅含元旦、劳动节、国庆节固定日期）" if is_estimated(datetime.date(year, 6, 1)) \
            else "已有该年安排"
        self.stdout.write(self.style.SUCCESS(f"{year} 年工作日：{source}"))
