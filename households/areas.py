"""Administrative areas read from a CSV of `code,name,parent_code` (UTF-8, with or without BOM).

The four seed counties and their townships ship with the project
(`households/data/areas-seed-counties.csv`, read by seed_demo); a county loads its own
townships and villages with `manage.py import_areas FILE.csv`. Both go through
`import_areas`: every row is checked first and every problem reported with its row
number; only a file without problems is written, in one transaction.
"""

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from households.choices import AreaLevel
from households.models import Area
from households.signals import counties_added_send

SEED_AREAS = Path(__file__).resolve().parent / "data" / "areas-seed-counties.csv"
COLUMNS = ("code", "name", "parent_code")
LEVEL_NAMES = {AreaLevel.COUNTY: "县", AreaLevel.TOWNSHIP: "乡镇", AreaLevel.VILLAGE: "行政村"}
NAME_MAX = Area._meta.get_field("name").max_length
DIGITS = re.compile(r"[0-9]+")
CHUNK = 500  # codes per `IN (...)` lookup, well inside every database's parameter limit


class AreaFileError(Exception):
    """The file cannot be imported: `message` is one line, `problems` one line per row problem."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = problems or []

    def __str__(self):
        return "\n".join([self.message, *self.problems])


@dataclass
class AreaImportResult:
    """What an import did, per level: {level: Counter(created=…, updated=…, unchanged=…)}."""

    by_level: dict[str, Counter] = field(default_factory=dict)

    def add(self, level: str, outcome: str) -> None:
        self.by_level.setdefault(level, Counter())[outcome] += 1

    def total(self, outcome: str | None = None) -> int:
        return sum(
            sum(counts.values()) if outcome is None else counts[outcome]
            for counts in self.by_level.values()
        )


def read_area_rows(path: Path | str) -> list[tuple[int, dict]]:
    """(row number, row) for each data row; the header is row 1. File-level problems raise."""
    path = Path(path)
    if not path.exists():
        raise AreaFileError(f"找不到文件 {path}：请检查路径")
    if path.is_dir():
        raise AreaFileError(f"{path} 是目录，不是行政区划文件（.csv）")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [(name or "").strip() for name in (reader.fieldnames or [])]
            reader.fieldnames = header
            missing = [column for column in COLUMNS if column not in header]
            if missing:
                raise AreaFileError(
                    f"{path} 缺少列 {'、'.join(missing)}：第1行应为表头 {','.join(COLUMNS)}"
                )
            rows = [(line, row) for line, row in enumerate(reader, start=2)]
    except UnicodeDecodeError:
        raise AreaFileError(
            f"{path} 不是 UTF-8 编码：请在 Excel 或 WPS 中另存为“CSV UTF-8”后再导入"
        ) from None
    except csv.Error as error:
        raise AreaFileError(f"{path} 不是有效的 CSV 文件：{error}") from None
    except OSError as error:
        raise AreaFileError(f"无法读取行政区划文件 {path}：{error.strerror or error}") from None
    if not rows:
        raise AreaFileError(f"{path} 没有数据行：第1行是表头，区划从第2行起")
    return rows


def check_area_rows(rows: list[tuple[int, dict]]) -> tuple[list[Area], list[str]]:
    """The rows as unsaved Areas (parents first) and every problem found, one line each.

    A code is 6 (county), 9 (township) or 12 (village) digits; a township's parent is the
    county its first 6 digits name, a village's the township of its first 9; that parent
    must be in the file or already in the database.
    """
    problems: list[tuple[int, str]] = []
    areas: dict[str, Area] = {}
    first_line: dict[str, int] = {}
    for line, row in rows:
        code = (row.get("code") or "").strip()
        name = (row.get("name") or "").strip()
        parent_code = (row.get("parent_code") or "").strip()
        found = []
        if not code:
            found.append("区划代码为空")
        elif not DIGITS.fullmatch(code):
            found.append(f"区划代码「{code}」只能由数字组成")
        elif Area.level_for_code(code) is None:
            found.append(
                f"区划代码「{code}」有{len(code)}位：应为6位（县）、9位（乡镇）或12位（行政村）"
            )
        elif code in first_line:
            found.append(f"区划代码「{code}」与第{first_line[code]}行重复")
        else:
            first_line[code] = line
            expected = code[:-3] if len(code) > 6 else ""
            if parent_code != expected:
                if not expected:
                    found.append(f"县级区划「{code}」的上级代码应为空，实为「{parent_code}」")
                else:
                    found.append(
                        f"区划代码「{code}」的上级代码应为「{expected}」（其前{len(expected)}位），"
                        f"实为「{parent_code or '空'}」"
                    )
        if not name:
            found.append("名称为空")
        elif len(name) > NAME_MAX:
            found.append(f"名称「{name}」超过{NAME_MAX}个字")
        problems += [(line, message) for message in found]
        if not found:
            areas[code] = Area(
                code=code, name=name, level=Area.level_for_code(code), parent_id=parent_code or None
            )

    # Parents that are not rows of this file must already be in the database.
    outside = {area.parent_id for area in areas.values() if area.parent_id} - set(first_line)
    known = existing_codes(outside)
    for area in areas.values():
        if area.parent_id in outside and area.parent_id not in known:
            parent_level = LEVEL_NAMES[Area.level_for_code(area.parent_id)]
            problems.append((
                first_line[area.code],
                f"上级区划「{area.parent_id}」既不在文件中也不在系统中：请先导入该{parent_level}",
            ))
    problems.sort(key=lambda problem: problem[0])
    ordered = sorted(areas.values(), key=lambda area: (len(area.code), area.code))
    return ordered, [f"第{line}行：{message}" for line, message in problems]


def existing_codes(codes) -> set[str]:
    codes = sorted(codes)
    found = set()
    for start in range(0, len(codes), CHUNK):
        found.update(
            Area.objects.filter(code__in=codes[start : start + CHUNK]).values_list("code", flat=True)
        )
    return found


def existing_names(codes) -> dict[str, str]:
    codes = sorted(codes)
    names = {}
    for start in range(0, len(codes), CHUNK):
        names.update(
            Area.objects.filter(code__in=codes[start : start + CHUNK]).values_list("code", "name")
        )
    return names


def import_areas(path: Path | str, *, dry_run: bool = False) -> AreaImportResult:
    """Load the file's areas: all of them, or (on any problem) none, raising AreaFileError.

    New codes are created, a changed name is updated, identical rows are left alone, so
    re-importing the same file changes nothing. Nothing is ever deleted. `dry_run` checks
    and counts what would change, and writes nothing.
    """
    rows = read_area_rows(path)
    with transaction.atomic():
        areas, problems = check_area_rows(rows)
        if problems:
            raise AreaFileError(
                f"{path} 有 {len(problems)} 处问题，未导入任何区划", problems=problems
            )
        names = existing_names(area.code for area in areas)
        result = AreaImportResult()
        created, renamed = [], []
        for area in areas:
            if area.code not in names:
                created.append(area)
                result.add(area.level, "created")
            elif names[area.code] != area.name:
                renamed.append(area)
                result.add(area.level, "updated")
            else:
                result.add(area.level, "unchanged")
        if not dry_run:
            Area.objects.bulk_create(created, batch_size=CHUNK)
            Area.objects.bulk_update(renamed, ["name"], batch_size=CHUNK)
            counties_added_send(codes=[area.code for area in created if len(area.code) == 6])
    return result


def load_seed_areas() -> int:
    """Insert or update the four seed counties and their townships; returns how many rows."""
    return import_areas(SEED_AREAS).total()
