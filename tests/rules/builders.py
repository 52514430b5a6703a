"""Builders the rule tests share: birthdays at the age edges, ID numbers, lists, parameters.

Written from domain.md and rules.md, not from the catalog: the check character is
computed here again, so a test of B01 does not lean on the code it tests.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from rules.models import CatalogParameter, DepartmentBatch, DepartmentRecord, RuleSetting

YEAR = 2025
REFERENCE_DATE = datetime.date(YEAR, 9, 30)

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = {0: "1", 1: "0", 2: "X", 3: "9", 4: "8", 5: "7", 6: "6", 7: "5", 8: "4", 9: "3", 10: "2"}


def aged(years: int) -> datetime.date:
    """A birthday on the reference date itself: exactly `years` old on it."""
    return datetime.date(YEAR - years, 9, 30)


def turning_next_day(years: int) -> datetime.date:
    """Born the day after the reference date's anniversary: `years` − 1 on the reference date."""
    return datetime.date(YEAR - years, 10, 1)


def with_check(first17: str) -> str:
    """The first 17 characters followed by the check character domain.md calls for."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return first17 + CHECK[total % 11]


def id_for(born: datetime.date, sequence: int, region: str = "230381") -> str:
    """A valid resident ID: region, birth date, 3-digit sequence (odd = male), check character."""
    return with_check(f"{region}{born:%Y%m%d}{sequence:03d}")


def set_parameter(key: str, value, county: str = "230381") -> None:
    CatalogParameter.objects.update_or_create(county=county, key=key, defaults={"value": Decimal(str(value))})


def disable(rule_id: str, county: str = "230381") -> None:
    RuleSetting.objects.update_or_create(county=county, rule_id=rule_id, defaults={"enabled": False})


_minutes = iter(range(1, 10_000))


def make_list(source: str, rows: list, *, year: int = YEAR,
              imported_at: datetime.datetime | None = None, county: str | None = None) -> DepartmentBatch:
    """An imported department list; each row is an ID number or (ID number, {column: value}).

    Unless told when, each list is imported a minute after the previous one, so the last one
    made is the newest. A list without a county is shared by every county (the command's).
    """
    batch = DepartmentBatch.objects.create(source=source, year=year, row_count=len(rows), county=county)
    DepartmentBatch.objects.filter(pk=batch.pk).update(
        imported_at=imported_at or timezone.now() + datetime.timedelta(minutes=next(_minutes))
    )
    for number, row in enumerate(rows, start=1):
        id_number, columns = (row, {}) if isinstance(row, str) else row
        if "amount" in columns:
            columns = {**columns, "amount": Decimal(str(columns["amount"]))}
        DepartmentRecord.objects.create(batch=batch, row_number=number, id_number=id_number, **columns)
    return batch
