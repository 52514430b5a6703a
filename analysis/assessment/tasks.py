"""Celery tasks of the monthly assessment: a county code and a month in, a service call out."""

from celery import shared_task

from households.choices import AreaLevel
from households.models import Area

from analysis.assessment import selectors, services


@shared_task
def compute_assessment(*, county: str, month: str) -> int:
    """One county's scores for `month` (YYYY-MM)."""
    return services.compute_assessment(county=county, month=selectors.parse_month(month))


@shared_task
def compute_last_month_assessment() -> dict[str, int]:
    """The beat's monthly run: every county's scores for the month just ended."""
    month = selectors.last_month()
    return {county: services.compute_assessment(county=county, month=month)
            for county in Area.objects.filter(level=AreaLevel.COUNTY).values_list("code", flat=True)}
