"""The administrative areas of the four seed counties (shared/data/areas-seed-counties.csv)."""

import csv
import os
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import Area


class AreaFileError(Exception):
    """The seed-area file is missing or malformed; the message says where."""


def seed_areas_path() -> Path:
    """The CSV to read: $AREAS_CSV when set, else shared/data beside the project."""
    override = os.environ.get("AREAS_CSV", "").strip()
    if override:
        return Path(override)
    return Path(settings.BASE_DIR).parent / "shared" / "data" / "areas-seed-counties.csv"


def read_seed_areas(path: Path | str | None = None) -> list[Area]:
    """The rows of the file as unsaved Areas, parents before children."""
    path = Path(path) if path is not None else seed_areas_path()
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        raise AreaFileError(f"无法读取行政区划文件 {path}：{error.strerror or error}") from error

    areas = []
    for line, row in enumerate(rows, start=2):
        code = (row.get("code") or "").strip()
        name = (row.get("name") or "").strip()
        parent_code = (row.get("parent_code") or "").strip()
        level = Area.level_for_code(code)
        if not code.isdigit() or level is None or not name:
            raise AreaFileError(f"{path} 第{line}行：区划代码或名称无效（{code!r}, {name!r}）")
        expected_parent = code[:-3] if len(code) > 6 else ""
        if parent_code != expected_parent:
            raise AreaFileError(
                f"{path} 第{line}行：上级代码应为 {expected_parent or '空'}，"
                f"实为 {parent_code or '空'}"
            )
        areas.append(Area(code=code, name=name, level=level, parent_id=parent_code or None))
    areas.sort(key=lambda area: (len(area.code), area.code))
    return areas


def load_seed_areas(path: Path | str | None = None) -> int:
    """Insert or update the counties and townships of the seed file; returns how many rows.

    Idempotent: codes are primary keys, so a rerun updates names and changes nothing else.
    """
    areas = read_seed_areas(path)
    with transaction.atomic():
        Area.objects.bulk_create(
            areas,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "level", "parent"],
        )
    return len(areas)
