"""Change requests: submit, approve, return, resubmit. Every status change goes through
`change_request_move`.

A clerk's request waits for the township, a township reviewer's for the county; county
staff's edits apply at once and are recorded as a request approved by themselves.
Approval locks the request and the household, refuses a request whose record moved on
since it was drafted (field by field, never overwriting), applies everything in one
transaction with a history row naming the request, and sends `household_changed` on commit.
"""

import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from households.choices import ReviewLevel
from households.changes import fields as change_fields
from households.changes import kinds as change_kinds
from households.changes.models import (
    PENDING,
    ChangeKind,
    ChangeRequest,
    ChangeRequestEvent,
    ChangeStatus,
)
from households.changes.kinds import REMOVED  # noqa: F401  (re-exported: the views and tests name it here)
from households.models import Area, Household
from households.signals import household_changed_send
from trail.models import AuditAction
from trail.services import audit_record

NOTHING_CHANGED = "没有修改任何内容：请修改后再提交。"
NOT_ALLOWED = "您无权修改该户信息。"
ALREADY_HANDLED = "该申请已被他人处理，请刷新页面查看最新状态。"
SELF_APPROVAL = "不能审核自己提交的申请。"
WRONG_LEVEL = "该申请不在您的审核范围内。"
REASON_REQUIRED = "请填写退回原因。"
NOT_RETURNED = "只有已退回的申请可以修改后重新提交。"
NOT_REQUESTER = "只有申请人可以修改自己的申请。"
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


def change_request_move(change: ChangeRequest, *, action: str, actor, comment: str = "") -> None:
    """Check `action` against TRANSITIONS, set the new status and write the event row."""
    allowed, target = TRANSITIONS[action]
    from_status = change.status if action not in ("submit", "apply") else ""
    if allowed and change.status not in allowed:
        raise ChangeRequestError(ALREADY_HANDLED)
    new_status = target or PENDING_AT[change.review_level]
    # Compare-and-set: the row must still hold the status read, even where the read took no
    # row lock (SQLite ignores select_for_update); otherwise someone else moved it meanwhile.
    if allowed and not ChangeRequest.objects.filter(pk=change.pk, status=from_status).update(status=new_status):
        raise ChangeRequestError(ALREADY_HANDLED)
    change.status = new_status
    change.save()
    ChangeRequestEvent.objects.create(
        change=change, actor=actor, from_status=from_status, to_status=change.status, comment=comment
    )
    audit_record(action=AuditAction.CHANGE, actor=actor, subject=f"变更申请 #{change.pk} {action}",
                 household_number=change.household.number if change.household_id else "",
                 detail={"change_request": change.pk, "kind": change.kind, "action": action,
                         "from": from_status, "to": change.status})


def _fields_of(kind: str) -> tuple[str, ...]:
    return change_kinds.kind_of(kind).fields


def live_record(kind: str, household: Household | None, year: int | None = None, *, member_id: int | None = None,
                lock: bool = False):
    """The live record a request of `kind` changes (see change_kinds): the household, a member,
    its income row of `year`, or None where there is none yet (the request will create it)."""
    target = ChangeRequest(kind=kind, household=household, year=year, member_id=member_id)
    return change_kinds.kind_of(kind).record(target, household, lock)


def record_of(change: ChangeRequest, household: Household | None, *, lock: bool = False):
    """The live record `change` changes (see `live_record`), locked with `lock`."""
    return change_kinds.kind_of(change.kind).record(change, household, lock)


def _review_level(user) -> str | None:
    if user.is_village_clerk:
        return ReviewLevel.TOWNSHIP
    if user.is_township_reviewer:
        return ReviewLevel.COUNTY
    return None


def _in_scope(user, household_id: int) -> bool:
    return Household.objects.in_scope(user).filter(pk=household_id).exists()


def change_request_submit(*, user, household: Household, data: dict, note: str = "",
                          token: uuid.UUID | None = None) -> ChangeRequest:
    """Record a proposed edit of a household's information, computed against the live record.

    A clerk's goes to the township, a township reviewer's to the county; county staff's
    edit applies at once (recorded as a request they approved themselves). `token` is the
    form's submission token: a second request with the same one is refused by the database.
    """
    return _submit(user=user, household=household, kind=ChangeKind.HOUSEHOLD_INFO, year=None,
                   data=data, note=note, token=token)


def income_change_submit(*, user, household: Household, year: int, data: dict, note: str = "",
                         token: uuid.UUID | None = None) -> ChangeRequest:
    """Record a proposed entry or correction of a household's income of one assessment year,
    computed against that year's live row (old values empty when the year has no row yet).
    Reviewed and applied like any change request."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ChangeRequestError(BAD_YEAR)
    return _submit(user=user, household=household, kind=ChangeKind.INCOME, year=year, data=data, note=note,
                   token=token)


def change_submit(*, user, kind: str, household: Household | None = None, village_id: str | None = None,
                  member=None, year: int | None = None, data: dict, note: str = "",
                  warnings: list[str] | tuple = (), token: uuid.UUID | None = None) -> ChangeRequest:
    """Record a proposed change of any kind (change_kinds), computed against its live record.

    `household` for every kind but 新增农户, which names the `village_id` instead; `member`
    for 修改成员信息 and 减员. `warnings` are the entry warnings the requester confirmed.
    """
    return _submit(user=user, household=household, kind=kind, year=year, data=data, note=note,
                   village_id=village_id, member=member, warnings=warnings, token=token)


def _village_in_scope(user, village_id: str | None) -> bool:
    return bool(village_id) and Area.objects.in_scope(user).villages().filter(pk=village_id).exists()


def _submit(*, user, household: Household | None, kind: str, year: int | None, data: dict, note: str,
            village_id: str | None = None, member=None, warnings=(), token=None) -> ChangeRequest:
    if (household is None) != (kind == ChangeKind.HOUSEHOLD_ADD):  # only a new household has none yet
        raise ChangeRequestError(NOT_ALLOWED)
    in_scope = _village_in_scope(user, village_id) if household is None else _in_scope(user, household.pk)
    if not user.can.submit_change(household) or not in_scope:
        raise ChangeRequestError(NOT_ALLOWED)
    spec = change_kinds.kind_of(kind)
    with transaction.atomic():
        live = Household.objects.select_for_update().get(pk=household.pk) if household is not None else None
        change = ChangeRequest(
            household=live, village_id=live.village_id if live else village_id, kind=kind, year=year,
            member_id=getattr(member, "pk", None), note=note.strip(), requested_by=user,
            confirmed_warnings=list(warnings), review_level=_review_level(user) or ReviewLevel.COUNTY,
            submission_token=token,
        )
        if live is not None:
            refusal = spec.check(change, live)
            if refusal:
                raise ChangeRequestError(refusal)
            if live.is_removed:
                raise ChangeRequestError(REMOVED)
        change.changes = spec.diff(spec.record(change, live, False), data)
        if not change.changes:
            raise ChangeRequestError(NOTHING_CHANGED)
        if user.is_county_staff:
            change.reviewer, change.reviewed_at = user, timezone.now()
            change_request_move(change, action="apply", actor=user, comment=change.note)
            _apply(change, live, actor=user)
        else:
            change_request_move(change, action="submit", actor=user, comment=change.note)
    return change


def _check_reviewer(change: ChangeRequest, reviewer) -> None:
    in_scope = ChangeRequest.objects.in_scope(reviewer).filter(pk=change.pk).exists()
    if in_scope and change.requested_by_id == reviewer.pk and reviewer.can.review_change():
        raise ChangeRequestError(SELF_APPROVAL)
    if not (in_scope and reviewer.can.review_change(change)):
        raise ChangeRequestError(WRONG_LEVEL)


def _lock(change: ChangeRequest) -> ChangeRequest:
    """The request again, locked, with its current status (another reviewer may have acted)."""
    locked = ChangeRequest.objects.select_for_update().get(pk=change.pk)
    if locked.status not in PENDING:
        raise ChangeRequestError(ALREADY_HANDLED)
    return locked


def conflicts_of(change: ChangeRequest, household: Household, *, lock: bool = False) -> list[Conflict]:
    """The fields whose live value is no longer the value the request was drafted against."""
    record = record_of(change, household, lock=lock)
    found = []
    for name, (old, new) in change.changes.items():
        now = change_fields.live(record, name)
        if now != old:
            found.append(Conflict(
                field=name, label=change_fields.label(name), old=change_fields.display(name, old),
                now=change_fields.display(name, now), proposed=change_fields.display(name, new),
            ))
    return found


def _apply(change: ChangeRequest, household: Household | None, *, actor) -> None:
    """Write the request's change (change_kinds) and link the request to what it created."""
    spec = change_kinds.kind_of(change.kind)
    applied = spec.apply(change, household, spec.record(change, household, True), actor)
    if change.household_id != applied.household.pk or (applied.member and change.member_id != applied.member.pk):
        change.household = applied.household
        change.member = applied.member or change.member
        change.save(update_fields=["household", "member", "updated_at"])
    household_changed_send(household_id=applied.household.pk)


def change_request_approve(*, change: ChangeRequest, reviewer) -> ChangeRequest:
    """Apply a pending request to its household, or refuse (already handled, not yours, conflict)."""
    with transaction.atomic():
        locked = _lock(change)
        _check_reviewer(locked, reviewer)
        household = (Household.objects.select_for_update().get(pk=locked.household_id)
                     if locked.household_id else None)
        refusal = change_kinds.kind_of(locked.kind).check(locked, household) if household else None
        if refusal:
            raise ChangeRequestError(refusal)
        conflicts = conflicts_of(locked, household, lock=True)
        if conflicts:
            raise ChangeConflict(conflicts)
        locked.reviewer, locked.reviewed_at = reviewer, timezone.now()
        change_request_move(locked, action="approve", actor=reviewer)
        _apply(locked, household, actor=reviewer)
    return locked


def change_request_rehearse(*, change: ChangeRequest) -> None:
    """Write to its household what approving the pending `change` would write, for a caller
    that rolls the transaction back (the reviewer's preview of the tickets an approval would
    resolve or raise): no row is locked before it is read, no status moves, no event is sent.
    A request the household now refuses (a member gone) writes nothing; an addition (no
    household yet) is not rehearsed."""
    if not change.household_id:
        return
    spec = change_kinds.kind_of(change.kind)
    household = Household.objects.get(pk=change.household_id)
    if spec.check(change, household) is None:
        spec.apply(change, household, spec.record(change, household, False), None)


def change_request_return(*, change: ChangeRequest, reviewer, reason: str) -> ChangeRequest:
    """Send a pending request back to its requester with a reason; nothing live changes."""
    reason = (reason or "").strip()
    if not reason:
        raise ChangeRequestError(REASON_REQUIRED)
    with transaction.atomic():
        locked = _lock(change)
        _check_reviewer(locked, reviewer)
        locked.reviewer, locked.reviewed_at, locked.return_reason = reviewer, timezone.now(), reason
        change_request_move(locked, action="return", actor=reviewer, comment=reason)
    return locked


def change_request_resubmit(*, change: ChangeRequest, user, data: dict, note: str = "",
                            warnings: list[str] | tuple | None = None) -> ChangeRequest:
    """The requester's revision of a returned request, diffed afresh against the live record."""
    with transaction.atomic():
        locked = ChangeRequest.objects.select_for_update().get(pk=change.pk)
        in_scope = (_in_scope(user, locked.household_id) if locked.household_id
                    else _village_in_scope(user, locked.village_id))
        if locked.requested_by_id != user.pk or not in_scope:
            raise ChangeRequestError(NOT_REQUESTER)
        if locked.status != ChangeStatus.RETURNED:
            raise ChangeRequestError(NOT_RETURNED)
        household = Household.objects.get(pk=locked.household_id) if locked.household_id else None
        spec = change_kinds.kind_of(locked.kind)
        refusal = spec.check(locked, household) if household else None
        if refusal:
            raise ChangeRequestError(refusal)
        changes = spec.diff(spec.record(locked, household, False), data)
        if not changes:
            raise ChangeRequestError(NOTHING_CHANGED)
        if warnings is not None:
            locked.confirmed_warnings = list(warnings)
        locked.changes, locked.note, locked.submitted_at = changes, note.strip(), timezone.now()
        locked.reviewer, locked.reviewed_at = None, None
        change_request_move(locked, action="resubmit", actor=user, comment=locked.note)
    return locked


def proposed_values(change: ChangeRequest) -> dict:
    """The form's initial values for a revision: the live record with the request's values over it."""
    household = Household.objects.get(pk=change.household_id) if change.household_id else None
    record = record_of(change, household)
    values = {name: getattr(record, name, None) for name in _fields_of(change.kind)}
    values.update({name: change_fields.load(name, new) for name, (_old, new) in change.changes.items()})
    return values
