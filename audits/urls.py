from django.urls import include, path

from audits import views

urlpatterns = [
    path("tickets/", views.ticket_list, name="ticket_list"),
    path("tickets/deadlines/", views.ticket_deadlines, name="ticket_deadlines"),
    path("tickets/bulk-approve/", views.ticket_bulk_approve, name="ticket_bulk_approve"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/explain/", views.ticket_explain, name="ticket_explain"),
    path("tickets/<int:pk>/approve/", views.ticket_approve, name="ticket_approve"),
    path("tickets/<int:pk>/return/", views.ticket_return, name="ticket_return"),
    path("tickets/<int:pk>/link-change/", views.ticket_link_change, name="ticket_link_change"),
    path("tickets/<int:pk>/evidence/<int:evidence_id>/", views.ticket_evidence, name="ticket_evidence"),
    # The rooms of the tickets app: the ledger (问题台账), the collection sheet (信息采集对照表) and the
    # exemption list (豁免清单).
    path("", include("audits.ledger.urls")),
    path("", include("audits.collection.urls")),
    path("", include("audits.exemptions.urls")),
]
