"""Requests refused before any view sees them.

RequestSizeLimitMiddleware: a body larger than settings.MAX_REQUEST_BYTES is refused with a
Chinese 413 page before a byte of it is read, as the reverse proxy's client_max_body_size
does in front (docs/deployment.md); both limits hold, whichever is reached first. Django
reads at most Content-Length bytes of a body (its LimitedStream), so checking the declared
length bounds what is read; a body of undeclared length (Transfer-Encoding: chunked, no
Content-Length) is refused with 411, never streamed in.

RejectNulBytesMiddleware: no field of the registry holds a NUL byte, and PostgreSQL refuses
it in any query (ValueError, a 500 in every view that looks the value up): one place answers
400 instead.
"""

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpResponse
from django.template import loader
from django.template.defaultfilters import filesizeformat

NUL = "\x00"
MESSAGE = "请求中含有无效字符，请检查链接或重新填写表单。"


class RejectNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path or _carries_nul(request.GET) or (
                request.method == "POST" and _carries_nul(request.POST)):
            raise BadRequest(MESSAGE)
        return self.get_response(request)


def _carries_nul(data) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in data.lists())


DEFAULT_MAX_REQUEST_BYTES = 110 * 1024 * 1024  # a 100 MB registry workbook and the form around it


def max_request_bytes() -> int:
    """The largest request body accepted; 0 turns the check off."""
    return int(getattr(settings, "MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES) or 0)


def _size(size: int) -> str:
    return str(filesizeformat(size)).replace("\xa0", " ")


class RequestSizeLimitMiddleware:
    """413 for a body over MAX_REQUEST_BYTES, 411 for a body whose length is not declared.

    Placed before any middleware that reads the body (RejectNulBytesMiddleware reads POST).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = max_request_bytes()
        if limit:
            declared = request.META.get("CONTENT_LENGTH") or ""
            if not declared.strip():
                if request.META.get("HTTP_TRANSFER_ENCODING"):
                    return _refusal(request, 411, "请求没有注明内容长度，无法接收。请刷新页面后重新提交。")
            else:
                try:
                    length = int(declared)
                except ValueError:
                    return _refusal(request, 400, "请求的内容长度无效。请刷新页面后重新提交。")
                if length > limit:
                    return _refusal(request, 413, (
                        f"提交的内容有 {_size(length)}，超过系统允许的 {_size(limit)}。"
                        "请压缩照片或扫描件、减少一次上传的文件，或把工作簿分成几个文件上传。"))
        return self.get_response(request)


def _refusal(request, status: int, reason: str) -> HttpResponse:
    body = loader.render_to_string("errors/413.html", {"reason": reason, "status": status}, request)
    response = HttpResponse(body, status=status)
    response["Connection"] = "close"  # the unread body is not to be taken as the next request
    return response
