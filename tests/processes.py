"""Running the project's commands in a child process, as an operator would."""

import os

# Every variable the settings read (and the one the browser tests set): a child process
# given `bare_environment()` starts from none of them, as on a fresh machine.
SETTINGS_VARIABLES = {
    "DJANGO_SETTINGS_MODULE", "ENV_FILE", "SECRET_KEY", "DEBUG", "HTTPS", "ALLOWED_HOSTS",
    "STATIC_MANIFEST", "STATIC_FROM_SOURCE", "STATIC_ROOT", "MEDIA_ROOT", "DATABASE_URL",
    "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CACHE_URL", "BEHIND_PROXY",
    "CSRF_TRUSTED_ORIGINS", "DB_CONN_MAX_AGE", "SESSION_IDLE_SECONDS", "AXES_FAILURE_LIMIT",
    "LOGIN_FAILURES_PER_ADDRESS", "TRUSTED_PROXY_COUNT",
    "LOG_LEVEL", "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD", "DJANGO_ALLOW_ASYNC_UNSAFE",
    "MAX_REQUEST_BYTES",
}


def bare_environment(**variables) -> dict:
    """This process's environment without any setting, plus `variables`."""
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    return {**env, **variables}
