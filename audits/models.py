import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from households.choices import ReviewLevel
from households.scope import scope_prefix
from households.uploads import StoredFile, stored_name


class TicketStatus(models.TextChoices):
    PENDING_VILLAGE = "pending_village", "待核实"
    PENDING_TOWNSHIP = "pending_township", "待乡镇审核"
    PENDING_COUNTY = "pending_county", "待县级终审"
    RETURNED = "returned", "已退回"
    CLOSED = "closed", "已销号"


class Severity(models.TextChoices):
    ERROR = "error", "错误"
    WARNING = "warning", "疑似"


class Resolution(models.TextChoices):
    CORRECTED = "corrected", "已整改"
    EXPLAINED = "explained", "核实无误"
    SYSTEM = "system", "系统复核通过"
    EXEMPTED = "exempted", "已豁免"


class TicketQuerySet(models.QuerySet):
    village_path = "village__code"

    def in_scope(self, user):
        prefix = scope_prefix(user)
        if prefix is None:
            return self.none()
        return self.filter(village__code__startswith=prefix)

    def unclosed(self):
        return self.exclude(status=TicketStatus.CLOSED)

    def overdue(self, today: datetime.date | None = None):
        """Unclosed tickets past their level's deadline (审核超时)."""
        return self.unclosed().filter(due_on__lt=today or timezone.localdate())


class Ticket(models.Model):
    """问题线索: one failing record for one rule and assessment year, reviewed until closed.

    `member_key` is the member's id for member-scope rules and 0 for household-scope
    ones, so that the uniqueness of unclosed tickets needs no NULL comparisons.
    """

    rule_id = models.CharField("规则编号", max_length=8)
    household = models.ForeignKey(
        "households.Household", verbose_name="户", on_delete=models.CASCADE, related_name="tickets"
    )
    member = models.ForeignKey(
        "households.Member", verbose_name="成员", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="tickets", db_index=False,
    )
    member_key = models.BigIntegerField(default=0)
    year = models.PositiveSmallIntegerField("年度")
    village = models.ForeignKey(
        "households.Area", verbose_name="行政村", on_delete=models.PROTECT, related_name="tickets",
        db_index=False,
    )
    severity = models.CharField("严重程度", max_length=8, choices=Severity.choices)
    final_level = models.CharField("终审层级", max_length=8, choices=ReviewLevel.choices)
    status = models.CharField(
        "状态", max_length=20, choices=TicketStatus.choices, default=TicketStatus.PENDING_VILLAGE,
    )
    message = models.CharField("问题描述", max_length=500)
    facts = models.JSONField("取值", default=dict, blank=True)
    # The id of the rules app's batch that found it: a plain number, so that the tickets app
    # knows nothing of the rules app (docs/architecture.md), not even in its migrations.
    batch_id = models.BigIntegerField("发现批次", null=True, blank=True, db_index=True)
    found_at = models.DateTimeField("发现时间", auto_now_add=True)
    due_on = models.DateField("截止日期", null=True, blank=True)
    resolution = models.CharField("处理结果", max_length=12, choices=Resolution.choices, blank=True)
    system_resolved_at = models.DateTimeField("系统复核通过时间", null=True, blank=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    # "Corrected": the change request the clerk made to fix the data; the re-check after its
    # approval resolves the ticket.
    change_request = models.ForeignKey(
        "households.ChangeRequest", verbose_name="整改变更申请", on_delete=models.SET_NULL, null=True,
        blank=True, related_name="tickets", db_index=False,
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "问题线索"
        ordering = ["-found_at", "pk"]
        constraints = [
            # A rerun of a batch can never duplicate a ticket that is still being worked on.
            models.UniqueConstraint(
                fields=["rule_id", "household", "member_key", "year"],
                condition=~models.Q(status=TicketStatus.CLOSED),
                name="one_unclosed_ticket_per_rule_record_year",
            ),
        ]
        # Each index is paid by every ticket a first batch opens (docs/performance.md, the first
        # batch's writes): only the ones a query uses. The composites also serve equality on their
        # first column; a prefix LIKE (the scope's village code, the category's rule id) needs
        # varchar_pattern_ops, the database's collation not being C. A member or change request
        # is looked up only by a value (its page, its deletion), never as NULL.
        indexes = [
            models.Index(fields=["village", "status"]),
            models.Index(fields=["rule_id", "year", "status"]),
            models.Index(fields=["village"], opclasses=["varchar_pattern_ops"], name="ticket_village_prefix"),
            models.Index(fields=["rule_id"], opclasses=["varchar_pattern_ops"], name="ticket_rule_prefix"),
            models.Index(fields=["status"], name="ticket_status"),
            models.Index(fields=["member"], condition=models.Q(member__isnull=False), name="ticket_member_set"),
            models.Index(fields=["change_request"], condition=models.Q(change_request__isnull=False),
                         name="ticket_change_request_set"),
        ]

    def __str__(self):
        return f"{self.rule_id} {self.household_id} {self.year}"

    @property
    def is_overdue(self) -> bool:
        return self.status != TicketStatus.CLOSED and self.due_on is not None \
            and self.due_on < timezone.localdate()


class TicketEvent(models.Model):
    """One step of a ticket's life: who moved it from which status to which, and why."""

    ticket = models.ForeignKey(Ticket, verbose_name="问题线索", on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间", default=timezone.now)
    # Empty for steps the system took itself (a re-check that found the record passing).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    from_status = models.CharField("原状态", max_length=20, choices=TicketStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=TicketStatus.choices)
    comment = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "问题线索办理记录"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.ticket_id} {self.from_status}→{self.to_status}"


class TicketEvidence(StoredFile):
    """佐证材料: a photo or scan a clerk attaches to an answer (核实无误) of a ticket."""

    ticket = models.ForeignKey(Ticket, verbose_name="问题线索", on_delete=models.CASCADE, related_name="evidence")
    event = models.ForeignKey(TicketEvent, verbose_name="办理记录", on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="evidence")
    file = models.FileField("文件", upload_to=stored_name("ticket_evidence"))

    class Meta:
        verbose_name = verbose_name_plural = "佐证材料"
        ordering = ["uploaded_at", "pk"]


class ReviewDeadline(models.Model):
    """审核时限: the calendar days a level has to act on a ticket that reaches it (each county's staff set theirs)."""

    county = models.CharField("县级区划代码", max_length=6, db_index=True)
    level = models.CharField("层级", max_length=8, choices=ReviewLevel.choices)
    days = models.PositiveSmallIntegerField("时限（天）")

    class Meta:
        verbose_name = verbose_name_plural = "审核时限"
        constraints = [models.CheckConstraint(name="review_deadline_per_county_1_to_90_days",
                                              condition=models.Q(days__gte=1, days__lte=90)),
                       models.UniqueConstraint(fields=["county", "level"], name="one_review_deadline_per_county")]

    def __str__(self):
        return f"{self.get_level_display()} {self.days} 天"


# The ledger's exemption list is a room of its own (audits/exemptions/); Django finds its model here.
from audits.exemptions.models import Exemption, ExemptionState  # noqa: E402,F401
