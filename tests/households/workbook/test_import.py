"""The registry import: a real-world workbook imports; a wrong one is refused whole, every problem listed."""

import datetime
from decimal import Decimal

import pytest

from households.workbook import sheets as import_sheets
from households.workbook import messages as msg
from households.choices import (
    EliminationMethod,
    HouseholdType,
    IdentificationSource,
    MonitoringType,
    Relationship,
    RiskStatus,
    RiskType,
)
from households.workbook.report import REPORT_HEADERS, default_report_path, write_error_report
from households.workbook.importer import registry_import
from households.models import AnnualIncome, Area, AssistanceMeasure, Household, Member
from tests.builders import make_household
from tests.conftest import OTHER_COUNTY_VILLAGE
from tests.households.workbook.workbooks import (
    COUNTY,
    SPECS,
    NEW_VILLAGE,
    VILLAGE,
    member_id,
    sample_rows,
    sheet_values,
    write_workbook,
)

pytestmark = pytest.mark.django_db
MODELS = (Area, Household, Member, AnnualIncome, AssistanceMeasure)


def table_sizes() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


def problems(result) -> set[tuple]:
    return {(issue.sheet, issue.row, issue.column, issue.message) for issue in result.errors}


def test_a_workbook_written_by_someone_else_imports(tmp_path):
    rows = sample_rows()
    first, second = rows["户信息"]
    first.update(household_no=" H0001 ", included_on="2023-05-06", risk_types="因病，因学", phone=" 13800138000")
    second["natural_village"] = "\u3000三组 "
    head = rows["家庭成员"][0]
    rows["家庭成员"][1]["id_number"] = 230381100901222    # an old 15-digit ID in a number cell: no digit lost
    head["birth_date"] = "1970/3/4"                      # a date as text …
    rows["家庭成员"][1]["birth_date"] = datetime.datetime(2010, 9, 1)  # … and as an Excel date
    rows["年度收入"][0]["wage"] = "１８，０００"            # full-width digits in an amount
    rows["年度收入"][0]["operating_income"] = "5200.50元"
    shuffled = {name: list(reversed([c for c in row])) for name, row in
                (("户信息", first), ("家庭成员", head), ("年度收入", rows["年度收入"][0]))}
    path = write_workbook(
        tmp_path / "县里发来的.xlsx", rows, order=shuffled, extra={"户信息": {"备注": "核实过"}},
        trailing_empty_rows=3,
    )

    result = registry_import(path=path)

    assert result.ok and result.written, result.errors
    assert {name: (c.rows, c.created) for name, c in result.counts.items()} == {
        "区划": (5, 5), "户信息": (2, 2), "家庭成员": (3, 3), "年度收入": (3, 3), "帮扶措施": (3, 3)}
    warnings = {issue.message.split("（共")[0] for issue in result.warnings}
    assert msg.EXTRA_COLUMN.format(column="备注") in warnings
    assert msg.STORED_AS_NUMBER.format(column="证件号码") in warnings
    household = Household.objects.get(number="H0001")
    assert household.village_id == VILLAGE and household.phone == "13800138000"
    assert household.included_on == datetime.date(2023, 5, 6)
    assert household.risk_types == [RiskType.ILLNESS, RiskType.SCHOOLING]
    assert household.household_type == HouseholdType.ALLEVIATED and household.monitoring_type == MonitoringType.UNSTABLE
    assert household.longitude == Decimal("132.941234") and household.housing_safe is True
    assert Household.objects.get(number="H0002").natural_village == "三组"
    member = Member.objects.get(name="李大山")
    assert member.id_number == member_id(datetime.date(1970, 3, 4), 11) and member.id_valid
    assert member.birth_date == datetime.date(1970, 3, 4) and member.relationship == Relationship.HEAD
    daughter = Member.objects.get(name="李小花")
    assert daughter.id_number == "230381100901222" and daughter.birth_date == datetime.date(2010, 9, 1)
    income = AnnualIncome.objects.get(household=household, year=2024)
    assert income.wage == Decimal("18000.00") and income.operating_income == Decimal("5200.50")
    assert income.public_welfare_income == Decimal("0.00")
    assert AnnualIncome.objects.get(household=household, year=2025).property_income is None
    assert Area.objects.get(code=NEW_VILLAGE).parent_id == NEW_VILLAGE[:9]


def test_english_codes_are_accepted_as_headers(tmp_path):
    result = registry_import(path=write_workbook(tmp_path / "en.xlsx", english=True))
    assert result.ok and Household.objects.count() == 2


def test_a_title_row_above_the_headers_is_skipped(tmp_path):
    import openpyxl

    path = write_workbook(tmp_path / "titled.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook["户信息"].insert_rows(1)
    workbook["户信息"]["A1"] = "虎林市防返贫监测户信息表"
    workbook.save(path)
    result = registry_import(path=path)
    assert result.ok and Household.objects.count() == 2


def test_a_member_with_an_invalid_id_number_is_imported_for_rule_b01(tmp_path):
    registry_import(path=write_workbook(tmp_path / "a.xlsx"))
    member = Member.objects.get(name="赵田")
    assert member.id_number == "23038119601301001X" and member.id_valid is False


def test_a_dry_run_counts_and_writes_nothing(tmp_path):
    before = table_sizes()
    result = registry_import(path=write_workbook(tmp_path / "a.xlsx"), dry_run=True)
    assert result.ok and not result.written
    assert result.counts["户信息"].created == 2 and result.counts["家庭成员"].created == 3
    assert table_sizes() == before


def test_importing_the_same_workbook_again_changes_nothing(tmp_path):
    path = write_workbook(tmp_path / "a.xlsx")
    registry_import(path=path)
    snapshot = list(Member.objects.values().order_by("pk")), list(Household.objects.values("number", "updated_at"))
    again = registry_import(path=path)
    assert again.ok and again.changes == 0
    assert {name: c.unchanged for name, c in again.counts.items()} == {
        "区划": 5, "户信息": 2, "家庭成员": 3, "年度收入": 3, "帮扶措施": 3}
    assert (list(Member.objects.values().order_by("pk")),
            list(Household.objects.values("number", "updated_at"))) == snapshot


def test_rows_are_matched_on_their_keys_and_updated(tmp_path):
    registry_import(path=write_workbook(tmp_path / "a.xlsx"))
    rows = sample_rows()
    rows["户信息"][1]["phone"] = "13700137000"
    rows["家庭成员"][0]["months_worked"] = 9
    rows["年度收入"][2]["wage"] = 100
    rows["帮扶措施"].append({"household_no": "H0002", "year": 2025, "measure_type": "就业帮扶", "content": "技能培训"})
    result = registry_import(path=write_workbook(tmp_path / "b.xlsx", rows))
    assert [(c.created, c.updated) for c in result.counts.values()] == [(0, 0), (0, 1), (0, 1), (0, 1), (1, 0)]
    assert Household.objects.get(number="H0002").phone == "13700137000"
    assert Member.objects.get(name="李大山").months_worked == 9
    assert Member.objects.count() == 3 and AssistanceMeasure.objects.count() == 4


def test_a_missing_optional_column_leaves_stored_values_alone(tmp_path):
    registry_import(path=write_workbook(tmp_path / "a.xlsx"))
    result = registry_import(path=write_workbook(tmp_path / "b.xlsx", drop_columns={"户信息": ["phone"]}))
    assert result.ok and result.changes == 0
    assert msg.MISSING_OPTIONAL_COLUMN.format(column="联系电话") in {w.message for w in result.warnings}
    assert Household.objects.get(number="H0001").phone == "13800138000"


def wrong_rows() -> dict:
    rows = sample_rows()
    rows["户信息"][0]["household_type"] = "贫困户"                        # row 2: unknown enumerated value
    rows["户信息"].append({**rows["户信息"][1], "address": "重复的一行"})      # row 4: H0002 again
    rows["家庭成员"][1]["months_worked"] = 13                              # row 3: 13 months
    rows["家庭成员"][2]["birth_date"] = "1960-13-01"                        # row 4: month 13
    rows["家庭成员"].append({**rows["家庭成员"][0], "household_no": "H9999"})  # row 5: missing household
    rows["年度收入"][0]["wage"] = "一万八"                                   # row 2: text in a money column
    rows["年度收入"][1]["subsistence"] = -200                              # row 3: negative income
    return rows


WRONG = {
    ("户信息", 2, "户类型", msg.NOT_IN_CHOICES.format(value="贫困户", column="户类型", choices="脱贫户、一般农户")),
    ("户信息", 4, "户编号", msg.DUPLICATE_HOUSEHOLD.format(value="H0002", first=3)),
    ("家庭成员", 3, "务工时间", msg.OUT_OF_RANGE.format(column="务工时间", low=0, high=12, value=13)),
    ("家庭成员", 4, "出生日期", msg.NOT_A_DATE.format(column="出生日期", value="1960-13-01")),
    ("家庭成员", 5, "户编号", msg.HOUSEHOLD_MISSING.format(value="H9999")),
    ("年度收入", 2, "工资性收入", msg.NOT_A_NUMBER.format(column="工资性收入", value="一万八")),
    ("年度收入", 3, "低保金", msg.NEGATIVE.format(column="低保金")),
    ("帮扶措施", None, "", msg.MISSING_SHEET.format(sheet="帮扶措施")),
}


def test_a_wrong_workbook_is_refused_whole_with_every_problem_listed(tmp_path):
    make_household(VILLAGE, number="H-EXISTING", members=2)
    before = table_sizes()
    path = write_workbook(tmp_path / "wrong.xlsx", wrong_rows(), drop_sheets=("帮扶措施",))

    result = registry_import(path=path)

    assert not result.ok and not result.written
    assert problems(result) == WRONG
    assert result.error_count == len(WRONG)
    assert table_sizes() == before
    assert not Household.objects.filter(number="H0001").exists()


@pytest.mark.parametrize("problem", sorted(WRONG, key=str), ids=lambda p: p[3][:24])
def test_each_wrong_case_alone_is_refused_and_writes_nothing(tmp_path, problem):
    """Each problem of WRONG on its own, in an otherwise good workbook."""
    sheet, row, *_ = problem
    good, bad = sample_rows(), wrong_rows()
    rows = {name: list(good[name]) for name in good}
    drop = ()
    if sheet == "帮扶措施":
        drop = ("帮扶措施",)
    elif row - 2 < len(good[sheet]):
        rows[sheet][row - 2] = bad[sheet][row - 2]
    else:
        rows[sheet].append(bad[sheet][row - 2])
    before = table_sizes()
    result = registry_import(path=write_workbook(tmp_path / "one.xlsx", rows, drop_sheets=drop))
    assert problems(result) == {problem}
    assert table_sizes() == before


def test_an_id_number_that_lost_its_digits_is_refused(tmp_path):
    """Excel (and openpyxl) write numbers with 15–16 significant digits: an 18-digit ID is cut."""
    rows = sample_rows()
    rows["家庭成员"][0]["id_number"] = int(rows["家庭成员"][0]["id_number"])
    result = registry_import(path=write_workbook(tmp_path / "a.xlsx", rows))
    assert problems(result) == {("家庭成员", 2, "证件号码", msg.DIGITS_LOST.format(column="证件号码"))}


def test_duplicate_incomes_are_refused_and_a_repeated_member_id_is_only_a_warning(tmp_path):
    rows = sample_rows()
    rows["家庭成员"].append(dict(rows["家庭成员"][0]))
    rows["年度收入"].append(dict(rows["年度收入"][0]))
    result = registry_import(path=write_workbook(tmp_path / "a.xlsx", rows))
    head = rows["家庭成员"][0]["id_number"]
    assert problems(result) == {
        ("年度收入", 5, "年度", msg.DUPLICATE_INCOME.format(household="H0001", value=2024, first=2)),
    }
    assert ("家庭成员", 5, "证件号码", msg.REPEATED_MEMBER_ID.format(household="H0001", value=head, first=2)) in {
        (w.sheet, w.row, w.column, w.message) for w in result.warnings}


def test_areas_need_a_parent_and_a_valid_code(tmp_path):
    rows = sample_rows()
    rows["区划"] += [{"code": "230381999201", "name": "无乡镇村"}, {"code": "2303811", "name": "七位"}]
    result = registry_import(path=write_workbook(tmp_path / "a.xlsx", rows))
    assert problems(result) == {
        ("区划", 7, "区划代码", msg.AREA_PARENT_MISSING.format(parent="230381999")),
        ("区划", 8, "区划代码", msg.AREA_CODE_INVALID.format(value="2303811")),
    }


def test_a_household_in_an_unknown_village_is_refused(tmp_path):
    rows = sample_rows()
    rows["户信息"][1]["village_code"] = "230381100277"
    rows["户信息"][0]["village_code"] = "230381100"
    result = registry_import(path=write_workbook(tmp_path / "a.xlsx", rows))
    assert problems(result) == {
        ("户信息", 2, "村代码", msg.NOT_A_VILLAGE.format(value="230381100")),
        ("户信息", 3, "村代码", msg.VILLAGE_UNKNOWN.format(value="230381100277")),
    }


def test_households_already_in_the_database_count_as_present(tmp_path):
    make_household(VILLAGE, number="H-OLD", members=0)
    rows = sample_rows()
    rows["家庭成员"][2]["household_no"] = "H-OLD"
    result = registry_import(path=write_workbook(tmp_path / "a.xlsx", rows))
    assert result.ok and Member.objects.filter(household__number="H-OLD", name="赵田").exists()


def test_county_staff_can_only_import_into_their_county(tmp_path, world):
    rows = sample_rows()
    rows["区划"].append({"code": "340323100299", "name": "外县村"})
    rows["户信息"][1]["village_code"] = OTHER_COUNTY_VILLAGE
    rows["家庭成员"][2]["household_no"] = world.other_county.number   # exists, in the other county
    before = table_sizes()
    result = registry_import(path=write_workbook(tmp_path / "a.xlsx", rows), scope=COUNTY)
    scope = f"{Area.objects.get(code=COUNTY).name} {COUNTY}"
    assert problems(result) == {
        ("区划", 7, "区划代码", msg.AREA_OUT_OF_SCOPE.format(value="340323100299", scope=scope)),
        ("户信息", 3, "村代码", msg.AREA_OUT_OF_SCOPE.format(value=OTHER_COUNTY_VILLAGE, scope=scope)),
        ("家庭成员", 4, "户编号", msg.HOUSEHOLD_OUT_OF_SCOPE.format(value=world.other_county.number)),
    }
    assert table_sizes() == before


def test_an_existing_household_of_another_county_cannot_be_moved_in(tmp_path, world):
    rows = sample_rows()
    rows["户信息"][0]["household_no"] = world.other_county.number
    for row in rows["家庭成员"][:2] + rows["年度收入"][:2] + rows["帮扶措施"][:2]:
        row["household_no"] = world.other_county.number
    result = registry_import(path=write_workbook(tmp_path / "a.xlsx", rows), scope=COUNTY)
    assert ("户信息", 2, "户编号", msg.HOUSEHOLD_OUT_OF_SCOPE.format(value=world.other_county.number)) in problems(result)
    assert Household.objects.get(pk=world.other_county.pk).village_id == OTHER_COUNTY_VILLAGE


def test_a_crash_half_way_leaves_nothing_behind(tmp_path, monkeypatch):
    """The bulk writer breaks after its first batch: the transaction takes everything back."""
    make_household(VILLAGE, number="H-EXISTING", members=1)
    before = table_sizes()
    real, calls = import_sheets.bulk_create, []

    def break_after_first_batch(model, objects):
        calls.append(model)
        if len(calls) > 2:
            raise RuntimeError("disk full")
        real(model, objects)

    monkeypatch.setattr(import_sheets, "bulk_create", break_after_first_batch)
    with pytest.raises(RuntimeError):
        registry_import(path=write_workbook(tmp_path / "a.xlsx"))
    assert calls == [Area, Household, Member] and table_sizes() == before


def test_many_rows_go_in_batches_and_still_count_right(tmp_path, monkeypatch):
    monkeypatch.setattr(import_sheets, "BATCH_SIZE", 3)
    monkeypatch.setattr(import_sheets.SheetHandler, "batch_size", 3)
    rows = sample_rows()
    rows["户信息"] += [{**rows["户信息"][1], "household_no": f"B{n:03d}"} for n in range(10)]
    rows["帮扶措施"] += [{"household_no": f"B{n // 2:03d}", "year": 2025, "measure_type": "其他", "content": "同一条"}
                     for n in range(10)]
    path = write_workbook(tmp_path / "a.xlsx", rows)
    first = registry_import(path=path)
    assert first.ok and first.counts["户信息"].created == 12 and first.counts["帮扶措施"].created == 13
    again = registry_import(path=path)
    assert again.changes == 0 and again.counts["帮扶措施"].unchanged == 13


def test_the_error_report_lists_every_problem(tmp_path):
    path = write_workbook(tmp_path / "wrong.xlsx", wrong_rows(), drop_sheets=("帮扶措施",))
    result = registry_import(path=path)
    report = default_report_path(path)
    assert report == tmp_path / "wrong_问题清单.xlsx"
    write_error_report(result, report)
    rows = sheet_values(report)["问题清单"]
    assert rows[0] == tuple(REPORT_HEADERS)
    assert {(r[1], r[2], r[3] or "", r[5]) for r in rows[1:] if r[0] == "错误"} == WRONG


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "\n=1"])
def test_the_error_report_shows_a_formula_looking_cell_exactly_and_quote_prefixed(tmp_path, text):
    import openpyxl

    path = write_workbook(tmp_path / "wrong.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["家庭成员"]
    cell = sheet.cell(row=2, column=[c.value for c in sheet[1]].index("性别") + 1)
    cell.value = text
    cell.data_type = "s"  # the text itself, as a user would type it after a quote
    workbook.save(path)
    result = registry_import(path=path)
    assert not result.ok
    report = tmp_path / "report.xlsx"
    write_error_report(result, report)
    sheet = openpyxl.load_workbook(report)["问题清单"]
    content = REPORT_HEADERS.index("单元格内容") + 1
    [shown] = [sheet.cell(row=row, column=content) for row in range(2, sheet.max_row + 1)
               if sheet.cell(row=row, column=content).value == text]
    assert (shown.data_type, shown.quotePrefix) == ("s", True)


# --- 识别来源 and 风险消除方式 (added to 户信息 with the monitoring procedure) ------------------------

# The 户信息 header row of a workbook written before the two columns existed.
OLD_HOUSEHOLD_HEADERS = [
    "户编号", "村代码", "自然村", "地址", "户类型", "脱贫年度", "监测对象类别", "风险状态", "纳入监测日期",
    "风险消除日期", "风险类型", "联系电话", "住房安全有保障", "饮水安全有保障", "经度", "纬度", "帮扶责任人",
    "帮扶责任人电话", "帮扶责任人单位",
]


def older_workbook(path, rows=None):
    """A workbook in the shape before 识别来源 and 风险消除方式: the old 户信息 headers exactly."""
    codes = [c.code for c in SPECS["户信息"].columns if c.code not in ("identification_source", "elimination_method")]
    assert [SPECS["户信息"].column(code).header for code in codes] == OLD_HOUSEHOLD_HEADERS
    return write_workbook(path, rows, order={"户信息": codes})


def test_it_imports_an_older_workbook_without_the_two_columns_as_before(tmp_path):
    result = registry_import(path=older_workbook(tmp_path / "old.xlsx"))
    assert result.ok and result.written, result.errors
    assert result.warnings == []  # no "缺少列" for columns the workbook could not have had
    household = Household.objects.get(number="H0001")
    assert (household.identification_source, household.elimination_method) == ("", "")
    assert household.monitoring_type == MonitoringType.UNSTABLE


def test_an_older_workbook_leaves_the_stored_source_and_method_alone(tmp_path):
    rows = sample_rows()
    rows["户信息"][0].update(risk_status="风险已消除", eliminated_on=datetime.date(2024, 6, 1),
                           identification_source="基层干部排查", elimination_method="帮扶消除")
    registry_import(path=write_workbook(tmp_path / "new.xlsx", rows))
    again = registry_import(path=older_workbook(tmp_path / "old.xlsx", rows))
    assert again.ok and again.changes == 0 and again.warnings == []
    household = Household.objects.get(number="H0001")
    assert household.identification_source == IdentificationSource.CADRE_SCREENING
    assert household.elimination_method == EliminationMethod.ASSISTED


def test_an_older_workbook_that_reopens_a_risk_clears_its_method_of_elimination(tmp_path):
    rows = sample_rows()
    rows["户信息"][0].update(risk_status="风险已消除", eliminated_on=datetime.date(2024, 6, 1))
    registry_import(path=older_workbook(tmp_path / "first.xlsx", rows))
    # The risk was ended by the elimination procedure, which recorded how.
    Household.objects.filter(number="H0001").update(elimination_method=EliminationMethod.NATURAL)
    rows["户信息"][0].update(risk_status="风险未消除", eliminated_on=None)
    result = registry_import(path=older_workbook(tmp_path / "old.xlsx", rows))
    assert result.ok and result.counts["户信息"].updated == 1
    household = Household.objects.get(number="H0001")
    assert (household.risk_status, household.elimination_method) == (RiskStatus.UNRESOLVED, "")


def test_it_imports_the_source_and_method_by_chinese_label_or_english_code(tmp_path):
    rows = sample_rows()
    rows["户信息"][0].update(risk_status="风险已消除", eliminated_on=datetime.date(2024, 6, 1),
                           identification_source=" 部门筛查预警 ", elimination_method="自然消除")
    result = registry_import(path=write_workbook(tmp_path / "a.xlsx", rows))
    assert result.ok, result.errors
    household = Household.objects.get(number="H0001")
    assert household.identification_source == IdentificationSource.DEPARTMENT_WARNING
    assert household.elimination_method == EliminationMethod.NATURAL
    assert Household.objects.get(number="H0002").identification_source == ""
    rows["户信息"][0]["identification_source"] = "self_report"
    result = registry_import(path=write_workbook(tmp_path / "b.xlsx", rows, english=True))
    assert result.ok and result.counts["户信息"].updated == 1
    assert Household.objects.get(number="H0001").identification_source == IdentificationSource.SELF_REPORT


def test_a_method_of_elimination_without_an_eliminated_risk_is_refused_on_its_row(tmp_path):
    rows = sample_rows()
    rows["户信息"][0]["elimination_method"] = "帮扶消除"           # row 2: 风险未消除
    rows["户信息"][1]["elimination_method"] = "自然消除"           # row 3: not monitored, no status
    rows["户信息"][1]["identification_source"] = "村民举报"        # row 3: not a source
    result = registry_import(path=write_workbook(tmp_path / "a.xlsx", rows))
    assert not result.ok and not result.written
    assert problems(result) == {
        ("户信息", 2, "风险消除方式", msg.ELIMINATION_METHOD_WITHOUT_ELIMINATION.format(status="风险未消除")),
        ("户信息", 3, "识别来源", msg.NOT_IN_CHOICES.format(
            value="村民举报", column="识别来源", choices="农户自主申报、基层干部排查、部门筛查预警、系统风险预警")),
    }
    assert [issue.value for issue in result.errors if issue.row == 2] == ["帮扶消除"]
    assert table_sizes() == dict.fromkeys(table_sizes(), 0)
    rows["户信息"][1]["identification_source"] = None
    result = registry_import(path=write_workbook(tmp_path / "b.xlsx", rows), dry_run=True)
    assert ("户信息", 3, "风险消除方式", msg.ELIMINATION_METHOD_WITHOUT_ELIMINATION.format(status="空")) \
        in problems(result)


def test_a_county_migrating_from_the_national_system_brings_its_monitoring_objects(tmp_path):
    """The national system's list of monitoring objects: types, dates, risks, how found, how ended."""
    rows = sample_rows()
    national = [
        ("H0101", "脱贫不稳定户", "风险未消除", "2021-08-12", None, "因病、缺劳动力", "农户自主申报", None),
        ("H0102", "边缘易致贫户", "风险已消除", "2022-03-01", "2023-01-15", "因学", "基层干部排查", "帮扶消除"),
        ("H0103", "突发严重困难户", "风险已消除", datetime.date(2023, 7, 30), datetime.date(2023, 12, 20),
         "因灾", "部门筛查预警", "自然消除"),
        ("H0104", "边缘易致贫户", "风险未消除", "2024年4月2日", None, "因意外事故", "系统风险预警", None),
        ("H0105", "脱贫不稳定户", "风险已消除", "2021-01-05", "2021-11-30", "因残", None, None),
    ]
    rows["户信息"] = [
        {"household_no": number, "village_code": VILLAGE, "household_type": "一般农户" if kind != "脱贫不稳定户" else "脱贫户",
         "alleviation_year": 2019 if kind == "脱贫不稳定户" else None, "monitoring_type": kind, "risk_status": status,
         "included_on": included, "eliminated_on": eliminated, "risk_types": risks,
         "identification_source": source, "elimination_method": method}
        for number, kind, status, included, eliminated, risks, source, method in national
    ]
    rows["家庭成员"] = [{"household_no": number, "name": f"户主{number[-1]}", "relationship": "户主", "status": "正常"}
                     for number, *_ in national]
    rows["年度收入"], rows["帮扶措施"] = [], [
        {"household_no": "H0102", "year": 2022, "measure_type": "教育帮扶", "content": "雨露计划"}]

    result = registry_import(path=write_workbook(tmp_path / "国家系统监测对象.xlsx", rows))

    assert result.ok and result.written, result.errors
    assert result.counts["户信息"].created == 5
    stored = list(Household.objects.order_by("number").values_list(
        "number", "monitoring_type", "risk_status", "included_on", "eliminated_on", "risk_types",
        "identification_source", "elimination_method"))
    assert stored == [
        ("H0101", MonitoringType.UNSTABLE, RiskStatus.UNRESOLVED, datetime.date(2021, 8, 12), None,
         [RiskType.ILLNESS, RiskType.NO_LABOUR], IdentificationSource.SELF_REPORT, ""),
        ("H0102", MonitoringType.MARGINAL, RiskStatus.ELIMINATED, datetime.date(2022, 3, 1),
         datetime.date(2023, 1, 15), [RiskType.SCHOOLING], IdentificationSource.CADRE_SCREENING,
         EliminationMethod.ASSISTED),
        ("H0103", MonitoringType.SUDDEN_HARDSHIP, RiskStatus.ELIMINATED, datetime.date(2023, 7, 30),
         datetime.date(2023, 12, 20), [RiskType.DISASTER], IdentificationSource.DEPARTMENT_WARNING,
         EliminationMethod.NATURAL),
        ("H0104", MonitoringType.MARGINAL, RiskStatus.UNRESOLVED, datetime.date(2024, 4, 2), None,
         [RiskType.ACCIDENT], IdentificationSource.SYSTEM_WARNING, ""),
        ("H0105", MonitoringType.UNSTABLE, RiskStatus.ELIMINATED, datetime.date(2021, 1, 5),
         datetime.date(2021, 11, 30), [RiskType.DISABILITY], "", ""),
    ]
    assert registry_import(path=tmp_path / "国家系统监测对象.xlsx").changes == 0


def test_the_spool_gives_back_the_rows_it_was_given():
    """Between the passes rows wait in a file, a column at a time when they name the same columns."""
    from households.workbook.importer import _Spool

    same = [(2, {"household_no": "H1", "wage": Decimal("1.50"), "pension": None, "year": 2024}),
            (3, {"household_no": "H2", "wage": Decimal("0.00"), "pension": Decimal("1E+2"), "year": 2023})]
    mixed = [(4, {"household_no": "H3", "name": "甲"}), (5, {"household_no": "H3", "name": "甲", "_nth": 1})]
    spool = _Spool()
    spool.put(same)
    spool.put(mixed)
    back = list(spool.batches())
    spool.close()
    assert back == [same, mixed]
    assert [str(values["wage"]) for _, values in back[0]] == ["1.50", "0.00"]
    assert str(back[0][1][1]["pension"]) == "1E+2"
