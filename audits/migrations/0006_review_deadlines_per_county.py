"""Review deadlines belong to a county: every county present receives a copy of the days
that were set for the whole database."""

from django.db import migrations, models

from households.county_rows import spread_global_rows


def copy_deadlines_to_counties(apps, schema_editor):
    old = apps.get_model("audits", "ReviewDeadline")._default_manager
    new = apps.get_model("audits", "CountyReviewDeadline")._default_manager
    new.bulk_create([new.model(county="", level=row.level, days=row.days) for row in old.all()])
    spread_global_rows(apps, "audits", "CountyReviewDeadline")


class Migration(migrations.Migration):

    dependencies = [
        ("audits", "0005_ticket_evidence_deadlines"),
        ("households", "0007_year_parameters_per_county"),
    ]

    operations = [
        migrations.CreateModel(
            name="CountyReviewDeadline",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("county", models.CharField(db_index=True, max_length=6, verbose_name="县级区划代码")),
                ("level", models.CharField(choices=[("village", "村级"), ("township", "乡镇"), ("county", "县级")], max_length=8, verbose_name="层级")),
                ("days", models.PositiveSmallIntegerField(verbose_name="时限（天）")),
            ],
            options={
                "verbose_name": "审核时限",
                "verbose_name_plural": "审核时限",
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("days__gte", 1), ("days__lte", 90)), name="review_deadline_per_county_1_to_90_days"),
                    models.UniqueConstraint(fields=("county", "level"), name="one_review_deadline_per_county"),
                ],
            },
        ),
        migrations.RunPython(copy_deadlines_to_counties, migrations.RunPython.noop),
        migrations.DeleteModel(name="ReviewDeadline"),
        migrations.RenameModel(old_name="CountyReviewDeadline", new_name="ReviewDeadline"),
    ]
