"""Clues and applications for the page tests, made as rows (the services have their own tests)."""

import datetime

from django.utils import timezone

from households.choices import IdentificationSource
from monitoring_objects.models import Application, ApplicationKind, ApplicationStatus, Clue


def make_clue(household, *, days_left: int = 5, linked: bool = True, **fields) -> Clue:
    """A clue at `household`'s village, linked to it unless `linked` is False."""
    defaults = {
        "village_id": household.village_id, "household": household if linked else None,
        "channel": IdentificationSource.CADRE_SCREENING, "description": "家中主要劳力重病住院",
        "deadline": timezone.localdate() + datetime.timedelta(days=days_left),
    }
    return Clue.objects.create(**{**defaults, **fields})


def make_application(household, *, kind: str = ApplicationKind.INCLUSION,
                     status: str = ApplicationStatus.DRAFT, **fields) -> Application:
    defaults = {"deadline": timezone.localdate() + datetime.timedelta(days=20)}
    return Application.objects.create(household=household, kind=kind, status=status, **{**defaults, **fields})
