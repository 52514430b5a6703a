"""County staff's changes to the catalog: rules on and off, parameters, the monthly schedule.

Every change writes a SettingChange row (who, when, old → new) in the same transaction.
"""

import json
from decimal import Decimal

from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from households.models import YearParameters

from . import registry
from .models import CatalogParameter, RuleSetting, SettingChange
from .parameters import DEFAULTS, current_values

SCHEDULE_NAME = "每月数据清洗"
SCHEDULE_TASK = "rules.tasks.run_scheduled_cleansing"
DEFAULT_DAY, DEFAULT_HOUR = 8, 2


def _record(user, subject: str, field: str, old, new) -> None:
    SettingChange.objects.create(user=user, subject=subject, field=field, old_value=str(old), new_value=str(new))


@transaction.atomic
def rule_enabled_set(*, rule_id: str, enabled: bool, user) -> None:
    registry.get(rule_id)  # raises KeyError for an unknown rule
    setting, _ = RuleSetting.objects.select_for_update().get_or_create(rule_id=rule_id)
    if setting.enabled != enabled:
        _record(user, rule_id, "启用", "是" if setting.enabled else "否", "是" if enabled else "否")
        setting.enabled = enabled
        setting.save()


@transaction.atomic
def parameters_set(*, values: dict[str, Decimal], user) -> int:
    """Store the parameters that changed; returns how many did."""
    current = current_values()
    changed = 0
    for key, value in values.items():
        if key not in DEFAULTS or value is None or value == current[key]:
            continue
        _record(user, key, "取值", current[key], value)
        CatalogParameter.objects.update_or_create(key=key, defaults={"value": value})
        changed += 1
    return changed


@transaction.atomic
def year_lines_set(*, year: int, monitoring_line: Decimal, attention_line: Decimal, user) -> None:
    params, _ = YearParameters.objects.select_for_update().get_or_create(
        year=year, defaults={"monitoring_line": monitoring_line, "attention_line": attention_line})
    for field, value in (("monitoring_line", monitoring_line), ("attention_line", attention_line)):
        old = getattr(params, field)
        if old != value:
            _record(user, f"{year}年度", YearParameters._meta.get_field(field).verbose_name, old, value)
            setattr(params, field, value)
    params.save()


def schedule_get() -> tuple[int, int, bool]:
    """(day of month, hour, enabled) of the monthly batch; created with its default (the 8th) when missing."""
    task = _schedule_task()
    return int(task.crontab.day_of_month), int(task.crontab.hour), task.enabled


@transaction.atomic
def schedule_set(*, day: int, hour: int, enabled: bool, user) -> None:
    old = schedule_get()
    if old == (day, hour, enabled):
        return
    task = _schedule_task()
    task.crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour=str(hour), day_of_month=str(day), month_of_year="*", day_of_week="*",
        timezone="Asia/Shanghai")
    task.enabled = enabled
    task.save()
    _record(user, "schedule", "每月自动清洗",
            f"每月{old[0]}日{old[1]}时{'' if old[2] else '（停用）'}", f"每月{day}日{hour}时{'' if enabled else '（停用）'}")


def _schedule_task() -> PeriodicTask:
    task = PeriodicTask.objects.filter(name=SCHEDULE_NAME).select_related("crontab").first()
    if task is None:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute="0", hour=str(DEFAULT_HOUR), day_of_month=str(DEFAULT_DAY), month_of_year="*",
            day_of_week="*", timezone="Asia/Shanghai")
        task = PeriodicTask.objects.create(name=SCHEDULE_NAME, task=SCHEDULE_TASK, crontab=crontab,
                                           kwargs=json.dumps({}))
    return task
