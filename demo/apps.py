from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo county: seed_demo builds a registry, users and department lists to try the system on."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
    verbose_name = "演示数据"
