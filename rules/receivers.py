from django.dispatch import receiver

from households.signals import household_changed

from .tasks import recheck_household


@receiver(household_changed)
def recheck_changed_household(sender, household_id: int, **kwargs):
    """An approved change re-checks its household's rules at once (in-process without a broker)."""
    recheck_household.delay(household_id)
