"""Department list files built in the test, as a county's staff would export them."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from rules.department_import import EXTRA_COLUMNS
from rules.models import DepartmentSource

# A valid value of each list's own column, as the department writes it, and as the page shows it.
SAMPLES = {
    DepartmentSource.DEATHS: ("2025-03-01", "2025-03-01"),
    DepartmentSource.ENROLMENT: ("初中", "初中"),
    DepartmentSource.DROPOUTS: ("2025-04-02", "2025-04-02"),
    DepartmentSource.SUBSISTENCE: ("3,600", "3,600.00 元"),
    DepartmentSource.EXTREME_POVERTY: ("5200.5", "5,200.50 元"),
    DepartmentSource.DISABILITY: ("二级", "二级"),
    DepartmentSource.LARGE_MEDICAL: ("12000", "12,000.00 元"),
    DepartmentSource.UNSAFE_HOUSING: ("C级", "C级"),
    DepartmentSource.EMPLOYMENT: ("6", "6 个月"),
}


def header(source: str) -> list[str]:
    return ["证件号码", "姓名", EXTRA_COLUMNS[DepartmentSource(source)][0]]


def csv_file(name: str, rows: list[list], encoding: str = "utf-8-sig") -> SimpleUploadedFile:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode(encoding), content_type="text/csv")


def xlsx_file(name: str, rows: list[list]) -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def list_file(kind: str, name: str, rows: list[list]) -> SimpleUploadedFile:
    return (xlsx_file if kind == "xlsx" else csv_file)(f"{name}.{kind}", rows)
