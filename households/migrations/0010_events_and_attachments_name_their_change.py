# The change request's events and attachments point at it as `change` (was `request`, the name of
# the HTTP request in every view). RenameField keeps the rows; the column becomes change_id.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("households", "0009_normalise_stored_id_numbers"),
    ]

    operations = [
        migrations.RenameField(model_name="changerequestevent", old_name="request", new_name="change"),
        migrations.RenameField(model_name="changerequestattachment", old_name="request", new_name="change"),
    ]
