from django.urls import path

from . import views

urlpatterns = [
    path("households/", views.household_list, name="household_list"),
    path("households/<str:number>/", views.household_detail, name="household_detail"),
    path("households/<str:number>/reveal/", views.household_reveal, name="household_reveal"),
]
