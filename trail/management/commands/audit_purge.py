"""Delete audit-trail rows older than the retention (184 days, or more with --keep-days)."""

from django.core.management.base import BaseCommand, CommandError

from trail.models import RETENTION_DAYS
from trail.services import RetentionError, audit_purge


class Command(BaseCommand):
    help = f"删除超过保存期限的审计日志和设置变更记录（至少保存 {RETENTION_DAYS} 天）"

    def add_arguments(self, parser):
        parser.add_argument("--keep-days", type=int, default=RETENTION_DAYS,
                            help=f"保存天数，不少于 {RETENTION_DAYS}（默认 {RETENTION_DAYS}）")

    def handle(self, *args, keep_days: int, **options):
        try:
            deleted = audit_purge(keep_days=keep_days)
        except RetentionError as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(f"已删除审计日志 {deleted['events']} 条、设置变更记录 {deleted['setting_changes']} 条"
                          f"（保留最近 {keep_days} 天）。")
