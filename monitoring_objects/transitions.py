"""Every step of the monitoring procedure, in one table.

A row is (what it acts on, the status it starts from, action) → who takes it, where it leads,
what the timeline calls it, and whether it needs a written reason. Three things move: a clue
(待核查 → 已申请纳入 / 不纳入), an application (村级办理中 → 待乡镇审核 → 待县级审批 → 已批准,
returnable), and a household's risk status (风险已消除 → 风险未消除 by 回退 or 再标注).
`step()` is the one lookup the services make; who may take it in which area is
accounts.permissions' decision.
"""

from dataclasses import dataclass

from households.choices import RiskStatus

from monitoring_objects.models import ApplicationStatus, ClueStatus, EventAction

CLERK = "village_clerk"
REVIEWER = "township_reviewer"
COUNTY_STAFF = "county_staff"

CLUE = "clue"
APPLICATION = "application"
RISK = "risk"  # a household's risk status

NEW = ""  # the status of something not yet made


@dataclass(frozen=True)
class Step:
    who: tuple[str, ...]
    target: str
    event: str
    reason_required: str = ""  # the message when the reason is missing; empty = optional


REASON = "请填写理由。"

TRANSITIONS = {
    # 预警线索
    (CLUE, NEW, "create"): Step((CLERK, REVIEWER, COUNTY_STAFF), ClueStatus.OPEN, EventAction.CLUE_CREATED),
    (CLUE, ClueStatus.OPEN, "decline"): Step((CLERK,), ClueStatus.DECLINED, EventAction.CLUE_DECLINED,
                                             "请填写不纳入的理由（向农户解释到位的内容）。"),
    (CLUE, ClueStatus.OPEN, "apply"): Step((CLERK,), ClueStatus.APPLIED, EventAction.APPLICATION_STARTED),
    # 识别纳入 and 风险消除 applications
    (APPLICATION, NEW, "start"): Step((CLERK,), ApplicationStatus.DRAFT, EventAction.APPLICATION_STARTED),
    (APPLICATION, NEW, "green_channel"): Step((COUNTY_STAFF,), ApplicationStatus.APPROVED,
                                              EventAction.GREEN_CHANNEL, "请填写先行纳入的理由。"),
    (APPLICATION, ApplicationStatus.DRAFT, "submit"): Step((CLERK,), ApplicationStatus.PENDING_TOWNSHIP,
                                                           EventAction.SUBMITTED),
    (APPLICATION, ApplicationStatus.RETURNED, "submit"): Step((CLERK,), ApplicationStatus.PENDING_TOWNSHIP,
                                                              EventAction.SUBMITTED),
    (APPLICATION, ApplicationStatus.DRAFT, "withdraw"): Step((CLERK,), ApplicationStatus.WITHDRAWN,
                                                             EventAction.WITHDRAWN, "请填写撤回原因。"),
    (APPLICATION, ApplicationStatus.RETURNED, "withdraw"): Step((CLERK,), ApplicationStatus.WITHDRAWN,
                                                                EventAction.WITHDRAWN, "请填写撤回原因。"),
    (APPLICATION, ApplicationStatus.PENDING_TOWNSHIP, "approve"): Step(
        (REVIEWER,), ApplicationStatus.PENDING_COUNTY, EventAction.TOWNSHIP_APPROVED),
    (APPLICATION, ApplicationStatus.PENDING_TOWNSHIP, "return"): Step(
        (REVIEWER,), ApplicationStatus.RETURNED, EventAction.RETURNED, "请填写退回原因。"),
    (APPLICATION, ApplicationStatus.PENDING_COUNTY, "approve"): Step(
        (COUNTY_STAFF,), ApplicationStatus.APPROVED, EventAction.COUNTY_APPROVED),
    (APPLICATION, ApplicationStatus.PENDING_COUNTY, "return"): Step(
        (COUNTY_STAFF,), ApplicationStatus.RETURNED, EventAction.RETURNED, "请填写退回原因。"),
    # A household's risk, decided by the county after elimination
    (RISK, RiskStatus.ELIMINATED, "roll_back"): Step((COUNTY_STAFF,), RiskStatus.UNRESOLVED,
                                                     EventAction.ROLLED_BACK, "请填写回退原因。"),
    (RISK, RiskStatus.ELIMINATED, "reflag"): Step((COUNTY_STAFF,), RiskStatus.UNRESOLVED,
                                                  EventAction.REFLAGGED, "请填写再标注的原因（风险复现情况）。"),
}


class StepRefused(Exception):
    """The step does not apply: the thing is no longer in the status it was seen in."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def step(subject: str, status: str, action: str) -> Step:
    try:
        return TRANSITIONS[(subject, status, action)]
    except KeyError:
        raise StepRefused("该记录已被他人处理或状态已变化，请刷新后查看。") from None


def actions_for(subject: str, status: str, role: str | None) -> list[str]:
    """The actions `role` may take on a `subject` in `status` (what a page offers)."""
    return [action for (kind, source, action), s in TRANSITIONS.items()
            if kind == subject and source == status and role in s.who]
