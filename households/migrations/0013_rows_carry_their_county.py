"""Members, income records and measures carry their household's county (indexed), so a county's
batch reads them by county instead of joining every row of the table to the county's households."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Left


def copy_county(apps, schema_editor):
    Household = apps.get_model("households", "Household")
    village = Subquery(Household.objects.filter(pk=OuterRef("household_id")).values("village_id")[:1])
    for name in ("Member", "AnnualIncome", "AssistanceMeasure"):
        apps.get_model("households", name).objects.update(county=Left(village, 6))


class Migration(migrations.Migration):

    dependencies = [
        ("households", "0012_household_active_phone"),
    ]

    operations = [
        *[migrations.AddField(model_name=name, name="county", preserve_default=False,
                              field=models.CharField("县级区划代码", max_length=6, editable=False, default=""))
          for name in ("member", "annualincome", "assistancemeasure")],
        # Filled before the indexes are built: one write of each row, not one per row and index entry.
        migrations.RunPython(copy_county, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(model_name="member", index=models.Index(
            fields=["county", "name"], name="member_county_name", opclasses=["text_ops", "varchar_pattern_ops"],
            include=["household"])),
        migrations.AddIndex(model_name="annualincome",
                            index=models.Index(fields=["county", "year"], name="income_county_year")),
        migrations.AddIndex(model_name="assistancemeasure",
                            index=models.Index(fields=["county", "year"], name="measure_county_year")),
    ]
