"""The registry import, fuzzed: whatever the workbook holds, all rows or none, and never a crash.

Each example takes the sample county's workbook, puts a few nasty values in random cells
(huge text, formula-looking text, wrong types, full-width digits, bidi and zero-width
characters, emoji, IDs stored as numbers) and imports it into county 230381.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from households.models import AnnualIncome, Area, AssistanceMeasure, Household, Member
from households.names import name_problem
from households.workbook.importer import registry_import
from households.workbook.safety import UnsafeWorkbook
from tests.fuzz.conftest import examples, rolled_back
from tests.fuzz.strategies import cell_safe, nasty, tricky_names, typed_ids
from tests.households.workbook.workbooks import COUNTY, SPECS, sample_rows, write_workbook

pytestmark = pytest.mark.django_db

MODELS = {"区划": Area, "户信息": Household, "家庭成员": Member, "年度收入": AnnualIncome, "帮扶措施": AssistanceMeasure}
NAME_COLUMNS = {("家庭成员", "name"), ("户信息", "helper_name")}


def counts() -> dict[str, int]:
    return {sheet: model.objects.count() for sheet, model in MODELS.items()}


@st.composite
def mutations(draw, values=None):
    """1–3 (sheet, row index, column code, value): cells of the sample workbook to overwrite."""
    rows = sample_rows()
    found = []
    for _ in range(draw(st.integers(1, 3))):
        sheet = draw(st.sampled_from(list(MODELS)))
        index = draw(st.integers(0, len(rows[sheet]) - 1))
        code = draw(st.sampled_from([column.code for column in SPECS[sheet].columns]))
        found.append((sheet, index, code, cell_safe(draw(values or nasty()))))
    return found


def import_mutated(path, changes):
    rows = sample_rows()
    for sheet, index, code, value in changes:
        rows[sheet][index][code] = value
    write_workbook(path, rows)
    return registry_import(path=path, scope=COUNTY)


def assert_all_or_nothing(before: dict, result) -> None:
    after = counts()
    if result.written:
        for sheet, sheet_counts in result.counts.items():
            assert after[sheet] == before[sheet] + sheet_counts.created, sheet
            assert sheet_counts.rows == sheet_counts.created + sheet_counts.updated + sheet_counts.unchanged, sheet
    else:
        assert after == before


@examples(100)
@given(changes=mutations())
def test_it_imports_a_mangled_workbook_whole_or_not_at_all(world, tmp_path, fuzz_case, like_postgresql, changes):
    fuzz_case()
    with rolled_back():
        before = counts()
        try:
            result = import_mutated(tmp_path / "fuzz.xlsx", changes)
        except UnsafeWorkbook:
            assert counts() == before
            return
        assert_all_or_nothing(before, result)
        for sheet, _index, code, value in changes:
            if (sheet, code) in NAME_COLUMNS and isinstance(value, str) and name_problem(value):
                assert not result.written
                assert any("不可见的控制字符" in issue.message for issue in result.errors)


@examples(30)
@given(name=tricky_names(), where=st.sampled_from(sorted(NAME_COLUMNS)))
def test_it_refuses_a_name_with_bidi_or_zero_width_characters(world, tmp_path, fuzz_case, name, where):
    fuzz_case()
    sheet, code = where
    with rolled_back():
        before = counts()
        result = import_mutated(tmp_path / "name.xlsx", [(sheet, 0, code, name)])
        assert not result.written and counts() == before
        [issue] = [issue for issue in result.errors if "不可见的控制字符" in issue.message]
        assert (issue.sheet, issue.row) == (sheet, 2)


@examples(60)
@given(typed=typed_ids())
def test_it_never_stores_an_id_number_other_than_the_one_typed(world, tmp_path, fuzz_case, typed):
    """An 18-digit ID stored as a number: kept exactly when the file holds every digit, else refused."""
    fuzz_case()
    number, cell = typed
    with rolled_back():
        before = counts()
        result = import_mutated(tmp_path / "id.xlsx", [("家庭成员", 0, "id_number", cell)])
        assert_all_or_nothing(before, result)
        if isinstance(cell, float):
            assert not result.written
            assert any("末尾几位已丢失" in issue.message for issue in result.errors)
        elif result.written:
            assert Member.objects.filter(id_number=number, name="李大山").exists()


def test_the_sample_workbook_imports(world, tmp_path):
    """The fuzz starts from a workbook that imports: a refusal in the fuzz is the mutation's doing."""
    before = counts()
    result = import_mutated(tmp_path / "sample.xlsx", [])
    assert result.ok and result.written, result.errors
    assert counts()["家庭成员"] == before["家庭成员"] + 3
