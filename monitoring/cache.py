"""Django's Redis cache, made optional: when Redis cannot be reached, a read misses and a write
is dropped (logged once a minute), so that a page never fails because the cache is down.

What the cache holds can be lost: batch progress notes (the page then shows the status
alone) and the public report's throttle windows (which then let requests through).
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
_last_warning = 0.0


def _warn(operation: str, error: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= 60:
        _last_warning = now
        logger.warning("cache unavailable (%s): %s", operation, error)


def _forgiving(name: str, fallback):
    method = getattr(RedisCache, name)

    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except RedisError as error:
            _warn(name, error)
            if isinstance(fallback, type) and issubclass(fallback, Exception):
                raise fallback("缓存暂不可用") from error
            return fallback(args, kwargs) if callable(fallback) else fallback

    call.__name__ = name
    return call


class ForgivingRedisCache(RedisCache):
    get = _forgiving("get", lambda args, kwargs: kwargs.get("default", args[1] if len(args) > 1 else None))
    get_many = _forgiving("get_many", lambda args, kwargs: {})
    has_key = _forgiving("has_key", False)
    set = _forgiving("set", None)
    set_many = _forgiving("set_many", [])
    add = _forgiving("add", False)
    touch = _forgiving("touch", False)
    delete = _forgiving("delete", False)
    delete_many = _forgiving("delete_many", None)
    incr = _forgiving("incr", ValueError)  # as for a missing key: callers already handle it
    clear = _forgiving("clear", None)
