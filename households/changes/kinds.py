"""What each kind of change request changes: its fields, its live record, its refusals, its apply.

`changes` keys name fields of one model per kind (change_fields resolves them); the live
record is what approval compares the drafted old values with: the household, a member,
an income row, or nothing for an addition (whose old values are all empty). `check` holds
the refusals that are not a field's conflict (an already-removed member, the last member);
it runs at submission and again at approval, on the locked rows.
"""

import re
from dataclasses import dataclass
from typing import Callable

from households.changes import fields as change_fields
from households.changes.models import ChangeKind, ChangeRequest
from households.choices import LeaveReason, MemberStatus, Relationship
from households.models import AnnualIncome, Area, AssistanceMeasure, Household, Member

MEMBER_GONE = "该成员不在该户在册成员中（可能已减员），不能再修改或减员：请刷新页面查看最新信息。"
LAST_MEMBER = "该户只剩这一名在册成员，不能减员：如全户消亡或迁出，请申请农户核减。"
ALREADY_REMOVED = "该户已核减，不能重复核减。"
REMOVED = "该户已核减，不能再修改。"
NOT_A_VILLAGE = "请选择您管辖范围内的行政村。"
NUMBER_DIGITS = 4  # a household number is its village's 12-digit code and 4 digits (as the demo and import)


@dataclass(frozen=True)
class Applied:
    """What an approval wrote: the household (new for 新增农户) and the member it concerns, if any."""

    household: Household
    member: Member | None = None


@dataclass(frozen=True)
class Kind:
    fields: tuple[str, ...]
    # (change, household, lock) -> the live record, or None when there is none yet (an addition).
    record: Callable
    # (change, household, record, actor) -> Applied; runs inside the approval's transaction.
    apply: Callable
    # (change, household) -> a refusal message, or None.
    check: Callable = lambda change, household: None

    def diff(self, record, data: dict) -> dict:
        """{field: [live, proposed]} for each field of this kind whose proposed value differs."""
        changes = {}
        for name in self.fields:
            if name not in data:
                continue
            old, new = change_fields.live(record, name), change_fields.dump(name, data[name])
            if record is None and new in (None, ""):
                continue  # an addition lists only what it sets
            if old != new:
                changes[name] = [old, new]
        return changes


def _stamp(record, change: ChangeRequest, actor):
    """Mark the history row of `record`'s next save with who and which request (see change_history)."""
    record._history_user = actor
    record._change_request_id = change.pk
    record._change_reason = f"变更申请 #{change.pk}"
    return record


def _write(record, change: ChangeRequest, actor, names=None):
    for name, (_old, new) in change.changes.items():
        if names is None or name in names:
            setattr(record, name, change_fields.load(name, new))
    _stamp(record, change, actor).save()
    return record


# --- live records -------------------------------------------------------------------------

def _the_household(change, household, lock):
    return household  # the caller holds it locked


def _income_row(change, household, lock):
    incomes = AnnualIncome.objects.filter(household=household, year=change.year)
    return (incomes.select_for_update() if lock else incomes).first()


def _the_member(change, household, lock):
    members = Member.objects.filter(pk=change.member_id, household=household)
    return (members.select_for_update() if lock else members).first()


def _nothing(change, household, lock):
    return None


# --- refusals ---------------------------------------------------------------------------

def _active_member_check(change, household):
    member = Member.objects.filter(pk=change.member_id, household=household).first()
    if member is None or not member.is_active:
        return MEMBER_GONE
    return None


def _removal_check(change, household):
    gone = _active_member_check(change, household)
    if gone:
        return gone
    if not household.members.filter(status=MemberStatus.NORMAL).exclude(pk=change.member_id).exists():
        return LAST_MEMBER
    return None


def _household_removal_check(change, household):
    return ALREADY_REMOVED if household.is_removed else None


# --- apply ------------------------------------------------------------------------------

def _apply_to_household(change, household, record, actor):
    _write(household, change, actor)
    return Applied(household)


def _apply_income(change, household, record, actor):
    _write(record or AnnualIncome(household=household, year=change.year), change, actor)
    return Applied(household)


def _apply_member_edit(change, household, record, actor):
    return Applied(household, _write(record, change, actor))


def _apply_member_add(change, household, record, actor):
    member = Member(household=household, status=MemberStatus.NORMAL)
    return Applied(household, _write(member, change, actor))


def _apply_member_remove(change, household, record, actor):
    for name, (_old, new) in change.changes.items():
        setattr(record, name, change_fields.load(name, new))
    # Members are never deleted: a removed member stays on record as 死亡 or 迁出.
    record.status = MemberStatus.DECEASED if record.leave_reason == LeaveReason.DIED else MemberStatus.MOVED_OUT
    _stamp(record, change, actor).save()
    return Applied(household, record)


def _apply_measure(change, household, record, actor):
    _write(AssistanceMeasure(household=household), change, actor)
    return Applied(household)


def _apply_household_add(change, household, record, actor):
    village = Area.objects.select_for_update().get(pk=change.village_id)  # one number at a time per village
    new = Household(village=village, number=next_household_number(village))
    _write(new, change, actor, names=change_fields.NEW_HOUSEHOLD_FIELDS)
    head = Member(household=new, relationship=Relationship.HEAD, status=MemberStatus.NORMAL)
    _write(head, change, actor, names=change_fields.HEAD_FIELDS)
    return Applied(new, head)


def next_household_number(village: Area) -> str:
    """The village's code and the next free 4-digit sequence (numbers of other shapes are skipped)."""
    pattern = re.compile(rf"^{village.code}(\d{{{NUMBER_DIGITS}}})$")
    numbers = Household.objects.filter(number__startswith=village.code).values_list("number", flat=True)
    used = [int(match.group(1)) for number in numbers if (match := pattern.match(number))]
    return f"{village.code}{max(used, default=0) + 1:0{NUMBER_DIGITS}d}"


KINDS: dict[str, Kind] = {
    ChangeKind.HOUSEHOLD_INFO: Kind(change_fields.HOUSEHOLD_INFO_FIELDS, _the_household, _apply_to_household),
    ChangeKind.INCOME: Kind(change_fields.INCOME_FIELDS, _income_row, _apply_income),
    ChangeKind.MEMBER_EDIT: Kind(change_fields.MEMBER_FIELDS, _the_member, _apply_member_edit,
                                 _active_member_check),
    ChangeKind.MEMBER_ADD: Kind(change_fields.MEMBER_FIELDS + change_fields.MEMBER_JOIN_FIELDS, _nothing,
                                _apply_member_add),
    ChangeKind.MEMBER_REMOVE: Kind(change_fields.MEMBER_LEAVE_FIELDS, _the_member, _apply_member_remove,
                                   _removal_check),
    ChangeKind.MEASURE: Kind(change_fields.MEASURE_FIELDS, _nothing, _apply_measure),
    ChangeKind.HOUSEHOLD_ADD: Kind(change_fields.NEW_HOUSEHOLD_FIELDS + change_fields.HEAD_FIELDS, _nothing,
                                   _apply_household_add),
    ChangeKind.HOUSEHOLD_REMOVE: Kind(change_fields.HOUSEHOLD_REMOVE_FIELDS, _the_household,
                                      _apply_to_household, _household_removal_check),
}


def kind_of(code: str) -> Kind:
    return KINDS[code]
