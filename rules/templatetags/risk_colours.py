"""The risk colour (三色码) as a badge with its words: on the lists' cells and the household page."""

from decimal import Decimal

from django import template

from rules.colours import RiskColour, colour_of, risk_lines

register = template.Library()


@register.inclusion_tag("rules/_risk_colour_badge.html")
def risk_badge(colour: str | None, risk: Decimal | None = None):
    """A badge for a colour value annotated by `with_risk_colour` (words always beside the colour)."""
    colour = RiskColour(colour) if colour in RiskColour.values else RiskColour.NONE
    return {"colour": colour, "risk": risk}


@register.inclusion_tag("rules/_risk_colour_judged.html")
def risk_judged(score, county: str):
    """The colour of a RiskScore `score` (None: not assessed) in `county`, with the two lines it
    was judged against."""
    risk = getattr(score, "risk", None)
    township_line, county_line = risk_lines(county)
    return {
        "colour": colour_of(risk, township_line=township_line, county_line=county_line),
        # 0.7500 stored reads 0.75: a line as the settings page writes it
        "risk": risk, "township_line": township_line.normalize(), "county_line": county_line.normalize(),
    }
