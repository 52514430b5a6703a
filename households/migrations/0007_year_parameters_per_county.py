"""Yearly lines belong to a county: the table gets an id and a county code, and every
county present receives a copy of each year that was set for the whole database."""

from decimal import Decimal

import django.core.validators
from django.db import migrations, models

from households.county_rows import spread_global_rows


def copy_years_to_counties(apps, schema_editor):
    old = apps.get_model("households", "YearParameters")._default_manager
    new = apps.get_model("households", "CountyYearParameters")._default_manager
    new.bulk_create([
        new.model(county="", year=row.year, monitoring_line=row.monitoring_line,
                  attention_line=row.attention_line, is_current=row.is_current)
        for row in old.all()
    ])
    spread_global_rows(apps, "households", "CountyYearParameters")


class Migration(migrations.Migration):

    dependencies = [
        ("households", "0006_member_changes_attachments_history"),
    ]

    operations = [
        migrations.CreateModel(
            name="CountyYearParameters",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("county", models.CharField(db_index=True, max_length=6, verbose_name="县级区划代码")),
                ("year", models.PositiveSmallIntegerField(verbose_name="年度")),
                ("monitoring_line", models.DecimalField(decimal_places=2, max_digits=10, validators=[django.core.validators.MinValueValidator(Decimal("0"))], verbose_name="监测标准(元/人·年)")),
                ("attention_line", models.DecimalField(decimal_places=2, default=Decimal("10000"), max_digits=10, validators=[django.core.validators.MinValueValidator(Decimal("0"))], verbose_name="关注线(元/人·年)")),
                ("is_current", models.BooleanField(default=False, verbose_name="当前年度")),
            ],
            options={
                "verbose_name": "年度参数",
                "verbose_name_plural": "年度参数",
                "ordering": ["-year"],
                "constraints": [
                    models.UniqueConstraint(fields=("county", "year"), name="one_year_per_county"),
                    models.UniqueConstraint(condition=models.Q(("is_current", True)), fields=("county", "is_current"), name="one_current_year_per_county"),
                    models.CheckConstraint(condition=models.Q(("attention_line__gte", 0), ("monitoring_line__gte", 0)), name="year_lines_per_county_not_negative"),
                ],
            },
        ),
        migrations.RunPython(copy_years_to_counties, migrations.RunPython.noop),
        migrations.DeleteModel(name="YearParameters"),
        migrations.RenameModel(old_name="CountyYearParameters", new_name="YearParameters"),
    ]
