"""Settings became per county: the data migrations that give every county a copy of the old global rows.

Rule switches, rule parameters, yearly lines and review deadlines used to be one row each
for the whole database; each is now a row per county. A row whose `county` is still empty
("global") is copied to every county present — the county Areas (6-digit codes) and the
counties the households' village codes name, in case an Area is missing — and then removed.
A change record goes to the county of the staff member who made it; one without a known
county (no user, or a user without an area) is copied to every county. The monthly
schedule becomes one task per county with the old task's day, hour and switch.

These functions take the migration's `apps`, so they run on the historical models; tests
call them with the live registry.
"""

import contextlib
import json

from django.db.models.functions import Left
from django.utils import timezone

# As they were when the settings became per county (rules.settings_services has today's): a
# migration keeps the values it was written with.
SCHEDULE_NAME = "每月数据清洗"
SCHEDULE_TASK = "rules.tasks.run_scheduled_cleansing"


def county_codes(apps) -> list[str]:
    """Every county present: county Areas, and the counties of households' villages."""
    area = apps.get_model("households", "Area")._default_manager
    household = apps.get_model("households", "Household")._default_manager
    codes = set(area.filter(code__regex=r"^[0-9]{6}$").values_list("code", flat=True))
    codes.update(household.annotate(county_code=Left("village_id", 6)).order_by()
                 .values_list("county_code", flat=True).distinct())
    return sorted(code for code in codes if code)


@contextlib.contextmanager
def keeping_timestamps(model):
    """bulk_create would stamp auto_now(_add) fields with now; a copy keeps the original's."""
    fields = [f for f in model._meta.concrete_fields if getattr(f, "auto_now", False)
              or getattr(f, "auto_now_add", False)]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def spread_global_rows(apps, app_label: str, model_name: str) -> int:
    """Copy each row without a county to every county, then delete it; returns the copies made.

    With no county at all the rows stay as they are (there is nobody to give them to yet).
    """
    model = apps.get_model(app_label, model_name)
    manager = model._default_manager
    rows = list(manager.filter(county=""))
    codes = county_codes(apps)
    if not rows or not codes:
        return 0
    fields = [f.attname for f in model._meta.concrete_fields if not f.primary_key and f.attname != "county"]
    copies = [model(county=code, **{name: getattr(row, name) for name in fields}) for row in rows for code in codes]
    with keeping_timestamps(model):
        manager.bulk_create(copies, batch_size=500)
    manager.filter(pk__in=[row.pk for row in rows]).delete()
    return len(copies)


def assign_setting_changes(apps, schema_editor=None) -> None:
    """Each old change record to its author's county; records without one to every county."""
    changes = apps.get_model("rules", "SettingChange")._default_manager
    for code in county_codes(apps):
        changes.filter(county="", user__area__code__startswith=code).update(county=code)
    spread_global_rows(apps, "rules", "SettingChange")


def spread_schedule(apps, schema_editor=None) -> None:
    """The one monthly task becomes one task per county (same day, hour and switch)."""
    tasks = apps.get_model("django_celery_beat", "PeriodicTask")._default_manager
    old = tasks.filter(name=SCHEDULE_NAME).first()
    if old is None:
        return
    for code in county_codes(apps):
        tasks.get_or_create(name=f"{SCHEDULE_NAME} {code}", defaults={
            "task": SCHEDULE_TASK, "crontab_id": old.crontab_id, "enabled": old.enabled,
            "kwargs": json.dumps({"county": code}), "description": old.description,
        })
    old.delete()
    # tell a running beat (DatabaseScheduler) that its tasks changed
    apps.get_model("django_celery_beat", "PeriodicTasks")._default_manager.update_or_create(
        ident=1, defaults={"last_update": timezone.now()})
