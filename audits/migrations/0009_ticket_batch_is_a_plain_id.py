"""A ticket keeps the id of the batch that found it as a plain number, no longer a foreign key
to rules.Batch: the tickets app does not know the rules app. The column (batch_id) and its
values stay; only the database's foreign key constraint goes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("audits", "0008_audit_trail_moves_to_trail"),
        ("rules", "0004_setting_changes_move_to_trail"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterField(
                    model_name="ticket",
                    name="batch",
                    field=models.ForeignKey(
                        blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="tickets",
                        to="rules.batch", verbose_name="发现批次", db_constraint=False),
                ),
            ],
            state_operations=[
                migrations.RemoveField(model_name="ticket", name="batch"),
                migrations.AddField(
                    model_name="ticket",
                    name="batch_id",
                    field=models.BigIntegerField(blank=True, db_index=True, null=True, verbose_name="发现批次"),
                ),
            ],
        ),
    ]
