from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import Regex

from households.models import Area

from accounts import permissions
from accounts.roles import Role


class User(AbstractUser):
    """A member of staff, bound to one area in one role; both empty only for site administrators."""

    role = models.CharField("角色", max_length=20, choices=Role.choices, blank=True)
    area = models.ForeignKey(
        Area, verbose_name="所属区划", on_delete=models.PROTECT, null=True, blank=True,
        related_name="users",
    )

    class Meta:
        verbose_name = verbose_name_plural = "用户"
        constraints = [
            # The area's level matches the role: a clerk has a village (12 digits), and so on.
            models.CheckConstraint(
                name="user_role_matches_area_level",
                condition=Q(role="", area__isnull=True)
                | Q(Regex(F("area_id"), r"^[0-9]{12}$"), role=Role.VILLAGE_CLERK)
                | Q(Regex(F("area_id"), r"^[0-9]{9}$"), role=Role.TOWNSHIP_REVIEWER)
                | Q(Regex(F("area_id"), r"^[0-9]{6}$"), role__in=[Role.COUNTY_STAFF, Role.INSPECTOR]),
            ),
        ]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_village_clerk(self) -> bool:
        return self.role == Role.VILLAGE_CLERK

    @property
    def is_township_reviewer(self) -> bool:
        return self.role == Role.TOWNSHIP_REVIEWER

    @property
    def is_county_staff(self) -> bool:
        return self.role == Role.COUNTY_STAFF

    @property
    def is_inspector(self) -> bool:
        return self.role == Role.INSPECTOR

    @property
    def can(self) -> permissions.Bound:
        """`user.can.<action>(obj)`: accounts.permissions' rules for this user."""
        return permissions.Bound(self)

    @property
    def change_statuses_to_review(self) -> list[str]:
        """The change-request statuses this user reviews (accounts.permissions)."""
        return permissions.change_statuses_reviewed_by(self)

    @property
    def can_reveal(self) -> bool:
        """Whoever has a role may reveal masked values of records in their scope (logged)."""
        return permissions.can_reveal(self)
