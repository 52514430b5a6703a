from django.urls import path

from accounts.auditlog import views

urlpatterns = [
    path("accounts/audit-log/", views.audit_log, name="audit_log"),
    path("accounts/audit-log/export/", views.audit_log_export, name="audit_log_export"),
]
