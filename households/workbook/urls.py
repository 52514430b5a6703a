from django.urls import path

from households.workbook import views

# The registry workbook import (county staff): history, upload, dry-run result, confirm, report.

urlpatterns = [
    path("registry/imports/", views.registry_import_list, name="registry_import_list"),
    path("registry/imports/new/", views.registry_import_new, name="registry_import_new"),
    path("registry/imports/template/", views.registry_import_template, name="registry_import_template"),
    path("registry/imports/export/", views.registry_export_download, name="registry_export_download"),
    path("registry/imports/<int:pk>/", views.registry_import_detail, name="registry_import_detail"),
    path("registry/imports/<int:pk>/status/", views.registry_import_status, name="registry_import_status"),
    path("registry/imports/<int:pk>/confirm/", views.registry_import_confirm, name="registry_import_confirm"),
    path("registry/imports/<int:pk>/report/", views.registry_import_report, name="registry_import_report"),
]
