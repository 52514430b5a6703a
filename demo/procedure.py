"""The demo county's monitoring procedure: how its monitoring objects were found and how their
risk ended, and a few clues and applications at the demo clerk's village to work on."""

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.functions import Mod
from django.utils import timezone

from accounts.models import User
from households.choices import (
    EliminationMethod, HouseholdType, IdentificationSource, MeasureNature, MeasureType, MonitoringType, RiskType,
)
from households.models import AssistanceMeasure, Household
from monitoring_objects import services
from monitoring_objects.models import Clue

HARDSHIPS = (
    "户主突发脑梗住院，医疗费用较高，家中缺少劳动力。",
    "今年暴雨导致房屋后墙开裂，家中养殖的生猪损失较大。",
    "儿子务工受伤返乡，家庭收入明显下降。",
    "妻子确诊尿毒症，需长期透析，自付费用高。",
    "种植的脐橙遭遇冻害，产业收入大幅减少。",
)
SOURCES = (  # (share out of 20, channel)
    (10, IdentificationSource.CADRE_SCREENING),
    (3, IdentificationSource.SELF_REPORT),
    (3, IdentificationSource.DEPARTMENT_WARNING),
    (4, IdentificationSource.SYSTEM_WARNING),
)


def build_demo_procedure(*, county_code: str, seed: int) -> dict[str, int]:
    """Set-based: the sources and elimination methods of the monitoring objects already built;
    the nature of their measures (兜底 for 兜底保障, 开发式 for the rest); then clues and
    applications through the services, as the demo clerk would make them."""
    in_county = Household.objects.filter(village__code__startswith=county_code)
    monitored = in_county.exclude(monitoring_type="").annotate(bucket=Mod("pk", 20))
    low = 0
    for share, channel in SOURCES:
        monitored.filter(bucket__gte=low, bucket__lt=low + share).update(identification_source=channel)
        low += share
    eliminated = monitored.filter(risk_status="eliminated")
    eliminated.filter(bucket__lt=16).update(elimination_method=EliminationMethod.ASSISTED)
    eliminated.filter(bucket__gte=16).update(elimination_method=EliminationMethod.NATURAL)
    measures = AssistanceMeasure.objects.filter(household__village__code__startswith=county_code, nature="")
    measures.filter(measure_type=MeasureType.SAFETY_NET).update(nature=MeasureNature.SAFETY_NET)
    measures.exclude(measure_type=MeasureType.SAFETY_NET).update(nature=MeasureNature.DEVELOPMENTAL)

    clerk = User.objects.filter(username="clerk", area__code__startswith=county_code).first()
    if clerk is None or Clue.objects.filter(village__code__startswith=county_code).exists():
        return {"clues": 0, "applications": 0}
    return _clues_at(clerk, random.Random(seed))


def _clues_at(clerk, rng: random.Random) -> dict[str, int]:
    reviewer = User.objects.get(username="reviewer")
    candidates = list(
        Household.objects.filter(village=clerk.area, monitoring_type="", removed_on__isnull=True)
        .order_by("number")[:4]
    )
    if len(candidates) < 4:
        return {"clues": 0, "applications": 0}
    today = timezone.localdate()
    clues = [
        services.clue_record(village=clerk.area, household=household, user=clerk, channel=channel,
                             description=rng.choice(HARDSHIPS), reporter_name="", reporter_phone="")
        for household, channel in zip(candidates, [
            IdentificationSource.SELF_REPORT, IdentificationSource.CADRE_SCREENING,
            IdentificationSource.CADRE_SCREENING, IdentificationSource.SELF_REPORT,
        ])
    ]
    # One came in three weeks ago and is past its deadline.
    Clue.objects.filter(pk=clues[0].pk).update(
        created_at=timezone.now() - datetime.timedelta(days=21), deadline=today - datetime.timedelta(days=8))
    services.clue_decline(clue=clues[1], user=clerk, verified_on=today, verified_by_name="张伟",
                          findings="入户核实：两名子女在县城稳定务工，人均纯收入约1.4万元。",
                          answer="家庭人均纯收入明显高于监测线，不符合纳入条件，已向户主当面解释。")
    drafted = services.inclusion_start(clue=clues[2], user=clerk)
    services.application_record(application=drafted, user=clerk, verified_on=today,
                                verified_by_name="张伟", findings="入户核实属实，户主住院。")
    submitted = services.inclusion_start(clue=clues[3], user=clerk)
    services.application_record(
        application=submitted, user=clerk, verified_on=today - datetime.timedelta(days=20),
        verified_by_name="张伟", findings="房屋受损，家庭收入骤减。",
        authorised_on=today - datetime.timedelta(days=20),
        appraised_on=today - datetime.timedelta(days=18), appraisal_attendance=21, appraisal_result="一致同意纳入",
        notice_start=today - datetime.timedelta(days=16), notice_end=today - datetime.timedelta(days=6),
        notice_objections="无", monitoring_type=(
            MonitoringType.UNSTABLE if candidates[3].household_type == HouseholdType.ALLEVIATED
            else MonitoringType.MARGINAL), risk_types=[RiskType.DISASTER],
        authorisation=(SimpleUploadedFile("承诺授权书.pdf", b"%PDF-1.4\n%%EOF\n"), "application/pdf"),
    )
    services.application_submit(application=submitted, user=clerk)
    services.application_approve(application=submitted, user=reviewer, comment="核实无误")
    return {"clues": len(clues), "applications": 2}


__all__ = ["build_demo_procedure"]
