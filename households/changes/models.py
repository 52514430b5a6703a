"""Change requests (变更申请): edits to the registry that wait for review before they apply.

Imported by `households.models`, so Django sees these models as part of the app.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from households.choices import ReviewLevel
from households.querysets import ScopedQuerySet
from households.uploads import StoredFile, stored_name

OVERDUE_DAYS = 3  # a pending request older than this is marked overdue in the queues


class ChangeKind(models.TextChoices):
    HOUSEHOLD_INFO = "household_info", "户基本信息及生活条件"
    MEMBER_ADD = "member_add", "新增成员"
    MEMBER_REMOVE = "member_remove", "减少成员"
    MEMBER_EDIT = "member_edit", "修改成员信息"
    INCOME = "income", "年度收入"
    MEASURE = "measure", "帮扶措施"
    HOUSEHOLD_ADD = "household_add", "新增农户"
    HOUSEHOLD_REMOVE = "household_remove", "农户核减"


class ChangeStatus(models.TextChoices):
    PENDING_TOWNSHIP = "pending_township", "待乡镇审核"
    PENDING_COUNTY = "pending_county", "待县级审核"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已通过"
    WITHDRAWN = "withdrawn", "已撤回"


PENDING = (ChangeStatus.PENDING_TOWNSHIP, ChangeStatus.PENDING_COUNTY)


# Who reviews a request: the township for a clerk's, the county for a township reviewer's.
REQUEST_REVIEW_LEVELS = [(level.value, level.label) for level in (ReviewLevel.TOWNSHIP, ReviewLevel.COUNTY)]


class ChangeRequestQuerySet(ScopedQuerySet):
    # The request carries its village itself: a new household's request has no household yet.
    village_path = "village__code"

    def pending(self):
        return self.filter(status__in=PENDING)

    def queue_for(self, user):
        """The requests waiting for `user`'s review, oldest first (none for other roles)."""
        if user.is_inspector:  # reads every level's queue, acts on none
            return self.in_scope(user).pending().order_by("submitted_at", "pk")
        statuses = user.change_statuses_to_review  # accounts.permissions decides who reviews what
        if not statuses:
            return self.none()
        return self.in_scope(user).filter(status__in=statuses).order_by("submitted_at", "pk")

    def mine(self, user):
        """`user`'s own requests: returned ones first (they need the user), then newest first."""
        returned_first = models.Case(
            models.When(status=ChangeStatus.RETURNED, then=0), default=1,
            output_field=models.IntegerField(),
        )
        return self.in_scope(user).filter(requested_by=user).order_by(returned_first, "-submitted_at", "-pk")


class ChangeRequest(models.Model):
    """One proposed change to one household, with the values it was drafted against.

    `changes` maps a field name to `[old, new]`: `old` is the live value when the request
    was drafted (or resubmitted), which approval compares with the live record to refuse
    a change whose record moved on in between.
    """

    household = models.ForeignKey(
        "households.Household", verbose_name="户", on_delete=models.PROTECT, null=True, blank=True,
        related_name="change_requests",
    )
    village = models.ForeignKey(
        "households.Area", verbose_name="行政村", on_delete=models.PROTECT, related_name="change_requests"
    )
    kind = models.CharField("变更类型", max_length=24, choices=ChangeKind.choices)
    status = models.CharField("状态", max_length=20, choices=ChangeStatus.choices, db_index=True)
    review_level = models.CharField("审核层级", max_length=10, choices=REQUEST_REVIEW_LEVELS)
    changes = models.JSONField("变更内容", default=dict)
    # The assessment year an income request is about (empty for every other kind).
    year = models.PositiveSmallIntegerField("收入年度", null=True, blank=True)
    # The member a member request is about (for 新增成员, the member created on approval).
    member = models.ForeignKey(
        "households.Member", verbose_name="成员", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="change_requests",
    )
    # Entry warnings (an ID whose birth date or gender disagrees, …) the requester read and confirmed.
    confirmed_warnings = models.JSONField("已确认的提示", default=list, blank=True)
    note = models.TextField("申请说明", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT,
        related_name="change_requests",
    )
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审核人", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    return_reason = models.TextField("退回原因", blank=True)
    # One per opened form (a hidden field): a double-clicked or re-sent form finds the request
    # its first submission made instead of creating a second one.
    submission_token = models.UUIDField("提交标识", null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "变更申请"
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["status", "village", "submitted_at"])]

    def __str__(self):
        return f"变更申请 #{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING

    @property
    def title(self) -> str:
        """The kind as a list shows it; an income request names its year."""
        if self.year:
            return f"{self.year} {self.get_kind_display()}"
        return self.get_kind_display()

    @property
    def is_overdue(self) -> bool:
        return self.is_pending and timezone.now() - self.submitted_at > datetime.timedelta(days=OVERDUE_DAYS)


class ChangeRequestEvent(models.Model):
    """One step of a request's life: who moved it from which status to which, and why."""

    change = models.ForeignKey(ChangeRequest, verbose_name="变更申请", on_delete=models.CASCADE,
                               related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField("时间", default=timezone.now)
    from_status = models.CharField("原状态", max_length=20, choices=ChangeStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=ChangeStatus.choices)
    comment = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "变更申请记录"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.change_id} {self.from_status}→{self.to_status}"


class ChangeRequestAttachment(StoredFile):
    """附件: a photo of the signed household form, a certificate, attached to a request."""

    change = models.ForeignKey(ChangeRequest, verbose_name="变更申请", on_delete=models.CASCADE,
                               related_name="attachments")
    file = models.FileField("文件", upload_to=stored_name("change_attachments"))

    class Meta:
        verbose_name = verbose_name_plural = "变更申请附件"
        ordering = ["uploaded_at", "pk"]


class HistoricalChangeLink(models.Model):
    """The extra column of the household's history rows: which change request made the change."""

    change_request = models.ForeignKey(
        ChangeRequest, verbose_name="变更申请", on_delete=models.SET_NULL, null=True, blank=True,
        db_constraint=False, related_name="+",
    )

    class Meta:
        abstract = True
