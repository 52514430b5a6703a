from django.urls import path

from audits import collection_views, ledger_views, ticket_views

urlpatterns = [
    path("tickets/", ticket_views.ticket_list, name="ticket_list"),
    path("tickets/deadlines/", ticket_views.ticket_deadlines, name="ticket_deadlines"),
    path("tickets/bulk-approve/", ticket_views.ticket_bulk_approve, name="ticket_bulk_approve"),
    path("tickets/<int:pk>/", ticket_views.ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/explain/", ticket_views.ticket_explain, name="ticket_explain"),
    path("tickets/<int:pk>/approve/", ticket_views.ticket_approve, name="ticket_approve"),
    path("tickets/<int:pk>/return/", ticket_views.ticket_return, name="ticket_return"),
    path("tickets/<int:pk>/link-change/", ticket_views.ticket_link_change, name="ticket_link_change"),
    path("tickets/<int:pk>/evidence/<int:evidence_id>/", ticket_views.ticket_evidence, name="ticket_evidence"),
    path("ledger/", ledger_views.ledger, name="ledger"),
    path("ledger/download/", ledger_views.ledger_download, name="ledger_download"),
    path("collection-sheet/", collection_views.collection_sheet, name="collection_sheet"),
    path("collection-sheet/download/", collection_views.collection_sheet_download, name="collection_sheet_download"),
]
