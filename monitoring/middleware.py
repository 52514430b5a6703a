"""Refuse a request carrying a NUL byte before any view sees it.

No field of the registry holds one, and PostgreSQL refuses it in any query (ValueError, a
500 in every view that looks the value up): one place answers 400 instead.
"""

from django.core.exceptions import BadRequest

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
