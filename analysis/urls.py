from django.urls import include, path

urlpatterns = [
    path("", include("analysis.dashboard.urls")),
    path("", include("analysis.income.urls")),
    path("", include("analysis.assessment.urls")),
    path("", include("analysis.map.urls")),
]
