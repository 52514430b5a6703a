"""What the rules engine keeps: settings, batches, risk coefficients, department lists."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now

from households import id_numbers


def county_field():
    """The 6-digit code of the county a setting belongs to (each county sets its own)."""
    return models.CharField("县级区划代码", max_length=6, db_index=True)


class RuleSetting(models.Model):
    """A rule a county's staff have switched off (or on again); a rule without a row is enabled."""

    county = county_field()
    rule_id = models.CharField("规则编号", max_length=8)
    enabled = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "规则设置"
        constraints = [models.UniqueConstraint(fields=["county", "rule_id"], name="one_rule_setting_per_county")]


class CatalogParameter(models.Model):
    """A county's catalog parameter (thresholds, risk weights) changed from its default."""

    county = county_field()
    key = models.CharField("参数", max_length=64)
    value = models.DecimalField("取值", max_digits=14, decimal_places=4)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "规则参数"
        constraints = [models.UniqueConstraint(fields=["county", "key"], name="one_parameter_per_county")]


class BatchStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "运行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class Batch(models.Model):
    """One cleansing run over a county (or one township of it) for some rules."""

    county = models.ForeignKey("households.Area", on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(
        "households.Area", verbose_name="范围", on_delete=models.PROTECT, related_name="batches"
    )
    year = models.PositiveSmallIntegerField("年度")
    rule_ids = models.JSONField("规则", default=list)
    groups_total = models.PositiveSmallIntegerField(default=0)
    groups_done = models.PositiveSmallIntegerField(default=0)
    status = models.CharField("状态", max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    scheduled = models.BooleanField("定时任务", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # when a worker last started or finished one of its groups (households/jobs.py: stuck batches)
    heartbeat_at = models.DateTimeField("最近进展", null=True, blank=True)
    error = models.TextField("错误", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "清洗批次"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"批次 {self.pk}"


class BatchRuleResult(models.Model):
    """A rule's outcome in one batch, written in the same transaction as its tickets."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="results")
    rule_id = models.CharField("规则编号", max_length=8)
    failing = models.PositiveIntegerField("不通过记录", default=0)
    new = models.PositiveIntegerField("新增", default=0)
    still_open = models.PositiveIntegerField("仍未处理", default=0)
    resolved = models.PositiveIntegerField("系统复核通过", default=0)
    exempted = models.PositiveIntegerField("豁免", default=0)  # failing records an exemption holds for
    by_township = models.JSONField("分乡镇", default=dict)  # township code -> failing count

    class Meta:
        constraints = [models.UniqueConstraint(fields=["batch", "rule_id"], name="one_result_per_batch_rule")]
        ordering = ["rule_id"]


# The risk factors in the order of RiskScore.factor_mask's bits (bit i: the i-th): stored in
# every row, so a factor is only ever appended (tests/rules/test_engine_guards.py pins the order).
FACTOR_LABELS = {
    "income_below_line": "收入低于监测标准",
    "income_near_line": "收入接近监测标准",
    "income_drop": "收入大幅下降",
    "major_illness": "患有大病",
    "severe_disability": "一二级残疾",
    "no_labour": "无劳动力",
    "medical_burden": "医疗支出负担重",
    "education_burden": "教育支出负担重",
    "housing_unsafe": "住房不安全",
    "water_unsafe": "饮水不安全",
    "dropout": "失学辍学",
    "uninsured": "未参保",
}


class RiskScore(models.Model):
    """风险系数 of a household for an assessment year, with the factors that produced it."""

    # No index of its own: one_risk_per_household_year begins with it (a first batch writes 100,000 rows).
    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="risk_scores",
                                  db_index=False)
    year = models.PositiveSmallIntegerField("年度")
    risk = models.DecimalField("风险系数", max_digits=5, decimal_places=4)
    factor_mask = models.PositiveIntegerField("风险因素", default=0)  # bit i: the i-th of FACTOR_LABELS
    computed_at = models.DateTimeField("计算时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "风险系数"
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="one_risk_per_household_year"),
            models.CheckConstraint(name="risk_between_0_and_1", condition=models.Q(risk__gte=0, risk__lte=1)),
        ]

    @property
    def factor_labels(self) -> list[str]:
        return [label for bit, label in enumerate(FACTOR_LABELS.values()) if self.factor_mask >> bit & 1]


class PendingRecheck(models.Model):
    """A household changed since its last re-check.

    Written, and flushed to disk, when a change is approved; deleted by the re-check's own
    transaction, which commits without waiting for the disk (it writes derived data only). A
    row that outlives its re-check, because the database crashed before that commit reached
    the disk or because the queue lost the message, is re-checked by the sweep
    (`rules.services.pending_rechecks_run`, every five minutes)."""

    household = models.OneToOneField("households.Household", on_delete=models.CASCADE, primary_key=True,
                                      related_name="+")
    changed_at = models.DateTimeField("变更时间", db_default=Now())  # the database's clock

    class Meta:
        verbose_name = verbose_name_plural = "待复核农户"


class DepartmentSource(models.TextChoices):
    DEATHS = "公安-死亡注销", "公安-死亡注销"
    ENROLMENT = "教育-在校生", "教育-在校生"
    DROPOUTS = "教育-失学辍学", "教育-失学辍学"
    SUBSISTENCE = "民政-低保", "民政-低保"
    EXTREME_POVERTY = "民政-特困", "民政-特困"
    DISABILITY = "残联-持证残疾人", "残联-持证残疾人"
    LARGE_MEDICAL = "医保-大额医疗支出", "医保-大额医疗支出"
    UNSAFE_HOUSING = "住建-危房", "住建-危房"
    EMPLOYMENT = "人社-就业", "人社-就业"


class DepartmentBatchQuerySet(models.QuerySet):
    def for_county(self, county: str):
        """The batches that apply in `county`: its own and the shared ones (no county)."""
        return self.filter(models.Q(county=county) | models.Q(county__isnull=True))


class DepartmentBatch(models.Model):
    """One imported list of one department for one year; the newest of a source and year wins.

    A list uploaded on screen belongs to the uploader's county and applies there only; one
    imported by the command has no county and applies in every county.
    """

    source = models.CharField("来源", max_length=20, choices=DepartmentSource.choices)
    year = models.PositiveSmallIntegerField("年度")
    county = models.CharField("县级区划代码", max_length=6, null=True, blank=True, db_index=True)
    file_name = models.CharField("文件", max_length=255, blank=True)
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    row_count = models.PositiveIntegerField("行数", default=0)
    matched_count = models.PositiveIntegerField("匹配", default=0)

    objects = DepartmentBatchQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "部门数据批次"
        ordering = ["-imported_at", "-pk"]
        indexes = [models.Index(fields=["source", "year", "-imported_at"])]

    @property
    def rows_here(self) -> int:
        """The rows of the batch its reader sees, of a batch counted by `departments.selectors.with_counts`."""
        return self.matched_here + self.unmatched_here

    @classmethod
    def newest_ids(cls, year: int, county: str | None = None) -> dict[str, int]:
        """The id of the most recently imported batch of each source for `year` that applies in
        `county` (its own or a shared one); of every batch when no county is given."""
        batches = cls.objects.filter(year=year)
        if county is not None:
            batches = batches.for_county(county)
        newest = {}
        for batch_id, source in batches.order_by("imported_at", "pk").values_list("pk", "source"):
            newest[source] = batch_id
        return newest


class DepartmentRecord(models.Model):
    """One row of a department list: an ID number, a name, and the source's extra column."""

    batch = models.ForeignKey(DepartmentBatch, on_delete=models.CASCADE, related_name="records")
    row_number = models.PositiveIntegerField("行号")
    id_number = models.CharField("证件号码", max_length=32)
    name = models.CharField("姓名", max_length=64, blank=True)
    text_value = models.CharField("取值", max_length=64, blank=True)  # 学段, 残疾等级 (as a value), 危房等级
    amount = models.DecimalField("金额", max_digits=12, decimal_places=2, null=True, blank=True)
    months = models.PositiveSmallIntegerField("务工时间", null=True, blank=True)
    date_value = models.DateField("日期", null=True, blank=True)
    matched = models.BooleanField("已匹配", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "部门数据"
        ordering = ["batch", "row_number"]
        indexes = [models.Index(fields=["batch", "id_number"])]

    @property
    def masked_id_number(self) -> str:
        return id_numbers.mask(self.id_number)
