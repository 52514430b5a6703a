from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from accounts.services import end_other_sessions
from trail.models import AuditAction
from trail.services import audit_record

PASSWORD_CHANGED = "密码已修改。您在其他浏览器或设备上的登录已全部退出。"


class PasswordChangeView(auth_views.PasswordChangeView):
    """A signed-in user changes their own password (our Chinese rules, AUTH_PASSWORD_VALIDATORS):
    this session stays signed in, every other one of the user's ends, and the change is recorded."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)  # saves; update_session_auth_hash gives this session a new key
        request = self.request
        ended = end_other_sessions(form.user, keep_session_key=request.session.session_key)
        audit_record(action=AuditAction.PASSWORD_CHANGE, request=request, actor=form.user,
                     subject=form.user.get_username(), detail={"other_sessions_ended": ended})
        messages.success(request, PASSWORD_CHANGED)
        return response
