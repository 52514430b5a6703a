from django.urls import include, path  # noqa: F401

urlpatterns = []

# The rooms of the procedure: clues (/clues/), applications, and the public self-report page (/report/).
urlpatterns += [
    path("", include("monitoring_objects.clues.urls")),
    path("", include("monitoring_objects.applications.urls")),
    path("", include("monitoring_objects.report.urls")),
]
