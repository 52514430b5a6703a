"""Settings, read from the environment in this one place.

The embedded default (nothing set, DEBUG=true) is SQLite with Celery tasks run
in-process. Production and CI set DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL
(Redis). A production process refuses to start without SECRET_KEY.

Variables the environment does not set are read from the checkout's `.env`, when there
is one (bin/demo writes it: the demo's settings and generated secret, so that every
`manage.py` command run by hand sees the same settings as the demo site).
"""

import os
import warnings
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

# The local settings file: never committed (.gitignore), never overriding a variable that
# is set in the environment. ENV_FILE names another file; empty reads none (the tests).
ENV_FILE = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    environ.Env.read_env(ENV_FILE, overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "未设置 SECRET_KEY：DEBUG 关闭时必须在环境变量或项目目录的 .env 中设置 SECRET_KEY"
            "（50个以上随机字符，可用 python3 -c \"import secrets; print(secrets.token_urlsafe(50))\" 生成）；"
            "演示环境请运行 bin/demo，它会写好 .env"
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "monitoring.errors.csrf_failure"  # a Chinese page with a way back to the form

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "pgtrigger",
    "csp",
    "django_celery_beat",
    "simple_history",
    "trail",
    "accounts",
    "households",
    "rules",
    "audits",
    "monitoring_objects",
    "analysis",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.middleware.SessionBackendMiddleware",  # sessions from before accounts.backends
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "monitoring.middleware.RequestSizeLimitMiddleware",  # before anything reads the body
    "monitoring.middleware.RejectNulBytesMiddleware",  # PostgreSQL refuses NUL: a 400, not a 500
    "accounts.middleware.IdleTimeoutMiddleware",
    "accounts.middleware.SecondFactorMiddleware",  # after OTPMiddleware: verified, or to 二次验证
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes last: it must see the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

# A select's empty choice says 请选择 in a form (monitoring/forms.py) and 全部 in a filter.
FORM_RENDERER = "monitoring.forms.FormRenderer"
FILTERS_EMPTY_CHOICE_LABEL = "全部"

ROOT_URLCONF = "monitoring.urls"
WSGI_APPLICATION = "monitoring.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

if "DATABASE_URL" not in env:
    VAR_DIR.mkdir(exist_ok=True)  # the embedded default keeps its SQLite file here
# Lower case: not a setting, so that Django's debug page never shows the password in it.
database_url = env.str("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'monitoring.sqlite3'}")
_scheme, _separator, _ = database_url.partition("://")
if _scheme not in ("postgres", "postgresql", "pgsql", "sqlite") or not _separator:
    raise ImproperlyConfigured(
        f"DATABASE_URL{'「' + _scheme + '://…」' if _separator else ''}无法识别："
        "应为 postgres://用户:密码@主机:5432/库名 或 sqlite:////绝对路径/文件.sqlite3"
    )
DATABASES = {"default": env.db_url_config(database_url)}
del database_url, _scheme, _separator, _
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database serves several requests at once (two reviewers approving the same
    # request). IMMEDIATE takes the write lock when a transaction begins, so the second waits
    # (up to `timeout` seconds) and then reads the first one's result, instead of failing with
    # "database is locked" when it tries to write over a stale read; WAL lets pages be read
    # while a transaction writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000",
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UserBackend",  # ModelBackend, its user read with its area
]
# accounts/passwords.py: at least 12 characters, not blank, not all digits, not common, not the
# username; Chinese messages everywhere (a management command runs without translations).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.passwords.NotBlankValidator"},
    {"NAME": "accounts.passwords.MinimumLengthValidator"},
    {"NAME": "accounts.passwords.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.CommonPasswordValidator"},
    {"NAME": "accounts.passwords.UserAttributeSimilarityValidator"},
]
# Django's admin (/admin/) is not routed unless the operator turns it on (monitoring/urls.py).
ADMIN_ENABLED = env.bool("ADMIN_ENABLED", default=False)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after 30 minutes without a request: accounts.middleware.IdleTimeoutMiddleware
# moves the expiry on (at most once a minute, rather than writing on every request).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# And 12 hours after signing in, however active (accounts.middleware).
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)

# The second factor (TOTP on a phone, with recovery codes; accounts/second_factor.py): these
# roles must enrol before anything else opens; everyone else may. An empty value requires it of
# nobody (the test settings, whose sessions are made by force_login).
SECOND_FACTOR_REQUIRED_ROLES = [role for role in env.list("SECOND_FACTOR_REQUIRED_ROLES",
                                                          default=["county_staff"]) if role]
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="防止返贫动态监测信息系统")

# Login throttling (django-axes, accounts/lockout.py). An account locks after 5 failures from any
# addresses; an address locks after 25 failures across accounts. The address's limit is higher
# because a township office reaches the site from one NAT address: 20 to 30 staff mistyping now
# and then must not lock each other out, while 25 guesses per half hour is nothing against
# passwords of 12 characters or more. A failure counts for 30 minutes after the last failure with
# the same username from the same address, so a lock ends half an hour after the attempts stop
# (the locked-out page names the time); a successful login clears the account's own failures,
# never the address's failures on other accounts.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=25)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks (axes' OR)
AXES_HANDLER = "accounts.lockout.AccountOrAddressHandler"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "trail.services.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# The demo runs with DEBUG off (the site's own error pages) but without collectstatic:
# STATIC_FROM_SOURCE lets whitenoise serve static/ straight from the source folders.
STATIC_FROM_SOURCE = env.bool("STATIC_FROM_SOURCE", default=DEBUG)
WHITENOISE_USE_FINDERS = STATIC_FROM_SOURCE
if STATIC_FROM_SOURCE:
    # Nothing is collected into STATIC_ROOT then: whitenoise need not warn that it is missing.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG and not STATIC_FROM_SOURCE)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content security policy: everything from this site, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# HTTPS hardening, on unless DEBUG; a county intranet served over plain HTTP sets HTTPS=false.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # load balancers probe over plain HTTP
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Preload would commit the whole (often shared government) domain to HTTPS for every
# subdomain; a deployment opts in deliberately, so the deploy check's W021 is silenced.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Behind reverse proxies: trust X-Forwarded-Proto, and take the client's address from the
# X-Forwarded-For entry the first of TRUSTED_PROXY_COUNT proxies appended (trail.services.client_ip,
# read by the audit trail and the login lock-out alike). Without BEHIND_PROXY the header is ignored.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
if TRUSTED_PROXY_COUNT < 1:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT 至少为 1（没有反向代理时请设置 BEHIND_PROXY=false）")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# The largest request body the application accepts (413 beyond it, before reading it); keep the
# proxy's client_max_body_size the same (docs/deployment.md). The largest upload is a 100 MB
# registry workbook (REGISTRY_IMPORT_MAX_UPLOAD_BYTES); five 10 MB photos come to 50 MB.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=110 * 1024 * 1024)

# Celery: with no broker, tasks run in-process (the embedded default).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# With Redis down, sending a task gives up after about two seconds (the page then says the
# queue is unavailable) instead of hanging the request.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
# A batch or an import still queued or running this long after its last sign of life, with no
# worker holding it, is marked failed (households/jobs.py); beat checks every five minutes.
STUCK_JOB_MINUTES = env.int("STUCK_JOB_MINUTES", default=30)
# The fixed housekeeping; beat's DatabaseScheduler copies these into its table when it starts
# (each county's monthly cleansing is a row there, set on the 清洗批次 page).
CELERY_BEAT_SCHEDULE = {
    "mark-stuck-jobs": {"task": "rules.tasks.mark_stuck_jobs", "schedule": 5 * 60},
    # Households whose re-check after a change was lost (a crash, a lost message): rules.PendingRecheck.
    "pending-rechecks": {"task": "rules.tasks.run_pending_rechecks", "schedule": 5 * 60},
    # Audit trail rows older than 184 days (trail.services.audit_purge; PostgreSQL refuses younger).
    "audit-purge": {"task": "trail.tasks.audit_purge_task", "schedule": crontab(hour=3, minute=30)},
    # Workbooks of registry uploads never confirmed within 24 hours.
    "registry-import-expire": {"task": "households.tasks.registry_import_expire_task",
                               "schedule": crontab(minute=15)},
    # 收入分析研判: every county's monthly income snapshot, on the 8th at 01:00 Asia/Shanghai
    # (villages enter income by the 6th, townships analyse by the 7th, the county compares on the 8th).
    "income-analysis-snapshot": {"task": "analysis.income.tasks.take_income_snapshots",
                                 "schedule": crontab(minute=0, hour=1, day_of_month=8)},
    # 数据质量月考评 (analysis.assessment): every county's scores for the month just ended,
    # on the 1st at 02:00 Asia/Shanghai (CELERY_TIMEZONE).
    "assessment-monthly": {"task": "analysis.assessment.tasks.compute_last_month_assessment",
                           "schedule": crontab(day_of_month=1, hour=2, minute=0)},
    # analysis/map: each county's income outliers, kept for the 收入异常值 page (two hours).
    "income-outliers-refresh": {"task": "analysis.map.tasks.outliers_refresh_task", "schedule": 30 * 60},
}

# Progress of long work (batches, imports) is written to the cache, outside the work's
# transaction, so that a page can show it while the work runs: Redis when there are
# workers, this process's memory when tasks run in-process. Nothing in the cache is needed
# to serve a page (sessions are in the database): with Redis down, reads miss and writes are
# dropped (monitoring/cache.py), and the pages still work.
CACHES = {
    "default": (
        {"BACKEND": "monitoring.cache.ForgivingRedisCache",
         "LOCATION": env.str("CACHE_URL", default=CELERY_BROKER_URL),
         "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2}}
        if CELERY_BROKER_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# The list pages show this many rows.
PAGE_SIZE = 25
# The household list counts up to this many rows exactly on each request; a larger result
# is counted once and its count kept this many seconds (households.selectors.household_list_count).
LIST_EXACT_COUNT_LIMIT = env.int("LIST_EXACT_COUNT_LIMIT", default=2000)
LIST_COUNT_CACHE_SECONDS = env.int("LIST_COUNT_CACHE_SECONDS", default=60)
