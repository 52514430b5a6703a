from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "rules"
    verbose_name = "数据清洗规则"

    def ready(self):
        from rules import receivers  # noqa: F401
