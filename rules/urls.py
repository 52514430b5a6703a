from django.urls import include, path

from rules import views

urlpatterns = [
    path("rules/", views.catalog, name="rules_catalog"),
    path("rules/parameters/", views.parameters_update, name="rules_parameters"),
    path("rules/year-lines/", views.year_lines_update, name="rules_year_lines"),
    path("rules/batches/", views.batches, name="rules_batches"),
    path("rules/batches/schedule/", views.schedule_update, name="rules_schedule"),
    path("rules/batches/<int:batch_id>/", views.batch_detail, name="rules_batch"),
    path("rules/batches/<int:batch_id>/progress/", views.batch_progress, name="rules_batch_progress"),
    path("rules/<str:rule_id>/toggle/", views.rule_toggle, name="rules_toggle"),
    path("rules/<str:rule_id>/", views.rule_detail, name="rule_detail"),
    path("changes/<int:pk>/ticket-preview/", views.change_ticket_preview, name="change_ticket_preview"),
    path("", include("rules.departments.urls")),
]
