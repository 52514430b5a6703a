"""防贫监测一张图: the households of the filtered list placed by their coordinates, coloured by risk.

Below `POINT_LIMIT` located households the map draws each household; above it one point per
village (the mean of its households' coordinates), so a county of 100,000 households sends a
few hundred points, not 100,000. Both reads are one query each over the scoped, filtered list.
"""

from dataclasses import dataclass, field

from django.db.models import Avg, Case, CharField, Count, F, FilteredRelation, Q, Value, When

from households.models import Household
from rules.colours import RiskColour, colour_condition, risk_lines

# More located households than this in the filtered set: the map draws villages instead.
POINT_LIMIT = 5000

# A village point's colour: the share of its located households that are red or amber.
# (lower bound of the share, colour, words), highest first.
VILLAGE_BANDS = (
    (0.20, RiskColour.RED, "红黄户占比 20% 及以上"),
    (0.10, RiskColour.AMBER, "红黄户占比 10%–20%"),
    (0.0, RiskColour.GREEN, "红黄户占比 10% 以下"),
)

LOCATED = Q(longitude__isnull=False, latitude__isnull=False)
COLOURS = (RiskColour.RED, RiskColour.AMBER, RiskColour.GREEN, RiskColour.NONE)


@dataclass
class VillageRow:
    code: str
    name: str
    township: str
    located: int
    missing: int
    longitude: float | None
    latitude: float | None
    by_colour: dict = field(default_factory=dict)  # colour value -> located households of that colour

    @property
    def band(self) -> RiskColour:
        share = (self.by_colour.get(RiskColour.RED, 0) + self.by_colour.get(RiskColour.AMBER, 0)) / self.located
        return next(colour for bound, colour, _ in VILLAGE_BANDS if share >= bound)


@dataclass
class MapData:
    mode: str  # "households" or "villages"
    villages: list  # VillageRow, every village of the filtered set (located or not)
    points: list  # households: [longitude, latitude, number, head name, colour]
    located: int
    missing: int
    by_colour: dict

    def chart(self, *, household_url: str, village_url: str) -> dict:
        """What the page's chart draws (static/js/household_map.js)."""
        if self.mode == "households":
            points = self.points
        else:
            points = [
                [v.longitude, v.latitude, v.code, f"{v.township} {v.name}", v.located,
                 *(v.by_colour.get(c, 0) for c in COLOURS), v.band.value]
                for v in self.villages if v.located
            ]
        return {
            "mode": self.mode,
            "points": points,
            "colours": [{"key": c.value, "label": c.label} for c in COLOURS],
            "bands": [{"key": colour.value, "label": words} for _, colour, words in VILLAGE_BANDS],
            "householdUrl": household_url,
            "villageUrl": village_url,
        }


def household_map(*, households, county: str, year: int | None, limit: int | None = None) -> MapData:
    """The map of `households` (already scoped and filtered, annotated by `map_households`).

    One aggregate per village (coordinates' mean, located households per colour, households
    without coordinates), then, when few enough are located, one query for the points.
    """
    limit = POINT_LIMIT if limit is None else limit
    township_line, county_line = risk_lines(county)
    colour_counts = {
        f"colour_{c.value}": Count("pk", filter=LOCATED & colour_condition(
            c, township_line=township_line, county_line=county_line))
        for c in COLOURS
    }
    rows = (
        households.order_by()
        .values("village_id", "village__name", "village__parent__name")
        .annotate(
            located=Count("pk", filter=LOCATED),
            missing=Count("pk", filter=~LOCATED),
            mean_longitude=Avg("longitude", filter=LOCATED),
            mean_latitude=Avg("latitude", filter=LOCATED),
            **colour_counts,
        )
        .order_by("village_id")
    )
    villages = [
        VillageRow(
            code=row["village_id"], name=row["village__name"], township=row["village__parent__name"] or "",
            located=row["located"], missing=row["missing"],
            longitude=_degrees(row["mean_longitude"]), latitude=_degrees(row["mean_latitude"]),
            by_colour={c: row[f"colour_{c.value}"] for c in COLOURS},
        )
        for row in rows
    ]
    located = sum(v.located for v in villages)
    by_colour = {c: sum(v.by_colour[c] for v in villages) for c in COLOURS}
    points = []
    mode = "villages" if located > limit else "households"
    if mode == "households" and located:
        points = [
            [_degrees(lon), _degrees(lat), number, head or "", colour]
            for lon, lat, number, head, colour in (
                households.filter(LOCATED).with_head().order_by("number")
                .values_list("longitude", "latitude", "number", "head_name", "risk_colour")
            )
        ]
    return MapData(mode=mode, villages=villages, points=points, located=located,
                   missing=sum(v.missing for v in villages), by_colour=by_colour)


def _degrees(value) -> float | None:
    """Coordinates are drawn, not added up: six decimals (about 0.1 m) as a float."""
    return None if value is None else round(float(value), 6)


def map_households(*, user, county: str, year: int | None):
    """The households the map may show: the user's active households, with their risk colour.

    `risk` and `risk_colour` as `rules.colours.with_risk_colour` defines them, but the year's
    coefficient is read by one LEFT JOIN on the unique (household, year) index rather than a
    correlated subquery per household: the map counts colours over a whole county at once.
    """
    township_line, county_line = risk_lines(county)
    households = Household.objects.in_scope(user).active().annotate(
        score_of_year=FilteredRelation("risk_scores", condition=Q(risk_scores__year=year)),
    ).annotate(risk=F("score_of_year__risk"))
    return households.annotate(
        risk_colour=Case(
            *(When(colour_condition(c, township_line=township_line, county_line=county_line), then=Value(c.value))
              for c in (RiskColour.NONE, RiskColour.RED, RiskColour.AMBER)),
            default=Value(RiskColour.GREEN.value),
            output_field=CharField(),
        )
    )
