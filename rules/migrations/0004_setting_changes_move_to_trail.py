"""SettingChange now belongs to the trail app (trail/0001 took over its table and rows)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("rules", "0003_normalise_department_id_numbers"),
        ("trail", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="SettingChange")]),
    ]
