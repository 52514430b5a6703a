from django.urls import path

from . import views

urlpatterns = [
    path("households/", views.household_list, name="household_list"),
    path("households/<str:number>/", views.household_detail, name="household_detail"),
    path("households/<str:number>/reveal/", views.household_reveal, name="household_reveal"),
]

# The registry workbook import (county staff): history, upload, dry-run result, confirm, report.
from . import import_views  # appended here, so that this block stands on its own

urlpatterns += [
    path("registry/imports/", import_views.registry_import_list, name="registry_import_list"),
    path("registry/imports/new/", import_views.registry_import_new, name="registry_import_new"),
    path("registry/imports/template/", import_views.registry_import_template, name="registry_import_template"),
    path("registry/imports/export/", import_views.registry_export_download, name="registry_export_download"),
    path("registry/imports/<int:pk>/", import_views.registry_import_detail, name="registry_import_detail"),
    path("registry/imports/<int:pk>/status/", import_views.registry_import_status, name="registry_import_status"),
    path("registry/imports/<int:pk>/confirm/", import_views.registry_import_confirm, name="registry_import_confirm"),
    path("registry/imports/<int:pk>/report/", import_views.registry_import_report, name="registry_import_report"),
]

# Change requests (变更申请): propose an edit, the queues, review, revise.
from . import change_views  # noqa: E402

urlpatterns += [
    path("households/<str:number>/change/", change_views.household_change_new, name="household_change_new"),
    path("households/<str:number>/income/", change_views.household_income_new, name="household_income_new"),
    path("changes/", change_views.change_list, name="change_list"),
    path("changes/<int:pk>/", change_views.change_detail, name="change_detail"),
    path("changes/<int:pk>/approve/", change_views.change_approve, name="change_approve"),
    path("changes/<int:pk>/return/", change_views.change_return, name="change_return"),
    path("changes/<int:pk>/revise/", change_views.change_resubmit, name="change_resubmit"),
]

# The review side of change requests: attachments, withdrawal, bulk approval, revealing a phone.
urlpatterns += [
    path("changes/<int:pk>/attachments/<int:attachment_id>/", change_views.change_attachment,
         name="change_attachment"),
    path("changes/<int:pk>/withdraw/", change_views.change_withdraw, name="change_withdraw"),
    path("changes/<int:pk>/reveal/", change_views.change_reveal, name="change_reveal"),
    path("changes/bulk-approve/", change_views.change_bulk_approve, name="change_bulk_approve"),
]

# Members, measures and the household roll, each as a change request.
urlpatterns += [
    path("registry/households/new/", change_views.household_add_new, name="household_add_new"),
    path("households/<str:number>/members/new/", change_views.member_add_new, name="member_add_new"),
    path("households/<str:number>/members/<int:member_id>/change/", change_views.member_change_new,
         name="member_change_new"),
    path("households/<str:number>/members/<int:member_id>/remove/", change_views.member_remove_new,
         name="member_remove_new"),
    path("households/<str:number>/measures/new/", change_views.measure_new, name="measure_new"),
    path("households/<str:number>/remove/", change_views.household_remove_new, name="household_remove_new"),
]
