"""Reads for the self-report pages: the silent household match, a receipt, the QR cards."""

from dataclasses import dataclass

import segno
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from households.choices import IdentificationSource
from households.models import Area, Household, Member
from monitoring_objects.models import Clue


def registered_household(*, village: Area, id_number: str) -> Household | None:
    """The registered household of `village` with an active member of that ID number, or None.

    Only ever stored on the clue for the village to see; the resident's answer never depends on it.
    """
    members = Member.objects.active().filter(id_number=id_number)
    return (Household.objects.active().filter(village=village, members__in=members)
            .order_by("pk").first())


def receipt(*, county: Area, number: str) -> Clue | None:
    """A self-reported clue of the county by its receipt number (other channels' clues are not
    the public's to look up)."""
    return (Clue.objects.filter(receipt_number=number, channel=IdentificationSource.SELF_REPORT,
                                village__code__startswith=county.code)
            .only("receipt_number", "status", "created_at", "deadline", "answer", "answered_at")
            .first())


@dataclass(frozen=True)
class CodeCard:
    village: Area
    url: str
    svg: SafeString


def qr_svg(url: str) -> SafeString:
    """The QR code as inline SVG sized by CSS (a viewBox, no width/height, no style attribute)."""
    svg = segno.make(url, error="m").svg_inline(scale=1, border=2, omitsize=True, svgclass="report-qr",
                                                lineclass="report-qr-line")
    return mark_safe(svg)  # noqa: S308 -- segno's own markup around an escaped URL-free path


def code_cards(*, user, county: Area, form_url: str) -> list[CodeCard]:
    """One card per village of the county in the user's scope, in code order."""
    villages = (Area.objects.in_scope(user).villages().filter(code__startswith=county.code)
                .select_related("parent").order_by("code"))
    cards = []
    for village in villages:
        url = f"{form_url}?{urlencode({'village': village.code})}"
        cards.append(CodeCard(village=village, url=url, svg=qr_svg(url)))
    return cards
