"""豁免清单: records that county staff have exempted from one rule until a date.

A batch or a re-check raises no ticket for an exempted record while its exemption holds
(`audits.findings.tickets_sync` reads `Exemption.objects.holding()`); granting one closes the
record's unclosed ticket of that rule as 已豁免. An exemption ends by itself after its last
day (`ends_on`, a Beijing date) or earlier when revoked; either way it stays on the list,
with who granted it, when and why, and who revoked it.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from households.querysets import ScopedQuerySet


class ExemptionState(models.TextChoices):
    HOLDING = "holding", "生效中"
    EXPIRED = "expired", "已到期"
    REVOKED = "revoked", "已撤销"


def state_conditions(today: datetime.date | None = None) -> dict[str, models.Q]:
    """Each state as a condition on `today` (Beijing): holding while not revoked and the last day
    not passed, expired after it, revoked once revoked."""
    today = today or timezone.localdate()
    live = models.Q(revoked_at__isnull=True)
    return {ExemptionState.HOLDING: live & models.Q(ends_on__gte=today),
            ExemptionState.EXPIRED: live & models.Q(ends_on__lt=today),
            ExemptionState.REVOKED: ~live}


class ExemptionQuerySet(ScopedQuerySet):
    village_path = "household__village__code"

    def holding(self, today: datetime.date | None = None):
        """Exemptions in force on `today` (Beijing)."""
        return self.in_state(ExemptionState.HOLDING, today)

    def in_state(self, state: str, today: datetime.date | None = None):
        condition = state_conditions(today).get(state)
        return self if condition is None else self.filter(condition)

    def of_record(self, *, rule_id: str, household_id: int, member_key: int):
        return self.filter(rule_id=rule_id, household_id=household_id, member_key=member_key)


class Exemption(models.Model):
    """One record (a household, or a member for a member rule) exempted from one rule.

    `member_key` is the member's id for member rules and 0 for household rules, as on a ticket.
    """

    rule_id = models.CharField("规则编号", max_length=8, db_index=True)
    household = models.ForeignKey(
        "households.Household", verbose_name="户", on_delete=models.CASCADE, related_name="exemptions"
    )
    member = models.ForeignKey(
        "households.Member", verbose_name="成员", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="exemptions",
    )
    member_key = models.BigIntegerField(default=0)
    reason = models.TextField("豁免理由")
    ends_on = models.DateField("豁免截止日期")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="撤销人", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoke_reason = models.TextField("撤销理由", blank=True)

    objects = ExemptionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "豁免清单"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["rule_id", "household", "member_key"])]

    def __str__(self):
        return f"{self.rule_id} {self.household_id} 至 {self.ends_on}"

    def state(self, today: datetime.date | None = None) -> str:
        if self.revoked_at is not None:
            return ExemptionState.REVOKED
        return ExemptionState.HOLDING if self.ends_on >= (today or timezone.localdate()) else ExemptionState.EXPIRED

    @property
    def state_label(self) -> str:
        return ExemptionState(self.state()).label

    @property
    def is_holding(self) -> bool:
        return self.state() == ExemptionState.HOLDING
