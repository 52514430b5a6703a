from django.contrib import admin
from django.urls import include, path

from .views import healthz

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("households.urls")),
    path("", include("rules.urls")),
    path("", include("audits.urls")),
    path("admin/", admin.site.urls),
    path("healthz/", healthz, name="healthz"),
]
