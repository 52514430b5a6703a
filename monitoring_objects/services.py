"""Every write of the monitoring procedure: one keyword-only function per step.

Each locks the row it moves, checks the step in `transitions.TRANSITIONS` and the user's right
in accounts.permissions, writes the change and its `ProcedureEvent` in one transaction. A step
whose record moved on since the user saw it is refused (`StepRefused`), so two people acting on
one record cannot both win.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import permissions
from audits.models import Ticket
from households.choices import (
    HouseholdType, IdentificationSource, MeasureNature, MeasureState, MeasureType, MonitoringType,
    RiskStatus, RiskType,
)
from households.expressions import assessment_year
from households.models import AssistanceMeasure, Household, YearParameters
from households.scope import county_code
from households.signals import household_changed_send
from trail.services import setting_change_record

from monitoring_objects import criteria as elimination
from monitoring_objects import transitions
from monitoring_objects.models import (
    Application, ApplicationKind, ApplicationStatus, Clue, ClueStatus, EventAction, ProcedureEvent,
    ProcedureFile, ProcedureFileKind, ProcedureSettings,
)
from monitoring_objects.transitions import APPLICATION, CLUE, NEW, RISK, StepRefused
from monitoring_objects.workdays import add_workdays, workdays_in

# Tickets of these rules start a 系统风险预警 clue in one click; other D rules' tickets a 部门筛查预警 one.
SYSTEM_WARNING_RULES = ("R01", "R02", "I01", "I03", "I04", "A01", "A02", "A03", "A04", "D04", "D06", "D07")
GREEN_CHANNEL_RISKS = (RiskType.DISASTER, RiskType.ACCIDENT)


class ProcedureError(Exception):
    """A step refused for a reason the user can fix; `fields` names the form fields at fault."""

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


def _today() -> datetime.date:
    return timezone.localdate()


def _event(*, village_id, household=None, clue=None, application=None, action, user=None,
           from_status="", to_status="", reason="", actor_name="") -> ProcedureEvent:
    return ProcedureEvent.objects.create(
        village_id=village_id, household=household, clue=clue, application=application, action=action,
        from_status=from_status, to_status=to_status, actor=user,
        actor_name=actor_name or (user.get_full_name() or user.username if user else ""), reason=reason,
    )


def _check(allowed: bool):
    if not allowed:
        raise PermissionError("无权执行此操作。")


def _reason(step_, reason: str) -> str:
    reason = (reason or "").strip()
    if step_.reason_required and not reason:
        raise ProcedureError(step_.reason_required, {"reason": step_.reason_required})
    return reason


def _role_may(step_, user):
    _check(getattr(user, "role", None) in step_.who)


# 预警线索 ------------------------------------------------------------------------------------


def clue_record(*, village, channel: str, description: str, user=None, household=None, ticket=None,
                reporter_name="", reporter_phone="", reporter_id_number="", actor_name="") -> Clue:
    """A clue at `village`, due for 入户核查 within the county's working days. `user` is None for
    the public self-report page (the household itself)."""
    step_ = transitions.step(CLUE, NEW, "create")
    if user is not None:
        _role_may(step_, user)
        _check(permissions.can_record_clue(user, village))
    if household is not None and household.village_id != village.code:
        raise ProcedureError("该户不属于所选行政村。", {"household": "该户不属于所选行政村。"})
    if not (description or "").strip():
        raise ProcedureError("请填写困难情况。", {"description": "请填写困难情况。"})
    days = ProcedureSettings.of(county_code(village.code)).clue_days
    with transaction.atomic():
        clue = Clue.objects.create(
            village=village, household=household, channel=channel, ticket=ticket,
            description=description.strip(), reporter_name=reporter_name, reporter_phone=reporter_phone,
            reporter_id_number=reporter_id_number, created_by=user,
            deadline=add_workdays(_today(), days),
        )
        _event(village_id=village.code, household=household, clue=clue, action=step_.event, user=user,
               to_status=step_.target, reason=f"{clue.get_channel_display()}：{clue.description}",
               actor_name=actor_name)
    return clue


def clue_from_ticket(*, ticket: Ticket, user) -> Clue:
    """One click from a ticket of a warning rule (系统风险预警) or a department rule (部门筛查预警)."""
    if ticket.rule_id in SYSTEM_WARNING_RULES:
        channel = IdentificationSource.SYSTEM_WARNING
    elif ticket.rule_id.startswith("D"):
        channel = IdentificationSource.DEPARTMENT_WARNING
    else:
        raise ProcedureError(f"规则 {ticket.rule_id} 的问题线索不作为风险预警。")
    existing = Clue.objects.filter(ticket=ticket).first()
    if existing is not None:
        raise ProcedureError(f"该问题线索已发起预警线索（回执 {existing.receipt_number}）。")
    return clue_record(
        village=ticket.village, household=ticket.household, ticket=ticket, channel=channel, user=user,
        description=f"{ticket.rule_id} {ticket.message}",
    )


def _locked_clue(clue: Clue) -> Clue:
    return Clue.objects.select_for_update(of=("self",)).select_related("household", "village").get(pk=clue.pk)


def clue_decline(*, clue: Clue, user, verified_on, verified_by_name: str, findings: str, answer: str) -> Clue:
    """入户核查 finds no risk: 不纳入, answered with the reason told to the household."""
    with transaction.atomic():
        clue = _locked_clue(clue)
        step_ = transitions.step(CLUE, clue.status, "decline")
        _role_may(step_, user)
        _check(permissions.can_answer_clue(user, clue))
        answer = _reason(step_, answer)
        _verification(verified_on, verified_by_name, findings)
        clue.status = step_.target
        clue.verified_on, clue.verified_by_name, clue.findings = verified_on, verified_by_name, findings
        clue.answer, clue.answered_at = answer, timezone.now()
        clue.save()
        _event(village_id=clue.village_id, household=clue.household, clue=clue, action=step_.event, user=user,
               from_status=ClueStatus.OPEN, to_status=step_.target, reason=answer)
    return clue


def _verification(verified_on, verified_by_name, findings):
    errors = {}
    if not verified_on:
        errors["verified_on"] = "请填写入户核查日期。"
    elif verified_on > _today():
        errors["verified_on"] = "入户核查日期不能晚于今天。"
    if not (verified_by_name or "").strip():
        errors["verified_by_name"] = "请填写核查人。"
    if not (findings or "").strip():
        errors["findings"] = "请填写核查情况。"
    if errors:
        raise ProcedureError("入户核查记录不完整。", errors)


# Applications ------------------------------------------------------------------------------


def _deadline(county: str, start: datetime.date) -> datetime.date:
    return add_workdays(start, ProcedureSettings.of(county).inclusion_days)


def inclusion_start(*, clue: Clue, user, household: Household | None = None) -> Application:
    """申请纳入 from a verified clue: an application at the village, due within the county's
    working days counted from the day the clue came in."""
    with transaction.atomic():
        clue = _locked_clue(clue)
        step_ = transitions.step(CLUE, clue.status, "apply")
        _role_may(step_, user)
        _check(permissions.can_answer_clue(user, clue))
        household = household or clue.household
        if household is None:
            raise ProcedureError("请先选择该线索对应的在册农户（未在册的请先办理新增户）。",
                                 {"household": "请选择在册农户。"})
        if household.village_id != clue.village_id or household.removed_on:
            raise ProcedureError("该户不在本村在册农户中。", {"household": "该户不在本村在册农户中。"})
        if household.monitoring_type and household.risk_status == RiskStatus.UNRESOLVED:
            raise ProcedureError("该户已是风险未消除的监测对象，无需重复纳入。")
        application = _application_create(
            kind=ApplicationKind.INCLUSION, household=household, clue=clue, created_by=user,
            deadline=_deadline(county_code(household.village_id), timezone.localdate(clue.created_at)),
        )
        clue.status, clue.household = step_.target, household
        clue.answered_at = timezone.now()
        clue.save(update_fields=["status", "household", "answered_at"])
        _event(village_id=clue.village_id, household=household, clue=clue, application=application,
               action=step_.event, user=user, from_status=ClueStatus.OPEN, to_status=ApplicationStatus.DRAFT,
               reason="识别纳入申请")
    return application


def _application_create(**fields) -> Application:
    try:
        with transaction.atomic():
            return Application.objects.create(**fields)
    except IntegrityError:
        raise ProcedureError("该户已有一份办理中的申请，请先办结或撤回。") from None


def elimination_start(*, household: Household, user) -> Application:
    """申请风险消除 for a monitoring object whose risk is unresolved."""
    step_ = transitions.step(APPLICATION, NEW, "start")
    _role_may(step_, user)
    _check(permissions.can_start_elimination(user, household))
    with transaction.atomic():
        application = _application_create(
            kind=ApplicationKind.ELIMINATION, household=household, created_by=user,
            deadline=_deadline(county_code(household.village_id), _today()),
        )
        _event(village_id=household.village_id, household=household, application=application,
               action=step_.event, user=user, to_status=step_.target, reason="风险消除申请")
    return application


VILLAGE_RECORD_FIELDS = (
    "verified_on", "verified_by_name", "findings", "authorised_on", "appraised_on", "appraisal_attendance",
    "appraisal_result", "notice_start", "notice_end", "notice_objections", "monitoring_type", "risk_types",
    "risk_note", "elimination_method",
)


def application_record(*, application: Application, user, photos=(), authorisation=None,
                       **fields) -> Application:
    """Save the village's record of an application (any part of it, as it is done)."""
    unknown = set(fields) - set(VILLAGE_RECORD_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    with transaction.atomic():
        application = Application.objects.select_for_update(of=("self",)).select_related("household").get(pk=application.pk)
        completing = application.green_channel and permissions.can_complete_appraisal(user, application)
        _check(permissions.can_edit_application(user, application) or completing)
        for name, value in fields.items():
            setattr(application, name, value)
        application.save()
        _files(application, user, photos, authorisation)
        if completing and application.status == ApplicationStatus.APPROVED and not application.appraisal_missing:
            already = application.events.filter(action=EventAction.APPRAISAL_COMPLETED).exists()
            if not already:
                _event(village_id=application.household.village_id, household=application.household,
                       application=application, action=EventAction.APPRAISAL_COMPLETED, user=user,
                       reason=f"民主评议 {application.appraised_on:%Y-%m-%d}，公示 "
                              f"{application.notice_start:%Y-%m-%d} 至 {application.notice_end:%Y-%m-%d}")
    return application


def _files(application, user, photos, authorisation):
    for upload, content_type in photos:
        ProcedureFile.from_upload(upload, content_type, user=user, application=application,
                                  kind=ProcedureFileKind.PHOTO).save()
    if authorisation is not None:
        upload, content_type = authorisation
        ProcedureFile.from_upload(upload, content_type, user=user, application=application,
                                  kind=ProcedureFileKind.AUTHORISATION).save()


def type_error(household_type: str, monitoring_type: str) -> str:
    """B11: 脱贫不稳定户 only for a 脱贫户; 边缘易致贫户 and 突发严重困难户 only for a 一般农户."""
    if not monitoring_type:
        return "请选择监测对象类别。"
    if monitoring_type not in MonitoringType.values:
        return "请选择监测对象类别。"
    if monitoring_type == MonitoringType.UNSTABLE and household_type != HouseholdType.ALLEVIATED:
        return "脱贫不稳定户只适用于脱贫户。"
    if monitoring_type != MonitoringType.UNSTABLE and household_type != HouseholdType.ORDINARY:
        return f"{MonitoringType(monitoring_type).label}只适用于一般农户。"
    return ""


def _risk_errors(application) -> dict[str, str]:
    errors = {}
    message = type_error(application.household.household_type, application.monitoring_type)
    if message:
        errors["monitoring_type"] = message
    if not application.risk_types:
        errors["risk_types"] = "请至少选择一种风险类型。"
    elif RiskType.OTHER in application.risk_types and not application.risk_note.strip():
        errors["risk_note"] = "选择“其他”风险类型时请说明。"
    return errors


def _appraisal_errors(application, county: str) -> dict[str, str]:
    errors = {}
    if not application.appraised_on:
        errors["appraised_on"] = "请填写民主评议日期。"
    if not application.appraisal_attendance:
        errors["appraisal_attendance"] = "请填写参会人数。"
    if not application.appraisal_result.strip():
        errors["appraisal_result"] = "请填写评议结果。"
    start, end = application.notice_start, application.notice_end
    needed = ProcedureSettings.of(county).notice_days
    if not start or not end:
        errors["notice_start"] = "请填写公示起止日期。"
    elif end < start:
        errors["notice_end"] = "公示结束日期不能早于开始日期。"
    elif workdays_in(start, end) < needed:
        errors["notice_end"] = f"公示不少于 {needed} 个工作日（现为 {workdays_in(start, end)} 个）。"
    elif end > _today():
        errors["notice_end"] = "公示期尚未结束，结束后方可提交。"
    if application.appraised_on and start and start < application.appraised_on:
        errors["notice_start"] = "公示应在民主评议之后。"
    return errors


def submission_errors(application: Application) -> dict[str, str]:
    """What keeps the village from submitting, field by field (empty when it may)."""
    county = county_code(application.household.village_id)
    errors = {}
    try:
        _verification(application.verified_on, application.verified_by_name, application.findings)
    except ProcedureError as error:
        errors.update(error.fields)
    errors.update(_appraisal_errors(application, county))
    if application.kind == ApplicationKind.INCLUSION:
        if not application.authorised_on:
            errors["authorised_on"] = "请填写承诺授权书签署日期（比对部门数据前必须取得）。"
        elif not application.files.filter(kind="authorisation").exists():
            errors["authorisation"] = "请上传承诺授权书扫描件。"
        errors.update(_risk_errors(application))
    else:
        if not application.elimination_method:
            errors["elimination_method"] = "请选择风险消除方式。"
        failing = [c.label for c in criteria_now(application.household) if not c.passed]
        if failing and not application.override_reason:
            errors["criteria"] = "未满足消除条件：" + "；".join(failing) + "。需县级特批后方可提交。"
    return errors


def criteria_now(household: Household) -> list[elimination.Criterion]:
    county = county_code(household.village_id)
    current = YearParameters.current(county)
    year = current.year if current else assessment_year(_today())
    months = ProcedureSettings.of(county).elimination_months
    return elimination.criteria_of(household, year=year, today=_today(), months=months)


def _move(application: Application, action: str, user, reason: str = "", expected_status: str | None = None):
    application = Application.objects.select_for_update(of=("self",)).select_related("household").get(pk=application.pk)
    if expected_status is not None and application.status != expected_status:
        raise StepRefused("该申请已被他人处理，请刷新后查看。")
    step_ = transitions.step(APPLICATION, application.status, action)
    _role_may(step_, user)
    return application, step_, _reason(step_, reason)


def application_submit(*, application: Application, user, expected_status: str | None = None) -> Application:
    with transaction.atomic():
        application, step_, _ = _move(application, "submit", user, expected_status=expected_status)
        _check(permissions.can_edit_application(user, application))
        errors = submission_errors(application)
        if errors:
            raise ProcedureError("申请尚不能提交，请补全以下内容。", errors)
        if application.kind == ApplicationKind.ELIMINATION:
            application.criteria = [c.__dict__ for c in criteria_now(application.household)]
        return _advance(application, step_, user)


def _advance(application, step_, user, reason=""):
    source = application.status
    application.status = step_.target
    if step_.target == ApplicationStatus.APPROVED:
        application.decided_at = timezone.now()
    application.save()
    _event(village_id=application.household.village_id, household=application.household,
           application=application, action=step_.event, user=user, from_status=source,
           to_status=step_.target, reason=reason)
    return application


def application_approve(*, application: Application, user, expected_status: str | None = None,
                        comment: str = "") -> Application:
    with transaction.atomic():
        application, step_, _ = _move(application, "approve", user, expected_status=expected_status)
        _check(permissions.can_review_application(user, application))
        application = _advance(application, step_, user, comment.strip())
        if application.status == ApplicationStatus.APPROVED:
            _apply_decision(application)
    return application


def application_return(*, application: Application, user, reason: str,
                       expected_status: str | None = None) -> Application:
    with transaction.atomic():
        application, step_, reason = _move(application, "return", user, reason, expected_status)
        _check(permissions.can_review_application(user, application))
        return _advance(application, step_, user, reason)


def application_withdraw(*, application: Application, user, reason: str) -> Application:
    with transaction.atomic():
        application, step_, reason = _move(application, "withdraw", user, reason)
        _check(permissions.can_edit_application(user, application))
        application = _advance(application, step_, user, reason)
        if application.clue_id:
            # The clue is answered all the same: the village withdrew, with its reason.
            Clue.objects.filter(pk=application.clue_id).update(
                status=ClueStatus.DECLINED, answer=reason, answered_at=timezone.now())
    return application


def _apply_decision(application: Application) -> None:
    """The county's approval changes the registry: the household becomes (or stops being) at risk."""
    household = Household.objects.select_for_update().get(pk=application.household_id)
    today = _today()
    if application.kind == ApplicationKind.INCLUSION:
        household.monitoring_type = application.monitoring_type
        household.risk_status = RiskStatus.UNRESOLVED
        household.risk_types = list(application.risk_types)
        household.risk_note = application.risk_note
        household.included_on = today
        household.eliminated_on = None
        household.elimination_method = ""
        household.identification_source = (application.clue.channel if application.clue_id
                                           else IdentificationSource.CADRE_SCREENING)
    else:
        household.risk_status = RiskStatus.ELIMINATED
        household.eliminated_on = today
        household.elimination_method = application.elimination_method
    household.save()
    household_changed_send(household_id=household.pk)


def application_override(*, application: Application, user, reason: str) -> Application:
    """县级特批: failing elimination criteria may be submitted, with the county's written reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ProcedureError("请填写特批理由。", {"reason": "请填写特批理由。"})
    with transaction.atomic():
        application = Application.objects.select_for_update(of=("self",)).select_related("household").get(pk=application.pk)
        _check(permissions.can_decide_risk(user, application.household))
        if application.kind != ApplicationKind.ELIMINATION or not application.is_open:
            raise StepRefused("只有办理中的风险消除申请可以特批。")
        application.override_reason, application.override_by = reason, user
        application.save(update_fields=["override_reason", "override_by", "updated_at"])
        _event(village_id=application.household.village_id, household=application.household,
               application=application, action=EventAction.OVERRIDDEN, user=user, reason=reason)
    return application


def green_channel_include(*, household: Household, user, monitoring_type: str, risk_types: list[str],
                          reason: str, risk_note: str = "") -> Application:
    """绿色通道: county staff include a 突发严重困难 household first; the appraisal and notice
    are recorded afterwards (the application stays flagged until they are)."""
    step_ = transitions.step(APPLICATION, NEW, "green_channel")
    _role_may(step_, user)
    _check(permissions.can_decide_risk(user, household))
    reason = _reason(step_, reason)
    if not set(risk_types) & set(GREEN_CHANNEL_RISKS):
        raise ProcedureError("绿色通道只适用于因灾、因意外事故导致的突发严重困难。",
                             {"risk_types": "请选择因灾或因意外事故。"})
    if household.monitoring_type and household.risk_status == RiskStatus.UNRESOLVED:
        raise ProcedureError("该户已是风险未消除的监测对象。")
    with transaction.atomic():
        application = _application_create(
            kind=ApplicationKind.INCLUSION, household=household, created_by=user, green_channel=True,
            monitoring_type=monitoring_type, risk_types=list(risk_types), risk_note=risk_note,
            status=ApplicationStatus.DRAFT,
        )
        errors = _risk_errors(application)
        if errors:
            raise ProcedureError("请检查监测对象类别和风险类型。", errors)
        application = _advance(application, step_, user, reason)
        _apply_decision(application)
    return application


# Assistance ---------------------------------------------------------------------------------


def measure_record(*, household: Household, user, measure_type: str, content: str, nature: str = "",
                   state: str = MeasureState.PLANNED, months: int | None = None,
                   year: int | None = None) -> AssistanceMeasure:
    """帮扶措施 planned or carried out for a monitoring object."""
    _check(permissions.can_record_measure(user, household))
    errors = {}
    if measure_type not in MeasureType.values:
        errors["measure_type"] = "请选择措施类型。"
    if measure_type == MeasureType.PUBLIC_WELFARE_JOB and not months:
        errors["months"] = "公益性岗位请填写岗位月数。"
    if nature and nature not in MeasureNature.values:
        errors["nature"] = "请选择措施性质。"
    if not (content or "").strip():
        errors["content"] = "请填写措施内容。"
    if errors:
        raise ProcedureError("帮扶措施填写有误。", errors)
    if not nature:
        nature = MeasureNature.SAFETY_NET if measure_type == MeasureType.SAFETY_NET else MeasureNature.DEVELOPMENTAL
    current = YearParameters.current(county_code(household.village_id))
    with transaction.atomic():
        measure = AssistanceMeasure.objects.create(
            household=household, year=year or (current.year if current else assessment_year(_today())),
            measure_type=measure_type, content=content.strip(), nature=nature, state=state,
            months=months if measure_type == MeasureType.PUBLIC_WELFARE_JOB else None,
            recorded_by=user, recorded_at=timezone.now(),
        )
        _event(village_id=household.village_id, household=household, action=EventAction.MEASURE_ADDED,
               user=user, reason=f"{measure.get_measure_type_display()}（{measure.get_nature_display()}，"
                                 f"{measure.get_state_display()}）：{measure.content}")
    return measure


def measure_done(*, measure: AssistanceMeasure, user) -> AssistanceMeasure:
    _check(permissions.can_record_measure(user, measure.household))
    with transaction.atomic():
        updated = AssistanceMeasure.objects.filter(pk=measure.pk, state=MeasureState.PLANNED).update(
            state=MeasureState.DONE)
        if not updated:
            raise StepRefused("该措施已标记为落实。")
        _event(village_id=measure.household.village_id, household=measure.household,
               action=EventAction.MEASURE_DONE, user=user,
               reason=f"{measure.get_measure_type_display()}：{measure.content}")
    measure.refresh_from_db()
    return measure


# Rollback and re-flagging --------------------------------------------------------------------


def _risk_step(*, household: Household, user, action: str, reason: str, risk_types=None) -> Household:
    with transaction.atomic():
        household = Household.objects.select_for_update().get(pk=household.pk)
        _check(permissions.can_decide_risk(user, household))
        step_ = transitions.step(RISK, household.risk_status, action)
        _role_may(step_, user)
        reason = _reason(step_, reason)
        source = household.risk_status
        household.risk_status = step_.target
        household.eliminated_on = None
        household.elimination_method = ""
        if risk_types:
            household.risk_types = list(risk_types)
        household.save()
        _event(village_id=household.village_id, household=household, action=step_.event, user=user,
               from_status=source, to_status=step_.target, reason=reason)
    household_changed_send(household_id=household.pk)
    return household


def risk_roll_back(*, household: Household, user, reason: str) -> Household:
    """风险消除回退: the elimination was wrong; the household is 风险未消除 again, its measures go on."""
    return _risk_step(household=household, user=user, action="roll_back", reason=reason)


def risk_reflag(*, household: Household, user, reason: str, risk_types=None) -> Household:
    """风险再标注: the risk came back after it was eliminated."""
    return _risk_step(household=household, user=user, action="reflag", reason=reason, risk_types=risk_types)


# Settings ----------------------------------------------------------------------------------


def procedure_settings_set(*, county: str, user, values: dict) -> ProcedureSettings:
    _check(permissions.can_edit_settings(user))
    with transaction.atomic():
        current, _ = ProcedureSettings.objects.select_for_update().get_or_create(county=county)
        for field, value in values.items():
            old = getattr(current, field)
            if old != value:
                setting_change_record(county=county, user=user, subject="监测程序时限",
                                      field=ProcedureSettings._meta.get_field(field).verbose_name, old=old, new=value)
                setattr(current, field, value)
        current.full_clean()
        current.save()
    return current
