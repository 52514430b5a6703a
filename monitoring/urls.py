from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from monitoring.views import healthz, home

urlpatterns = [
    path("", home, name="home"),
    path("", include("accounts.urls")),
    path("", include("households.urls")),
    path("", include("rules.urls")),
    path("", include("audits.urls")),
    path("", include("monitoring_objects.urls")),
    path("", include("analysis.urls")),
    path("healthz/", healthz, name="healthz"),
]

# Django's admin bypasses every scope and role of the site: routed only when the operator turns
# it on (ADMIN_ENABLED=true, for a repair), so by default /admin/ is a 404 like any unknown page.
# County staff manage accounts at /accounts/users/.
if settings.ADMIN_ENABLED:
    urlpatterns.append(path("admin/", admin.site.urls))

# The pages a user sees when something is wrong (DEBUG off): Chinese, in the site's layout.
handler400 = "monitoring.errors.bad_request"
handler403 = "monitoring.errors.permission_denied"
handler404 = "monitoring.errors.page_not_found"
handler500 = "monitoring.errors.server_error"
