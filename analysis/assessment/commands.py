"""What the assessment's two management commands share: the county and the month they name."""

import datetime

from django.core.management.base import CommandError

from households.choices import AreaLevel
from households.models import Area

from analysis.assessment import selectors


def county_argument(county: str | None) -> str:
    """The county named, or the only one there is."""
    counties = Area.objects.filter(level=AreaLevel.COUNTY)
    if county:
        if not counties.filter(code=county).exists():
            raise CommandError(f"县级区划代码「{county}」不存在：应为系统中已有的6位县级代码")
        return county
    codes = list(counties.values_list("code", flat=True)[:2])
    if len(codes) != 1:
        raise CommandError("系统中有多个县（或没有县）：请用 --county 指定6位县级代码")
    return codes[0]


def month_argument(month: str | None, *, default: datetime.date) -> datetime.date:
    if month is None:
        return default
    parsed = selectors.parse_month(month)
    if parsed is None:
        raise CommandError(f"月份「{month}」格式不对：应为 YYYY-MM，例如 2026-11")
    try:
        selectors.moment_of(parsed)
    except ValueError as error:
        raise CommandError(str(error)) from None
    return parsed
