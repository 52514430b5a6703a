"""Who may do what: the one place for every permission decision.

Each `can_<action>(user, obj=None) -> bool` states one rule of the spec's role table
(spec/domain.md, "Who uses it"):

- 村级信息员 (village clerk): one village; enters changes, verifies tickets.
- 乡镇审核员 (township reviewer): one township; reviews the village's changes and tickets.
- 县级数据管理员 (county staff): one county; final review, batches, settings, imports, exports.
- 督导 (inspector): one county, read only: looks at everything in scope, changes nothing.

Without `obj` a function answers for the user's role (may they ever do it: the menu, a
view's first guard); with `obj` it also requires the object to lie in the user's area and
to be in a state the action applies to. The functions read only the user's role and area
and attributes of the object passed (statuses compared by their string values), so any
layer may call them without a query. Views answer 404 (or 403 for the inspector's writes)
when one says no; services raise their domain error.

Code below accounts (households) receives a user but may not import this module: it asks
`user.can.<action>(obj)`, the same functions bound to the user (`Bound`).
"""

from functools import partial

from households.scope import scope_prefix

from accounts.roles import Role

CLERK = Role.VILLAGE_CLERK
REVIEWER = Role.TOWNSHIP_REVIEWER
COUNTY_STAFF = Role.COUNTY_STAFF
INSPECTOR = Role.INSPECTOR

# A change request's statuses, by value (households.changes.models.ChangeStatus).
CHANGE_REVIEWER = {"pending_township": REVIEWER, "pending_county": COUNTY_STAFF}
CHANGE_WITHDRAWABLE = ("pending_township", "pending_county", "returned")
CHANGE_RETURNED = "returned"

# A ticket's statuses, by value (audits.models.TicketStatus): who holds a ticket in each, in
# queue order. A closed ticket is nobody's.
TICKET_HOLDER = {
    "pending_village": CLERK,
    "returned": CLERK,
    "pending_township": REVIEWER,
    "pending_county": COUNTY_STAFF,
}
TICKET_LINKABLE = ("pending_village", "returned")


def _role(user) -> str | None:
    """The role of a signed-in, active user bound to an area; None for anyone else."""
    return user.role if scope_prefix(user) is not None else None


def _in_area(user, code: str | None) -> bool:
    """The area code (a village's, or any area's) lies inside the user's area."""
    prefix = scope_prefix(user)
    return prefix is not None and bool(code) and code.startswith(prefix)


def _has(user, *roles) -> bool:
    return _role(user) in roles


# The registry -----------------------------------------------------------------------------


def can_view_registry(user, household=None) -> bool:
    """农户信息: every signed-in user opens the list (it holds only their scope, so nothing for
    a user without a role); one household only when it lies in the user's area."""
    if user is None or not user.is_authenticated:
        return False
    return household is None or _in_area(user, household.village_id)


def can_reveal(user, household=None) -> bool:
    """显示 (a masked ID number or phone in full, logged): every role, inspectors included,
    for records in their area."""
    if _role(user) is None:
        return False
    return household is None or _in_area(user, household.village_id)


# Change requests (变更申请) ------------------------------------------------------------------


def can_view_change_requests(user, change=None) -> bool:
    """变更申请 list and pages: every role. Clerks and reviewers see their own requests and
    (reviewers) their queue; the inspector reads every level's queue without acting on it.
    One request only when its village lies in the user's area."""
    if _role(user) is None:
        return False
    return change is None or _in_area(user, change.village_id)


def can_submit_change(user, household=None) -> bool:
    """申请修改 (any kind, 新增农户 included): clerks, township reviewers and county staff, for
    households in their area (county staff's edits apply at once, the others' go to review).
    Never the inspector."""
    if not _has(user, CLERK, REVIEWER, COUNTY_STAFF):
        return False
    return household is None or _in_area(user, household.village_id)


def can_review_change(user, change=None) -> bool:
    """审核 (approve, return, bulk approve) a change request: township reviewers those waiting
    for the township, county staff those waiting for the county, in their area, never their
    own. Without a request: whether the role reviews at all."""
    role = _role(user)
    if role not in (REVIEWER, COUNTY_STAFF):
        return False
    if change is None:
        return True
    return (CHANGE_REVIEWER.get(change.status) == role and change.requested_by_id != user.pk
            and _in_area(user, change.village_id))


def can_withdraw_change(user, change=None) -> bool:
    """撤回: the requester takes back their own request while it is pending or returned."""
    if not can_submit_change(user):
        return False
    if change is None:
        return True
    return (change.requested_by_id == user.pk and change.status in CHANGE_WITHDRAWABLE
            and _in_area(user, change.village_id))


def can_revise_change(user, change=None) -> bool:
    """修改后重新提交: the requester revises their own returned request (while their role may
    still propose changes)."""
    if not can_submit_change(user):
        return False
    if change is None:
        return True
    return (change.requested_by_id == user.pk and change.status == CHANGE_RETURNED
            and _in_area(user, change.village_id))


# Tickets (问题线索) and the ledger -----------------------------------------------------------


def change_statuses_reviewed_by(user) -> list[str]:
    """The change-request statuses the user's role reviews (its queue)."""
    role = _role(user)
    return [status for status, reviewer in CHANGE_REVIEWER.items() if reviewer == role]


def ticket_statuses_of(user) -> list[str]:
    """The ticket statuses the user's role acts from (its queue), in queue order."""
    role = _role(user)
    return [status for status, holder in TICKET_HOLDER.items() if holder == role]


def can_view_tickets(user, ticket=None) -> bool:
    """问题线索 list and pages: every role (the inspector reads every status); one ticket only
    when its village lies in the user's area."""
    if _role(user) is None:
        return False
    return ticket is None or _in_area(user, ticket.village_id)


def can_act_on_ticket(user, ticket=None) -> bool:
    """办理 a ticket (核实/说明, 通过, 退回): the role holding it in its status — the clerk while
    待核实 or 已退回, the township reviewer while 待乡镇审核, county staff while 待县级终审 —
    in their area. Nobody acts on a closed ticket; the inspector never acts."""
    if not ticket_statuses_of(user):
        return False
    if ticket is None:
        return True
    return ticket.status in ticket_statuses_of(user) and _in_area(user, ticket.village_id)


def can_link_change_to_ticket(user, ticket=None) -> bool:
    """已整改 (link the household's change request that fixes a ticket): the clerk, while the
    ticket is still theirs (待核实 or 已退回), in their area."""
    if not _has(user, CLERK):
        return False
    if ticket is None:
        return True
    return ticket.status in TICKET_LINKABLE and _in_area(user, ticket.village_id)


def can_view_county_overview(user, obj=None) -> bool:
    """The county's picture by township (open and overdue tickets per township): county staff
    and the inspector."""
    return _has(user, COUNTY_STAFF, INSPECTOR)


def can_view_ledger(user, obj=None) -> bool:
    """问题台账: township reviewers, county staff and the inspector read their scope's ledger;
    not clerks."""
    return _has(user, REVIEWER, COUNTY_STAFF, INSPECTOR)


def can_export_ledger(user, obj=None) -> bool:
    """问题台账 as Excel: township reviewers and county staff (the inspector reads only)."""
    return _has(user, REVIEWER, COUNTY_STAFF)


def can_export_full_ids(user, obj=None) -> bool:
    """A ledger export with full ID numbers: county staff only."""
    return _has(user, COUNTY_STAFF)


def can_view_exemptions(user, obj=None) -> bool:
    """豁免清单: whoever reads the ledger reads the exemptions of their scope."""
    return can_view_ledger(user)


def can_exempt(user, household=None) -> bool:
    """Exempt a record from a rule, or revoke an exemption: county staff only, for a household
    (or an exemption's household) in their county."""
    if not _has(user, COUNTY_STAFF):
        return False
    return household is None or _in_area(user, household.village_id)


def can_view_export_log(user, obj=None) -> bool:
    """The recent exports of the area, on the ledger page: county staff only."""
    return _has(user, COUNTY_STAFF)


def can_view_collection_sheet(user, village=None) -> bool:
    """信息采集对照表, printed or as a workbook: every role (the printout and the workbook are
    masked), for a village (an Area) in their area."""
    if _role(user) is None:
        return False
    return village is None or _in_area(user, village.code)


# The county's settings, batches and imports -------------------------------------------------


def can_view_settings(user, obj=None) -> bool:
    """清洗规则, 清洗批次, 审核时限 and their history: county staff and the inspector read them."""
    return _has(user, COUNTY_STAFF, INSPECTOR)


def can_edit_settings(user, obj=None) -> bool:
    """Change a county setting (rule switches and thresholds, yearly lines, the batch schedule,
    review deadlines): county staff only."""
    return _has(user, COUNTY_STAFF)


def can_run_batch(user, obj=None) -> bool:
    """运行清洗批次: county staff only."""
    return _has(user, COUNTY_STAFF)


def can_import_registry(user, obj=None) -> bool:
    """登记数据导入 (upload, confirm, its history and reports, the empty template): county
    staff only."""
    return _has(user, COUNTY_STAFF)


def can_export_registry(user, obj=None) -> bool:
    """The registry workbook of the county (full ID numbers and phones): county staff only."""
    return _has(user, COUNTY_STAFF)


# Monitoring objects (监测对象): clues, inclusion, assistance, elimination -------------------

# An application's statuses, by value (monitoring_objects.models.ApplicationStatus): who holds it.
APPLICATION_HOLDER = {
    "draft": CLERK,
    "returned": CLERK,
    "pending_township": REVIEWER,
    "pending_county": COUNTY_STAFF,
}


def application_statuses_of(user) -> list[str]:
    """The application statuses whose next step is `user`'s role's (the home page's to-do)."""
    role = _role(user)
    return [status for status, holder in APPLICATION_HOLDER.items() if holder == role]


def _village_of(obj) -> str | None:
    """The village code of a household, clue, application or area passed as `obj`."""
    for attribute in ("village_id", "code"):
        code = getattr(obj, attribute, None)
        if code:
            return code
    household = getattr(obj, "household", None)
    return getattr(household, "village_id", None)


def can_view_monitoring(user, obj=None) -> bool:
    """监测对象 and 预警线索 lists, a household's monitoring history: every role, in its area."""
    if _role(user) is None:
        return False
    return obj is None or _in_area(user, _village_of(obj))


def can_record_clue(user, obj=None) -> bool:
    """登记预警线索 (农户申报 on the household's behalf, 干部排查, or from a ticket): the clerk,
    the township reviewer and county staff, for a village or household in their area."""
    if not _has(user, CLERK, REVIEWER, COUNTY_STAFF):
        return False
    return obj is None or _in_area(user, _village_of(obj))


def can_answer_clue(user, clue=None) -> bool:
    """入户核查 a clue and answer it (申请纳入 or 不纳入): the clerk of its village while it is open."""
    if not _has(user, CLERK):
        return False
    return clue is None or (clue.status == "open" and _in_area(user, _village_of(clue)))


def can_edit_application(user, application=None) -> bool:
    """The village's record of an application (核查, 授权书, 评议, 公示), submit or withdraw it:
    the clerk, while it is 村级办理中 or 已退回, in their village."""
    if not _has(user, CLERK):
        return False
    if application is None:
        return True
    return application.status in ("draft", "returned") and _in_area(user, _village_of(application))


def can_start_elimination(user, household=None) -> bool:
    """申请风险消除: the clerk, for a monitored household whose risk is not yet eliminated."""
    if not _has(user, CLERK):
        return False
    if household is None:
        return True
    return (household.risk_status == "unresolved" and not household.removed_on
            and _in_area(user, household.village_id))


def can_review_application(user, application=None) -> bool:
    """通过 or 退回 an application: the township reviewer while 待乡镇审核, county staff while
    待县级审批, in their area."""
    role = _role(user)
    if role not in (REVIEWER, COUNTY_STAFF):
        return False
    if application is None:
        return True
    return APPLICATION_HOLDER.get(application.status) == role and _in_area(user, _village_of(application))


def can_decide_risk(user, household=None) -> bool:
    """County decisions on a household's risk: 绿色通道 inclusion, 特批 of failing elimination
    criteria, 风险消除回退 and 风险再标注: county staff, in their county."""
    if not _has(user, COUNTY_STAFF):
        return False
    return household is None or _in_area(user, _village_of(household))


def can_complete_appraisal(user, application=None) -> bool:
    """补充评议公示 of a 绿色通道 inclusion: the clerk of its village or county staff."""
    if not _has(user, CLERK, COUNTY_STAFF):
        return False
    if application is None:
        return True
    return application.green_channel and _in_area(user, _village_of(application))


def can_record_measure(user, household=None) -> bool:
    """登记帮扶措施 for a monitoring object: the clerk, the township reviewer and county staff."""
    if not _has(user, CLERK, REVIEWER, COUNTY_STAFF):
        return False
    if household is None:
        return True
    return bool(household.monitoring_type) and not household.removed_on and _in_area(user, household.village_id)


def can_export_monitoring(user, obj=None) -> bool:
    """监测对象 and 预警线索 as Excel (masked): township reviewers and county staff."""
    return _has(user, REVIEWER, COUNTY_STAFF)


def can_print_report_codes(user, obj=None) -> bool:
    """The printable self-report QR codes of the villages: every role but the inspector."""
    return _has(user, CLERK, REVIEWER, COUNTY_STAFF)
def can_view_departments(user, batch=None) -> bool:
    """部门数据 (the department lists, their batches, rows and comparisons): county staff and the
    inspector; a batch only when it is their county's or shared by all counties (no county)."""
    if not _has(user, COUNTY_STAFF, INSPECTOR):
        return False
    return batch is None or not batch.county or scope_prefix(user)[:6] == batch.county


def can_import_department(user, obj=None) -> bool:
    """Upload a department's list for the county: county staff only."""
    return _has(user, COUNTY_STAFF)


# The audit log ---------------------------------------------------------------------------


def can_view_audit_log(user, obj=None) -> bool:
    """审计日志 (read, filter and export the county's audit trail: logins and failures, reveals,
    exports, changes, settings, batches, accounts, downloads): county staff only, their own
    county's events. Not the inspector: the trail names people, addresses and whose records
    were opened, and reading it is itself a county staff duty (the security administrator)."""
    return _has(user, COUNTY_STAFF)


# Analysis (看板, 收入分析研判, 月考评, 一张图) --------------------------------------------------------
# Every figure is read through the household scope, so each role sees its own area's.


def can_view_dashboard(user, obj=None) -> bool:
    """数据看板: every role, over its own area (a clerk their village, a reviewer their township)."""
    return _role(user) is not None


def can_view_income_analysis(user, area=None) -> bool:
    """收入分析研判 and the households behind each count: every role, for areas inside its own."""
    if _role(user) is None:
        return False
    return area is None or _in_area(user, getattr(area, "code", area))


def can_export_income_analysis(user, obj=None) -> bool:
    """收入分析研判 as Excel: township reviewers and county staff (the inspector reads only)."""
    return _has(user, REVIEWER, COUNTY_STAFF)


def can_view_assessment(user, township=None) -> bool:
    """数据质量月考评: county staff and the inspector see every township of the county; a township
    reviewer sees their own township's score, its parts and its rank."""
    if not _has(user, REVIEWER, COUNTY_STAFF, INSPECTOR):
        return False
    return township is None or _in_area(user, getattr(township, "code", township))


def can_export_assessment(user, obj=None) -> bool:
    """月考评 as Excel: county staff (it ranks every township of the county)."""
    return _has(user, COUNTY_STAFF)


def can_compute_analysis(user, obj=None) -> bool:
    """Take an income snapshot or compute the month's assessment on demand: county staff."""
    return _has(user, COUNTY_STAFF)


def can_view_map(user, obj=None) -> bool:
    """防贫监测一张图 and the income outliers: every role, over its own area."""
    return _role(user) is not None


# Accounts (账户管理) -------------------------------------------------------------------------


def can_manage_accounts(user, account=None) -> bool:
    """账户管理 (list, create, deactivate, reset a password or the second factor, change role or
    area): county staff, for the accounts bound to an area of their county. Never a site
    administrator's account (superusers are managed by the operator, not in the site)."""
    if not _has(user, COUNTY_STAFF):
        return False
    if account is None:
        return True
    return not getattr(account, "is_superuser", False) and _in_area(user, account.area_id)


# Every rule, by action: the menu, the tests' matrix and `Bound` read this.
CHECKS = {name.removeprefix("can_"): check for name, check in dict(globals()).items()
          if name.startswith("can_") and callable(check)}


class Bound:
    """`user.can.<action>(obj=None)`: the `can_<action>` above bound to one user, for code that
    may not import accounts (households) and for templates (`{% if user.can.run_batch %}`)."""

    def __init__(self, user):
        self._user = user

    def __getattr__(self, action: str):
        try:
            return partial(CHECKS[action], self._user)
        except KeyError:
            raise AttributeError(f"no permission can_{action}") from None
