"""The site's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.urls import path

from monitoring.urls import *  # noqa: F403  (the patterns and the handler403/404/500 names)
from monitoring.urls import urlpatterns as site_patterns


def broken(request):
    raise OperationalError("database is locked")


def forbidden(request):
    raise PermissionDenied("只有县级数据管理员可以执行此操作")


urlpatterns = [*site_patterns, path("test/broken/", broken), path("test/forbidden/", forbidden)]
