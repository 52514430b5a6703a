"""Department lists store ID numbers in the registry's one form (households.id_numbers.normalise).

A list row typed with a lower-case `x`, full-width digits or spaces did not match the member
it named; it is normalised and matched again.
"""

import unicodedata

from django.db import migrations

CHUNK = 2000
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)


def normalise(value):
    # A copy of households.id_numbers.normalise as it was when this migration was written.
    text = unicodedata.normalize("NFKC", str(value or "")).translate(_INVISIBLE)
    return "".join(text.split()).upper()


def normalise_records(apps, schema_editor):
    DepartmentRecord = apps.get_model("rules", "DepartmentRecord")
    DepartmentBatch = apps.get_model("rules", "DepartmentBatch")
    Member = apps.get_model("households", "Member")
    changed = []
    for record in DepartmentRecord.objects.filter(id_number__regex=r"[^0-9X]").only("id_number").iterator(chunk_size=CHUNK):
        record.id_number = normalise(record.id_number)
        changed.append(record)
    DepartmentRecord.objects.bulk_update(changed, ["id_number"], batch_size=CHUNK)
    pks = [record.pk for record in changed]
    batches = set()
    for start in range(0, len(pks), CHUNK):
        some = DepartmentRecord.objects.filter(pk__in=pks[start:start + CHUNK], matched=False)
        found = some.filter(id_number__in=Member.objects.values("id_number"))
        batches.update(found.values_list("batch_id", flat=True))
        found.update(matched=True)
    for batch in DepartmentBatch.objects.filter(pk__in=batches):
        batch.matched_count = DepartmentRecord.objects.filter(batch=batch, matched=True).count()
        batch.save(update_fields=["matched_count"])


class Migration(migrations.Migration):

    dependencies = [
        ("rules", "0002_settings_per_county"),
        ("households", "0009_normalise_stored_id_numbers"),
    ]

    operations = [
        migrations.RunPython(normalise_records, migrations.RunPython.noop, elidable=True),
    ]
