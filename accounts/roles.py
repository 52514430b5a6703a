from django.db import models

from households.choices import AreaLevel


class Role(models.TextChoices):
    VILLAGE_CLERK = "village_clerk", "村级信息员"
    TOWNSHIP_REVIEWER = "township_reviewer", "乡镇审核员"
    COUNTY_STAFF = "county_staff", "县级数据管理员"
    INSPECTOR = "inspector", "督导"


# The level of area each role is bound to.
ROLE_AREA_LEVEL = {
    Role.VILLAGE_CLERK: AreaLevel.VILLAGE,
    Role.TOWNSHIP_REVIEWER: AreaLevel.TOWNSHIP,
    Role.COUNTY_STAFF: AreaLevel.COUNTY,
    Role.INSPECTOR: AreaLevel.COUNTY,
}
