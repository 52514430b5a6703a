from django.urls import include, path

from monitoring_objects import views

urlpatterns = [
    path("monitoring/", views.monitoring_list, name="monitoring_list"),
    path("monitoring/export/", views.monitoring_export, name="monitoring_export"),
    path("monitoring/settings/", views.procedure_settings, name="monitoring_settings"),
    path("households/<str:number>/measures/add/", views.measure_new, name="monitoring_measure_new"),
    path("households/<str:number>/measures/<int:pk>/done/", views.measure_done, name="monitoring_measure_done"),
    path("households/<str:number>/risk/roll-back/", views.risk_roll_back, name="monitoring_risk_roll_back"),
    path("households/<str:number>/risk/reflag/", views.risk_reflag, name="monitoring_risk_reflag"),
    path("households/<str:number>/green-channel/", views.green_channel, name="monitoring_green_channel"),
]

# The rooms of the procedure: clues (/clues/), applications, and the public self-report page (/report/).
urlpatterns += [
    path("", include("monitoring_objects.clues.urls")),
    path("", include("monitoring_objects.applications.urls")),
    path("", include("monitoring_objects.report.urls")),
]
