from django.db import models


class IncomeSnapshot(models.Model):
    """收入分析研判 of one area as it stood in one month: the figures of the export's row, kept so
    that trends can be drawn across months and compared with the same month a year earlier."""

    county = models.CharField("县", max_length=6, db_index=True)
    area = models.CharField("区划代码", max_length=12)  # the county, a township or a village
    year = models.PositiveSmallIntegerField("分析年度")
    month = models.DateField("月份")  # the first day of the month the snapshot stands for
    # The export's figures by column name: counts as integers, money as exact decimal strings
    # ("" when the divisor is 0), so nothing is rounded twice.
    figures = models.JSONField("指标")
    taken_at = models.DateTimeField("生成时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "收入分析快照"
        constraints = [
            models.UniqueConstraint(fields=["area", "year", "month"], name="one_income_snapshot_per_area_year_month"),
        ]
        indexes = [models.Index(fields=["county", "month"], name="income_snapshot_county_month")]
