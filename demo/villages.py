"""The demo county's administrative villages and how its households spread over them."""

import random
from dataclasses import dataclass

from households.choices import AreaLevel
from households.models import Area

# Where the seed counties lie (longitude, latitude of the county seat).
CENTRES = {
    "230381": (132.94, 45.76),  # 虎林市
    "340323": (117.32, 33.32),  # 固镇县
    "360732": (115.36, 26.34),  # 兴国县
    "611024": (109.88, 33.54),  # 山阳县
}
NAME_FIRST = "金石上下东西南北大小新老白黄青高龙凤马杨李陈刘曾谢朱罗钟古长桥枫竹松梅莲"
NAME_SECOND = "湾门坪坑田塘岭山江溪桥口源坝岗庄垅坊圳陂背洲湖"
ORDINALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Village:
    area: Area
    township: Area
    longitude: float
    latitude: float
    groups: int


def village_name(
    rng: random.Random, township: Area, index: int, taken: set[str]
) -> tuple[str, bool]:
    """A name that fits the kind of township, and whether it is an urban community (社区)."""
    if "农场" in township.name:
        return f"第{ORDINALS[index]}管理区", False
    urban = township.name.endswith(("街道", "工业园", "开发区"))
    suffix = "社区" if urban else "林场" if "林业局" in township.name else "村"
    while True:
        name = rng.choice(NAME_FIRST) + rng.choice(NAME_SECOND) + suffix
        if name not in taken:
            taken.add(name)
            return name, urban


def create_villages(*, county: Area, rng: random.Random) -> list[Village]:
    """3–8 administrative villages per township, codes extending the township's (…201, …202)."""
    centre_lon, centre_lat = CENTRES.get(county.code, (113.0, 30.0))
    villages = []
    rows = []
    for township in Area.objects.filter(parent=county, level=AreaLevel.TOWNSHIP).order_by("code"):
        town_lon = centre_lon + rng.uniform(-0.22, 0.22)
        town_lat = centre_lat + rng.uniform(-0.18, 0.18)
        taken: set[str] = set()
        for index in range(rng.randint(3, 8)):
            name, urban = village_name(rng, township, index, taken)
            code = f"{township.code}{(1 if urban else 201) + index:03d}"
            area = Area(code=code, name=name, level=AreaLevel.VILLAGE, parent=township)
            rows.append(area)
            villages.append(
                Village(
                    area=area,
                    township=township,
                    groups=rng.randint(4, 12),
                    longitude=town_lon + rng.uniform(-0.04, 0.04),
                    latitude=town_lat + rng.uniform(-0.04, 0.04),
                )
            )
    Area.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "level", "parent"],
    )
    return villages


def allocate(rng: random.Random, *, total: int, slots: int) -> list[int]:
    """Split `total` households over `slots` villages of uneven size (largest remainders)."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(slots)]
    scale = total / sum(weights)
    shares = [w * scale for w in weights]
    counts = [int(share) for share in shares]
    order = sorted(range(slots), key=lambda i: (counts[i] - shares[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    if counts[0] == 0:  # the demo clerk's village should have someone to visit
        largest = max(range(slots), key=lambda i: counts[i])
        counts[largest] -= 1
        counts[0] += 1
    return counts
