"""Reads of the monitoring procedure: the monitoring objects' list, a household's timeline and
the county's picture. Every derived value of the list is an annotation, so a page costs the
same few queries whatever the number of households."""

import datetime

from django.db.models import (
    BooleanField, Case, Count, DateField, Exists, ExpressionWrapper, F, IntegerField, Max, OuterRef, Q,
    Subquery, TextField, Value, When,
)
from django.db.models.functions import Cast, Coalesce, ExtractDay, ExtractMonth, ExtractYear
from django.db.models.lookups import Contains
from django.utils import timezone

from accounts import permissions
from households import list_extensions
from households import selectors as household_selectors
from households.choices import RiskStatus
from households.models import AssistanceMeasure, Household
from households.scope import county_of

from monitoring_objects.models import (
    Application, ApplicationKind, Clue, ProcedureEvent, ProcedureSettings,
)


def _months_between(start: str, end) -> ExpressionWrapper:
    """Whole months from the date field `start` to the date `end` (a month counts once its day is reached)."""
    return ExpressionWrapper(
        (ExtractYear(end) - ExtractYear(start)) * 12 + ExtractMonth(end) - ExtractMonth(start)
        - Case(When(Q(**{f"{start}__day__gt": ExtractDay(end)}), then=Value(1)), default=Value(0)),
        output_field=IntegerField(),
    )


def monitoring_objects(*, user, today: datetime.date | None = None):
    """Monitoring objects (a monitoring type set, not removed) in `user`'s scope, each annotated with
    what the list shows: head, months in monitoring, measures, the last step, overdue steps and
    whether the county overrode its latest elimination."""
    today = today or timezone.localdate()
    measures = (AssistanceMeasure.objects.filter(household=OuterRef("pk")).order_by()
                .values("household").annotate(n=Count("pk")).values("n"))
    last_event = (ProcedureEvent.objects.filter(household=OuterRef("pk")).order_by()
                  .values("household").annotate(last=Max("at")).values("last"))
    late_application = Application.objects.overdue(today).filter(household=OuterRef("pk"))
    late_clue = Clue.objects.overdue(today).filter(household=OuterRef("pk"))
    # 承诺授权书: signed before the household's economics are compared with department data.
    authorised = Application.objects.filter(
        household=OuterRef("pk"), kind=ApplicationKind.INCLUSION, authorised_on__isnull=False)
    latest_elimination = (Application.objects.filter(household=OuterRef("pk"), kind=ApplicationKind.ELIMINATION)
                          .order_by("-created_at", "-pk"))
    until = Coalesce(F("eliminated_on"), Value(today, output_field=DateField()), output_field=DateField())
    return (
        Household.objects.in_scope(user).active().exclude(monitoring_type="")
        .with_head()
        .select_related("village", "village__parent")
        .annotate(
            months_monitored=_months_between("included_on", until),
            measure_count=Coalesce(Subquery(measures, output_field=IntegerField()), Value(0)),
            last_event_at=Subquery(last_event),
            application_overdue=Exists(late_application),
            clue_overdue=Exists(late_clue),
            override_reason=Subquery(latest_elimination.values("override_reason")[:1]),
            authorised=Exists(authorised),
        )
        .annotate(
            needs_measure=ExpressionWrapper(
                Q(measure_count=0, risk_status=RiskStatus.UNRESOLVED), output_field=BooleanField()),
        )
    )


def has_risk_type(risk_type: str):
    """The households whose `risk_types` list holds `risk_type`, as a condition for filter() or
    Count(filter=): the list's JSON text holds the quoted value. The values are fixed identifiers
    (RiskType) with no quote or backslash, so the text match is exact (`"disability"` is not
    inside `"severe_disability"`), and the same SQL runs on PostgreSQL and SQLite."""
    return Contains(Cast("risk_types", TextField()), f'"{risk_type}"')


def monitoring_list(*, user, today: datetime.date | None = None):
    """The list page's rows: `monitoring_objects` with the columns other apps registered on the
    household lists (households.list_extensions: the risk colour), for the user's county and year."""
    county = county_of(user)
    params = household_selectors.year_in_force(county)
    return list_extensions.annotate(monitoring_objects(user=user, today=today), county=county,
                                    year=params.year if params else None, settings=params)


def days_since(moment: datetime.datetime | None, today: datetime.date | None = None) -> int | None:
    """Days from `moment` (aware) to today, both as Beijing dates."""
    if moment is None:
        return None
    return ((today or timezone.localdate()) - timezone.localdate(moment)).days


def timeline(*, household: Household):
    """Every step of the household's monitoring history, oldest first, in one query."""
    return ProcedureEvent.objects.filter(household=household).select_related("actor").order_by("at", "pk")


def open_application(*, household: Household) -> Application | None:
    return Application.objects.filter(household=household).open().first()


def latest_override(*, household: Household) -> Application | None:
    """The latest elimination application when the county overrode its failing criteria."""
    latest = (Application.objects.filter(household=household, kind=ApplicationKind.ELIMINATION)
              .select_related("override_by").order_by("-created_at", "-pk").first())
    return latest if latest is not None and latest.override_reason else None


def measures(*, household: Household):
    return household.measures.select_related("recorded_by").order_by("-year", "pk")


def monitoring_counts(*, user, today: datetime.date | None = None) -> dict:
    """The county home's card: monitoring objects by risk status, overdue clues and applications."""
    today = today or timezone.localdate()
    by_status = dict(
        Household.objects.in_scope(user).active().exclude(monitoring_type="")
        .order_by().values_list("risk_status").annotate(n=Count("pk")).values_list("risk_status", "n")
    )
    return {
        "unresolved": by_status.get(RiskStatus.UNRESOLVED, 0),
        "eliminated": by_status.get(RiskStatus.ELIMINATED, 0),
        "total": sum(by_status.values()),
        "overdue_clues": Clue.objects.in_scope(user).overdue(today).count(),
        "overdue_applications": Application.objects.in_scope(user).overdue(today).count(),
    }


def procedure_todo(*, user, today: datetime.date | None = None) -> dict | None:
    """What waits for `user` in the procedure (the home page): clues to visit, applications whose
    next step is theirs, and monitoring objects still without a measure; None when nothing does."""
    today = today or timezone.localdate()
    todo = {}
    if permissions.can_answer_clue(user):
        todo.update(Clue.objects.in_scope(user).open().aggregate(
            clues=Count("pk"), clues_overdue=Count("pk", filter=Q(deadline__lt=today))))
    statuses = permissions.application_statuses_of(user)
    if statuses:
        todo.update(Application.objects.in_scope(user).filter(status__in=statuses).aggregate(
            applications=Count("pk"), applications_overdue=Count("pk", filter=Q(deadline__lt=today))))
    if permissions.can_record_measure(user):
        todo["needs_measure"] = monitoring_objects(user=user, today=today).filter(needs_measure=True).count()
    return todo if any(todo.values()) else None


def procedure_settings(county: str) -> ProcedureSettings:
    return ProcedureSettings.of(county)
