"""Settings for the test suite: the production settings with test-only secrets.

DATABASE_URL and CELERY_BROKER_URL still come from the environment, so the same
suite runs on the embedded SQLite default and on CI's PostgreSQL.
"""

import os

# A developer's .env (bin/demo writes one) must not change the tests: they run as in a
# fresh clone. Set, not defaulted, and inherited by the commands the tests start.
os.environ["ENV_FILE"] = ""
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")

from monitoring.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run in-process in tests unless a test starts a real worker itself.
CELERY_TASK_ALWAYS_EAGER = True
# Serve static files straight from static/ (no collectstatic) for the browser tests' live server.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Hundreds of tests sign in with force_login, which gives no second factor: nobody must have one
# here. The second factor's own tests turn the production default (county staff) back on.
SECOND_FACTOR_REQUIRED_ROLES = []
