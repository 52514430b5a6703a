"""An audit event names itself by its Asia/Shanghai time, the time the county works in."""

import datetime

import pytest
import time_machine

from trail.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def test_an_audit_event_reads_with_its_local_time():
    # 23:30 UTC on 6 December is 07:30 on 7 December in Beijing.
    with time_machine.travel(datetime.datetime(2026, 12, 6, 23, 30, tzinfo=datetime.UTC), tick=False):
        event = AuditEvent.objects.create(username="county", action=AuditAction.EXPORT)
    assert str(event) == "2026-12-07 07:30 county 导出"
    assert str(AuditEvent.objects.get(pk=event.pk)) == "2026-12-07 07:30 county 导出"
