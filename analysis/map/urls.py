from django.urls import path

from analysis.map import views

urlpatterns = [
    path("analysis/map/", views.household_map, name="household_map"),
    path("analysis/outliers/", views.income_outliers, name="income_outliers"),
]
