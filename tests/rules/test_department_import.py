"""import_department: every list of import-template.md, all or nothing, matched on ID number."""

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from households.choices import DisabilityGrade
from rules.models import DepartmentBatch, DepartmentRecord
from tests.builders import make_household, make_member

pytestmark = pytest.mark.django_db


def write_csv(path, rows, encoding="utf-8-sig"):
    import csv
    import io

    text = io.StringIO()
    csv.writer(text).writerows(rows)
    path.write_text(text.getvalue(), encoding=encoding)
    return path


def write_xlsx(path, rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


@pytest.fixture
def registered(village):
    household = make_household(village, members=0)
    return make_member(household, name="王芳", disability_grade=DisabilityGrade.GRADE_3)


def test_a_csv_list_is_stored_matched_and_the_unmatched_reported(tmp_path, registered, capsys):
    path = write_csv(tmp_path / "残联.csv", [
        ["证件号码", "姓名", "残疾等级"],
        [registered.id_number, "王芳", "二级"],
        ["110105194912310021", "无此人", "一级"],
    ])
    call_command("import_department", "残联-持证残疾人", str(path), "--year", "2025")
    batch = DepartmentBatch.objects.get()
    assert (batch.source, batch.year, batch.row_count, batch.matched_count) == ("残联-持证残疾人", 2025, 2, 1)
    assert DepartmentRecord.objects.get(matched=True).text_value == DisabilityGrade.GRADE_2
    out = capsys.readouterr().out
    assert "匹配 1 行" in out and "未匹配：第 3 行 无此人" in out


def test_an_imported_list_makes_its_rule_fire(tmp_path, registered, fails):
    write_xlsx(tmp_path / "d.xlsx", [["证件号码", "姓名", "残疾等级"], [registered.id_number, "王芳", "二级"]])
    call_command("import_department", "残联-持证残疾人", str(tmp_path / "d.xlsx"), "--year", "2025")
    assert fails("D05") == {"王芳"}


def test_a_gb18030_csv_from_an_older_system_is_read(tmp_path, registered):
    path = write_csv(tmp_path / "低保.csv", [["证件号码", "姓名", "保障金额"], [registered.id_number, "王芳", "3,600"]],
                     encoding="gb18030")
    call_command("import_department", "民政-低保", str(path), "--year", "2025")
    assert str(DepartmentRecord.objects.get().amount) == "3600.00"


@pytest.mark.parametrize("source, rows, message", [
    ("残联-持证残疾人", [["证件号码", "姓名", "残疾等级"], ["X1", "甲", "五级"]], "应为 一级"),
    ("民政-低保", [["证件号码", "姓名", "保障金额"], ["X1", "甲", "-5"]], "不能为负数"),
    ("人社-就业", [["证件号码", "姓名", "务工时间"], ["X1", "甲", "13"]], "0–12"),
    ("公安-死亡注销", [["证件号码", "姓名", "注销日期"], ["X1", "甲", "昨天"]], "YYYY-MM-DD"),
    ("教育-在校生", [["证件号码", "姓名", "学段"], ["", "甲", "小学"]], "证件号码为空"),
])
def test_a_wrong_row_refuses_the_whole_list(tmp_path, registered, source, rows, message, capsys):
    path = write_xlsx(tmp_path / "bad.xlsx", [*rows, [registered.id_number, "王芳", rows[1][2]]])
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_department", source, str(path), "--year", "2025")
    assert message in capsys.readouterr().err
    assert not DepartmentBatch.objects.exists() and not DepartmentRecord.objects.exists()


def test_an_id_number_typed_as_a_number_is_refused_with_the_reason(tmp_path, registered, capsys):
    path = write_xlsx(tmp_path / "n.xlsx", [["证件号码", "姓名", "务工时间"], [110105194912310000, "甲", 3]])
    with pytest.raises(CommandError):
        call_command("import_department", "人社-就业", str(path), "--year", "2025")
    assert "存成了数字" in capsys.readouterr().err


@pytest.mark.parametrize("args, message", [
    (["公安-户籍", "x.csv"], "未知的部门数据来源"),
    (["公安-死亡注销", "missing.csv"], "找不到文件"),
])
def test_bad_arguments_get_one_clear_line(tmp_path, village, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_department", *args, "--year", "2025")


def test_a_missing_column_is_named(tmp_path, village):
    path = write_csv(tmp_path / "x.csv", [["证件号码", "姓名"], ["1", "甲"]])
    with pytest.raises(CommandError, match="缺少列：保障金额"):
        call_command("import_department", "民政-低保", str(path), "--year", "2025")


def test_an_id_number_with_a_lowercase_x_spaces_or_full_width_digits_is_stored_as_the_registry_stores_it(
        tmp_path, village):
    household = make_household(village, members=0)
    make_member(household, name="李四", id_number="11010519491231002X")
    path = write_csv(tmp_path / "死亡.csv", [
        ["证件号码", "姓名", "注销日期"],
        ["１１0105 19491231002x", "李四", "2025-03-01"],
    ])
    call_command("import_department", "公安-死亡注销", str(path), "--year", "2025")
    record = DepartmentRecord.objects.get()
    assert (record.id_number, record.matched) == ("11010519491231002X", True)
