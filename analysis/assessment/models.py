from django.db import models


class AssessmentScore(models.Model):
    """数据质量月考评: one township's score for one month and the parts that made it."""

    county = models.CharField("县", max_length=6, db_index=True)
    township = models.CharField("乡镇代码", max_length=9)
    month = models.DateField("月份")  # the first day of the month scored
    households = models.PositiveIntegerField("户数")
    score = models.DecimalField("得分", max_digits=5, decimal_places=2)
    # Each part's count and deduction, by part key, as exact decimal strings.
    parts = models.JSONField("扣分构成")
    computed_at = models.DateTimeField("计算时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "数据质量月考评"
        ordering = ["month", "-score", "township"]
        constraints = [
            models.UniqueConstraint(fields=["township", "month"], name="one_assessment_per_township_month"),
        ]
        indexes = [models.Index(fields=["county", "month"], name="assessment_county_month")]
