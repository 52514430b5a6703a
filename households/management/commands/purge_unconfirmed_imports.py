"""Delete the workbooks of registry uploads never confirmed within 24 hours."""

from django.core.management.base import BaseCommand

from households.workbook.services import UNCONFIRMED_HOURS, registry_import_expire_unconfirmed


class Command(BaseCommand):
    help = f"删除上传后 {UNCONFIRMED_HOURS} 小时内未确认导入的登记数据工作簿"

    def handle(self, *args, **options):
        count = registry_import_expire_unconfirmed()
        self.stdout.write(f"已删除未确认导入的工作簿 {count} 个。")
