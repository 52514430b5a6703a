from django.urls import path

from analysis.dashboard import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
]
