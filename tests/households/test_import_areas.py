"""import_areas: a county loads its own townships and villages, all or nothing."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from households.areas import SEED_AREAS, AreaFileError, import_areas, load_seed_areas
from households.choices import AreaLevel
from households.models import Area
from tests.builders import make_area

pytestmark = pytest.mark.django_db

HEADER = "code,name,parent_code\n"
COUNTY_FILE = HEADER + (
    "611024,山阳县,\n"
    "611024100,城关街道,611024\n"
    "611024100201,东关村,611024100\n"
    "611024100202,西关村,611024100\n"
)


def csv_file(tmp_path, text: str, *, bom: bool = False, name: str = "areas.csv"):
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def run(path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_areas", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(tmp_path, text: str) -> tuple[str, str]:
    """The command's one-line error and the problems it listed; asserts nothing was written."""
    before = set(Area.objects.values_list("code", "name"))
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_areas", str(csv_file(tmp_path, text)), stdout=io.StringIO(), stderr=err)
    assert set(Area.objects.values_list("code", "name")) == before
    return str(raised.value), err.getvalue()


def test_it_loads_a_county_with_its_townships_and_villages(tmp_path):
    out, err = run(csv_file(tmp_path, COUNTY_FILE))
    assert "已导入行政区划 4 条：新增 4，更新 0，不变 0" in out
    assert err == ""
    village = Area.objects.get(code="611024100202")
    assert (village.name, village.level, village.parent_id) == ("西关村", AreaLevel.VILLAGE, "611024100")
    assert Area.objects.get(code="611024100").parent_id == "611024"


def test_it_reads_a_file_with_a_byte_order_mark(tmp_path):
    out, _ = run(csv_file(tmp_path, COUNTY_FILE, bom=True))
    assert "新增 4" in out
    assert Area.objects.filter(code__startswith="611024").count() == 4


def test_rerunning_the_same_file_changes_nothing(tmp_path):
    path = csv_file(tmp_path, COUNTY_FILE)
    run(path)
    out, _ = run(path)
    assert "已导入行政区划 4 条：新增 0，更新 0，不变 4" in out
    assert Area.objects.filter(code__startswith="611024").count() == 4


def test_a_changed_name_is_updated(tmp_path):
    run(csv_file(tmp_path, COUNTY_FILE))
    out, _ = run(csv_file(tmp_path, COUNTY_FILE.replace("西关村", "西关社区"), name="renamed.csv"))
    assert "新增 0，更新 1，不变 3" in out
    assert Area.objects.get(code="611024100202").name == "西关社区"


def test_a_parent_already_in_the_database_is_enough(tmp_path):
    make_area("611024100201", "东关村")  # makes the county and township too
    out, _ = run(csv_file(tmp_path, HEADER + "611024100203,南关村,611024100\n"))
    assert "新增 1" in out
    assert Area.objects.get(code="611024100203").parent_id == "611024100"


def test_a_missing_file_is_one_chinese_line(tmp_path):
    with pytest.raises(CommandError, match=r"^找不到文件 .*nope\.csv：请检查路径$"):
        call_command("import_areas", str(tmp_path / "nope.csv"))


def test_a_file_not_in_utf8_is_refused(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes(COUNTY_FILE.encode("gbk"))
    with pytest.raises(CommandError, match="不是 UTF-8 编码"):
        call_command("import_areas", str(path))
    assert not Area.objects.exists()


def test_a_file_without_the_columns_is_refused(tmp_path):
    message, _ = refused(tmp_path, "代码,名称\n611024,山阳县\n")
    assert "缺少列 code、name、parent_code" in message


def test_a_file_with_only_a_header_is_refused(tmp_path):
    message, _ = refused(tmp_path, HEADER)
    assert "没有数据行" in message


def test_a_code_of_the_wrong_length_is_refused_with_its_row(tmp_path):
    message, problems = refused(tmp_path, COUNTY_FILE + "6110241002,半截村,61102410\n")
    assert "1 处问题，未导入任何区划" in message
    assert "第6行：区划代码「6110241002」有10位：应为6位（县）、9位（乡镇）或12位（行政村）" in problems


def test_a_code_with_other_than_digits_is_refused(tmp_path):
    _, problems = refused(tmp_path, COUNTY_FILE + "61102410020X,错村,611024100\n61102410020²,错村,611024100\n")
    assert "第6行：区划代码「61102410020X」只能由数字组成" in problems
    assert "第7行：区划代码「61102410020²」只能由数字组成" in problems


def test_an_empty_code_or_name_is_refused(tmp_path):
    _, problems = refused(tmp_path, COUNTY_FILE + ",无码村,611024100\n611024100203, ,611024100\n")
    assert "第6行：区划代码为空" in problems
    assert "第7行：名称为空" in problems


def test_a_parent_code_that_is_not_the_codes_prefix_is_refused(tmp_path):
    _, problems = refused(tmp_path, COUNTY_FILE + "611024100203,南关村,611024101\n611024101,新镇,\n")
    assert "第6行：区划代码「611024100203」的上级代码应为「611024100」（其前9位），实为「611024101」" in problems
    assert "第7行：区划代码「611024101」的上级代码应为「611024」（其前6位），实为「空」" in problems


def test_a_county_with_a_parent_is_refused(tmp_path):
    _, problems = refused(tmp_path, HEADER + "611024,山阳县,611\n")
    assert "第2行：县级区划「611024」的上级代码应为空，实为「611」" in problems


def test_a_parent_in_neither_the_file_nor_the_database_is_refused(tmp_path):
    _, problems = refused(tmp_path, COUNTY_FILE + "611024105201,远村,611024105\n611025100,他县镇,611025\n")
    assert "第6行：上级区划「611024105」既不在文件中也不在系统中：请先导入该乡镇" in problems
    assert "第7行：上级区划「611025」既不在文件中也不在系统中：请先导入该县" in problems


def test_a_code_twice_in_the_file_is_refused(tmp_path):
    _, problems = refused(tmp_path, COUNTY_FILE + "611024100201,东关村,611024100\n")
    assert "第6行：区划代码「611024100201」与第4行重复" in problems


def test_every_problem_is_listed_and_nothing_is_written(tmp_path):
    message, problems = refused(
        tmp_path, COUNTY_FILE + "61102410020X,错村,611024100\n611024100201,东关村,611024100\n,无码村,\n"
    )
    assert "3 处问题" in message
    assert [line.split("：")[0] for line in problems.splitlines()] == ["错误 第6行", "错误 第7行", "错误 第8行"]
    assert not Area.objects.exists()


def test_the_seed_file_ships_inside_the_project():
    from django.conf import settings

    assert SEED_AREAS.is_relative_to(settings.BASE_DIR)
    assert load_seed_areas() == 79
    assert Area.objects.filter(level=AreaLevel.COUNTY).count() == 4


def test_the_service_raises_with_every_problem(tmp_path):
    with pytest.raises(AreaFileError) as raised:
        import_areas(csv_file(tmp_path, HEADER + "611024100,城关街道,611024\n"))
    assert raised.value.problems == ["第2行：上级区划「611024」既不在文件中也不在系统中：请先导入该县"]


def test_a_dry_run_counts_what_would_change_and_writes_nothing(tmp_path):
    out = io.StringIO()
    call_command("import_areas", str(csv_file(tmp_path, COUNTY_FILE)), "--dry-run", stdout=out)
    assert "校验通过（未写入，--dry-run）：行政区划 4 条：将新增 4，将更新 0，不变 0" in out.getvalue()
    assert not Area.objects.exists()
