from django.urls import path

from audits.exemptions import views

urlpatterns = [
    path("ledger/exemptions/", views.exemption_list, name="exemption_list"),
    path("ledger/exemptions/new/", views.exemption_new, name="exemption_new"),
    path("ledger/exemptions/<int:pk>/revoke/", views.exemption_revoke, name="exemption_revoke"),
]
