from django.core.management.base import BaseCommand, CommandError

from households.areas import LEVEL_NAMES, AreaFileError, import_areas
from households.choices import AreaLevel

from households.management.commands._registry_output import pad

OUTCOMES = {"created": "新增", "updated": "更新", "unchanged": "不变"}


class Command(BaseCommand):
    help = (
        "导入行政区划：CSV 文件（UTF-8，可带 BOM），表头 code,name,parent_code，"
        "县6位、乡镇9位、行政村12位，上级代码为本级代码去掉末3位（县为空），上级须在文件中或系统中已有。"
        "全部校验通过才写入，一处有误则一行不写并列出全部问题；同一文件再次导入不会改变任何数据，名称有变则更新。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="行政区划文件 .csv（code,name,parent_code）")
        parser.add_argument("--dry-run", action="store_true", help="只校验，统计将新增、更新和不变的条数，不写入")

    def handle(self, *args, file, dry_run, **options):
        try:
            result = import_areas(file, dry_run=dry_run)
        except AreaFileError as refused:
            for problem in refused.problems:
                self.stderr.write("错误 " + problem)
            raise CommandError(refused.message) from None
        if options["verbosity"] == 0:
            return
        write = self.stdout.write
        will = "将" if dry_run else ""
        title = "校验通过（未写入，--dry-run）：行政区划" if dry_run else "已导入行政区划"
        write(self.style.SUCCESS(
            f"{title} {result.total()} 条：{will}新增 {result.total('created')}，"
            f"{will}更新 {result.total('updated')}，不变 {result.total('unchanged')}"
        ))
        labels = [will + label if outcome != "unchanged" else label for outcome, label in OUTCOMES.items()]
        write(pad("级别", 8) + "".join(pad(label, 8, right=True) for label in labels))
        for level in AreaLevel.values:
            counts = result.by_level.get(level)
            if counts:
                write(pad(LEVEL_NAMES[level], 8)
                      + "".join(pad(counts[outcome], 8, right=True) for outcome in OUTCOMES))
