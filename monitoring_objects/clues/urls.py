from django.urls import path

from monitoring_objects.clues import views

urlpatterns = [
    path("clues/", views.clue_list, name="clue_list"),
    path("clues/export/", views.clue_export, name="clue_export"),
    path("clues/new/", views.clue_new, name="clue_new"),
    path("clues/from-ticket/<int:pk>/", views.clue_from_ticket, name="clue_from_ticket"),
    path("clues/<int:pk>/", views.clue_detail, name="clue_detail"),
]
