"""Malformed registry workbooks through the upload page: a Chinese message, nothing imported, no 500.

Random bytes, a zip that is not a workbook, a real workbook cut short or with a byte
flipped, sheets under wrong names, no header row, extra columns, empty sheets, an XML part
holding a NUL. A workbook that still validates is confirmed, and then imports whole.
"""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from households.workbook.models import ImportStatus, RegistryImport
from tests.fuzz.conftest import examples, rolled_back
from tests.fuzz.strategies import cell_safe, nasty
from tests.fuzz.test_registry_import_fuzz import counts
from tests.households.workbook.workbooks import SPECS, sample_rows, write_workbook

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def sample_bytes(tmp_path) -> bytes:
    return write_workbook(tmp_path / "sample.xlsx").read_bytes()


def _rebuilt(source: bytes, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item, change(item.filename, old.read(item.filename)))
    return out.getvalue()


def _odd_workbook(draw) -> bytes:
    """A workbook openpyxl writes, but not the template's shape."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    rows = sample_rows()
    for name, spec in SPECS.items():
        if draw(st.integers(0, 5)) == 0:
            continue  # a sheet left out
        title = draw(st.sampled_from([name, name, spec.code, name + " ", "Sheet1", "区　划", "=1"]))
        if title in workbook.sheetnames:
            continue
        sheet = workbook.create_sheet(title)
        headers = [c.header for c in spec.columns]
        shape = draw(st.sampled_from(["whole", "no_header", "extra", "shuffled", "empty", "title_row", "header_only"]))
        if shape == "empty":
            continue
        if shape == "title_row":
            sheet.append([f"{name}（2025年）"])
        if shape == "shuffled":
            headers = draw(st.permutations(headers))
        if shape == "extra":
            headers = headers + [cell_safe(draw(nasty())) for _ in range(draw(st.integers(1, 3)))]
        if shape != "no_header":
            sheet.append([cell_safe(h) for h in headers])
        if shape == "header_only":
            continue
        for row in rows[name]:
            values = [row.get(c.code) for c in spec.columns]
            sheet.append([cell_safe(v) for v in values] + [cell_safe(draw(nasty())) for _ in range(len(headers) - len(values))])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@st.composite
def workbook_files(draw, sample: bytes):
    kind = draw(st.sampled_from(["random", "zip_junk", "truncated", "flipped", "odd", "nul", "empty_zip", "empty"]))
    if kind == "random":
        return kind, draw(st.binary(max_size=4000))
    if kind == "zip_junk":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for index in range(draw(st.integers(1, 4))):
                archive.writestr(draw(st.sampled_from(["[Content_Types].xml", "xl/workbook.xml", f"x{index}.xml",
                                                       "xl/worksheets/sheet1.xml"])), draw(st.binary(max_size=300)))
        return kind, out.getvalue()
    if kind == "truncated":
        return kind, sample[:draw(st.integers(0, len(sample) - 1))]
    if kind == "flipped":
        position = draw(st.integers(0, len(sample) - 1))
        return kind, sample[:position] + bytes([sample[position] ^ draw(st.integers(1, 255))]) + sample[position + 1:]
    if kind == "nul":
        return kind, _rebuilt(sample, lambda name, data: data.replace(b"\xe6\x9d\x8e\xe5\xa4\xa7\xe5\xb1\xb1",
                                                                     draw(st.sampled_from([b"&#0;", b"\x00", b"&#x202E;"]))))
    if kind == "empty_zip":
        out = io.BytesIO()
        zipfile.ZipFile(out, "w").close()
        return kind, out.getvalue()
    if kind == "empty":
        return kind, b""
    return kind, _odd_workbook(draw)


@examples(60)
@given(data=st.data(), name=st.sampled_from(["登记.xlsx", "登记.XLSX", "登记.xls", "登记"]))
def test_a_malformed_workbook_is_refused_whole_and_never_answers_500(
        world, sample_bytes, fuzz_case, like_postgresql, django_capture_on_commit_callbacks, data, name):
    fuzz_case()
    kind, content = data.draw(workbook_files(sample_bytes), label="file")
    client = Client(raise_request_exception=False)
    client.force_login(world.county_staff)
    with rolled_back():
        before = counts()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("registry_import_new"), {"workbook": SimpleUploadedFile(name, content)})
        assert response.status_code < 500, kind
        record = RegistryImport.objects.order_by("pk").last()
        if response.status_code == 302 and record is not None:
            assert client.get(reverse("registry_import_detail", args=[record.pk])).status_code < 500
            assert record.status != ImportStatus.IMPORTING
            if record.status == ImportStatus.VALID:
                with django_capture_on_commit_callbacks(execute=True):
                    client.post(reverse("registry_import_confirm", args=[record.pk]))
                record.refresh_from_db()
                assert record.status in (ImportStatus.IMPORTED, ImportStatus.INVALID), record.message
                if record.status == ImportStatus.IMPORTED:
                    after = counts()
                    for sheet, sheet_counts in record.counts.items():
                        assert after[sheet] == before[sheet] + sheet_counts["created"]
                    assert client.get(reverse("registry_import_detail", args=[record.pk])).status_code < 500
                    return
            if record.error_report:
                assert client.get(reverse("registry_import_report", args=[record.pk])).status_code < 500
        assert counts() == before
