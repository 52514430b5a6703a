from django.urls import path

from audits.ledger import views

urlpatterns = [
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/download/", views.ledger_download, name="ledger_download"),
]
