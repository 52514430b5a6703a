"""Stored ticket messages masked the new way (docs/masking.md).

B01/B02 messages carried an ID number masked as region + last four (`360732********3994`),
which the birth date beside it turned back into the number; B01 also said which check
character the first 17 digits call for; B06 quoted the phone in full. The rules now write
`360732************`, `校验码不正确` and `138****5678`; this rewrites the open and closed
tickets already stored. The masks are copied here so that the migration stays as written.
"""

import re

from django.db import migrations

OLD_ID = re.compile(r"(证件号码 )([0-9A-Za-z]{6}\*+[0-9A-Za-z]{4})( )")
CHECK = re.compile(r"证件号码第18位校验码应为 [0-9X]")
PHONE = re.compile(r"(联系电话“)([^”*]+)(”)")


def _id(match: re.Match) -> str:
    masked = match.group(2)
    shown = masked[:6] + "*" * (len(masked) - 6) if len(masked) >= 18 else "*" * len(masked)
    return match.group(1) + shown + match.group(3)


def _phone(match: re.Match) -> str:
    phone = match.group(2)
    if len(phone) <= 4:
        shown = "*" * len(phone)
    elif len(phone) == 11:
        shown = phone[:3] + "****" + phone[-4:]
    else:
        shown = "*" * (len(phone) - 4) + phone[-4:]
    return match.group(1) + shown + match.group(3)


def remask(message: str) -> str:
    message = OLD_ID.sub(_id, message)
    message = CHECK.sub("证件号码第18位校验码不正确", message)
    return PHONE.sub(_phone, message)


def forwards(apps, schema_editor):
    Ticket = apps.get_model("audits", "Ticket")
    tickets = Ticket.objects.filter(rule_id__in=["B01", "B02", "B06"]).only("pk", "message")
    changed = []
    for ticket in tickets.iterator(chunk_size=2000):
        message = remask(ticket.message)
        if message != ticket.message:
            ticket.message = message
            changed.append(ticket)
        if len(changed) >= 2000:
            Ticket.objects.bulk_update(changed, ["message"])
            changed = []
    Ticket.objects.bulk_update(changed, ["message"])


class Migration(migrations.Migration):

    dependencies = [
        ("audits", "0006_review_deadlines_per_county"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
