"""Celery tasks of the income analysis: a county code in, a service call out."""

from celery import shared_task

from analysis.income import services


@shared_task(acks_late=True)
def take_income_snapshots() -> dict[str, int]:
    """The monthly snapshot of every county (beat: the 8th at 01:00, after the townships' analysis of the 7th)."""
    return services.take_all_income_snapshots()


@shared_task(acks_late=True)
def take_income_snapshot(county: str) -> int:
    """One county's snapshot of this month, on demand."""
    return services.take_income_snapshot(county=county)
