from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "households"
    verbose_name = "户籍登记"

    def ready(self):
        from households.changes import history as change_history  # noqa: F401  (connects the history receiver)
