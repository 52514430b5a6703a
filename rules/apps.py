from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "rules"
    verbose_name = "数据清洗规则"

    def ready(self):
        from rules import receivers  # noqa: F401
        from rules.registry import register_facts

        register_facts()
