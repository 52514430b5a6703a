from django.apps import AppConfig


class MonitoringObjectsConfig(AppConfig):
    """识别纳入 → 帮扶 → 风险消除 (→ 回退 / 再标注): the procedure that decides who is monitored."""

    name = "monitoring_objects"
    verbose_name = "监测对象"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from households.panels import register_household_panel

        from monitoring_objects.panels import household_panel

        register_household_panel(household_panel)
