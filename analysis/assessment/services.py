"""数据质量月考评: storing each township's score for a month (one row per township and month)."""

import datetime

from django.db import transaction
from django.utils import timezone

from analysis.assessment.models import AssessmentScore
from analysis.assessment.selectors import assess


def _stored_parts(parts: dict) -> dict:
    """The parts as JSON: Decimals as exact strings."""
    return {key: {name: (str(value) if value is not None and not isinstance(value, int) else value)
                  for name, value in part.items()} for key, part in parts.items()}


@transaction.atomic
def compute_assessment(*, county: str, month: datetime.date, now: datetime.datetime | None = None) -> int:
    """Score every township of `county` for `month` and store the scores, replacing the month's
    earlier ones (safe to run again: the same month gives the same rows). Returns how many."""
    month = month.replace(day=1)
    results = assess(county=county, month=month, now=now)
    AssessmentScore.objects.filter(county=county, month=month).exclude(
        township__in=[result.township for result in results]).delete()
    stamp = now or timezone.now()
    AssessmentScore.objects.bulk_create(
        [AssessmentScore(county=county, township=result.township, month=month, households=result.households,
                         score=result.score, parts=_stored_parts(result.parts), computed_at=stamp)
         for result in results],
        update_conflicts=True, unique_fields=["township", "month"],
        update_fields=["county", "households", "score", "parts", "computed_at"],
    )
    return len(results)
