from django.urls import path

from monitoring_objects.applications import views

urlpatterns = [
    path("applications/", views.application_list, name="application_list"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/move/", views.application_move, name="application_move"),
    path("applications/<int:pk>/override/", views.application_override, name="application_override"),
    path("applications/<int:pk>/files/<int:file_pk>/", views.application_file, name="application_file"),
    path("households/<str:number>/elimination/new/", views.elimination_new, name="elimination_new"),
]
