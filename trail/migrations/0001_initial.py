"""The audit trail leaves the tickets app: AuditEvent (was audits) and SettingChange (was rules).

Their rows stay where they are: the models are created in this app's state only, on the
tables they already have, which are then renamed to this app's names.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("audits", "0007_mask_ticket_messages"),
        ("rules", "0003_normalise_department_id_numbers"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="时间")),
                        ("username", models.CharField(blank=True, max_length=150, verbose_name="用户名")),
                        ("action", models.CharField(choices=[("login", "登录"), ("login_failed", "登录失败"), ("logout", "退出"), ("reveal", "查看完整信息"), ("export", "导出")], db_index=True, max_length=20, verbose_name="操作")),
                        ("household_number", models.CharField(blank=True, db_index=True, max_length=32, verbose_name="户编号")),
                        ("subject", models.CharField(blank=True, max_length=200, verbose_name="对象")),
                        ("detail", models.JSONField(blank=True, default=dict, verbose_name="详情")),
                        ("ip_address", models.GenericIPAddressField(blank=True, null=True, verbose_name="IP地址")),
                        ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="audit_events", to=settings.AUTH_USER_MODEL, verbose_name="操作人")),
                    ],
                    options={"verbose_name": "审计日志", "verbose_name_plural": "审计日志", "ordering": ["-at", "-pk"],
                             "db_table": "audits_auditevent"},
                ),
                migrations.CreateModel(
                    name="SettingChange",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("county", models.CharField(db_index=True, max_length=6, verbose_name="县级区划代码")),
                        ("at", models.DateTimeField(auto_now_add=True, verbose_name="时间")),
                        ("subject", models.CharField(max_length=64, verbose_name="对象")),
                        ("field", models.CharField(max_length=64, verbose_name="项目")),
                        ("old_value", models.CharField(blank=True, max_length=200, verbose_name="原值")),
                        ("new_value", models.CharField(blank=True, max_length=200, verbose_name="新值")),
                        ("user", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                    ],
                    options={"verbose_name": "设置变更记录", "verbose_name_plural": "设置变更记录", "ordering": ["-at", "-pk"],
                             "db_table": "rules_settingchange"},
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="auditevent", table=None),
        migrations.AlterModelTable(name="settingchange", table=None),
    ]
