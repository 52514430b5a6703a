import logging

from django.dispatch import receiver

from households.jobs import job_send
from households.models import Area
from households.signals import counties_added, household_changed

from rules.services import CleansingError, recheck_pending_mark
from rules.settings_services import schedule_get
from rules.signals import catalog_changed
from rules.tasks import recheck_household, warm_recheck_statements

logger = logging.getLogger(__name__)


@receiver(household_changed)
def recheck_changed_household(sender, household_id: int, **kwargs):
    """An approved change re-checks its household's rules at once (in-process without a broker,
    or when the broker cannot be reached: one household takes well under a second).

    The change itself is already committed: a re-check that cannot run (no current year set
    yet) is logged, never turned into an error for the reviewer who approved the change. The
    household's PendingRecheck marker is committed first: if the re-check is lost on the way,
    the sweep finds it.
    """
    recheck_pending_mark(household_id=household_id)
    try:
        job_send(recheck_household, household_id,
                 on_unavailable=lambda: recheck_household(household_id))  # queue down: here, at once
    except CleansingError as error:
        logger.warning("re-check of household %s skipped: %s", household_id, error)


@receiver(counties_added)
def schedule_new_counties(sender, codes: list[str], **kwargs):
    """A county loaded with import_areas (or seed_demo) gets its monthly batch at once,
    with the default day and hour, rather than only when its staff first open the batch page."""
    for code in codes:
        schedule_get(code)


@receiver(catalog_changed)
def warm_changed_counties(sender, county: str | None, **kwargs):
    """A county's changed settings or lists are a new re-check statement: a worker compiles it
    (in-process without a broker) rather than the county's next re-check. With the broker down
    nothing is sent: the next re-check compiles it."""
    counties = [county] if county else Area.objects.filter(level="county").order_by("code").values_list(
        "code", flat=True)
    for code in counties:
        job_send(warm_recheck_statements, code, on_unavailable=lambda: None)
