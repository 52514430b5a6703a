"""The test settings with Django's connection health checks off (a fault test shows why they are on)."""

from monitoring.settings_test import *  # noqa: F403

DATABASES["default"]["CONN_HEALTH_CHECKS"] = False  # noqa: F405
