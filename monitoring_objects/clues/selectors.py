"""Reads of the clue pages: the scoped, filtered list, the per-township counts, one clue."""

import datetime

from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.db.models.functions import Left
from django.utils import timezone

from households.choices import AreaLevel
from households.models import Area, Household

from monitoring_objects.models import Application, Clue, ClueStatus

TOWNSHIP_CODE = 9


def _overdue(today: datetime.date):
    return ExpressionWrapper(Q(status=ClueStatus.OPEN, deadline__lt=today), output_field=BooleanField())


def clue_list(*, user, filters: dict, today: datetime.date | None = None):
    """Clues in `user`'s scope matching `filters`, newest first, each with `overdue` annotated and
    what a row shows joined in (one query per page, whatever the count)."""
    today = today or timezone.localdate()
    clues = Clue.objects.in_scope(user)
    if filters.get("status"):
        clues = clues.filter(status=filters["status"])
    if filters.get("channel"):
        clues = clues.filter(channel=filters["channel"])
    if filters.get("township"):
        clues = clues.filter(village__code__startswith=filters["township"])
    if filters.get("village"):
        clues = clues.filter(village_id=filters["village"])
    if filters.get("overdue"):
        clues = clues.overdue(today)
    return (clues.select_related("village", "village__parent", "household")
            .annotate(overdue=_overdue(today)).order_by("-created_at", "-pk"))


def township_counts(*, user, today: datetime.date | None = None) -> list[dict]:
    """Every township of `user`'s scope with its open clues and how many of them are overdue
    (two queries): county staff and inspectors see their county's, a reviewer their own."""
    today = today or timezone.localdate()
    counts = {
        row["township"]: row for row in (
            Clue.objects.in_scope(user).open().order_by()
            .annotate(township=Left("village_id", TOWNSHIP_CODE)).values("township")
            .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=today))))
    }
    townships = Area.objects.in_scope(user).filter(level=AreaLevel.TOWNSHIP).order_by("code")
    return [{"code": area.code, "name": area.name,
             "open": counts.get(area.code, {}).get("open", 0),
             "overdue": counts.get(area.code, {}).get("overdue", 0)} for area in townships]


def clue_detail(*, user, pk: int) -> Clue:
    """One clue of `user`'s scope with its village, household, source ticket, application and
    events; Clue.DoesNotExist outside the scope."""
    return (Clue.objects.in_scope(user)
            .select_related("village", "village__parent", "household", "ticket", "created_by")
            .get(pk=pk))


def clue_events(clue: Clue):
    return clue.events.select_related("actor").order_by("at", "pk")


def clue_application(clue: Clue):
    """The application the clue led to, if any (a reverse one-to-one that may be missing)."""
    return Application.objects.filter(clue=clue).only("pk", "status", "kind").first()


def village_households(*, user, village_code: str):
    """The registered households of one village of `user`'s scope (申请纳入 picks one of them)."""
    return (Household.objects.in_scope(user).active().filter(village_id=village_code)
            .with_head().order_by("number"))


def villages_in_scope(user):
    return (Area.objects.in_scope(user).filter(level=AreaLevel.VILLAGE)
            .select_related("parent").order_by("code"))
