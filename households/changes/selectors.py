"""Reads of change requests for the screens; every one starts from `in_scope(user)`."""

import datetime
from dataclasses import dataclass

from django.db.models import F, Value
from django.utils import timezone

from households import expressions
from households.choices import ReviewLevel
from households.changes import fields as change_fields
from households.changes.models import OVERDUE_DAYS, PENDING, ChangeRequest, ChangeRequestAttachment, ChangeStatus
from households.changes.models import ChangeKind
from households.changes.services import record_of, conflicts_of, live_record
from households.models import Household


@dataclass(frozen=True)
class DiffRow:
    field: str
    label: str
    old: str
    new: str
    now: str
    conflict: bool


def change_requests(*, user):
    return ChangeRequest.objects.in_scope(user).select_related(
        "household", "village", "village__parent", "requested_by", "reviewer"
    )


def change_request_detail(*, user, pk: int) -> ChangeRequest:
    """One request in scope; raises ChangeRequest.DoesNotExist."""
    return change_requests(user=user).get(pk=pk)


def change_queue(*, user):
    """The requests waiting for `user`'s review, oldest first."""
    return change_requests(user=user).queue_for(user)


def overdue(queryset):
    """The pending requests of `queryset` submitted more than OVERDUE_DAYS ago."""
    limit = timezone.now() - datetime.timedelta(days=OVERDUE_DAYS)
    return queryset.filter(status__in=PENDING, submitted_at__lt=limit)


def my_change_requests(*, user):
    return change_requests(user=user).mine(user)


def diff_rows(*, change: ChangeRequest) -> list[DiffRow]:
    """Old and proposed value of each field side by side, with the live value when it moved on."""
    household = Household.objects.get(pk=change.household_id) if change.household_id else None
    conflicting = {c.field for c in conflicts_of(change, household)} if change.is_pending else set()
    record = record_of(change, household)
    return [
        DiffRow(
            field=name, label=change_fields.label(name),
            old=change_fields.display(name, old), new=change_fields.display(name, new),
            now=change_fields.display(name, change_fields.live(record, name)),
            conflict=name in conflicting,
        )
        for name, (old, new) in change.changes.items()
    ]


def return_label(change: ChangeRequest) -> str:
    return "退回村级" if change.review_level == ReviewLevel.TOWNSHIP else "退回乡镇"


def pending_for_household(*, user, household: Household):
    return change_requests(user=user).filter(household=household).pending().order_by("submitted_at")


def change_todo(*, user) -> dict:
    """The home page's counts: the user's returned requests, and the queue waiting for them."""
    queue = ChangeRequest.objects.queue_for(user)
    return {
        "returned": ChangeRequest.objects.mine(user).filter(status=ChangeStatus.RETURNED).count(),
        "queue": queue.count() if user.can.review_change() else None,
        "overdue": overdue(queue).count() if user.can.review_change() else 0,
    }


@dataclass(frozen=True)
class IncomeFigures:
    net: object          # Decimal
    size: int            # the household's current active members
    per_capita: object   # Decimal, or None without active members


def income_figures(*, household_id: int, values: dict) -> IncomeFigures:
    """Net and per-capita income of proposed amounts, by the same expressions the registry uses
    (households.expressions), over the household's current active members."""
    amounts = {
        f"proposed_{name}": Value(values.get(name), output_field=expressions.MONEY)
        for name in (*expressions.INCOME_FIELDS, *expressions.EXPENSE_FIELDS)
    }
    row = (
        Household.objects.filter(pk=household_id).alias(**amounts)
        .annotate(net=expressions.net_income("proposed_"), size=expressions.active_member_count())
        .annotate(per_capita=expressions.per_capita(F("net"), F("size")))
        .values("net", "size", "per_capita").get()
    )
    return IncomeFigures(**row)


def income_request_figures(*, change: ChangeRequest) -> tuple[IncomeFigures | None, IncomeFigures] | None:
    """An income request's figures before (the live row) and after approval; None for other kinds."""
    if change.kind != ChangeKind.INCOME:
        return None
    household = Household.objects.get(pk=change.household_id)
    record = live_record(change.kind, household, change.year)
    before = {name: getattr(record, name, None) for name in change_fields.INCOME_FIELDS}
    after = dict(before)
    after.update({name: change_fields.load(name, new) for name, (_old, new) in change.changes.items()})
    # A year without a row yet has no figures before (shown as —, not as 0.00).
    return (income_figures(household_id=household.pk, values=before) if record is not None else None,
            income_figures(household_id=household.pk, values=after))


@dataclass(frozen=True)
class QueueTab:
    key: str
    label: str
    queryset: object  # of ChangeRequest
    empty: str


def queue_tabs(*, user) -> list[QueueTab]:
    """The change list's tabs `user` has: reviewers 待我审核 and 已超时 (oldest first),
    requesters 我的申请 and 已退回 (returned first, then newest)."""
    tabs = []
    if user.is_township_reviewer or user.is_county_staff or user.is_inspector:
        queue = change_queue(user=user).prefetch_related("attachments")
        tabs += [
            QueueTab("queue", "待审核的申请" if user.is_inspector else "待我审核", queue,
                     "没有待审核的变更申请：村级提交的申请会出现在这里，最早提交的排在最前。"),
            QueueTab("overdue", "已超时", overdue(queue),
                     f"没有审核超时的申请（提交超过 {OVERDUE_DAYS} 天未审核即为超时）。"),
        ]
    if not user.is_inspector:
        mine = my_change_requests(user=user).prefetch_related("attachments")
        tabs += [
            QueueTab("mine", "我的申请", mine,
                     "您还没有提交变更申请：在农户信息中打开一户，点“申请修改”。"),
            QueueTab("returned", "已退回", mine.filter(status=ChangeStatus.RETURNED),
                     "没有被退回的申请。"),
        ]
    return tabs


def change_attachment(*, user, pk: int, attachment_id: int):
    """One attachment of a request in `user`'s scope; raises DoesNotExist."""
    return ChangeRequestAttachment.objects.get(
        pk=attachment_id, change__in=ChangeRequest.objects.in_scope(user).filter(pk=pk)
    )
