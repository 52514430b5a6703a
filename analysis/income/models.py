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


class IncomeSnapshotHousehold(models.Model):
    """One household of a county's population in one month's snapshot, with the counted figures it
    falls under (a bit per figure, querysets.FIGURE_BITS), so that the households list behind a snapshot's
    figure lists exactly the households that figure counted."""

    county = models.CharField("县", max_length=6)
    year = models.PositiveSmallIntegerField("分析年度")
    month = models.DateField("月份")
    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="+",
                                  verbose_name="农户")
    village = models.CharField("行政村代码", max_length=12)
    figures = models.PositiveIntegerField("所计指标")  # bit 1 << i set: counted in FIGURE_BITS[i]
    # As the snapshot read them, for the list: current active members and net income in cents.
    size = models.PositiveSmallIntegerField("人口")
    net_cents = models.BigIntegerField("纯收入(分)")
    net_cents_last = models.BigIntegerField("上年纯收入(分)", null=True)

    class Meta:
        verbose_name = verbose_name_plural = "收入分析快照农户"
        constraints = [
            models.UniqueConstraint(fields=["household", "year", "month"],
                                    name="one_income_snapshot_row_per_household_year_month"),
        ]
        indexes = [models.Index(fields=["county", "month", "year", "village"],
                                name="income_snapshot_hh_area")]
