from django.urls import path

from audits.collection import views

urlpatterns = [
    path("collection-sheet/", views.collection_sheet, name="collection_sheet"),
    path("collection-sheet/download/", views.collection_sheet_download, name="collection_sheet_download"),
]
