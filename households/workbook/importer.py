"""The registry import (import-template.md): all or nothing, every problem at once.

Two passes. The first reads the workbook once, parses and checks every cell, row and
reference, compares the good rows with the database to count what would be created,
updated or left unchanged, and spools the parsed rows to a temporary file; it writes
nothing. If it found no error and this is not a dry run, the second pass reads the
spool (not the workbook again) and writes everything in one transaction, in batches.
Memory stays flat whatever the size: rows live in batches, only keys are kept whole.
"""

import pickle
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from households.workbook import messages as msg
from households.workbook.sheets import HANDLERS, ImportContext, Row, SheetHandler
from households.models import Area
from households.table_stats import analyze
from households.workbook.template import SHEETS, SheetSpec
from households.workbook.cells import CellError, Column, display, header_key, parse, parse_column
from households.workbook.safety import TooManyRows, declared_rows, filled, limit, open_workbook, sheet_rows

MAX_LISTED_ERRORS = 100_000
HEADER_SEARCH_ROWS = 5  # a title row or two above the headers is common
PARSE_CHUNK = 1000  # rows parsed a column at a time
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Issue:
    sheet: str
    row: int | None
    column: str
    value: str
    message: str
    level: str = "error"  # or "warning"


@dataclass
class SheetCounts:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class Issues:
    """Every error (listed up to MAX_LISTED_ERRORS); warnings once per sheet, column and kind."""

    def __init__(self):
        self.errors: list[Issue] = []
        self.error_count = 0
        self._warnings: dict[tuple, list] = {}

    def error(self, sheet: str, row: int | None, column: str, value, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(Issue(sheet, row, column, display(value), message))

    def warn(self, sheet: str, row: int | None, column: str, value, message: str) -> None:
        seen = self._warnings.get((sheet, column, message))
        if seen:
            seen[1] += 1
        else:
            self._warnings[(sheet, column, message)] = [Issue(sheet, row, column, display(value), message, "warning"), 1]

    @property
    def warnings(self) -> list[Issue]:
        return [
            issue if count == 1 else Issue(issue.sheet, issue.row, issue.column, issue.value,
                                           f"{issue.message}（共 {count} 处，第一处见此行）", "warning")
            for issue, count in self._warnings.values()
        ]


@dataclass
class ImportResult:
    counts: dict[str, SheetCounts]
    errors: list[Issue]
    error_count: int
    warnings: list[Issue]
    dry_run: bool
    written: bool = False
    counties: list[str] = field(default_factory=list)  # the 6-digit codes the workbook's rows fall in

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def changes(self) -> int:
        return sum(c.created + c.updated for c in self.counts.values())

    def counts_as_dict(self) -> dict[str, dict[str, int]]:
        return {sheet: asdict(counts) for sheet, counts in self.counts.items()}


class _Spool:
    """Parsed rows of one sheet, pickled batch by batch to a temporary file.

    A batch whose rows name the same columns is stored a column at a time, amounts as text:
    pickling a dict per row and a Decimal per amount (its reduce, then its rebuilding) took
    longer than parsing the cells did.
    """

    def __init__(self):
        self.file = tempfile.TemporaryFile()  # noqa: SIM115  closed by close(), after the second pass

    def put(self, rows: list[Row]) -> None:
        if not rows:
            return
        codes = tuple(rows[0][1])
        if any(tuple(values) != codes for _, values in rows):
            pickle.dump(("rows", rows), self.file, protocol=pickle.HIGHEST_PROTOCOL)  # e.g. a repeated ID's _nth
            return
        columns = list(zip(*(values.values() for _, values in rows)))
        amounts = [index for index, column in enumerate(columns) if _has_decimals(column)]
        for index in amounts:
            columns[index] = [None if value is None else str(value) for value in columns[index]]
        numbers = [number for number, _ in rows]
        pickle.dump(("columns", codes, numbers, columns, amounts), self.file, protocol=pickle.HIGHEST_PROTOCOL)

    def batches(self) -> Iterator[list[Row]]:
        self.file.seek(0)
        while True:
            try:
                kind, *stored = pickle.load(self.file)
            except EOFError:
                return
            if kind == "rows":
                yield stored[0]
                continue
            codes, numbers, columns, amounts = stored
            for index in amounts:
                columns[index] = [None if text is None else Decimal(text) for text in columns[index]]
            yield [(number, dict(zip(codes, values))) for number, values in zip(numbers, zip(*columns))]

    def close(self) -> None:
        self.file.close()


def _has_decimals(column) -> bool:
    """A column of Decimals and empty cells (only these are stored as text)."""
    kinds = set(map(type, column))
    return Decimal in kinds and kinds <= {Decimal, type(None)}


class _Ticker:
    """Calls `progress(done, total)` as rows go by; the total is re-estimated between passes."""

    def __init__(self, progress: Progress | None, total: int):
        self.progress, self.done, self.total = progress, 0, max(total, 1)

    def advance(self, n: int) -> None:
        self.done += n
        self.total = max(self.total, self.done)
        if self.progress:
            self.progress(self.done, self.total)


def registry_import(
    *, path: Path | str, dry_run: bool = False, scope: str | None = None, progress: Progress | None = None
) -> ImportResult:
    """Validate the workbook at `path` whole and, unless `dry_run` or anything is wrong, import it.

    `scope` is an area-code prefix (a county staff member's county): rows outside it are
    refused. Raises workbook_safety.UnsafeWorkbook before parsing a file that is not a
    safe .xlsx. Writes in one transaction: an exception half-way leaves nothing behind.
    """
    issues = Issues()
    context = ImportContext(report=issues, scope=scope, scope_label=_scope_label(scope))
    counts = {spec.name: SheetCounts() for spec in SHEETS}
    handlers: dict[str, SheetHandler] = {}
    spools = {spec.name: _Spool() for spec in SHEETS}
    try:
        workbook = open_workbook(path)
        try:
            sheets = _find_sheets(workbook, issues)
            estimate = sum(declared_rows(ws) for ws in sheets.values())
            ticker = _Ticker(progress, estimate if dry_run else 2 * estimate)
            for spec in SHEETS:
                if spec.name not in sheets:
                    continue
                try:
                    handler = _validate_sheet(spec, sheets[spec.name], context, counts[spec.name],
                                              spools[spec.name], ticker)
                except TooManyRows:  # the rest would drown the one message that matters
                    issues.error(spec.name, None, "", "",
                                 msg.TOO_MANY_ROWS.format(sheet=spec.name, limit=limit("MAX_ROWS")))
                    break
                if handler is not None:
                    handlers[spec.name] = handler
        finally:
            workbook.close()
        written = False
        if issues.error_count == 0 and not dry_run:
            ticker.total = ticker.done + sum(c.rows for c in counts.values())
            _write(handlers, context, counts, spools, ticker)
            written = True
            if any(c.created or c.updated for c in counts.values()):
                analyze(*(spec.model for spec in SHEETS))  # the next batch must not plan on stale statistics
    finally:
        for spool in spools.values():
            spool.close()
    return ImportResult(counts=counts, errors=issues.errors, error_count=issues.error_count,
                        warnings=issues.warnings, dry_run=dry_run, written=written,
                        counties=sorted({code[:6] for code in context.areas}))


def _scope_label(scope: str | None) -> str:
    if scope is None:
        return ""
    area = Area.objects.filter(code=scope).first()
    return f"{area.name} {scope}" if area else scope


def _find_sheets(workbook, issues: Issues) -> dict:
    by_key = {header_key(name): name for name in workbook.sheetnames}
    found = {}
    for spec in SHEETS:
        name = by_key.pop(header_key(spec.name), None) or by_key.pop(spec.code, None)
        if name is None:
            issues.error(spec.name, None, "", "", msg.MISSING_SHEET.format(sheet=spec.name))
        else:
            found[spec.name] = workbook[name]
    for name in by_key.values():
        issues.warn(name, None, "", "", msg.EXTRA_SHEET.format(sheet=name))
    return found


def _match_header(spec: SheetSpec, values: tuple) -> dict[int, Column]:
    aliases = {}
    for column in spec.columns:
        aliases[header_key(column.header)] = column
        aliases[header_key(column.code)] = column
    mapping = {}
    for index, value in enumerate(values):
        key = header_key(value)
        column = aliases.get(key) or aliases.get(re.sub(r"\(.*\)$", "", key))  # 工资性收入（元）
        if column is not None:
            mapping[index] = column
    return mapping


def _read_header(spec: SheetSpec, rows: Iterator, issues: Issues) -> tuple[dict[int, Column], int] | None:
    """The header row among the first rows: the one naming the sheet's first column."""
    for _ in range(HEADER_SEARCH_ROWS):
        number, values = next(rows, (None, None))
        if number is None:
            break
        mapping = _match_header(spec, values)
        if spec.columns[0] not in mapping.values():
            continue
        seen: dict[str, int] = {}
        for index, column in sorted(mapping.items()):
            if column.code in seen:
                issues.error(spec.name, number, column.header, display(values[index]),
                             msg.DUPLICATE_COLUMN.format(column=column.header, first=seen[column.code] + 1,
                                                         second=index + 1))
            seen.setdefault(column.code, index)
        for index, value in enumerate(values):
            if index not in mapping and header_key(value):
                issues.warn(spec.name, number, display(value), "", msg.EXTRA_COLUMN.format(column=display(value)))
        for column in spec.columns:
            # Without 成员编号, rows match on their keys; a column added later is absent from older workbooks.
            if column.code not in seen and not column.identifier and not column.later:
                message = msg.MISSING_COLUMN if column.required else msg.MISSING_OPTIONAL_COLUMN
                report = issues.error if column.required else issues.warn
                report(spec.name, number, column.header, "", message.format(column=column.header))
        return {seen[c.code]: c for c in spec.columns if c.code in seen}, number
    issues.error(spec.name, None, "", "", msg.HEADER_NOT_FOUND.format(sheet=spec.name, key=spec.columns[0].header))
    return None


def _validate_sheet(spec, worksheet, context, counts, spool, ticker) -> SheetHandler | None:
    issues = context.report
    rows = sheet_rows(worksheet)
    header = _read_header(spec, rows, issues)
    if header is None:
        return None
    mapping, _ = header
    if any(column.required and column not in mapping.values() for column in spec.columns):
        return None  # reported by _read_header; the rows cannot be read without their key
    handler = HANDLERS[spec.name](context, list(mapping.values()))
    batch: list[Row] = []
    chunk: list[tuple[int, tuple]] = []
    try:
        for number, values in rows:
            if not any(filled(values[index]) for index in mapping if index < len(values)):
                continue  # content only in columns outside the template (ignored, like those columns)
            counts.rows += 1
            if counts.rows % 500 == 0:
                ticker.advance(500)
            chunk.append((number, values))
            if len(chunk) >= PARSE_CHUNK:
                batch = _take_chunk(spec, mapping, chunk, handler, batch, counts, spool, issues)
                chunk = []
    except TooManyRows:
        _take_chunk(spec, mapping, chunk, handler, batch, counts, spool, issues)  # the rows read are reported
        raise
    batch = _take_chunk(spec, mapping, chunk, handler, batch, counts, spool, issues)
    _plan_batch(handler, batch, counts, spool)
    ticker.advance(counts.rows % 500)
    return handler


def _take_chunk(spec, mapping, chunk, handler, batch, counts, spool, issues) -> list[Row]:
    """Parse rows a column at a time, then check and plan them one by one, in sheet order.

    A row with a cell parse_column leaves to parse() is parsed again cell by cell, reporting:
    the errors and warnings, and their order, are those of a row-by-row reading.
    """
    codes = [column.code for column in mapping.values()]
    columns = []
    unparsed: set[int] = set()
    widths = {len(values) for _, values in chunk}
    # calamine's rows all have the sheet's width: transposed at once; other rows cell by cell.
    transposed = list(zip(*(values for _, values in chunk))) if len(widths) == 1 else None
    for index, column in mapping.items():
        if transposed is not None:
            raws = transposed[index] if index < len(transposed) else (None,) * len(chunk)
        else:
            raws = [values[index] if index < len(values) else None for _, values in chunk]
        parsed, refused = parse_column(column, raws)
        columns.append(parsed)
        unparsed |= refused
    for position, ((number, values), cells) in enumerate(zip(chunk, zip(*columns), strict=True)):
        if position in unparsed:
            parsed, ok = _parse_row(spec, mapping, number, values, issues)
        else:
            parsed, ok = dict(zip(codes, cells)), True
        if ok and handler.check(number, parsed):
            batch.append((number, parsed))
        elif not ok:
            handler.note_invalid(number, parsed)
        if handler.batch_size and len(batch) >= handler.batch_size:
            _plan_batch(handler, batch, counts, spool)
            batch = []
    return batch


def _plan_batch(handler, batch, counts, spool) -> None:
    if not batch:
        return
    plan = handler.process(batch, validating=True)
    counts.created += len(plan.create)
    counts.updated += len(plan.update)
    counts.unchanged += plan.unchanged
    spool.put(plan.rows)


def _parse_row(spec, mapping: dict[int, Column], number: int, values: tuple, issues: Issues) -> tuple[dict, bool]:
    parsed, ok = {}, True
    width = len(values)
    for index, column in mapping.items():
        raw = values[index] if index < width else None
        try:
            value, warning = parse(column, raw)
        except CellError as error:
            issues.error(spec.name, number, column.header, raw, error.message)
            ok = False
            continue
        if warning:
            issues.warn(spec.name, number, column.header, raw, warning)
        parsed[column.code] = value
    return parsed, ok


def _write(handlers, context, counts, spools, ticker) -> None:
    """The second pass: everything in one transaction, sheet by sheet, batch by batch."""
    written = {name: SheetCounts(rows=counts[name].rows) for name in counts}
    with transaction.atomic():
        for spec in SHEETS:
            first = handlers.get(spec.name)
            if first is None:
                continue
            handler = type(first)(context, first.columns)  # fresh state; the context is shared
            for batch in spools[spec.name].batches():
                plan = handler.process(batch, validating=False)
                handler.write(plan)
                written[spec.name].created += len(plan.create)
                written[spec.name].updated += len(plan.update)
                written[spec.name].unchanged += plan.unchanged
                ticker.advance(len(batch))
    counts.update(written)
