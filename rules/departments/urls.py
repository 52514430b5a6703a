from django.urls import path

from rules.departments import views

urlpatterns = [
    path("departments/", views.department_list, name="department_list"),
    path("departments/upload/", views.department_upload, name="department_upload"),
    path("departments/compare/", views.department_compare, name="department_compare"),
    path("departments/source/<str:source>/", views.department_source, name="department_source"),
    path("departments/<int:pk>/", views.department_batch, name="department_batch"),
]
