"""The registry export: the import's shape, so export → import changes nothing and export is repeatable."""

import datetime

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from trail.models import AuditAction, AuditEvent
from households.workbook import messages as msg
from households.choices import (
    EliminationMethod,
    IdentificationSource,
    MeasureType,
    MemberStatus,
    MonitoringType,
    RiskStatus,
    RiskType,
)
from households.workbook.exporter import registry_export, write_template
from households.workbook.importer import registry_import
from households.models import (
    AnnualIncome,
    AssistanceMeasure,
    Household,
    ImportSource,
    Member,
    RegistryImport,
)
from households.workbook.template import SHEETS
from tests.builders import make_household, make_income, make_member
from tests.conftest import VILLAGE_A1, VILLAGE_A2
from tests.households.workbook.workbooks import sheet_values, write_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(world):
    """The world, with what real registries hold: monitoring, incomes, measures, odd text."""
    monitored = make_household(
        VILLAGE_A2, members=0, monitoring_type=MonitoringType.MARGINAL, risk_status=RiskStatus.UNRESOLVED,
        included_on=datetime.date(2024, 3, 1), risk_types=[RiskType.DISASTER, RiskType.ILLNESS],
        longitude="132.123456", latitude="45.654321", address="=HYPERLINK(\"http://x\")", natural_village="#N/A",
    )
    make_member(monitored, name="=1+1", id_number="11010519491231002X", months_worked=12)
    make_member(monitored, name="无证件", id_number="", status=MemberStatus.DECEASED, months_worked=None)
    make_income(monitored, 2024, wage="12000.5", transfer_total="0", medical_expense="3000.25")
    make_income(world.home, 2025, wage="800")
    for _ in range(2):  # two identical measures: both must survive the round trip
        AssistanceMeasure.objects.create(household=monitored, year=2025, measure_type=MeasureType.HOUSING, content="危房改造")
    AssistanceMeasure.objects.create(household=world.home, year=2024, measure_type=MeasureType.OTHER, content="")
    return world


def test_export_then_import_changes_nothing(registry, tmp_path):
    out = tmp_path / "registry.xlsx"
    registry_export(out=out)
    result = registry_import(path=out)
    assert result.ok, result.errors
    assert result.changes == 0
    assert result.counts["帮扶措施"].unchanged == 3 and result.counts["家庭成员"].unchanged == 11


def without_member_numbers(values: dict) -> dict:
    """The sheets without 成员编号 (the last column of 家庭成员): a new database numbers its members anew."""
    assert values["家庭成员"][0][-1] == "成员编号"
    return {**values, "家庭成员": [row[:-1] for row in values["家庭成员"]]}


def test_export_import_export_gives_identical_sheets_but_the_member_numbers(registry, tmp_path):
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    registry_export(out=first)
    Household.objects.all().delete()   # an empty registry (areas stay: they are referenced by users)
    result = registry_import(path=first)
    assert result.ok and result.counts["户信息"].created == 5 and result.counts["家庭成员"].created == 11
    assert [w.message for w in result.warnings] == [msg.MEMBER_NO_IGNORED + "（共 11 处，第一处见此行）"]
    registry_export(out=second)
    assert without_member_numbers(sheet_values(first)) == without_member_numbers(sheet_values(second))
    assert list(sheet_values(first)) == [spec.name for spec in SHEETS]
    again = registry_import(path=second)
    assert again.ok and again.changes == 0 and not again.warnings


def test_two_exports_of_the_same_registry_are_identical(registry, tmp_path):
    registry_export(out=tmp_path / "a.xlsx")
    registry_export(out=tmp_path / "b.xlsx")
    assert sheet_values(tmp_path / "a.xlsx") == sheet_values(tmp_path / "b.xlsx")


def test_text_that_looks_like_a_formula_stays_text(registry, tmp_path):
    out = tmp_path / "registry.xlsx"
    registry_export(out=out)
    workbook = openpyxl.load_workbook(out)
    cells = [cell for row in workbook["家庭成员"].iter_rows() for cell in row if cell.value == "=1+1"]
    assert cells and all(cell.data_type == "s" for cell in cells)
    households = [cell for row in workbook["户信息"].iter_rows() for cell in row]
    assert {c.data_type for c in households if c.value in ("#N/A", '=HYPERLINK("http://x")')} == {"s"}


def test_the_export_is_limited_to_a_county_and_to_active_households(registry, tmp_path):
    removed = make_household(VILLAGE_A1, removed_on=datetime.date(2025, 1, 1))
    registry_export(out=tmp_path / "county.xlsx", county="230381")
    values = sheet_values(tmp_path / "county.xlsx")
    numbers = {row[0] for row in values["户信息"][1:]}
    assert registry.home.number in numbers and registry.other_county.number not in numbers
    assert removed.number not in numbers
    assert all(row[0].startswith("230381") for row in values["区划"][1:])
    assert all(row[0] in numbers for row in values["家庭成员"][1:] + values["年度收入"][1:])


def test_the_export_respects_a_users_scope(registry, tmp_path):
    registry_export(out=tmp_path / "clerk.xlsx", user=registry.clerk)
    numbers = {row[0] for row in sheet_values(tmp_path / "clerk.xlsx")["户信息"][1:]}
    assert numbers == {registry.home.number}


def test_export_registry_command_writes_logs_and_refuses_bad_input(registry, tmp_path, capsys):
    out = tmp_path / "out.xlsx"
    call_command("export_registry", str(out), "--county", "230381")
    assert "已导出到" in capsys.readouterr().out and out.exists()
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail["county"] == "230381" and event.detail["rows"]["户信息"] == 4
    with pytest.raises(CommandError, match="县级区划代码「999999」不存在"):
        call_command("export_registry", str(out), "--county", "999999")
    with pytest.raises(CommandError, match=r"应以 \.xlsx 结尾"):
        call_command("export_registry", str(tmp_path / "out.csv"))
    with pytest.raises(CommandError, match="不存在：请先建立目录"):
        call_command("export_registry", str(tmp_path / "nowhere" / "out.xlsx"))


def test_import_registry_command_dry_run_prints_the_counts(tmp_path, capsys, db):
    path = write_workbook(tmp_path / "a.xlsx")
    call_command("import_registry", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "校验通过（未写入，--dry-run）" in out and "将新增" in out
    assert Household.objects.count() == 0
    record = RegistryImport.objects.get()
    assert (record.source, record.dry_run, record.county, record.status) == (ImportSource.COMMAND, True, "230381", "valid")
    call_command("import_registry", str(path))
    assert "已导入" in capsys.readouterr().out and Household.objects.count() == 2


def test_import_registry_command_refuses_a_wrong_workbook_with_a_report(tmp_path, capsys, db):
    from tests.households.workbook.test_import import WRONG, wrong_rows

    path = write_workbook(tmp_path / "wrong.xlsx", wrong_rows(), drop_sheets=("帮扶措施",))
    with pytest.raises(CommandError) as refused:
        call_command("import_registry", str(path))
    report = tmp_path / "wrong_问题清单.xlsx"
    assert str(refused.value) == f"{msg.IMPORT_REFUSED.format(count=len(WRONG))}。问题清单：{report}"
    assert report.exists() and Household.objects.count() == 0
    err = capsys.readouterr().err
    assert all(message in err for *_, message in WRONG)
    elsewhere = tmp_path / "report.xlsx"
    with pytest.raises(CommandError):
        call_command("import_registry", str(path), "--dry-run", "--error-report", str(elsewhere))
    assert elsewhere.exists()


def test_import_registry_command_refuses_what_is_not_a_workbook(tmp_path, db):
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_registry", str(tmp_path / "missing.xlsx"))
    fake = tmp_path / "fake.xlsx"
    fake.write_text("户编号,村代码\n")
    with pytest.raises(CommandError) as refused:
        call_command("import_registry", str(fake))
    assert str(refused.value) == msg.NOT_XLSX


def test_member_and_income_values_survive_the_round_trip(registry, tmp_path):
    before = (list(Member.objects.order_by("household__number", "pk").values_list(
        "household__number", "name", "id_number", "id_valid", "status", "months_worked", "birth_date")),
        list(AnnualIncome.objects.order_by("household__number", "year").values_list("household__number", "year", "wage",
                                                                                  "medical_expense")),
        list(Household.objects.order_by("number").values_list("number", "risk_types", "longitude", "address")))
    registry_export(out=tmp_path / "a.xlsx")
    Household.objects.all().delete()
    registry_import(path=tmp_path / "a.xlsx")
    after = (list(Member.objects.order_by("household__number", "pk").values_list(
        "household__number", "name", "id_number", "id_valid", "status", "months_worked", "birth_date")),
        list(AnnualIncome.objects.order_by("household__number", "year").values_list("household__number", "year", "wage",
                                                                                 "medical_expense")),
        list(Household.objects.order_by("number").values_list("number", "risk_types", "longitude", "address")))
    assert after == before


# The 户信息 columns in the order of the template's table (import-template.md).
HOUSEHOLD_HEADERS = [
    "户编号", "村代码", "自然村", "地址", "户类型", "脱贫年度", "监测对象类别", "风险状态", "纳入监测日期",
    "风险消除日期", "风险类型", "识别来源", "风险消除方式", "联系电话", "住房安全有保障", "饮水安全有保障", "经度",
    "纬度", "帮扶责任人", "帮扶责任人电话", "帮扶责任人单位",
]
LIFECYCLE = ("number", "monitoring_type", "risk_status", "included_on", "eliminated_on", "risk_types",
             "identification_source", "elimination_method")


def test_the_export_and_the_template_carry_the_source_and_method_in_the_templates_order(registry, tmp_path):
    registry_export(out=tmp_path / "registry.xlsx")
    assert sheet_values(tmp_path / "registry.xlsx")["户信息"][0] == tuple(HOUSEHOLD_HEADERS)
    write_template(tmp_path / "template.xlsx")
    assert sheet_values(tmp_path / "template.xlsx")["户信息"] == [tuple(HOUSEHOLD_HEADERS)]


def test_the_monitoring_lifecycle_survives_export_then_import_into_an_empty_registry(registry, tmp_path, capsys):
    Household.objects.filter(pk=registry.home.pk).update(
        monitoring_type=MonitoringType.UNSTABLE, risk_status=RiskStatus.ELIMINATED,
        included_on=datetime.date(2022, 4, 1), eliminated_on=datetime.date(2023, 2, 28),
        risk_types=[RiskType.SCHOOLING], identification_source=IdentificationSource.CADRE_SCREENING,
        elimination_method=EliminationMethod.ASSISTED)
    Household.objects.filter(monitoring_type=MonitoringType.MARGINAL).update(
        identification_source=IdentificationSource.SYSTEM_WARNING)
    before = list(Household.objects.order_by("number").values_list(*LIFECYCLE))
    out = tmp_path / "registry.xlsx"
    call_command("export_registry", str(out))   # the commands use the same code as the pages
    row = next(r for r in sheet_values(out)["户信息"] if r[0] == registry.home.number)
    assert row[HOUSEHOLD_HEADERS.index("识别来源")] == "基层干部排查"
    assert row[HOUSEHOLD_HEADERS.index("风险消除方式")] == "帮扶消除"
    Household.objects.all().delete()

    call_command("import_registry", str(out))

    assert "已导入" in capsys.readouterr().out
    assert list(Household.objects.order_by("number").values_list(*LIFECYCLE)) == before
    assert {h[6] for h in before} >= {IdentificationSource.CADRE_SCREENING, IdentificationSource.SYSTEM_WARNING}


FORMULA_LIKE = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "\n=1"]


def _cells(path, sheet_name: str, header: str) -> list:
    sheet = openpyxl.load_workbook(path)[sheet_name]
    column = [cell.value for cell in sheet[1]].index(header) + 1
    return [sheet.cell(row=row, column=column) for row in range(2, sheet.max_row + 1)]


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_a_name_or_address_a_spreadsheet_would_run_is_exported_exactly_and_quote_prefixed(world, tmp_path, text):
    member = world.home.members.order_by("pk").first()
    Member.objects.filter(pk=member.pk).update(name=text + "张")
    Household.objects.filter(pk=world.home.pk).update(address=text + "金湾村")
    out = tmp_path / "registry.xlsx"
    registry_export(out=out, user=world.clerk)
    [name] = [c for c in _cells(out, "家庭成员", "姓名") if c.value == text + "张"]
    [address] = [c for c in _cells(out, "户信息", "地址") if c.value == text + "金湾村"]
    for cell in (name, address):
        assert (cell.data_type, cell.quotePrefix) == ("s", True)
    others = [c for c in _cells(out, "家庭成员", "姓名") if c.value != text + "张"]
    assert others and not any(c.quotePrefix for c in others)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "#N/A"])
def test_formula_looking_text_round_trips_exactly_through_export_and_import(world, tmp_path, text):
    """What the registry can hold (the importer and the forms trim surrounding white space,
    so no stored value starts with a tab, CR or LF) imports back unchanged."""
    member = world.home.members.order_by("pk").first()
    Member.objects.filter(pk=member.pk).update(name=text + "张")
    Household.objects.filter(pk=world.home.pk).update(address=text, natural_village=text + "组")
    out = tmp_path / "registry.xlsx"
    registry_export(out=out)
    result = registry_import(path=out)
    assert result.ok, result.errors
    assert result.changes == 0
    Household.objects.all().delete()
    assert registry_import(path=out).ok
    household = Household.objects.get(number=world.home.number)
    assert (household.address, household.natural_village) == (text, text + "组")
    assert household.members.filter(name=text + "张").exists()
