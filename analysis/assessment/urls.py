from django.urls import path

from analysis.assessment import views

urlpatterns = [
    path("analysis/assessment/", views.assessment, name="assessment"),
    path("analysis/assessment/download/", views.assessment_download, name="assessment_download"),
    path("analysis/assessment/compute/", views.assessment_compute, name="assessment_compute"),
    path("analysis/assessment/<str:code>/", views.assessment_township, name="assessment_township"),
]
