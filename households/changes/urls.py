from django.urls import path

from households.changes import views

# Change requests (变更申请): propose an edit, the queues, review, revise.

urlpatterns = [
    path("households/<str:number>/change/", views.household_change_new, name="household_change_new"),
    path("households/<str:number>/income/", views.household_income_new, name="household_income_new"),
    path("changes/", views.change_list, name="change_list"),
    path("changes/<int:pk>/", views.change_detail, name="change_detail"),
    path("changes/<int:pk>/approve/", views.change_approve, name="change_approve"),
    path("changes/<int:pk>/return/", views.change_return, name="change_return"),
    path("changes/<int:pk>/revise/", views.change_resubmit, name="change_resubmit"),
]

# The review side of change requests: attachments, withdrawal, bulk approval, revealing a phone.
urlpatterns += [
    path("changes/<int:pk>/attachments/<int:attachment_id>/", views.change_attachment,
         name="change_attachment"),
    path("changes/<int:pk>/withdraw/", views.change_withdraw, name="change_withdraw"),
    path("changes/<int:pk>/reveal/", views.change_reveal, name="change_reveal"),
    path("changes/bulk-approve/", views.change_bulk_approve, name="change_bulk_approve"),
]

# Members, measures and the household roll, each as a change request.
urlpatterns += [
    path("registry/households/new/", views.household_add_new, name="household_add_new"),
    path("households/<str:number>/members/new/", views.member_add_new, name="member_add_new"),
    path("households/<str:number>/members/<int:member_id>/change/", views.member_change_new,
         name="member_change_new"),
    path("households/<str:number>/members/<int:member_id>/remove/", views.member_remove_new,
         name="member_remove_new"),
    path("households/<str:number>/measures/new/", views.measure_new, name="measure_new"),
    path("households/<str:number>/remove/", views.household_remove_new, name="household_remove_new"),
]
