"""成员编号: the export names each member, so a member who left and came back imports back exactly."""

import datetime

import openpyxl
import pytest

from households.workbook import messages as msg
from households.choices import JoinReason, LeaveReason, MemberStatus, Relationship
from households.workbook.exporter import registry_export
from households.workbook.importer import registry_import
from households.models import Member
from tests.builders import make_household, make_member
from tests.conftest import VILLAGE_A1

pytestmark = pytest.mark.django_db
BORN = datetime.date(1996, 4, 8)


@pytest.fixture
def returned(world):
    """A daughter who married out (迁出) and came back (婚入 again): two members with one ID."""
    household = make_household(VILLAGE_A1, members=1)
    left = make_member(household, name="张丽", born=BORN, relationship=Relationship.DAUGHTER,
                       status=MemberStatus.MOVED_OUT, leave_reason=LeaveReason.MARRIED_OUT,
                       left_on=datetime.date(2019, 10, 1))
    back = make_member(household, name="张丽", born=BORN, id_number=left.id_number, relationship=Relationship.DAUGHTER,
                       join_reason=JoinReason.MARRIED_IN, joined_on=datetime.date(2024, 2, 1))
    return household, left, back


def member_rows(path) -> tuple[list, list[list]]:
    workbook = openpyxl.load_workbook(path)
    rows = [list(row) for row in workbook["家庭成员"].iter_rows(values_only=True)]
    return rows[0], rows[1:]


def rewrite_members(path, change) -> None:
    """Rewrite the 家庭成员 sheet of `path` with change(header, rows) → (header, rows)."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["家庭成员"]
    header, rows = change(*member_rows(path))
    sheet.delete_rows(1, sheet.max_row)
    for row in [header, *rows]:
        sheet.append(row)
    workbook.save(path)


def drop_member_numbers(header, rows):
    index = header.index("成员编号")
    return [h for i, h in enumerate(header) if i != index], [[v for i, v in enumerate(r) if i != index] for r in rows]


def test_the_export_writes_each_members_number(returned, tmp_path):
    household, left, back = returned
    registry_export(out=tmp_path / "r.xlsx")
    header, rows = member_rows(tmp_path / "r.xlsx")
    assert header[-1] == "成员编号"
    numbered = {row[-1]: row for row in rows if row[0] == household.number}
    assert set(numbered) == set(household.members.values_list("pk", flat=True))
    assert numbered[left.pk][header.index("人员状态")] == "迁出" and numbered[back.pk][header.index("人员状态")] == "正常"


def test_a_household_with_a_returned_member_goes_round_the_export_and_import_unchanged(returned, tmp_path):
    registry_export(out=tmp_path / "r.xlsx")
    before = list(Member.objects.values().order_by("pk"))
    for dry_run in (True, False):
        result = registry_import(path=tmp_path / "r.xlsx", dry_run=dry_run)
        assert result.ok, result.errors
        assert result.changes == 0 and not result.warnings
    assert list(Member.objects.values().order_by("pk")) == before


def test_without_member_numbers_a_repeated_id_is_matched_in_order_with_a_warning(returned, tmp_path):
    household, left, back = returned
    registry_export(out=tmp_path / "r.xlsx")
    first = next(i for i, row in enumerate(member_rows(tmp_path / "r.xlsx")[1], start=2) if row[-1] == left.pk)
    rewrite_members(tmp_path / "r.xlsx", drop_member_numbers)
    before = list(Member.objects.values().order_by("pk"))
    result = registry_import(path=tmp_path / "r.xlsx")
    assert result.ok, result.errors
    assert result.changes == 0
    assert [w.message for w in result.warnings] == [
        msg.REPEATED_MEMBER_ID.format(household=household.number, value=left.id_number, first=first)]
    assert list(Member.objects.values().order_by("pk")) == before


def test_a_returned_member_new_to_the_system_imports_as_a_second_member_with_a_warning(world, tmp_path):
    household = make_household(VILLAGE_A1, members=1)
    left = make_member(household, name="张丽", born=BORN, status=MemberStatus.MOVED_OUT)
    registry_export(out=tmp_path / "r.xlsx")

    def came_back(header, rows):
        row = next(r for r in rows if r[header.index("姓名")] == "张丽")
        again = list(row)
        again[header.index("人员状态")], again[header.index("与户主关系")], again[-1] = "正常", "之儿媳", None
        return header, [*rows, again]

    rewrite_members(tmp_path / "r.xlsx", came_back)
    result = registry_import(path=tmp_path / "r.xlsx")
    assert result.ok, result.errors
    assert (result.counts["家庭成员"].created, result.counts["家庭成员"].updated) == (1, 0)
    assert sorted(household.members.filter(id_number=left.id_number).values_list("pk", "status")) == [
        (left.pk, MemberStatus.MOVED_OUT), (left.pk + 1, MemberStatus.NORMAL)]


def test_a_workbook_without_the_column_and_a_repeated_id_creates_the_returned_member(world, tmp_path):
    household = make_household(VILLAGE_A1, members=1)
    left = make_member(household, name="张丽", born=BORN, status=MemberStatus.MOVED_OUT)
    registry_export(out=tmp_path / "r.xlsx")

    def came_back(header, rows):
        header, rows = drop_member_numbers(header, rows)
        row = next(r for r in rows if r[header.index("姓名")] == "张丽")
        return header, [*rows, [*row[:header.index("人员状态")], "正常"]]

    rewrite_members(tmp_path / "r.xlsx", came_back)
    result = registry_import(path=tmp_path / "r.xlsx")
    assert result.ok, result.errors
    assert (result.counts["家庭成员"].created, result.counts["家庭成员"].updated) == (1, 0)
    assert any(w.message.startswith(f"同一户（{household.number}）中证件号码「{left.id_number}」出现多次")
               for w in result.warnings)
    assert household.members.filter(id_number=left.id_number, status=MemberStatus.NORMAL).count() == 1


def test_a_member_number_of_another_household_is_an_error_and_nothing_is_written(returned, tmp_path):
    household, left, back = returned
    gone = make_household(VILLAGE_A1, members=1, removed_on=datetime.date(2025, 1, 1))  # not exported
    stranger = gone.members.get()
    registry_export(out=tmp_path / "r.xlsx")

    def misnumbered(header, rows):
        for row in rows:
            if row[-1] == back.pk:
                row[-1] = stranger.pk
        return header, rows

    rewrite_members(tmp_path / "r.xlsx", misnumbered)
    before = list(Member.objects.values().order_by("pk"))
    result = registry_import(path=tmp_path / "r.xlsx")
    assert not result.ok and not result.written
    assert [(e.sheet, e.column, e.value, e.message) for e in result.errors] == [
        ("家庭成员", "成员编号", str(stranger.pk),
         msg.MEMBER_NO_NOT_IN_HOUSEHOLD.format(value=stranger.pk, household=household.number))]
    assert list(Member.objects.values().order_by("pk")) == before


def test_a_member_number_is_refused_when_unknown_repeated_or_naming_somebody_else(returned, tmp_path):
    household, left, back = returned
    head = household.members.get(relationship=Relationship.HEAD)
    registry_export(out=tmp_path / "r.xlsx")

    def wrong(header, rows):
        name = header.index("姓名")
        mine = [row for row in rows if row[0] == household.number]
        mine[0][-1] = 99_999_999          # the head: a number nobody has
        mine[1][-1] = back.pk             # 张丽 (迁出) numbered like her second record: the number twice
        other = next(row for row in rows if row[0] != household.number)
        other[-1], other[name] = head.pk, "别人"   # another household's row naming this head
        return header, rows

    rewrite_members(tmp_path / "r.xlsx", wrong)
    result = registry_import(path=tmp_path / "r.xlsx", dry_run=True)
    messages = {e.message for e in result.errors}
    assert msg.MEMBER_NO_NOT_IN_HOUSEHOLD.format(value=99_999_999, household=household.number) in messages
    assert any(m.startswith(f"成员编号「{back.pk}」重复") for m in messages)
    assert any(m.startswith(f"成员编号「{head.pk}」不是户") for m in messages)


def test_a_member_number_whose_name_and_id_both_differ_is_an_error(returned, tmp_path):
    household, left, back = returned
    registry_export(out=tmp_path / "r.xlsx")

    def swapped(header, rows):
        for row in rows:
            if row[-1] == back.pk:
                row[header.index("姓名")], row[header.index("证件号码")] = "李四", "11010519491231002X"
        return header, rows

    rewrite_members(tmp_path / "r.xlsx", swapped)
    result = registry_import(path=tmp_path / "r.xlsx")
    assert [e.message for e in result.errors] == [
        msg.MEMBER_NO_MISMATCH.format(value=back.pk, household=household.number, name="张丽")]


def test_a_numbered_row_corrects_a_members_id_number(returned, tmp_path):
    household, left, back = returned
    registry_export(out=tmp_path / "r.xlsx")
    corrected = make_member(make_household(VILLAGE_A1, members=0), born=BORN).id_number  # a valid other number
    Member.objects.filter(id_number=corrected).delete()

    def fix(header, rows):
        for row in rows:
            if row[-1] == back.pk:
                row[header.index("证件号码")] = corrected
        return header, rows

    rewrite_members(tmp_path / "r.xlsx", fix)
    result = registry_import(path=tmp_path / "r.xlsx")
    assert result.ok and (result.counts["家庭成员"].created, result.counts["家庭成员"].updated) == (0, 1)
    back.refresh_from_db()
    left.refresh_from_db()
    assert back.id_number == corrected and left.id_number != corrected


def test_a_new_households_rows_are_all_new_members_in_every_batch(db, tmp_path, monkeypatch):
    from households.workbook.sheets import MemberSheet
    from tests.households.workbook.workbooks import sample_rows, write_workbook

    monkeypatch.setattr(MemberSheet, "batch_size", 1)  # each row a batch of its own, as in a large workbook
    rows = sample_rows()
    first = rows["家庭成员"][0]
    rows["家庭成员"] = [{**first, "member_no": 999}, {**first, "status": "迁出"}, *rows["家庭成员"][1:]]
    path = write_workbook(tmp_path / "a.xlsx", rows)
    planned = registry_import(path=path, dry_run=True)
    done = registry_import(path=path)
    assert planned.counts["家庭成员"].created == done.counts["家庭成员"].created == 4
    assert Member.objects.filter(id_number=first["id_number"]).count() == 2
