"""审核时限: the calendar days each level has to act on a ticket that reaches it.

Each county's staff set their county's (defaults: village 7, township 3, county 3); every
change is a SettingChange row of that county (who, when, old → new), like the catalog's
other settings. A ticket's `due_on` is set when it arrives at a level, from the days in
force in the ticket's county at that moment.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from households.choices import ReviewLevel
from trail.selectors import setting_changes_of
from trail.services import setting_change_record

from audits.models import ReviewDeadline, TicketStatus

DEFAULT_DAYS = {ReviewLevel.VILLAGE: 7, ReviewLevel.TOWNSHIP: 3, ReviewLevel.COUNTY: 3}
MIN_DAYS, MAX_DAYS = 1, 90  # as the review_deadline_1_to_90_days constraint
SUBJECT = "审核时限"
# The level that works on a ticket in each unclosed status.
LEVEL_OF = {
    TicketStatus.PENDING_VILLAGE: ReviewLevel.VILLAGE,
    TicketStatus.RETURNED: ReviewLevel.VILLAGE,
    TicketStatus.PENDING_TOWNSHIP: ReviewLevel.TOWNSHIP,
    TicketStatus.PENDING_COUNTY: ReviewLevel.COUNTY,
}


def deadline_days(county: str) -> dict[str, int]:
    """Days per level in `county`: its settings over the defaults."""
    return DEFAULT_DAYS | dict(ReviewDeadline.objects.filter(county=county).values_list("level", "days"))


def due_date(status: str, *, county: str, days: dict[str, int] | None = None,
             today: datetime.date | None = None):
    """The deadline of a ticket of `county` arriving at `status` today."""
    days = days or deadline_days(county)
    return (today or timezone.localdate()) + datetime.timedelta(days=days[LEVEL_OF[status]])


@transaction.atomic
def deadlines_set(*, county: str, values: dict[str, int], user) -> int:
    """Store the county's levels whose days changed, each recorded; returns how many changed."""
    current = deadline_days(county)
    changed = 0
    for level, days in values.items():
        if days == current[level]:
            continue
        ReviewDeadline.objects.update_or_create(county=county, level=level, defaults={"days": days})
        setting_change_record(county=county, user=user, subject=SUBJECT, field=ReviewLevel(level).label,
                      old=f"{current[level]} 天", new=f"{days} 天")
        changed += 1
    return changed


def deadline_changes(county: str, limit: int = 20):
    return setting_changes_of(county).filter(subject=SUBJECT)[:limit]
