"""Store every ID number in its one form (id_numbers.normalise): upper-case X, ASCII, no spaces.

Members written before every write path normalised may hold a lower-case `x`, full-width
digits or spaces; an export of them imported back did not match, so the same people were
created again. Pending change requests carry ID numbers too (as drafted and as proposed):
they are normalised alike, so that approval still finds the live value it was drafted
against. History rows are left as they were: they record what was stored at the time.
"""

import unicodedata

from django.db import migrations

CHUNK = 2000
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ODD = r"[^0-9X]"  # what a stored number in its one form never contains


def normalise(value):
    # A copy of households.id_numbers.normalise as it was when this migration was written.
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value)).translate(_INVISIBLE)
    return "".join(text.split()).upper()


def is_valid(number):
    # households.id_numbers.is_valid, copied likewise (id_valid is derived from the number).
    import datetime

    if len(number) != 18 or not number[:17].isascii() or not number[:17].isdigit() or number[17] not in "0123456789X":
        return False
    try:
        datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _WEIGHTS))
    return number[17] == "10X98765432"[total % 11]


def normalise_members(apps, schema_editor):
    Member = apps.get_model("households", "Member")
    changed = []
    for member in Member.objects.filter(id_number__regex=ODD).only("id_number", "id_valid").iterator(chunk_size=CHUNK):
        member.id_number = normalise(member.id_number)
        member.id_valid = is_valid(member.id_number)
        changed.append(member)
    Member.objects.bulk_update(changed, ["id_number", "id_valid"], batch_size=CHUNK)


def normalise_change_requests(apps, schema_editor):
    ChangeRequest = apps.get_model("households", "ChangeRequest")
    changed = []
    for request in ChangeRequest.objects.filter(changes__has_key="id_number").only("changes").iterator(chunk_size=CHUNK):
        pair = request.changes["id_number"]
        fixed = [normalise(value) if isinstance(value, str) else value for value in pair]
        if fixed != pair:
            request.changes["id_number"] = fixed
            changed.append(request)
    ChangeRequest.objects.bulk_update(changed, ["changes"], batch_size=CHUNK)


class Migration(migrations.Migration):

    dependencies = [
        ("households", "0008_change_request_submission_token"),
    ]

    operations = [
        migrations.RunPython(normalise_members, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(normalise_change_requests, migrations.RunPython.noop, elidable=True),
    ]
