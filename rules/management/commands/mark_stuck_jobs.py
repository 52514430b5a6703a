from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from households.workbook.services import registry_imports_mark_stuck
from rules.services import batches_mark_stuck


class Command(BaseCommand):
    help = ("Mark failed the cleansing batches and registry imports still queued or running with no "
            "progress for N minutes that no worker is running (their worker died); an import's upload "
            "is deleted. Celery beat runs this every five minutes.")

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=None,
                            help=f"how long without progress (default: STUCK_JOB_MINUTES, {settings.STUCK_JOB_MINUTES})")

    def handle(self, *args, minutes, **options):
        if minutes is not None and minutes < 0:
            raise CommandError("--minutes 不能为负数")
        older_than = None if minutes is None else timedelta(minutes=minutes)
        batches = batches_mark_stuck(older_than=older_than)
        imports = registry_imports_mark_stuck(older_than=older_than)
        self.stdout.write(f"已标记为失败：清洗批次 {len(batches)} 个{_ids(batches)}，"
                          f"登记数据导入 {len(imports)} 个{_ids(imports)}")


def _ids(ids: list[int]) -> str:
    return f"（{'、'.join(map(str, ids))}）" if ids else ""
