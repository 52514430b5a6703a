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
    path("admin/", admin.site.urls),
    path("healthz/", healthz, name="healthz"),
]

# The pages a user sees when something is wrong (DEBUG off): Chinese, in the site's layout.
handler400 = "monitoring.errors.bad_request"
handler403 = "monitoring.errors.permission_denied"
handler404 = "monitoring.errors.page_not_found"
handler500 = "monitoring.errors.server_error"
