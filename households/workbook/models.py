"""The registry workbook's imports: one row per upload or command run, its dry run and its outcome."""

from django.conf import settings
from django.db import models


class ImportStatus(models.TextChoices):
    VALIDATING = "validating", "校验中"
    INVALID = "invalid", "校验未通过"
    VALID = "valid", "校验通过，待确认"
    IMPORTING = "importing", "导入中"
    IMPORTED = "imported", "已导入"
    FAILED = "failed", "导入失败"


class ImportSource(models.TextChoices):
    WEB = "web", "网页上传"
    COMMAND = "command", "命令行"


class RegistryImport(models.Model):
    """One registry workbook import (import-template.md): an upload and its dry run, then the import.

    An upload is validated first (`dry_run` stays true); county staff confirm it, and the
    same file is validated again and written. Command-line runs are recorded here too.
    `counts` holds, per sheet, the rows and what was (or would be) created, updated and
    left unchanged; `issues` the first problems for the page, `error_report` all of them.
    """

    created_at = models.DateTimeField("上传时间", auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name="操作人", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="registry_imports",
    )
    username = models.CharField("操作人用户名", max_length=150, blank=True)
    confirmed_by = models.ForeignKey(
        "accounts.User", verbose_name="确认导入人", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField("确认导入时间", null=True, blank=True)
    source = models.CharField("来源", max_length=10, choices=ImportSource.choices, default=ImportSource.WEB)
    county = models.CharField("县级区划代码", max_length=6, blank=True, db_index=True)
    file_name = models.CharField("文件名", max_length=255)
    file = models.FileField("工作簿", upload_to="registry_imports/%Y/%m/", blank=True)
    file_size = models.PositiveBigIntegerField("文件大小", default=0)
    dry_run = models.BooleanField("仅校验", default=True)
    status = models.CharField("状态", max_length=12, choices=ImportStatus.choices, default=ImportStatus.VALIDATING)
    counts = models.JSONField("各表数量", default=dict, blank=True)
    error_count = models.PositiveIntegerField("错误数", default=0)
    warning_count = models.PositiveIntegerField("提示数", default=0)
    issues = models.JSONField("问题（前若干条）", default=list, blank=True)
    error_report = models.FileField("问题清单", upload_to="registry_imports/reports/%Y/%m/", blank=True)
    message = models.TextField("说明", blank=True)
    task_id = models.CharField("任务编号", max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "登记数据导入"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.file_name} {self.get_status_display()}"

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.VALIDATING, ImportStatus.IMPORTING)

    @property
    def household_counts(self) -> dict:
        return self.counts.get("户信息", {})
