"""Granting and revoking exemptions (豁免): county staff only, each in one transaction."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts import permissions
from households.models import Household, Member
from households.signals import household_changed_send
from trail.models import AuditAction
from trail.services import audit_record

from audits import rule_facts, transitions
from audits.exemptions.models import Exemption
from audits.models import Ticket

# An exemption is looked at again at least once a year: its last day is at most this far ahead.
LONGEST = datetime.timedelta(days=366)

NOT_ALLOWED = "只有县级数据管理员可以登记或撤销本县记录的豁免"
UNKNOWN_RULE = "没有这条规则：{rule_id}"
MEMBER_REQUIRED = "规则 {rule_id} 按成员检查，请指定该户的一名成员"
MEMBER_NOT_WANTED = "规则 {rule_id} 按户检查，豁免的是整户，不必指定成员"
MEMBER_ELSEWHERE = "该成员不属于这一户"
ENDS_IN_PAST = "豁免截止日期不能早于今天（{today}）"
ENDS_TOO_LATE = "豁免最长一年：截止日期不能晚于 {latest}"
REASON_REQUIRED = "请填写豁免理由"
ALREADY = "该记录已有生效中的规则 {rule_id} 豁免（至 {ends_on}，{who} 登记）：如需调整，请先撤销"
NOT_HOLDING = "这条豁免已{state}，无需撤销"
REVOKE_REASON_REQUIRED = "请填写撤销理由"


class ExemptionError(Exception):
    """An exemption cannot be granted or revoked as asked; the message says why (field: which input)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def latest_end(today: datetime.date | None = None) -> datetime.date:
    return (today or timezone.localdate()) + LONGEST


def exemption_create(*, user, rule_id: str, household: Household, member: Member | None = None,
                     reason: str, ends_on: datetime.date, request=None) -> Exemption:
    """Exempt one record from `rule_id` until `ends_on` (inclusive), and close its unclosed tickets
    of that rule as 已豁免. Two people exempting the same record at once: the second is refused."""
    if not permissions.can_exempt(user, household):
        raise ExemptionError(NOT_ALLOWED)
    facts = rule_facts.facts_of(rule_id)
    if facts is None:
        raise ExemptionError(UNKNOWN_RULE.format(rule_id=rule_id), "rule")
    if facts.scope == rule_facts.MEMBER and member is None:
        raise ExemptionError(MEMBER_REQUIRED.format(rule_id=rule_id), "member")
    if facts.scope == rule_facts.HOUSEHOLD and member is not None:
        raise ExemptionError(MEMBER_NOT_WANTED.format(rule_id=rule_id), "member")
    if member is not None and member.household_id != household.pk:
        raise ExemptionError(MEMBER_ELSEWHERE, "member")
    reason = (reason or "").strip()
    if not reason:
        raise ExemptionError(REASON_REQUIRED, "reason")
    today = timezone.localdate()
    if ends_on < today:
        raise ExemptionError(ENDS_IN_PAST.format(today=today.isoformat()), "ends_on")
    if ends_on > latest_end(today):
        raise ExemptionError(ENDS_TOO_LATE.format(latest=latest_end(today).isoformat()), "ends_on")
    member_key = member.pk if member is not None else 0
    with transaction.atomic():
        # The household's row is the lock two concurrent grants for one record queue on.
        Household.objects.select_for_update().filter(pk=household.pk).values_list("pk").get()
        current = (Exemption.objects.holding(today)
                   .of_record(rule_id=rule_id, household_id=household.pk, member_key=member_key)
                   .select_related("created_by").first())
        if current is not None:
            raise ExemptionError(ALREADY.format(rule_id=rule_id, ends_on=current.ends_on.isoformat(),
                                                who=current.created_by.get_full_name() or current.created_by.username))
        exemption = Exemption.objects.create(
            rule_id=rule_id, household=household, member=member, member_key=member_key, reason=reason,
            ends_on=ends_on, created_by=user)
        tickets = Ticket.objects.filter(rule_id=rule_id, household=household, member_key=member_key)
        closed = transitions.close_exempted(list(tickets.unclosed().values_list("pk", flat=True)), actor=user,
                                            reason=reason, ends_on=ends_on)
        audit_record(action=AuditAction.SETTING, request=request, actor=user, county=household.county_code,
                     household_number=household.number,
                     subject=f"豁免 {rule_id} {facts.name}（至 {ends_on.isoformat()}）",
                     detail={"exemption": exemption.pk, "rule": rule_id, "member": member_key or None,
                             "ends_on": ends_on.isoformat(), "reason": reason, "tickets_closed": closed},
                     success=True)
    return exemption


def exemption_revoke(*, user, exemption: Exemption, reason: str, request=None) -> Exemption:
    """End an exemption before its last day. The record is re-checked at once, so a rule it
    still fails raises its ticket again without waiting for the next batch."""
    household = exemption.household
    if not permissions.can_exempt(user, household):
        raise ExemptionError(NOT_ALLOWED)
    reason = (reason or "").strip()
    if not reason:
        raise ExemptionError(REVOKE_REASON_REQUIRED, "reason")
    now = timezone.now()
    with transaction.atomic():
        # Conditional: of two people revoking at once, one does it; the other is told.
        updated = Exemption.objects.holding().filter(pk=exemption.pk).update(
            revoked_at=now, revoked_by=user, revoke_reason=reason)
        if not updated:
            exemption.refresh_from_db()
            raise ExemptionError(NOT_HOLDING.format(state=exemption.state_label.removeprefix("已")))
        audit_record(action=AuditAction.SETTING, request=request, actor=user, county=household.county_code,
                     household_number=household.number, subject=f"撤销豁免 {exemption.rule_id}",
                     detail={"exemption": exemption.pk, "rule": exemption.rule_id, "reason": reason},
                     success=True)
        household_changed_send(household_id=household.pk)
    exemption.refresh_from_db()
    return exemption
