"""Rule switches, rule parameters, their change records and the monthly schedule belong to
a county: every county present receives a copy of what was set for the whole database
(a change record goes to its author's county), and the one monthly task becomes one per county."""

from django.db import migrations, models

from households.county_rows import (
    assign_setting_changes,
    keeping_timestamps,
    spread_global_rows,
    spread_schedule,
)


def copy_settings_to_counties(apps, schema_editor):
    for old_name, new_name, fields in (("RuleSetting", "CountyRuleSetting", ("rule_id", "enabled", "updated_at")),
                                       ("CatalogParameter", "CountyCatalogParameter", ("key", "value", "updated_at"))):
        old = apps.get_model("rules", old_name)._default_manager
        new = apps.get_model("rules", new_name)
        rows = [new(county="", **{name: getattr(row, name) for name in fields}) for row in old.all()]
        with keeping_timestamps(new):
            new._default_manager.bulk_create(rows)
        spread_global_rows(apps, "rules", new_name)


def county_field():
    return models.CharField(db_index=True, max_length=6, verbose_name="县级区划代码")


class Migration(migrations.Migration):

    dependencies = [
        ("rules", "0001_initial"),
        ("households", "0007_year_parameters_per_county"),
        ("accounts", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="CountyRuleSetting",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("county", county_field()),
                ("rule_id", models.CharField(max_length=8, verbose_name="规则编号")),
                ("enabled", models.BooleanField(default=True, verbose_name="启用")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
            ],
            options={
                "verbose_name": "规则设置",
                "verbose_name_plural": "规则设置",
                "constraints": [models.UniqueConstraint(fields=("county", "rule_id"), name="one_rule_setting_per_county")],
            },
        ),
        migrations.CreateModel(
            name="CountyCatalogParameter",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("county", county_field()),
                ("key", models.CharField(max_length=64, verbose_name="参数")),
                ("value", models.DecimalField(decimal_places=4, max_digits=14, verbose_name="取值")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
            ],
            options={
                "verbose_name": "规则参数",
                "verbose_name_plural": "规则参数",
                "constraints": [models.UniqueConstraint(fields=("county", "key"), name="one_parameter_per_county")],
            },
        ),
        migrations.AddField(
            model_name="settingchange",
            name="county",
            field=models.CharField(db_index=True, default="", max_length=6, verbose_name="县级区划代码"),
            preserve_default=False,
        ),
        migrations.RunPython(copy_settings_to_counties, migrations.RunPython.noop),
        migrations.RunPython(assign_setting_changes, migrations.RunPython.noop),
        migrations.RunPython(spread_schedule, migrations.RunPython.noop),
        migrations.DeleteModel(name="RuleSetting"),
        migrations.DeleteModel(name="CatalogParameter"),
        migrations.RenameModel(old_name="CountyRuleSetting", new_name="RuleSetting"),
        migrations.RenameModel(old_name="CountyCatalogParameter", new_name="CatalogParameter"),
    ]
