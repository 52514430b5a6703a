"""Celery tasks of the map room: the income outliers kept for the pages."""

from celery import shared_task

from analysis.map import outliers


@shared_task
def outliers_refresh_task(county: str | None = None) -> int:
    """Recompute the income outliers of `county` (every county with a current year when None);
    returns how many counties were computed."""
    return outliers.refresh_counties(county=county)
