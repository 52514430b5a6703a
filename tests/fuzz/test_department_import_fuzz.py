"""Department lists, fuzzed through the upload page: a whole batch or nothing, and never a 500."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from households.names import name_problem
from rules.department_import import EXTRA_COLUMNS
from rules.models import DepartmentBatch, DepartmentRecord, DepartmentSource
from tests.fuzz.conftest import examples, rolled_back
from tests.fuzz.strategies import cell_safe, nasty, tricky_names, valid_ids
from tests.rules.departments.lists import SAMPLES

pytestmark = pytest.mark.django_db

SOURCES = DepartmentSource.values


def header(source):
    return ["证件号码", "姓名", EXTRA_COLUMNS[DepartmentSource(source)][0]]


@st.composite
def lists(draw):
    """(source, rows): a list with the right header and 1–4 rows, some cells nasty."""
    source = draw(st.sampled_from(SOURCES))
    rows = [header(source)]
    for _ in range(draw(st.integers(1, 4))):
        row = [draw(valid_ids()), "张三", SAMPLES[source][0]]
        for index in draw(st.sets(st.integers(0, 2), max_size=3)):
            row[index] = draw(nasty())
        rows.append(row)
    if draw(st.booleans()):  # a header that is not quite right: missing, extra or shuffled columns
        rows[0] = draw(st.permutations(rows[0] + draw(st.lists(st.sampled_from(["备注", "", "姓名", "=1"]),
                                                                  max_size=2))))[:draw(st.integers(0, 5))]
    return source, rows


def as_csv(rows, encoding):
    text = io.StringIO()
    csv.writer(text).writerows([["" if v is None else str(v) for v in row] for row in rows])
    return text.getvalue().encode(encoding, errors="replace")


def as_xlsx(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append([cell_safe(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def staff(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.county_staff)
    return client


def upload(client, source, name, content, year=2025):
    return client.post(reverse("department_upload"), {
        "source": source, "year": year, "file": SimpleUploadedFile(name, content)})


def data_rows(rows) -> int:
    return sum(1 for row in rows[1:] if any(str(v if v is not None else "").strip() for v in row))


@examples(80)
@given(drawn=lists(), kind=st.sampled_from(["xlsx", "csv-utf8", "csv-gb18030"]))
def test_it_imports_a_fuzzed_list_whole_or_not_at_all(staff, fuzz_case, like_postgresql, drawn, kind):
    fuzz_case()
    source, rows = drawn
    content = as_xlsx(rows) if kind == "xlsx" else as_csv(rows, "utf-8-sig" if kind == "csv-utf8" else "gb18030")
    with rolled_back():
        before = DepartmentRecord.objects.count(), DepartmentBatch.objects.count()
        response = upload(staff, source, f"list.{kind[:4].rstrip('-')}", content)
        assert response.status_code < 500
        if response.status_code == 302:
            batch = DepartmentBatch.objects.latest("pk")
            assert DepartmentRecord.objects.count() == before[0] + batch.row_count
            assert batch.row_count == batch.records.count() > 0
            column = rows[0].index("姓名")  # an accepted list has the column
            names = [str(row[column]) for row in rows[1:] if row[column] is not None]
            assert not any(name_problem(name) for name in names)
        else:
            assert (DepartmentRecord.objects.count(), DepartmentBatch.objects.count()) == before


@examples(60)
@given(content=st.one_of(st.binary(max_size=2000), st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b)),
       name=st.sampled_from(["list.csv", "list.xlsx", "list.xls", "list", "名单.CSV"]),
       source=st.sampled_from(SOURCES + ["", "不存在"]), year=st.sampled_from(["2025", "", "２０２５", "1e3", "-1"]))
def test_it_refuses_random_bytes_with_a_message(staff, fuzz_case, like_postgresql, content, name, source, year):
    fuzz_case()
    with rolled_back():
        before = DepartmentRecord.objects.count()
        response = upload(staff, source, name, content, year)
        assert response.status_code < 500
        if response.status_code != 302:
            assert DepartmentRecord.objects.count() == before


@examples(20)
@given(name=tricky_names(), kind=st.sampled_from(["xlsx", "csv"]))
def test_it_refuses_a_name_with_invisible_characters(staff, fuzz_case, world, name, kind):
    fuzz_case()
    member = world.home.members.first()
    rows = [header(SOURCES[0]), [member.id_number, name, SAMPLES[SOURCES[0]][0]]]
    with rolled_back():
        response = upload(staff, SOURCES[0], f"list.{kind}", as_xlsx(rows) if kind == "xlsx" else as_csv(rows, "utf-8"))
        assert response.status_code == 400
        assert not DepartmentBatch.objects.exists()
        assert "不可见的控制字符" in response.content.decode()
