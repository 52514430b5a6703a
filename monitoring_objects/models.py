"""The monitoring procedure's records: clues, applications (inclusion and elimination), their
files, each county's deadlines, and the timeline of every step (`ProcedureEvent`)."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from households.choices import EliminationMethod, IdentificationSource, MonitoringType
from households.models import Area, Household
from households.querysets import ScopedQuerySet
from households.uploads import StoredFile, stored_name

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def new_receipt_number() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(10))


class ProcedureSettings(models.Model):
    """A county's deadlines and thresholds for the procedure (defaults when it has set none)."""

    county = models.CharField("县级区划代码", max_length=6, unique=True)
    clue_days = models.PositiveSmallIntegerField(
        "线索入户核查时限（工作日）", default=5, validators=[MinValueValidator(1), MaxValueValidator(60)])
    inclusion_days = models.PositiveSmallIntegerField(
        "识别纳入办结时限（工作日）", default=15, validators=[MinValueValidator(1), MaxValueValidator(120)])
    notice_days = models.PositiveSmallIntegerField(
        "公示至少（工作日）", default=5, validators=[MinValueValidator(1), MaxValueValidator(30)])
    elimination_months = models.PositiveSmallIntegerField(
        "纳入后至少满（月）方可消除", default=6, validators=[MinValueValidator(0), MaxValueValidator(60)])

    class Meta:
        verbose_name = verbose_name_plural = "监测程序时限"

    def __str__(self):
        return self.county

    @classmethod
    def of(cls, county: str) -> "ProcedureSettings":
        """The county's settings, or the defaults (unsaved) when it has not set any."""
        return cls.objects.filter(county=county).first() or cls(county=county)


class CalendarDay(models.Model):
    """A day the State Council's holiday notice sets apart (a holiday on a weekday, or a make-up
    working day on a weekend), entered by the operator for a year the installed chinesecalendar
    does not cover yet: `manage.py calendar_days`. An entered day wins over the package."""

    day = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("上班")
    note = models.CharField("说明", max_length=32, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "节假日安排"
        ordering = ["day"]

    def __str__(self):
        return f"{self.day} {'上班' if self.is_workday else '放假'} {self.note}"


class ClueStatus(models.TextChoices):
    OPEN = "open", "待核查"
    APPLIED = "applied", "已申请纳入"
    DECLINED = "declined", "不纳入"


class ClueQuerySet(ScopedQuerySet):
    village_path = "village__code"

    def open(self):
        return self.filter(status=ClueStatus.OPEN)

    def overdue(self, today):
        return self.open().filter(deadline__lt=today)


class Clue(models.Model):
    """预警线索: "this household may be at risk", from one channel, answered by the village."""

    receipt_number = models.CharField("回执编号", max_length=16, unique=True, default=new_receipt_number)
    village = models.ForeignKey(Area, verbose_name="行政村", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        Household, verbose_name="户", on_delete=models.SET_NULL, null=True, blank=True, related_name="clues")
    channel = models.CharField("线索来源", max_length=24, choices=IdentificationSource.choices)
    ticket = models.ForeignKey(
        "audits.Ticket", verbose_name="来源问题线索", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+")
    reporter_name = models.CharField("申报人（户主）姓名", max_length=32, blank=True)
    reporter_phone = models.CharField("联系电话", max_length=32, blank=True)
    reporter_id_number = models.CharField("证件号码", max_length=32, blank=True)
    description = models.TextField("困难情况", max_length=500)

    status = models.CharField("状态", max_length=12, choices=ClueStatus.choices, default=ClueStatus.OPEN)
    deadline = models.DateField("核查期限")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+")
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    verified_on = models.DateField("入户核查日期", null=True, blank=True)
    verified_by_name = models.CharField("核查人", max_length=64, blank=True)
    findings = models.TextField("核查情况", max_length=2000, blank=True)
    answer = models.TextField("不纳入理由（解释到位）", max_length=1000, blank=True)
    answered_at = models.DateTimeField("办结时间", null=True, blank=True)

    objects = ClueQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "预警线索"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["village", "status", "deadline"])]

    def __str__(self):
        return f"线索 {self.receipt_number}"

    def is_overdue(self, today) -> bool:
        return self.status == ClueStatus.OPEN and self.deadline < today


class ApplicationKind(models.TextChoices):
    INCLUSION = "inclusion", "识别纳入"
    ELIMINATION = "elimination", "风险消除"


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "村级办理中"
    PENDING_TOWNSHIP = "pending_township", "待乡镇审核"
    PENDING_COUNTY = "pending_county", "待县级审批"
    RETURNED = "returned", "已退回村级"
    APPROVED = "approved", "已批准"
    WITHDRAWN = "withdrawn", "已撤回"


OPEN_APPLICATION = (
    ApplicationStatus.DRAFT, ApplicationStatus.PENDING_TOWNSHIP, ApplicationStatus.PENDING_COUNTY,
    ApplicationStatus.RETURNED,
)


class ApplicationQuerySet(ScopedQuerySet):
    village_path = "household__village__code"

    def open(self):
        return self.filter(status__in=OPEN_APPLICATION)

    def overdue(self, today):
        return self.open().filter(deadline__lt=today)


class Application(models.Model):
    """An application to include a household (识别纳入) or to eliminate its risk (风险消除),
    drawn up by the village and decided by the township and the county."""

    kind = models.CharField("类别", max_length=12, choices=ApplicationKind.choices)
    household = models.ForeignKey(
        Household, verbose_name="户", on_delete=models.CASCADE, related_name="applications")
    clue = models.OneToOneField(
        Clue, verbose_name="线索", on_delete=models.PROTECT, null=True, blank=True, related_name="application")
    status = models.CharField("状态", max_length=20, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.DRAFT)
    deadline = models.DateField("办结期限", null=True, blank=True)
    green_channel = models.BooleanField("绿色通道", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField("发起时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    decided_at = models.DateTimeField("批准时间", null=True, blank=True)

    # The village's record (入户核查, 承诺授权书, 民主评议, 公示)
    verified_on = models.DateField("入户核查日期", null=True, blank=True)
    verified_by_name = models.CharField("核查人", max_length=64, blank=True)
    findings = models.TextField("核查情况", max_length=2000, blank=True)
    authorised_on = models.DateField("承诺授权书签署日期", null=True, blank=True)
    appraised_on = models.DateField("民主评议日期", null=True, blank=True)
    appraisal_attendance = models.PositiveSmallIntegerField("参会人数", null=True, blank=True)
    appraisal_result = models.CharField("评议结果", max_length=500, blank=True)
    notice_start = models.DateField("公示开始", null=True, blank=True)
    notice_end = models.DateField("公示结束", null=True, blank=True)
    notice_objections = models.CharField("公示异议", max_length=500, blank=True)

    # What is proposed
    monitoring_type = models.CharField("监测对象类别", max_length=24, choices=MonitoringType.choices, blank=True)
    risk_types = models.JSONField("风险类型", default=list, blank=True)
    risk_note = models.CharField("其他风险说明", max_length=200, blank=True)
    elimination_method = models.CharField("风险消除方式", max_length=24, choices=EliminationMethod.choices,
                                          blank=True)
    criteria = models.JSONField("提交时的消除条件", default=list, blank=True)
    override_reason = models.TextField("县级特批理由", max_length=1000, blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="特批人", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+")

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "监测对象申请"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=Q(status__in=OPEN_APPLICATION),
                name="one_open_application_per_household",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}申请 {self.household_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_APPLICATION

    @property
    def is_editable_by_village(self) -> bool:
        return self.status in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)

    @property
    def appraisal_missing(self) -> bool:
        """绿色通道: included first; the appraisal and notice are still to be recorded."""
        return self.kind == ApplicationKind.INCLUSION and not (
            self.appraised_on and self.notice_start and self.notice_end)


class ProcedureFileKind(models.TextChoices):
    PHOTO = "photo", "入户核查照片"
    AUTHORISATION = "authorisation", "承诺授权书扫描件"


class ProcedureFile(StoredFile):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField("类别", max_length=16, choices=ProcedureFileKind.choices)
    file = models.FileField("文件", upload_to=stored_name("procedure"))

    class Meta:
        verbose_name = verbose_name_plural = "监测程序附件"
        ordering = ["uploaded_at", "pk"]


class EventAction(models.TextChoices):
    CLUE_CREATED = "clue_created", "登记线索"
    CLUE_DECLINED = "clue_declined", "核查后不纳入"
    APPLICATION_STARTED = "application_started", "发起申请"
    SUBMITTED = "submitted", "村级提交"
    TOWNSHIP_APPROVED = "township_approved", "乡镇审核通过"
    COUNTY_APPROVED = "county_approved", "县级审批通过"
    RETURNED = "returned", "退回"
    WITHDRAWN = "withdrawn", "撤回申请"
    GREEN_CHANNEL = "green_channel", "绿色通道先行纳入"
    APPRAISAL_COMPLETED = "appraisal_completed", "补充评议公示"
    OVERRIDDEN = "overridden", "县级特批"
    MEASURE_ADDED = "measure_added", "登记帮扶措施"
    MEASURE_DONE = "measure_done", "帮扶措施落实"
    ROLLED_BACK = "rolled_back", "风险消除回退"
    REFLAGGED = "reflagged", "风险再标注"


class ProcedureEventQuerySet(ScopedQuerySet):
    village_path = "village__code"


class ProcedureEvent(models.Model):
    """One step of a household's monitoring history: who, when, what and why."""

    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, null=True, blank=True, related_name="procedure_events")
    clue = models.ForeignKey(Clue, on_delete=models.SET_NULL, null=True, blank=True, related_name="events")
    application = models.ForeignKey(
        Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="events")
    action = models.CharField("步骤", max_length=24, choices=EventAction.choices)
    from_status = models.CharField("原状态", max_length=20, blank=True)
    to_status = models.CharField("新状态", max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    at = models.DateTimeField("时间", default=timezone.now)
    reason = models.TextField("理由/说明", max_length=2000, blank=True)

    objects = ProcedureEventQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "监测程序记录"
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["household", "at"])]

    def __str__(self):
        return f"{self.household_id} {self.get_action_display()}"
