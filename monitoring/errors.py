"""The pages a user sees when something is wrong: 400, 403, 404, 500 and a refused form (CSRF).

Each says in Chinese what happened and offers a way back. Wired in `monitoring.urls`
(handler400/403/404/500) and `settings.CSRF_FAILURE_VIEW`; Django calls them with DEBUG off.
"""

import logging
import re

from django.http import (
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme

logger = logging.getLogger(__name__)

# Our own Http404/PermissionDenied messages are Chinese sentences meant for the user; Django's
# own ("No Household matches the given query.") are not, and are never shown.
_CHINESE = re.compile(r"[\u4e00-\u9fff]")

# The last resort when even the 500 template cannot render (a broken template or static
# manifest): the same words, no layout.
_PLAIN_500 = (
    '<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">'
    "<title>系统出错 · 防止返贫动态监测信息系统</title></head><body>"
    "<h1>系统出错了</h1><p>服务器处理您的请求时出错，已记录。您填写的内容可能没有保存，"
    '请稍后重试；如果多次出现，请联系县级数据管理员。</p><p><a href="/">返回首页</a></p></body></html>'
)


def _reason(exception) -> str:
    """The exception's message when it is one of ours: a Chinese sentence (the resolver's 404
    carries a dict of the patterns tried, Django's own messages are English)."""
    args = getattr(exception, "args", None) or ("",)
    message = args[0] if isinstance(args[0], str) else ""
    return message if _CHINESE.search(message) else ""


def bad_request(request, exception=None):
    """400: a request no form would send (a NUL byte, a broken upload)."""
    body = loader.render_to_string("errors/400.html", {"reason": _reason(exception)}, request)
    return HttpResponseBadRequest(body)


def page_not_found(request, exception=None):
    """404: a mistyped or stale link, or (most often) a record outside the user's scope."""
    body = loader.render_to_string("errors/404.html", {"reason": _reason(exception)}, request)
    return HttpResponseNotFound(body)


def permission_denied(request, exception=None):
    body = loader.render_to_string("errors/403.html", {"reason": _reason(exception)}, request)
    return HttpResponseForbidden(body)


def server_error(request):
    """500, rendered without the request: no context processor, no user, no database."""
    try:
        body = loader.render_to_string("errors/500.html")
    except Exception:  # the error page must not fail itself
        logger.exception("The 500 page could not be rendered")
        body = _PLAIN_500
    return HttpResponseServerError(body)


def csrf_failure(request, reason=""):
    """A form refused by the CSRF check: mostly a form left open past the session's end, or
    opened before signing in again. Send the user back to the form to reload it."""
    referer = request.META.get("HTTP_REFERER", "")
    back = referer if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()) else ""
    body = loader.render_to_string("errors/csrf.html", {"back": back or request.path}, request)
    return HttpResponseForbidden(body)
