"""AuditEvent now belongs to the trail app (trail/0001 took over its table and rows)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("audits", "0007_mask_ticket_messages"),
        ("trail", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="AuditEvent")]),
    ]
