"""Password rules (GB/T 22239 身份鉴别): at least 12 characters, not all blank, not all digits,
not a common password, not close to the username — each refused with a Chinese message,
whatever language the caller runs in (management commands run without translations)."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

MIN_LENGTH = 12


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def __init__(self, min_length: int = MIN_LENGTH):
        super().__init__(min_length=min_length)

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(f"密码至少 {self.min_length} 个字符。", code="password_too_short")

    def get_help_text(self):
        return f"至少 {self.min_length} 个字符。"


class NotBlankValidator:
    """Spaces, tabs or other blank characters alone are not a password."""

    def validate(self, password, user=None):
        if not password.strip():
            raise ValidationError("密码不能全部是空格。", code="password_blank")

    def get_help_text(self):
        return "不能全部是空格。"


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def validate(self, password, user=None):
        if password.strip().isdigit():
            raise ValidationError("密码不能全部是数字。", code="password_entirely_numeric")

    def get_help_text(self):
        return "不能全部是数字。"


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError("这个密码太常见，容易被猜中。", code="password_too_common") from None

    def get_help_text(self):
        return "不能是常见密码。"


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError("密码与用户名或姓名太相似。", code="password_too_similar") from None

    def get_help_text(self):
        return "不能与用户名或姓名相似。"
