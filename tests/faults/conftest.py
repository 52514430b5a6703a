"""Faults: the queue and cache (Redis) down, a worker killed, PostgreSQL restarted."""

import threading

import pytest
from django.core.cache import caches

from monitoring.celery import app as celery_app

# Nothing listens on port 1: a connection is refused at once, as when Redis is stopped.
CLOSED = "redis://127.0.0.1:1/0"


def _reset_connections():
    """Forget the app's broker pools and result backend, so the next use connects to the conf's URLs."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app._local = threading.local()


@pytest.fixture
def redis_down(settings):
    """Production's configuration with Redis stopped: tasks go to a broker that refuses, the cache too."""
    saved = {key: celery_app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    celery_app.conf.update(broker_url=CLOSED, result_backend=CLOSED, task_always_eager=False)
    _reset_connections()
    settings.CELERY_BROKER_URL = settings.CELERY_RESULT_BACKEND = CLOSED
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CACHES = {"default": {"BACKEND": "monitoring.cache.ForgivingRedisCache", "LOCATION": CLOSED,
                                   "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2}}}
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        _reset_connections()
        caches["default"].close()
