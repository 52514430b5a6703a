from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views
from accounts import second_factor_views
from accounts.forms import LoginForm

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("", include("accounts.auditlog.urls")),
    path("accounts/second-factor/", second_factor_views.second_factor_page, name="second_factor"),
    path("accounts/second-factor/verify/", second_factor_views.second_factor_verify_page,
         name="second_factor_verify"),
    path("accounts/second-factor/recovery-codes/", second_factor_views.second_factor_codes_page,
         name="second_factor_codes"),
    path("accounts/second-factor/remove/", second_factor_views.second_factor_remove_page,
         name="second_factor_remove"),
    path("", include("accounts.users.urls")),
]
