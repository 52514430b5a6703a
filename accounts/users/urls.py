from django.urls import path

from accounts.users import views

# 账户管理 (county staff): the county's accounts, one page per account, one POST per action.

urlpatterns = [
    path("accounts/users/", views.account_list, name="account_list"),
    path("accounts/users/new/", views.account_new, name="account_new"),
    path("accounts/users/<int:pk>/", views.account_detail, name="account_detail"),
    path("accounts/users/<int:pk>/edit/", views.account_update, name="account_update"),
    path("accounts/users/<int:pk>/active/", views.account_active, name="account_active"),
    path("accounts/users/<int:pk>/password/", views.account_password, name="account_password"),
    path("accounts/users/<int:pk>/second-factor/", views.account_second_factor, name="account_second_factor"),
]
