"""A county's staff's changes to their county's catalog: rules on and off, parameters,
yearly lines, the monthly schedule.

Every setting belongs to one county (`county`, a 6-digit code): what one county's staff
change never reaches another county, and each change writes a SettingChange row of that
county (who, when, old → new) in the same transaction.
"""

import json
from decimal import Decimal

from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from households.models import YearParameters

from rules import registry
from rules.models import CatalogParameter, RuleSetting
from rules.parameters import DEFAULTS, current_values
from rules.signals import catalog_changed_on_commit
from trail.services import setting_change_record

DEFAULT_DAY, DEFAULT_HOUR = 8, 2
SCHEDULE_NAME = "每月数据清洗"  # each county's beat task is this name and the county's code
SCHEDULE_TASK = "rules.tasks.run_scheduled_cleansing"


def disabled_rule_ids(county: str) -> set[str]:
    return set(RuleSetting.objects.filter(county=county, enabled=False).values_list("rule_id", flat=True))


@transaction.atomic
def rule_enabled_set(*, county: str, rule_id: str, enabled: bool, user) -> None:
    registry.get(rule_id)  # raises KeyError for an unknown rule
    setting, _ = RuleSetting.objects.select_for_update().get_or_create(county=county, rule_id=rule_id)
    if setting.enabled != enabled:
        setting_change_record(county=county, user=user, subject=rule_id, field="启用",
                      old="是" if setting.enabled else "否", new="是" if enabled else "否")
        setting.enabled = enabled
        setting.save()
        catalog_changed_on_commit(county)


@transaction.atomic
def parameters_set(*, county: str, values: dict[str, Decimal], user) -> int:
    """Store the county's parameters that changed; returns how many did."""
    current = current_values(county)
    changed = 0
    for key, value in values.items():
        if key not in DEFAULTS or value is None or value == current[key]:
            continue
        setting_change_record(county=county, user=user, subject=key, field="取值", old=current[key], new=value)
        CatalogParameter.objects.update_or_create(county=county, key=key, defaults={"value": value})
        changed += 1
    if changed:
        catalog_changed_on_commit(county)
    return changed


@transaction.atomic
def year_lines_set(*, county: str, year: int, monitoring_line: Decimal, attention_line: Decimal, user) -> None:
    params, _ = YearParameters.objects.select_for_update().get_or_create(
        county=county, year=year, defaults={"monitoring_line": monitoring_line, "attention_line": attention_line})
    for field, value in (("monitoring_line", monitoring_line), ("attention_line", attention_line)):
        old = getattr(params, field)
        if old != value:
            setting_change_record(county=county, user=user, subject=f"{year}年度",
                          field=YearParameters._meta.get_field(field).verbose_name, old=old, new=value)
            setattr(params, field, value)
    params.save()
    catalog_changed_on_commit(county)


def schedule_name(county: str) -> str:
    return f"{SCHEDULE_NAME} {county}"


def schedule_get(county: str) -> tuple[int, int, bool]:
    """(day of month, hour, enabled) of the county's monthly batch; created with its default (the 8th) when missing."""
    task = _schedule_task(county)
    return int(task.crontab.day_of_month), int(task.crontab.hour), task.enabled


@transaction.atomic
def schedule_set(*, county: str, day: int, hour: int, enabled: bool, user) -> None:
    old = schedule_get(county)
    if old == (day, hour, enabled):
        return
    task = _schedule_task(county)
    task.crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour=str(hour), day_of_month=str(day), month_of_year="*", day_of_week="*",
        timezone="Asia/Shanghai")
    task.enabled = enabled
    task.save()
    setting_change_record(county=county, user=user, subject="schedule", field="每月自动清洗",
                  old=f"每月{old[0]}日{old[1]}时{'' if old[2] else '（停用）'}",
                  new=f"每月{day}日{hour}时{'' if enabled else '（停用）'}")


def _schedule_task(county: str) -> PeriodicTask:
    """The county's own beat task: it runs `run_scheduled_cleansing(county=…)` for that county only."""
    task = PeriodicTask.objects.filter(name=schedule_name(county)).select_related("crontab").first()
    if task is None:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute="0", hour=str(DEFAULT_HOUR), day_of_month=str(DEFAULT_DAY), month_of_year="*",
            day_of_week="*", timezone="Asia/Shanghai")
        task = PeriodicTask.objects.create(name=schedule_name(county), task=SCHEDULE_TASK, crontab=crontab,
                                           kwargs=json.dumps({"county": county}))
    return task
