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


def county_field(*, indexed: bool):
    return models.CharField("县级区划代码", max_length=6, db_index=indexed, editable=False,
                            **({} if indexed else {"default": ""}))


class Migration(migrations.Migration):

    dependencies = [
        ("households", "0012_household_active_phone"),
    ]

    operations = [
        *[migrations.AddField(model_name=name, name="county", field=county_field(indexed=False), preserve_default=False)
          for name in ("member", "annualincome", "assistancemeasure")],
        # Filled before the indexes are built: one write of each row, not one per row and index entry.
        migrations.RunPython(copy_county, migrations.RunPython.noop, elidable=False),
        *[migrations.AlterField(model_name=name, name="county", field=county_field(indexed=True))
          for name in ("member", "annualincome", "assistancemeasure")],
    ]
