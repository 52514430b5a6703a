import logging

from django.dispatch import receiver

from households.signals import household_changed

from .services import CleansingError
from .tasks import recheck_household

logger = logging.getLogger(__name__)


@receiver(household_changed)
def recheck_changed_household(sender, household_id: int, **kwargs):
    """An approved change re-checks its household's rules at once (in-process without a broker).

    The change itself is already committed: a re-check that cannot run (no current year set
    yet) is logged, never turned into an error for the reviewer who approved the change.
    """
    try:
        recheck_household.delay(household_id)
    except CleansingError as error:
        logger.warning("re-check of household %s skipped: %s", household_id, error)
