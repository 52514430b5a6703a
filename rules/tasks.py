"""Celery tasks: ids in, a service call out."""

from celery import shared_task

from households.models import Area, Household
from households.workbook import services as import_services

from rules import services


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def run_batch_group(self, batch_id: int, group: str) -> dict:
    """One county (or township) and one rule group of a batch; safe to run twice."""
    try:
        outcomes = services.batch_run_group(batch_id=batch_id, group=group)
    except Exception as error:
        if self.request.retries < self.max_retries:
            raise self.retry(exc=error, countdown=5 * (self.request.retries + 1)) from error
        services.batch_fail(batch_id=batch_id, error=repr(error))
        raise
    return {rule_id: vars(o) | {"by_township": dict(o.by_township)} for rule_id, o in outcomes.items()}


@shared_task(acks_late=True)
def recheck_household(household_id: int) -> None:
    services.household_recheck(household_id=household_id)


@shared_task(ignore_result=True)
def run_pending_rechecks() -> int:
    """Every five minutes (beat): households whose re-check was lost on its way (PendingRecheck)."""
    return services.pending_rechecks_run()


@shared_task(ignore_result=True)
def warm_recheck_statements(county: str) -> None:
    """After a county's settings changed: compile its re-check statements before a re-check needs them."""
    services.recheck_statements_warm(county=county)


@shared_task
def run_scheduled_cleansing(*, county: str) -> list[int]:
    """A county's monthly batch (its own Celery beat task): all the rules that county has enabled.

    Runs only `county`; a county without households or without its Area runs nothing.
    """
    area = Area.objects.filter(code=county, level="county").first()
    if area is None or not Household.objects.active().filter(village__code__startswith=county).exists():
        return []
    batch = services.batch_create(area=area, scheduled=True)
    services.batch_start(batch=batch)
    return [batch.pk]


@shared_task
def mark_stuck_jobs() -> dict:
    """Every five minutes (beat): batches and registry imports whose worker died are marked failed."""
    return {"batches": services.batches_mark_stuck(),
            "registry_imports": import_services.registry_imports_mark_stuck()}
