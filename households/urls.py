from django.urls import include, path

from households import views

urlpatterns = [
    path("households/", views.household_list, name="household_list"),
    path("households/<str:number>/", views.household_detail, name="household_detail"),
    path("households/<str:number>/reveal/", views.household_reveal, name="household_reveal"),
]

# The rooms of the registry: the workbook import and export, and change requests.
urlpatterns += [
    path("", include("households.workbook.urls")),
    path("", include("households.changes.urls")),
]
