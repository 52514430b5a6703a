from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class LoginForm(AuthenticationForm):
    """Django's login form (it calls authenticate(request, …), which django-axes needs)."""

    error_messages = {
        "invalid_login": "用户名或密码不正确。请注意密码区分大小写。",
        "inactive": "该账号已停用，请联系县级数据管理员。",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        # Django sets the username's max_length after the field is built, so nothing enforces
        # it: an overlong name would reach authenticate() and django-axes' varchar(255) log.
        limit = self.fields["username"].max_length
        self.fields["username"].validators.append(
            MaxLengthValidator(limit, message=f"用户名不超过{limit}个字符。"))


class SecondFactorCodeForm(forms.Form):
    """One code: the six digits an authenticator app shows, or (at sign-in) a recovery code."""

    code = forms.CharField(label="验证码", max_length=32, error_messages={"required": "请输入验证码。"})

    def __init__(self, *args, recovery_allowed: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.recovery_allowed = recovery_allowed
        self.fields["code"].help_text = (
            "验证器应用中的6位数字；手机不在身边时，可输入一个恢复码（每个只能用一次）。" if recovery_allowed
            else "扫码或手动输入密钥后，验证器应用显示的6位数字。")
