"""Change requests: submit, approve, return, resubmit. Every status change goes through `_move`.

A clerk's request waits for the township, a township reviewer's for the county; county
staff's edits apply at once and are recorded as a request approved by themselves.
Approval locks the request and the household, refuses a request whose record moved on
since it was drafted (field by field, never overwriting), applies everything in one
transaction with a history row naming the request, and sends `household_changed` on commit.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from . import change_fields
from .change_models import (
    PENDING,
    ChangeKind,
    ChangeRequest,
    ChangeRequestEvent,
    ChangeStatus,
    ReviewLevel,
)
from .models import AnnualIncome, Household
from .signals import household_changed_send

NOTHING_CHANGED = "没有修改任何内容：请修改后再提交。"
NOT_ALLOWED = "您无权修改该户信息。"
ALREADY_HANDLED = "该申请已被他人处理，请刷新页面查看最新状态。"
SELF_APPROVAL = "不能审核自己提交的申请。"
WRONG_LEVEL = "该申请不在您的审核范围内。"
REASON_REQUIRED = "请填写退回原因。"
NOT_RETURNED = "只有已退回的申请可以修改后重新提交。"
NOT_REQUESTER = "只有申请人可以修改自己的申请。"
REMOVED = "该户已核减，不能再修改。"
BAD_YEAR = "请选择 2000 到 2100 之间的收入年度。"
MIN_YEAR, MAX_YEAR = 2000, 2100  # as the income_year_plausible constraint
CONFLICT = "该户信息在申请提交后已被修改，不能直接通过：请退回村级，按最新信息重新填报。"

# action: (statuses it may start from, status it leads to; None = back to the request's level)
TRANSITIONS = {
    "submit": ((), None),
    "apply": ((), ChangeStatus.APPROVED),
    "approve": (PENDING, ChangeStatus.APPROVED),
    "return": (PENDING, ChangeStatus.RETURNED),
    "resubmit": ((ChangeStatus.RETURNED,), None),
    "withdraw": ((*PENDING, ChangeStatus.RETURNED), ChangeStatus.WITHDRAWN),
}
PENDING_AT = {ReviewLevel.TOWNSHIP: ChangeStatus.PENDING_TOWNSHIP, ReviewLevel.COUNTY: ChangeStatus.PENDING_COUNTY}


class ChangeRequestError(Exception):
    """A change request cannot go on as asked; the message says why, for the person acting."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Conflict:
    field: str
    label: str
    old: str       # the value the request was drafted against
    now: str       # the live value
    proposed: str


class ChangeConflict(ChangeRequestError):
    """The live record moved on since the request was drafted; `conflicts` lists the fields."""

    def __init__(self, conflicts: list[Conflict]):
        super().__init__(CONFLICT + " 冲突项：" + "、".join(c.label for c in conflicts))
        self.conflicts = conflicts


def _move(request: ChangeRequest, *, action: str, actor, comment: str = "") -> None:
    """Check `action` against TRANSITIONS, set the new status and write the event row."""
    allowed, target = TRANSITIONS[action]
    from_status = request.status if action not in ("submit", "apply") else ""
    if allowed and request.status not in allowed:
        raise ChangeRequestError(ALREADY_HANDLED)
    request.status = target or PENDING_AT[request.review_level]
    request.save()
    ChangeRequestEvent.objects.create(
        request=request, actor=actor, from_status=from_status, to_status=request.status, comment=comment
    )


def _fields_of(kind: str) -> tuple[str, ...]:
    return change_fields.INCOME_FIELDS if kind == ChangeKind.INCOME else change_fields.HOUSEHOLD_INFO_FIELDS


def live_record(kind: str, household: Household, year: int | None, *, lock: bool = False):
    """The live record a request of `kind` changes: the household, or its income row of `year`
    (None while that year has no row: the request will create it)."""
    if kind != ChangeKind.INCOME:
        return household
    incomes = AnnualIncome.objects.filter(household=household, year=year)
    return (incomes.select_for_update() if lock else incomes).first()


def _diff(record, data: dict, names: tuple[str, ...] = change_fields.HOUSEHOLD_INFO_FIELDS) -> dict:
    """{field: [live, proposed]} for each of `names` whose proposed value differs."""
    changes = {}
    for name in names:
        if name not in data:
            continue
        old, new = change_fields.live(record, name), change_fields.dump(name, data[name])
        if old != new:
            changes[name] = [old, new]
    return changes


def _review_level(user) -> str | None:
    if user.is_village_clerk:
        return ReviewLevel.TOWNSHIP
    if user.is_township_reviewer:
        return ReviewLevel.COUNTY
    return None


def _in_scope(user, household_id: int) -> bool:
    return Household.objects.in_scope(user).filter(pk=household_id).exists()


def change_request_submit(*, user, household: Household, data: dict, note: str = "") -> ChangeRequest:
    """Record a proposed edit of a household's information, computed against the live record.

    A clerk's goes to the township, a township reviewer's to the county; county staff's
    edit applies at once (recorded as a request they approved themselves).
    """
    return _submit(user=user, household=household, kind=ChangeKind.HOUSEHOLD_INFO, year=None,
                   data=data, note=note)


def income_change_submit(*, user, household: Household, year: int, data: dict, note: str = "") -> ChangeRequest:
    """Record a proposed entry or correction of a household's income of one assessment year,
    computed against that year's live row (old values empty when the year has no row yet).
    Reviewed and applied like any change request."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ChangeRequestError(BAD_YEAR)
    return _submit(user=user, household=household, kind=ChangeKind.INCOME, year=year, data=data, note=note)


def _submit(*, user, household: Household, kind: str, year: int | None, data: dict, note: str) -> ChangeRequest:
    if not (user.is_village_clerk or user.is_township_reviewer or user.is_county_staff) \
            or not _in_scope(user, household.pk):
        raise ChangeRequestError(NOT_ALLOWED)
    with transaction.atomic():
        live = Household.objects.select_for_update().get(pk=household.pk)
        if live.is_removed:
            raise ChangeRequestError(REMOVED)
        changes = _diff(live_record(kind, live, year), data, _fields_of(kind))
        if not changes:
            raise ChangeRequestError(NOTHING_CHANGED)
        request = ChangeRequest(
            household=live, village_id=live.village_id, kind=kind, year=year,
            changes=changes, note=note.strip(), requested_by=user,
            review_level=_review_level(user) or ReviewLevel.COUNTY,
        )
        if user.is_county_staff:
            request.reviewer, request.reviewed_at = user, timezone.now()
            _move(request, action="apply", actor=user, comment=request.note)
            _apply(request, live, actor=user)
        else:
            _move(request, action="submit", actor=user, comment=request.note)
    return request


def _check_reviewer(request: ChangeRequest, reviewer) -> None:
    level_ok = (
        request.status == ChangeStatus.PENDING_TOWNSHIP and reviewer.is_township_reviewer
        or request.status == ChangeStatus.PENDING_COUNTY and reviewer.is_county_staff
    )
    in_scope = ChangeRequest.objects.in_scope(reviewer).filter(pk=request.pk).exists()
    if not (level_ok and in_scope):
        raise ChangeRequestError(WRONG_LEVEL)
    if request.requested_by_id == reviewer.pk:
        raise ChangeRequestError(SELF_APPROVAL)


def _lock(request: ChangeRequest) -> ChangeRequest:
    """The request again, locked, with its current status (another reviewer may have acted)."""
    locked = ChangeRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status not in PENDING:
        raise ChangeRequestError(ALREADY_HANDLED)
    return locked


def conflicts_of(request: ChangeRequest, household: Household, *, lock: bool = False) -> list[Conflict]:
    """The fields whose live value is no longer the value the request was drafted against."""
    record = live_record(request.kind, household, request.year, lock=lock)
    found = []
    for name, (old, new) in request.changes.items():
        now = change_fields.live(record, name)
        if now != old:
            found.append(Conflict(
                field=name, label=change_fields.label(name), old=change_fields.display(name, old),
                now=change_fields.display(name, now), proposed=change_fields.display(name, new),
            ))
    return found


def _apply(request: ChangeRequest, household: Household, *, actor) -> None:
    record = live_record(request.kind, household, request.year, lock=True)
    if record is None:  # an income year without a row yet
        record = AnnualIncome(household=household, year=request.year)
    for name, (_old, new) in request.changes.items():
        setattr(record, name, change_fields.load(name, new))
    record._history_user = actor
    record._change_request_id = request.pk  # read by the history row (see change_history)
    record._change_reason = f"变更申请 #{request.pk}"
    record.save()
    household_changed_send(household_id=household.pk)


def change_request_approve(*, request: ChangeRequest, reviewer) -> ChangeRequest:
    """Apply a pending request to its household, or refuse (already handled, not yours, conflict)."""
    with transaction.atomic():
        locked = _lock(request)
        _check_reviewer(locked, reviewer)
        household = Household.objects.select_for_update().get(pk=locked.household_id)
        conflicts = conflicts_of(locked, household, lock=True)
        if conflicts:
            raise ChangeConflict(conflicts)
        locked.reviewer, locked.reviewed_at = reviewer, timezone.now()
        _move(locked, action="approve", actor=reviewer)
        _apply(locked, household, actor=reviewer)
    return locked


def change_request_return(*, request: ChangeRequest, reviewer, reason: str) -> ChangeRequest:
    """Send a pending request back to its requester with a reason; nothing live changes."""
    reason = (reason or "").strip()
    if not reason:
        raise ChangeRequestError(REASON_REQUIRED)
    with transaction.atomic():
        locked = _lock(request)
        _check_reviewer(locked, reviewer)
        locked.reviewer, locked.reviewed_at, locked.return_reason = reviewer, timezone.now(), reason
        _move(locked, action="return", actor=reviewer, comment=reason)
    return locked


def change_request_resubmit(*, request: ChangeRequest, user, data: dict, note: str = "") -> ChangeRequest:
    """The requester's revision of a returned request, diffed afresh against the live record."""
    with transaction.atomic():
        locked = ChangeRequest.objects.select_for_update().get(pk=request.pk)
        if locked.requested_by_id != user.pk or not _in_scope(user, locked.household_id):
            raise ChangeRequestError(NOT_REQUESTER)
        if locked.status != ChangeStatus.RETURNED:
            raise ChangeRequestError(NOT_RETURNED)
        household = Household.objects.get(pk=locked.household_id)
        changes = _diff(live_record(locked.kind, household, locked.year), data, _fields_of(locked.kind))
        if not changes:
            raise ChangeRequestError(NOTHING_CHANGED)
        locked.changes, locked.note, locked.submitted_at = changes, note.strip(), timezone.now()
        locked.reviewer, locked.reviewed_at = None, None
        _move(locked, action="resubmit", actor=user, comment=locked.note)
    return locked


def proposed_values(request: ChangeRequest) -> dict:
    """The form's initial values for a revision: the live record with the request's values over it."""
    household = Household.objects.get(pk=request.household_id)
    record = live_record(request.kind, household, request.year)
    values = {name: getattr(record, name, None) for name in _fields_of(request.kind)}
    values.update({name: change_fields.load(name, new) for name, (_old, new) in request.changes.items()})
    return values
