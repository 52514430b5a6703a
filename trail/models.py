"""The audit trail's rows: events on people's records, and changes to a county's settings."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone

# Rows of the trail are kept at least this long; no purge deletes a younger one.
RETENTION_DAYS = 184
FAILURES = ("login_failed", "locked_out")  # actions that are failures by nature


class UnlinkingOnly(pgtrigger.Condition):
    """True for every UPDATE but one that only clears the user foreign key (`fk`): Django's
    SET_NULL when a user is deleted. The username column keeps who it was."""

    def __init__(self, fk: str):  # noqa: D107  (no fixed SQL: it is built for the model)
        self.fk = fk

    def resolve(self, model):
        column = model._meta.get_field(self.fk).column
        others = pgtrigger.AnyChange(exclude=[self.fk]).resolve(model)
        return f'(({others}) OR NEW."{column}" IS NOT NULL)'


def append_only(fk: str) -> list:
    """PostgreSQL's own guard of a trail table (pgtrigger; nothing on SQLite):

    - no UPDATE, except clearing the user key when the user is deleted;
    - no DELETE of a row younger than RETENTION_DAYS, by anyone, the purge included;
    - no DELETE at all, except inside the purge (`pgtrigger.ignore` of `protect_delete`).
    """
    return [
        pgtrigger.Protect(name="protect_update", operation=pgtrigger.Update, condition=UnlinkingOnly(fk)),
        pgtrigger.Protect(name="protect_recent", operation=pgtrigger.Delete, condition=pgtrigger.Condition(
            f"OLD.\"at\" > now() - interval '{RETENTION_DAYS} days'")),
        pgtrigger.Protect(name="protect_delete", operation=pgtrigger.Delete),
    ]


class AuditAction(models.TextChoices):
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGOUT = "logout", "退出"
    REVEAL = "reveal", "查看完整信息"
    EXPORT = "export", "导出"
    IMPORT = "import", "导入"
    SELF_REPORT = "self_report", "农户自主申报"
    LOCKED_OUT = "locked_out", "账户锁定"
    PASSWORD_CHANGE = "password_change", "修改密码"
    SECOND_FACTOR = "second_factor", "二次验证"
    ACCOUNT = "account", "账户管理"
    CHANGE = "change", "数据变更"
    SETTING = "setting", "设置变更"
    BATCH = "batch", "清洗批次"
    DOWNLOAD = "download", "下载"
    PURGE = "purge", "清理"


class AuditEvent(models.Model):
    """One line of the audit trail: who did what, to whose record, when, from where."""

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.SET_NULL,
        null=True, blank=True, related_name="audit_events",
    )
    username = models.CharField("用户名", max_length=150, blank=True)
    action = models.CharField("操作", max_length=20, choices=AuditAction.choices, db_index=True)
    household_number = models.CharField("户编号", max_length=32, blank=True, db_index=True)
    subject = models.CharField("对象", max_length=200, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)
    ip_address = models.GenericIPAddressField("IP地址", null=True, blank=True)
    # The county whose staff read this line: the actor's, else the household's (trail.services).
    county = models.CharField("县级区划代码", max_length=6, blank=True)
    success = models.BooleanField("成功", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "审计日志"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["county", "-at"], name="auditevent_county_at")]
        triggers = append_only("actor")

    def __str__(self):
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.username} {self.get_action_display()}"


class SettingChange(models.Model):
    """Every change to a county's settings: who, when, old → new; only that county sees it."""

    county = models.CharField("县级区划代码", max_length=6, db_index=True)
    at = models.DateTimeField("时间", auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    subject = models.CharField("对象", max_length=64)  # a rule id, a parameter key, "schedule", "审核时限"
    field = models.CharField("项目", max_length=64)
    old_value = models.CharField("原值", max_length=200, blank=True)
    new_value = models.CharField("新值", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "设置变更记录"
        ordering = ["-at", "-pk"]
        triggers = append_only("user")
