from django.core.management.base import BaseCommand, CommandError

from accounts.roles import Role
from accounts.services import AccountError, account_create


class Command(BaseCommand):
    help = "Create a user scoped to an area: a village clerk to a village, a township reviewer to a township, county staff and inspectors to a county."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--area", required=True, help="the area code (6, 9 or 12 digits)")
        parser.add_argument("--password", help="without one the account cannot log in until a password is set")
        parser.add_argument("--name", default="", help="the person's name, shown in the top bar")

    def handle(self, *args, username, role, area, password, name, **options):
        try:
            user = account_create(
                username=username, role=role, area_code=area, password=password, full_name=name
            )
        except AccountError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(
            f"已创建账号 {user.username}：{user.get_role_display()} · {user.area.name}（{user.area_id}）"
        ))
        if not password:
            self.stdout.write("未设置密码：请用 `manage.py changepassword` 设置后再登录。")
