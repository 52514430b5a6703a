import time

from django.core.management.base import BaseCommand, CommandError

from demo.county import (
    DEFECT_LABELS,
    DEMO_PASSWORD,
    DemoError,
    build_demo_county,
    create_demo_accounts,
)
from households.models import YearParameters
from households.progress import progress_bar
from demo.department_lists import build_demo_department_lists
from demo.procedure import build_demo_procedure


class Command(BaseCommand):
    help = (
        "建立演示县：四个样例县的行政区划、行政村、户、成员、四年收入、帮扶措施、"
        "少量问题数据和各角色演示账号。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=1500, help="户数（默认1500）")
        parser.add_argument(
            "--seed", type=int, default=1, help="随机种子，相同种子生成相同数据（默认1）"
        )
        parser.add_argument("--county", default="360732", help="县级区划代码（默认360732 兴国县）")
        parser.add_argument("--replace", action="store_true", help="先删除该县已有的户再重建")

    def handle(self, *args, households, seed, county, replace, **options):
        if households < 1:
            raise CommandError("--households 必须至少为1")
        started = time.monotonic()
        advance = progress_bar(households, self.stdout, "生成户数据")
        try:
            counts = build_demo_county(
                county_code=county,
                households=households,
                seed=seed,
                replace=replace,
                progress=advance,
            )
            accounts = create_demo_accounts(county)
            lists = build_demo_department_lists(county_code=county, year=YearParameters.current(county).year,
                                                 seed=seed)
            procedure = build_demo_procedure(county_code=county, seed=seed)
        except DemoError as error:
            raise CommandError(str(error)) from error
        elapsed = time.monotonic() - started

        if options["verbosity"] == 0:
            return
        write = self.stdout.write
        if counts["replaced"]:
            write(f"已删除原有 {counts['replaced']} 户")
        write(
            self.style.SUCCESS(
                f"已建立演示县 {counts['county']}（{county}）：乡镇 {counts['townships']} 个，"
                f"行政村 {counts['villages']} 个"
            )
        )
        write(
            f"户 {counts['households']}（脱贫户 {counts['alleviated']}，"
            f"监测对象 {counts['monitored']}，"
            f"其中风险未消除 {counts['unresolved']}），成员 {counts['members']}，"
            f"年度收入 {counts['incomes']} 条，帮扶措施 {counts['measures']} 条"
        )
        planted = {code: n for code, n in counts["defects"].items() if n}
        write(f"埋设的问题数据（供数据清洗规则发现）共 {sum(planted.values())} 处：")
        for code, n in planted.items():
            write(f"  {code} {DEFECT_LABELS[code]}：{n}")
        write(f"预警线索 {procedure['clues']} 条，办理中的识别纳入申请 {procedure['applications']} 份")
        write(f"部门比对名单 {len(lists)} 份，共 {sum(lists.values())} 行")
        write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, role, area in accounts:
            write(f"  {username:<10} {role}  {area}")
        write(f"用时 {elapsed:.1f} 秒")
