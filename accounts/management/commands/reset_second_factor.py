from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.second_factor import second_factor_reset


class Command(BaseCommand):
    help = ("Delete a user's second factor (phone and recovery codes), e.g. after a lost phone, when "
            "no county officer can do it in the browser; recorded in the audit trail. The user enrols "
            "again at the next sign-in if their role requires it.")

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"用户名 {username} 不存在") from None
        deleted = second_factor_reset(user, by=None)
        if deleted:
            self.stdout.write(self.style.SUCCESS(f"已重置 {username} 的二次验证（删除 {deleted} 个验证设备）"))
        else:
            self.stdout.write(f"{username} 尚未启用二次验证，无需重置")
