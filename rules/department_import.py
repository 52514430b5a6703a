"""Importing a department's list (部门数据): .xlsx or .csv, all or nothing, matched on ID number.

Every list has 证件号码 and 姓名, plus one column of its own (import-template.md). Rows
whose ID number matches nobody in the registry are kept and reported as unmatched.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from households import id_numbers
from households.choices import DisabilityGrade, StudentStatus
from households.models import Member
from households.names import invisible_characters, name_problem
from households.table_stats import analyze
from households.workbook.safety import UnsafeWorkbook, open_workbook, sheet_rows

from rules.models import DepartmentBatch, DepartmentRecord, DepartmentSource
from rules.signals import catalog_changed_on_commit

MAX_CSV_BYTES = 50 * 1024 * 1024
MONEY_LIMIT = Decimal("9999999999.99")  # DepartmentRecord.amount: 12 digits, 2 of them decimals
ID_LIMIT = 32  # DepartmentRecord.id_number
_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)")  # no NaN, Infinity or exponent

# source -> (header of its own column, kind, allowed labels → stored value)
EXTRA_COLUMNS = {
    DepartmentSource.DEATHS: ("注销日期", "date", None),
    DepartmentSource.ENROLMENT: ("学段", "choice", {
        label: value for value, label in StudentStatus.choices if value in (
            "primary", "junior", "senior", "vocational", "higher_vocational", "undergraduate")}),
    DepartmentSource.DROPOUTS: ("辍学日期", "date", None),
    DepartmentSource.SUBSISTENCE: ("保障金额", "money", None),
    DepartmentSource.EXTREME_POVERTY: ("供养金额", "money", None),
    DepartmentSource.DISABILITY: ("残疾等级", "choice", {
        label: value for value, label in DisabilityGrade.choices if value != DisabilityGrade.NONE}),
    DepartmentSource.LARGE_MEDICAL: ("个人自付金额", "money", None),
    DepartmentSource.UNSAFE_HOUSING: ("危房等级", "choice", {"C级": "C级", "D级": "D级"}),
    DepartmentSource.EMPLOYMENT: ("务工时间", "months", None),
}


class DepartmentImportError(Exception):
    """The file cannot be imported; `problems` lists every (row, column, value, message)."""

    def __init__(self, message: str, problems: list[tuple] | None = None):
        super().__init__(message)
        self.problems = problems or []


@dataclass
class DepartmentImportResult:
    batch: DepartmentBatch
    rows: int
    matched: int
    unmatched: list[tuple[int, str, str]] = field(default_factory=list)  # (row, ID number, name)


def department_import(*, source: str, path: Path | str, year: int, user=None, county: str | None = None,
                      file_name: str | None = None) -> DepartmentImportResult:
    """Validate the whole list, then store it as the newest batch of `source` for `year`.

    With a `county` (an upload on screen) the batch applies in that county only and its rows
    are matched against that county's members; without one (the command) it applies in every
    county and is matched against the whole registry. `file_name` is what the uploader called
    the file (`path` may be a temporary copy).
    """
    if source not in DepartmentSource.values:
        raise DepartmentImportError(f"未知的部门数据来源“{source}”，可选：{'、'.join(DepartmentSource.values)}")
    path = Path(path)
    header, rows = _read(path)
    records, problems = _parse(source, header, rows)
    if problems:
        raise DepartmentImportError(f"{len(problems)} 处错误，未导入任何数据", problems)
    if not records:
        raise DepartmentImportError("文件中没有数据行")
    with transaction.atomic():
        batch = DepartmentBatch.objects.create(source=source, year=year, county=county or None,
                                               file_name=(file_name or path.name)[:255],
                                               imported_by=user, row_count=len(records))
        for record in records:
            record.batch = batch
        DepartmentRecord.objects.bulk_create(records, batch_size=2000)
        members = Member.objects.filter(household__village__code__startswith=county) if county else Member.objects
        known = members.filter(id_number__in=DepartmentRecord.objects.filter(batch=batch).values("id_number"))
        batch.records.filter(id_number__in=known.values("id_number")).update(matched=True)
        batch.matched_count = batch.records.filter(matched=True).count()
        batch.save(update_fields=["matched_count"])
        catalog_changed_on_commit(county or None)
    analyze(DepartmentRecord)  # the rules join the new rows with the members: plan them on fresh statistics
    unmatched = list(batch.records.filter(matched=False).values_list("row_number", "id_number", "name")[:1000])
    return DepartmentImportResult(batch=batch, rows=len(records), matched=batch.matched_count, unmatched=unmatched)


def _read(path: Path) -> tuple[list[str], list[tuple[int, tuple]]]:
    if not path.exists():
        raise DepartmentImportError(f"找不到文件 {path}")
    if path.suffix.lower() == ".csv":
        return _read_csv(path)
    if path.suffix.lower() != ".xlsx":
        raise DepartmentImportError("部门数据应为 .xlsx 或 .csv 文件")
    try:
        workbook = open_workbook(path)
        rows = list(sheet_rows(workbook.worksheets[0]))
    except UnsafeWorkbook as error:
        raise DepartmentImportError(error.message) from None
    if not rows:
        raise DepartmentImportError("工作表是空的")
    (_, header), *data = rows
    return [str(h or "").strip() for h in header], data


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, tuple]]]:
    if path.stat().st_size > MAX_CSV_BYTES:
        raise DepartmentImportError(f"CSV 文件超过 {MAX_CSV_BYTES // 1024 // 1024} MB")
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # departments export either
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DepartmentImportError("无法识别 CSV 文件的编码，请另存为 UTF-8")
    reader = csv.reader(io.StringIO(text))
    rows = [(number, tuple(row)) for number, row in enumerate(reader, start=1) if any(c.strip() for c in row)]
    if not rows:
        raise DepartmentImportError("CSV 文件是空的")
    (_, header), *data = rows
    return [h.strip() for h in header], data


def _parse(source: str, header: list[str], rows) -> tuple[list[DepartmentRecord], list[tuple]]:
    extra_header, kind, labels = EXTRA_COLUMNS[DepartmentSource(source)]
    missing = [name for name in ("证件号码", "姓名", extra_header) if name not in header]
    if missing:
        raise DepartmentImportError(f"缺少列：{'、'.join(missing)}（{source} 名单应有 证件号码、姓名、{extra_header}）")
    index = {name: header.index(name) for name in ("证件号码", "姓名", extra_header)}
    records, problems = [], []
    for number, values in rows:
        cell = lambda name: values[index[name]] if index[name] < len(values) else None  # noqa: E731
        id_number, id_problem = _id_number(cell("证件号码"))
        if id_problem:
            problems.append((number, "证件号码", _show(cell("证件号码")), id_problem))
        name = str(cell("姓名") or "").strip()
        problem = name_problem(name)
        if problem:
            problems.append((number, "姓名", _show(name), problem))
        record = DepartmentRecord(row_number=number, id_number=id_number, name=name[:64])
        problem = _fill(record, kind, labels, cell(extra_header))
        if problem:
            problems.append((number, extra_header, _show(cell(extra_header)), problem))
        records.append(record)
    return records, problems


def _id_number(raw) -> tuple[str, str | None]:
    if raw is None or str(raw).strip() == "":
        return "", "证件号码为空"
    if isinstance(raw, float | int) and not isinstance(raw, bool):
        return str(raw)[:ID_LIMIT], "证件号码被存成了数字，后几位可能已丢失：请把该列设为文本后重新填写"
    number = id_numbers.normalise(raw)
    if invisible_characters(number):
        return "", "证件号码含有不可见的控制字符：请删除后重新填写"
    if len(number) > ID_LIMIT:
        return number[:ID_LIMIT], f"证件号码过长（{len(number)} 个字符）：请检查是否填错了列"
    return number, None


def _fill(record: DepartmentRecord, kind: str, labels, raw) -> str | None:
    if raw is None or str(raw).strip() == "":
        return None  # the list's own column may be empty; the rules read only its presence
    text = str(raw).strip()
    if kind == "date":
        if isinstance(raw, datetime.datetime | datetime.date):
            record.date_value = raw.date() if isinstance(raw, datetime.datetime) else raw
            return None
        try:
            record.date_value = datetime.date.fromisoformat(text)
        except ValueError:
            return "日期应为 YYYY-MM-DD"
    elif kind == "money":
        text = text.replace(",", "")
        if not _NUMBER.fullmatch(text):
            return "金额应为数字"
        amount = Decimal(text)
        if amount < 0:
            return "金额不能为负数"
        if amount > MONEY_LIMIT:
            return f"金额超出可保存的范围（最大 {MONEY_LIMIT}）：请检查是否多写了位数"
        record.amount = amount.quantize(Decimal("0.01"))
    elif kind == "months":
        # Checked as a number before int(): int(Decimal("Infinity")) raises, int(Decimal("1e999999999")) never ends.
        if not _NUMBER.fullmatch(text) or not 0 <= Decimal(text) <= 12:
            return "务工时间应为0–12的整数"
        record.months = int(Decimal(text))
    elif kind == "choice":
        if text not in labels:
            return f"应为 {'、'.join(labels)} 之一"
        record.text_value = labels[text]
    return None


def _show(raw) -> str:
    return "" if raw is None else str(raw)[:64]
