from django.urls import path

from analysis.income import views

urlpatterns = [
    path("analysis/income/", views.income_analysis, name="income_analysis"),
    path("analysis/income/households/", views.income_analysis_households, name="income_analysis_households"),
    path("analysis/income/download/", views.income_analysis_download, name="income_analysis_download"),
    path("analysis/income/snapshot/", views.income_analysis_snapshot, name="income_analysis_snapshot"),
]
