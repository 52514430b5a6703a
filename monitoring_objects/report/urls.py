from django.urls import path

from monitoring_objects.report import views

urlpatterns = [
    path("report/codes/", views.report_codes_mine, name="report_codes_mine"),
    path("report/<str:county>/", views.report_form, name="report_form"),
    path("report/<str:county>/receipt/", views.report_receipt, name="report_receipt"),
    path("report/<str:county>/codes/", views.report_codes, name="report_codes"),
]
