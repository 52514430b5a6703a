from django.core.management.base import BaseCommand, CommandError

from rules.department_import import DepartmentImportError, department_import
from rules.models import DepartmentSource
from rules.services import CleansingError, shared_current_year


class Command(BaseCommand):
    help = ("Import a department's list (.xlsx or .csv) for an assessment year, matched on ID number; "
            "the newest list of a source and year is the one the D rules read.")

    def add_arguments(self, parser):
        parser.add_argument("source", help="、".join(DepartmentSource.values))
        parser.add_argument("file")
        parser.add_argument("--year", type=int, help="assessment year (default: the current year)")

    def handle(self, *args, source, file, year, **options):
        try:
            year = year or shared_current_year()
            result = department_import(source=source, path=file, year=year)
        except CleansingError as error:
            raise CommandError(str(error)) from None
        except DepartmentImportError as error:
            for row, column, value, message in error.problems[:200]:
                self.stderr.write(f"第 {row} 行 {column}“{value}”：{message}")
            if len(error.problems) > 200:
                self.stderr.write(f"……另有 {len(error.problems) - 200} 处错误")
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(
            f"已导入 {source} {year} 年度名单：{result.rows} 行，匹配 {result.matched} 行，未匹配 {len(result.unmatched)} 行"))
        for row, id_number, name in result.unmatched[:20]:
            self.stdout.write(f"  未匹配：第 {row} 行 {name} {id_number}")
        if len(result.unmatched) > 20:
            self.stdout.write(f"  ……另有 {len(result.unmatched) - 20} 行未匹配")
