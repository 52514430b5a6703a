"""Tickets for tests: made as rows, or found by a real cleansing batch."""

import datetime

from django.utils import timezone

from households.choices import ReviewLevel
from audits.models import Severity, Ticket, TicketStatus
from households.models import Area, Household
from rules import services as rule_services


def make_ticket(household: Household, *, rule_id: str = "B05", severity: str = Severity.ERROR,
                status: str = TicketStatus.PENDING_VILLAGE, due_in_days: int = 7, **fields) -> Ticket:
    """A ticket on `household` as a batch would open it: errors end at the county, warnings at the township."""
    final_level = ReviewLevel.COUNTY if severity == Severity.ERROR else ReviewLevel.TOWNSHIP
    return Ticket.objects.create(
        rule_id=rule_id, household=household, village_id=household.village_id, year=2025,
        severity=severity, final_level=final_level, status=status, message=f"{rule_id} 测试问题",
        due_on=timezone.localdate() + datetime.timedelta(days=due_in_days), **fields,
    )


def warning_ticket_on(household: Household) -> Ticket:
    """B06 on `household`, found by a real batch over county 230381 (the phone is blanked)."""
    Household.objects.filter(pk=household.pk).update(phone="")
    batch = rule_services.batch_create(area=Area.objects.get(code="230381"), rule_ids=["B06"])
    rule_services.batch_run_sync(batch=batch)
    return Ticket.objects.get(rule_id="B06", household=household)
