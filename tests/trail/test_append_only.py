"""PostgreSQL itself keeps the audit trail append-only (pgtrigger): no UPDATE, no DELETE, by the
ORM or by raw SQL; the purge deletes only rows older than 184 days, and even it cannot delete a
younger one. On SQLite the triggers do not exist: these tests run on PostgreSQL (CI)."""

import datetime

import pgtrigger
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from trail.models import RETENTION_DAYS, AuditAction, AuditEvent, SettingChange
from trail.services import PURGE_IGNORES, RetentionError, audit_purge, audit_record, setting_change_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the append-only triggers are PostgreSQL's (CI runs these on it)")


def aged(row, days: float):
    """Back-date a row by `days` (the test alone may step past the UPDATE guard)."""
    model = type(row)
    with pgtrigger.ignore(f"trail.{model.__name__}:protect_update"):
        model.objects.filter(pk=row.pk).update(at=timezone.now() - datetime.timedelta(days=days))
    row.refresh_from_db()
    return row


def refused(action) -> bool:
    try:
        with transaction.atomic():
            action()
    except DatabaseError:
        return True
    return False


def test_an_event_cannot_be_updated_or_deleted_by_the_orm_or_raw_sql(world):
    event = audit_record(action=AuditAction.REVEAL, actor=world.clerk, subject="户主证件号码")
    rows = AuditEvent.objects.filter(pk=event.pk)
    assert refused(lambda: rows.update(subject="无"))
    assert refused(lambda: AuditEvent.objects.filter(pk=event.pk).delete())
    event.subject = "无"
    assert refused(event.save)
    with connection.cursor() as cursor:
        assert refused(lambda: cursor.execute("UPDATE trail_auditevent SET username = 'x' WHERE id = %s", [event.pk]))
        assert refused(lambda: cursor.execute("DELETE FROM trail_auditevent WHERE id = %s", [event.pk]))
        assert refused(lambda: cursor.execute("DELETE FROM trail_auditevent"))
    event.refresh_from_db()
    assert event.subject == "户主证件号码" and event.username == "clerk"


def test_a_settings_change_cannot_be_updated_or_deleted(world):
    change = setting_change_record(county="230381", user=world.county_staff, subject="R01", field="启用",
                                   old=True, new=False)
    with connection.cursor() as cursor:
        assert refused(lambda: cursor.execute("UPDATE trail_settingchange SET new_value = 'True'"))
        assert refused(lambda: cursor.execute("DELETE FROM trail_settingchange"))
    assert SettingChange.objects.filter(pk=change.pk, new_value="False").exists()


def test_deleting_a_user_only_unlinks_their_events_which_keep_the_username(world):
    audit_record(action=AuditAction.LOGIN, actor=world.no_role)
    world.no_role.delete()
    event = AuditEvent.objects.get(username="nobody")
    assert event.actor is None


def test_the_purge_deletes_rows_older_than_184_days_and_keeps_younger_ones(world):
    old = aged(audit_record(action=AuditAction.LOGIN, actor=world.clerk), RETENTION_DAYS + 1)
    young = aged(audit_record(action=AuditAction.LOGIN, actor=world.clerk), RETENTION_DAYS - 1)
    old_change = aged(setting_change_record(county="230381", user=None, subject="s", field="f", old=1, new=2),
                      RETENTION_DAYS + 30)
    assert refused(lambda: AuditEvent.objects.filter(pk=old.pk).delete())  # not outside the purge
    call_command("audit_purge")
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert not SettingChange.objects.filter(pk=old_change.pk).exists()
    assert AuditEvent.objects.filter(pk=young.pk).exists()
    purge = AuditEvent.objects.get(action=AuditAction.PURGE)
    assert purge.detail["events"] == 1 and purge.detail["setting_changes"] == 1


def test_even_the_purge_cannot_delete_a_row_younger_than_184_days(world):
    young = aged(audit_record(action=AuditAction.LOGIN, actor=world.clerk), RETENTION_DAYS - 1)
    with pgtrigger.ignore(*PURGE_IGNORES):  # what the purge steps past
        assert refused(lambda: AuditEvent.objects.filter(pk=young.pk).delete())
    # a purge told to keep fewer days is refused before it deletes anything
    with pytest.raises(RetentionError):
        audit_purge(keep_days=RETENTION_DAYS - 1)
    with pytest.raises(CommandError, match="至少保存 184 天"):
        call_command("audit_purge", "--keep-days", "30")
    # and a clock wound forward cannot make a young row old in the database's eyes
    with pytest.raises(DatabaseError):
        audit_purge(now=timezone.now() + datetime.timedelta(days=RETENTION_DAYS))
    assert AuditEvent.objects.filter(pk=young.pk).exists()
