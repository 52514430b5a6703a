"""Monitoring objects and their history, built directly (the services' own tests walk the steps)."""

import datetime

from django.utils import timezone

from households.choices import IdentificationSource, MeasureType, MonitoringType, RiskStatus, RiskType
from households.models import AssistanceMeasure
from monitoring_objects.models import (
    Application, ApplicationKind, ApplicationStatus, Clue, EventAction, ProcedureEvent,
)


def monitored(household, *, risk_status=RiskStatus.UNRESOLVED, included_on=None, eliminated_on=None,
              monitoring_type=MonitoringType.MARGINAL, **fields):
    household.monitoring_type = monitoring_type
    household.risk_status = risk_status
    household.included_on = included_on or timezone.localdate() - datetime.timedelta(days=100)
    household.eliminated_on = eliminated_on
    household.risk_types = fields.pop("risk_types", [RiskType.ILLNESS])
    household.identification_source = fields.pop("identification_source", IdentificationSource.CADRE_SCREENING)
    for name, value in fields.items():
        setattr(household, name, value)
    household.save()
    return household


def measure(household, **fields):
    defaults = {"year": 2025, "measure_type": MeasureType.INDUSTRY, "content": "发展养殖"}
    return AssistanceMeasure.objects.create(household=household, **{**defaults, **fields})


def event(household, *, action=EventAction.MEASURE_ADDED, user=None, at=None, reason="说明", **fields):
    return ProcedureEvent.objects.create(
        village_id=household.village_id, household=household, action=action, actor=user,
        actor_name=user.username if user else "", at=at or timezone.now(), reason=reason, **fields)


def late_application(household, *, kind=ApplicationKind.ELIMINATION, days_late=3, **fields):
    return Application.objects.create(
        kind=kind, household=household, status=fields.pop("status", ApplicationStatus.DRAFT),
        deadline=timezone.localdate() - datetime.timedelta(days=days_late), **fields)


def late_clue(household, *, days_late=2):
    return Clue.objects.create(village=household.village, household=household,
                               channel=IdentificationSource.SELF_REPORT, description="困难",
                               deadline=timezone.localdate() - datetime.timedelta(days=days_late))
