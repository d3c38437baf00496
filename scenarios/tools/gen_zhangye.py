#!/usr/bin/env python3
"""Generate the Zhangye scenario library's region, rasters and baseline plans.

Writes into scenarios/zhangye/:

    region/zhangye.ron        the region: roads, zones, facilities, origin
    region/zhangye-dem.asc    ground elevation, m (1 km cells)
    region/zhangye-fuel.asc   fuel-model numbers (Anderson 1982; 91-99 non-burnable)
    region/zhangye-vs30.asc   Vs30, m/s
    plans/zhangye-<hazard>.ron  one baseline plan per scenario

Run it from anywhere (stdlib only); it is deterministic, so re-running after an
edit changes only what the edit changes:

    python3 scenarios/tools/gen_zhangye.py

What is real and what is assumed
--------------------------------
The region covers the six county-level divisions of Zhangye prefecture, Gansu:
Ganzhou district and Linze, Gaotai, Shandan, Minle and Sunan counties. Real
(approximate, rounded to ~0.01 degree from public maps): the lon/lat of the
county seats and townships, the course of the Heihe river (out of the Qilian
mountains at Yingluoxia, north past Ganzhou, north-west past Linze and
Gaotai), and the corridors of the G30 Lianhuo expressway, the G312 and the
G227 (Zhangye - Minle - Biandukou). Positions are projected to local metres
about the Ganzhou drum tower with the same local equirectangular projection
the viewer inverts, so GeoJSON output is WGS84.

ASSUMPTIONS (schematic, not survey data), marked again where they are used:
- County populations: the 2020 (seventh) census gives Zhangye about 1.13
  million people; the split by county below is a rounded approximation of the
  published county figures, and the split into towns and townships inside a
  county is an assumption. Households: population / 2.6 (the 2020 national
  average household size is about 2.6 persons).
- Terrain, fuel and Vs30 are smooth schematic fields: a corridor plain falling
  north-west, the Qilian range front to the south rising to ~4,300 m, the Heihe
  cut into the plain. Elevations of the towns are near their real ones
  (Ganzhou ~1,480 m, Gaotai ~1,350 m, Shandan ~1,770 m), the rest is shape.
- Road geometry between the named points is straight segments; speeds, lanes
  and capacities are class defaults (about 900-1,800 veh/h per lane).
- Facility placements, capacities, fragility classes and battery hours.
- The chemical industrial park's site (north of the city, by the G30) stands
  for the prefecture's chemical industry; it is not a specific plant.
- Plan figures beyond the regional plan's (reference README section 7): crew
  numbers and every repair duration (no public source gives crew-hours per
  damage state for substations, water plants or telecom sites).
"""
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "zhangye")
R_EARTH = 6371008.8            # m, as qilian-osm and the viewer use
LON0, LAT0 = 100.455, 38.933   # Ganzhou drum tower: the local frame's origin
COS0 = math.cos(math.radians(LAT0))


def xy(lon, lat):
    """Local metres (east, north) of a lon/lat (local equirectangular)."""
    return (R_EARTH * math.radians(lon - LON0) * COS0, R_EARTH * math.radians(lat - LAT0))


def polyline(points):
    return [xy(lon, lat) for lon, lat in points]


def seg_dist(px, py, ax, ay, bx, by):
    """Distance from p to segment ab, and the fraction along ab of the foot."""
    dx, dy = bx - ax, by - ay
    L2 = dx * dx + dy * dy
    t = 0.0 if L2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / L2))
    return math.hypot(px - ax - t * dx, py - ay - t * dy), t


def line_dist(px, py, line):
    """(distance, arc length of the nearest point) from p to a polyline."""
    best, s_best, s = float("inf"), 0.0, 0.0
    for (ax, ay), (bx, by) in zip(line, line[1:]):
        d, t = seg_dist(px, py, ax, ay, bx, by)
        L = math.hypot(bx - ax, by - ay)
        if d < best:
            best, s_best = d, s + t * L
        s += L
    return best, s_best


# --- Geography (approximate lon/lat) ------------------------------------------

# The Heihe, from inside the Qilian gorge past Yingluoxia (where it leaves the
# mountains), north along the west side of Ganzhou, then north-west past
# Linze and Gaotai toward Zhengyixia.
HEIHE = polyline([
    (100.08, 38.62), (100.14, 38.72), (100.18, 38.80),   # gorge, Yingluoxia
    (100.27, 38.88), (100.36, 38.95), (100.40, 39.04),   # west of Ganzhou
    (100.32, 39.13), (100.18, 39.19), (100.02, 39.25),   # north of Linze
    (99.86, 39.40), (99.68, 39.50), (99.50, 39.62),      # north of Gaotai
])
YINGLUOXIA = xy(100.18, 38.80)
# The northern Qilian range front: plain to the north, mountains to the south.
FRONT = polyline([
    (99.30, 38.98), (99.75, 38.80), (100.15, 38.73), (100.55, 38.52),
    (100.80, 38.33), (101.10, 38.30), (101.40, 38.34),
])

TOWNS = {  # county seats: id base, lon, lat, grid size, spacing (m)
    "Ganzhou": (1, 100.455, 38.933, 7, 700.0),
    "Linze": (101, 100.164, 39.152, 3, 700.0),
    "Gaotai": (111, 99.819, 39.378, 3, 700.0),
    "Shandan": (121, 101.088, 38.785, 3, 700.0),
    "Minle": (131, 100.813, 38.431, 3, 700.0),
    "Sunan": (141, 99.616, 38.837, 3, 600.0),
}

# Townships: (id, county, name, lon, lat, population). Positions approximate;
# populations ASSUMPTION (the county totals are split as stated in the header).
TOWNSHIPS = [
    (501, "Ganzhou", "Shajing", 100.30, 39.08, 30000),
    (502, "Ganzhou", "Wujiang", 100.42, 39.13, 20000),
    (503, "Ganzhou", "Ganjun", 100.26, 38.96, 25000),
    (504, "Ganzhou", "Dangzhai", 100.48, 38.84, 30000),
    (505, "Ganzhou", "Daman", 100.36, 38.85, 30000),
    (506, "Ganzhou", "Anyang", 100.42, 38.68, 15000),
    (507, "Ganzhou", "Huazhai", 100.56, 38.66, 12000),
    (508, "Ganzhou", "Liangjiadun", 100.53, 38.97, 25000),
    (509, "Ganzhou", "Xindun", 100.37, 38.92, 13000),
    (511, "Linze", "Pingchuan", 100.07, 39.24, 20000),
    (512, "Linze", "Banqiao", 99.97, 39.27, 15000),
    (513, "Linze", "Yasha", 100.22, 39.10, 20000),
    (514, "Linze", "Liaoquan", 100.24, 39.18, 20000),
    (521, "Gaotai", "Nanhua", 99.93, 39.30, 25000),
    (522, "Gaotai", "Heiquan", 99.60, 39.50, 15000),
    (523, "Gaotai", "Luocheng", 99.62, 39.60, 16000),
    (524, "Gaotai", "Xuanhua", 99.75, 39.32, 20000),
    (531, "Shandan", "Weiqi", 101.05, 38.90, 25000),
    (532, "Shandan", "Dongle", 100.92, 38.78, 20000),
    (533, "Shandan", "Huocheng", 101.20, 38.70, 20000),
    (534, "Shandan", "Laojun", 101.13, 38.58, 15000),
    (541, "Minle", "Sanbao", 100.70, 38.48, 25000),
    (542, "Minle", "Nangu", 100.85, 38.33, 20000),
    (543, "Minle", "Minlian", 100.75, 38.56, 30000),
    (544, "Minle", "Liuba", 100.93, 38.45, 25000),
    (551, "Sunan", "Kangle", 99.85, 38.75, 6000),
    (552, "Sunan", "Mati", 100.42, 38.47, 8000),
]
# County totals (ASSUMPTION: rounded approximations of the 2020 census county
# figures, summing to Zhangye's ~1.13 million). The seat town holds what the
# townships listed above do not.
COUNTY_POP = {"Ganzhou": 500000, "Linze": 130000, "Gaotai": 136000,
              "Shandan": 155000, "Minle": 176000, "Sunan": 34000}


def township_total(county):
    return sum(t[5] for t in TOWNSHIPS if t[1] == county)


# --- Terrain -----------------------------------------------------------------

NW = (-0.74, 0.67)  # unit vector down the Hexi corridor (toward Gaotai)


def base_terrain(x, y):
    """Ground elevation (m) before the Heihe is cut in."""
    s = (x * NW[0] + y * NW[1]) / 1000.0            # km down-corridor from Ganzhou
    z = 1480.0 - 1.76 * s if s > 0 else 1480.0 - 5.9 * s   # Gaotai ~1350, Shandan ~1770
    d_front = line_dist(x, y, FRONT)[0] / 1000.0
    if y > front_y_at(x):  # the plain; the mountains lie south of the front
        # Piedmont fans rise ~12 m/km over the 20 km before the front.
        z += 12.0 * max(0.0, 20.0 - d_front)
    else:
        z += 240.0
        up = min(d_front, 40.0)
        ridges = 180.0 * math.sin(x / 4300.0) * math.cos(y / 3100.0) * min(1.0, up / 5.0)
        z += 65.0 * up + ridges
    return z


def front_y_at(x):
    """Northing of the range front at easting x (the front runs west-east)."""
    for (ax, ay), (bx, by) in zip(FRONT, FRONT[1:]):
        if ax <= x <= bx:
            return ay + (by - ay) * (x - ax) / (bx - ax)
    return FRONT[0][1] if x < FRONT[0][0] else FRONT[-1][1]


# The Heihe's water level along its course: the base terrain sampled along the
# river, made non-increasing downstream, 2 m below the ground.
RIVER_PROFILE = []  # (arc length m, bed elevation m)


def _river_profile():
    s, prev = 0.0, float("inf")
    for (ax, ay), (bx, by) in zip(HEIHE, HEIHE[1:]):
        L = math.hypot(bx - ax, by - ay)
        n = max(1, int(L // 250))
        for k in range(n):
            t = k / n
            z = min(prev, base_terrain(ax + t * (bx - ax), ay + t * (by - ay)) - 2.0)
            RIVER_PROFILE.append((s + t * L, z))
            prev = z
        s += L
    RIVER_PROFILE.append((s, prev - 0.5))


_river_profile()


def river_bed(s):
    lo, hi = 0, len(RIVER_PROFILE) - 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if RIVER_PROFILE[mid][0] <= s:
            lo = mid
        else:
            hi = mid
    (s0, z0), (s1, z1) = RIVER_PROFILE[lo], RIVER_PROFILE[hi]
    return z0 + (z1 - z0) * (s - s0) / (s1 - s0) if s1 > s0 else z0


CHANNEL_M = 750.0  # cells whose centre is this close to the river line hold the channel


def terrain(x, y):
    """Ground elevation (m); nodes and the DEM share it."""
    z = base_terrain(x, y)
    d, s = line_dist(x, y, HEIHE)
    bed = river_bed(s)
    if d <= CHANNEL_M:
        return bed
    # Floodplain: 0.6 m above the bed at the channel edge (the braided
    # Heihe has low banks), rising 0.25 m/km for 6 km, then valley sides at
    # 4 m/km until they meet the plain; in the mountains, a gorge whose
    # sides rise 80 m/km.
    dk = (d - CHANNEL_M) / 1000.0
    if y <= front_y_at(x):
        return min(z, bed + 0.6 + 80.0 * max(dk - 6.0, 0.0))
    valley = bed + 0.6 + 0.25 * min(dk, 6.0) + 4.0 * max(dk - 6.0, 0.0)
    # On the plain the river is never perched: the ground rises away from it
    # at least 0.5 m/km beyond the floodplain, so flood water drains back.
    floor = bed + 0.6 + 0.25 * min(dk, 6.0) + 0.5 * max(dk - 6.0, 0.0)
    return max(min(z, valley), floor)


# --- Road network ------------------------------------------------------------

nodes = {}  # id -> (x, y, z)
edges = []  # (id, from, to, length, speed, lanes, cap, class, main, bridge)
next_id = [1000]


def node(i, x, y):
    nodes[i] = (round(x, 1), round(y, 1), round(terrain(x, y), 1))
    return i


def new_node(x, y):
    i = next_id[0]
    next_id[0] += 1
    return node(i, x, y)


def crosses_heihe(a, b):
    ax, ay, _ = nodes[a]
    bx, by, _ = nodes[b]
    for (cx, cy), (dx, dy) in zip(HEIHE, HEIHE[1:]):
        d1 = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
        d2 = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax)
        d3 = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx)
        d4 = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx)
        if d1 * d2 < 0 and d3 * d4 < 0:
            return True
    return False


MAX_SEGMENT_M = 2500.0


def road(a, b, speed, lanes, cap, cls, main=False, name=None):
    """A two-way road from node a to node b, split into <= 2.5 km links."""
    ax, ay, _ = nodes[a]
    bx, by, _ = nodes[b]
    n = max(1, math.ceil(math.hypot(bx - ax, by - ay) / MAX_SEGMENT_M))
    pts = [a] + [new_node(ax + (bx - ax) * k / n, ay + (by - ay) * k / n) for k in range(1, n)] + [b]
    for p, q in zip(pts, pts[1:]):
        ((px, py, _), (qx, qy, _)) = (nodes[p], nodes[q])
        length = round(math.hypot(qx - px, qy - py), 1)
        # ASSUMPTION: multi-span concrete highway bridges, conventional design.
        bridge = "HWB.GS.5" if crosses_heihe(p, q) else None
        for f, t in ((p, q), (q, p)):
            edges.append((len(edges) + 1, f, t, length, speed, lanes, cap, cls, main, bridge, name))
    return pts


def route(stops, speed, lanes, cap, cls, main=False, name=None):
    """A road through stops: node ids or (lon, lat) waypoints."""
    ids = [s if isinstance(s, int) else new_node(*xy(*s)) for s in stops]
    for a, b in zip(ids, ids[1:]):
        road(a, b, speed, lanes, cap, cls, main, name)
    return ids


# Road names: Chinese first, the route number or English beside it.
G312 = "G312国道 G312 national road"
G227 = "G227国道 G227 national road"
grids = {}
for name, (base, lon, lat, n, sp) in TOWNS.items():
    cx, cy = xy(lon, lat)
    h = (n - 1) // 2
    ids = [[node(base + r * n + c, cx + (c - h) * sp, cy + (r - h) * sp) for c in range(n)]
           for r in range(n)]
    grids[name] = ids
    for r in range(n):
        for c in range(n):
            art_r, art_c = r in (0, h, n - 1), c in (0, h, n - 1)
            if c < n - 1:  # the middle row carries the G312 through town
                road(ids[r][c], ids[r][c + 1], 50 if art_r else 30, 2 if art_r else 1,
                     1800 if art_r else 700, "Primary" if art_r else "Local", main=(r == h),
                     name=G312 if r == h else None)
            if r < n - 1:
                road(ids[r][c], ids[r + 1][c], 50 if art_c else 30, 2 if art_c else 1,
                     1800 if art_c else 700, "Primary" if art_c else "Local")


# Chinese names of counties and towns (used for zones and roads).
county_zh = {"Ganzhou": "甘州", "Linze": "临泽", "Gaotai": "高台",
             "Shandan": "山丹", "Minle": "民乐", "Sunan": "肃南"}
place_zh = {
    "Dongjie (east)": "东街街道", "Xijie (west)": "西街街道", "Nanjie (south)": "南街街道",
    "Beijie (north)": "北街街道", "Huochezhan (station)": "火车站街道",
    "Xinjian (new town)": "新建片区",
    "Shajing": "沙井镇", "Wujiang": "乌江镇", "Ganjun": "甘浚镇", "Dangzhai": "党寨镇",
    "Daman": "大满镇", "Anyang": "安阳乡", "Huazhai": "花寨乡", "Liangjiadun": "梁家墩镇",
    "Xindun": "新墩镇", "Pingchuan": "平川镇", "Banqiao": "板桥镇",
    "Nanhua": "南华镇", "Heiquan": "黑泉镇", "Luocheng": "罗城镇", "Xuanhua": "宣化镇",
    "Weiqi": "位奇镇", "Dongle": "东乐镇", "Huocheng": "霍城镇", "Laojun": "老军乡",
    "Sanbao": "三堡镇", "Nangu": "南古镇", "Minlian": "民联镇", "Liuba": "六坝镇",
    "Kangle": "康乐镇", "Mati": "马蹄藏族乡",
}


for tid, _, _, lon, lat, _ in TOWNSHIPS:
    node(tid, *xy(lon, lat))


def west(t):
    g = grids[t]
    return g[len(g) // 2][0]


def east(t):
    g = grids[t]
    return g[len(g) // 2][-1]


def north(t):
    g = grids[t]
    return g[-1][len(g) // 2]


def south(t):
    g = grids[t]
    return g[0][len(g) // 2]


def centre(t):
    g = grids[t]
    return g[len(g) // 2][len(g) // 2]


# G312: east edge - Shandan - Ganzhou - Linze - Gaotai - north-west edge.
route([(101.38, 38.70), (101.22, 38.74), east("Shandan")], 80, 2, 2000, "Trunk", True, G312)
route([west("Shandan"), (100.90, 38.84), (100.72, 38.88), (100.60, 38.91), east("Ganzhou")],
      80, 2, 2000, "Trunk", True, G312)
route([west("Ganzhou"), (100.36, 38.99), (100.26, 39.08), east("Linze")], 80, 2, 2000, "Trunk", True, G312)
route([west("Linze"), (100.02, 39.24), (99.92, 39.32), east("Gaotai")], 80, 2, 2000, "Trunk", True, G312)
route([west("Gaotai"), (99.66, 39.47), (99.45, 39.57)], 80, 2, 2000, "Trunk", True, G312)
# G30 Lianhuo expressway, north of the towns, with interchanges.
g30_first = next_id[0]
route([(101.38, 38.75), (101.10, 38.83), (100.80, 38.93), (100.47, 39.00),
             (100.30, 39.10), (100.15, 39.18), (99.85, 39.40), (99.45, 39.61)],
            100, 2, 3600, "Motorway", True, "G30连霍高速 G30 Lianhuo expressway")


def nearest(cands, x, y):
    return min(cands, key=lambda i: math.hypot(nodes[i][0] - x, nodes[i][1] - y))


g30_nodes = [i for i in nodes if g30_first <= i < next_id[0]]
for t in ("Shandan", "Ganzhou", "Linze", "Gaotai"):
    x, y, _ = nodes[north(t)]
    j = nearest(g30_nodes, x, y)
    road(north(t), j, 60, 2, 1800, "Primary", main=True,
         name=f"{county_zh[t]}高速连接线 {t} expressway link")
# G227: Ganzhou - Minle - Biandukou (into the Qilian mountains toward Xining).
route([south("Ganzhou"), (100.55, 38.80), (100.66, 38.64), (100.76, 38.50), north("Minle")],
      70, 1, 1500, "Trunk", True, G227)
route([south("Minle"), (100.86, 38.34), (100.93, 38.24), (100.98, 38.14)],
                      60, 1, 1200, "Trunk", True, G227)
# County roads (ASSUMPTION: routes schematic).
route([west("Ganzhou"), (100.30, 38.90), (100.12, 38.86), (99.90, 38.82), east("Sunan")],
                   60, 1, 1000, "Secondary", name="甘州至肃南公路 Ganzhou-Sunan road")
route([east("Minle"), (100.95, 38.55), (101.04, 38.68), south("Shandan")], 60, 1, 1000, "Secondary",
      name="民乐至山丹公路 Minle-Shandan road")
route([west("Minle"), (100.60, 38.48), 552], 50, 1, 800, "Tertiary", name="民乐至马蹄公路 Minle-Mati road")   # to Mati, in the mountains
route([north("Sunan"), (99.72, 39.05), (99.78, 39.25), south("Gaotai")], 60, 1, 900, "Secondary",
      name="肃南至高台公路 Sunan-Gaotai road")

trunk_nodes = sorted(i for i in nodes if i < 500 or i >= 1000)
for tid, county, name, lon, lat, pop in TOWNSHIPS:
    x, y = xy(lon, lat)
    cands = trunk_nodes
    j = nearest(cands, x, y)
    link = f"{place_zh[name]}连接线 {name} link road" if name in place_zh else f"{name} link road"
    road(tid, j, 60, 1, 900, "Secondary", name=link)
    # A second, slower road to the county seat (alternatives when one closes).
    c = nearest([i for row in grids[county] for i in row], x, y)
    if c != j and math.hypot(nodes[c][0] - x, nodes[c][1] - y) < 30000:
        road(tid, c, 40, 1, 600, "Tertiary")
# Dedicated facility nodes.
PARK = node(601, *xy(100.50, 38.975))         # chemical industrial park (ASSUMPTION: site)
road(PARK, nearest(g30_nodes, *nodes[PARK][:2]), 40, 1, 700, "Tertiary")
SUB330 = node(602, *xy(100.56, 38.95))        # 330 kV substation east of the city
road(SUB330, nearest([i for i in nodes if 1000 <= i], *nodes[SUB330][:2]), 40, 1, 600, "Tertiary")

# --- Zones -------------------------------------------------------------------

zones = []  # (id, name, county, node, population)
g = grids["Ganzhou"]
city_pop = COUNTY_POP["Ganzhou"] - township_total("Ganzhou")
# Ganzhou city districts (ASSUMPTION: shares of the urban population).
for zid, name, (r, c), share in [
    (1, "Ganzhou Dongjie (east)", (3, 5), 0.20), (2, "Ganzhou Xijie (west)", (3, 1), 0.19),
    (3, "Ganzhou Nanjie (south)", (1, 3), 0.18), (4, "Ganzhou Beijie (north)", (5, 3), 0.17),
    (5, "Ganzhou Huochezhan (station)", (6, 5), 0.12), (6, "Ganzhou Xinjian (new town)", (1, 1), 0.14),
]:
    zones.append((zid, name, "Ganzhou", g[r][c], round(city_pop * share)))
for zid, t in [(11, "Linze"), (12, "Gaotai"), (13, "Shandan"), (14, "Minle"), (15, "Sunan")]:
    zones.append((zid, f"{t} county town", t, centre(t), COUNTY_POP[t] - township_total(t)))
for tid, county, name, lon, lat, pop in TOWNSHIPS:
    zones.append((tid - 400, name, county, tid, pop))
assert sum(z[4] for z in zones) == sum(COUNTY_POP.values())

# --- Facilities ----------------------------------------------------------------

F = []


def fac(i, name, kind, at, fragility=None, capacity=None, needs=(), battery_h=0.0):
    F.append((i, name, kind, at, fragility, capacity, list(needs), battery_h))


gz = grids["Ganzhou"]
fac(1, "Zhangye 330 kV substation", "Substation", SUB330, "EP.S.H.A")
fac(2, "Ganzhou east 110 kV", "Substation", gz[4][6], "EP.S.M.A", needs=[1])
fac(3, "Ganzhou west 110 kV", "Substation", gz[2][0], "EP.S.M.U", needs=[1])
fac(4, "Linze 110 kV", "Substation", grids["Linze"][0][0], "EP.S.M.U", needs=[1])
fac(5, "Gaotai 110 kV", "Substation", grids["Gaotai"][0][2], "EP.S.M.U", needs=[4])
fac(6, "Shandan 110 kV", "Substation", grids["Shandan"][2][0], "EP.S.M.U", needs=[1])
fac(7, "Minle 110 kV", "Substation", grids["Minle"][2][2], "EP.S.M.U", needs=[1])
fac(8, "Sunan 35 kV", "Substation", grids["Sunan"][0][0], "EP.S.L.U", needs=[3])
fac(9, "Shajing 35 kV", "Substation", 501, "EP.S.L.U", needs=[3])
fac(10, "Ganzhou No. 1 water plant", "WaterPlant", gz[5][5], needs=[2])
fac(11, "Heihe well-field plant", "WaterPlant", gz[1][0], needs=[3])
fac(12, "Linze water works", "WaterPlant", grids["Linze"][1][0], needs=[4])
fac(13, "Gaotai water works", "WaterPlant", grids["Gaotai"][1][0], needs=[5])
fac(14, "Shandan water works", "WaterPlant", grids["Shandan"][0][1], needs=[6])
fac(15, "Minle water works", "WaterPlant", grids["Minle"][0][0], needs=[7])
fac(16, "Sunan water works", "WaterPlant", grids["Sunan"][1][2], needs=[8])
TELECOM = [(gz[3][3], 2), (gz[3][1], 3), (gz[1][3], 3), (gz[5][3], 2), (centre("Linze"), 4),
           (centre("Gaotai"), 5), (centre("Shandan"), 6), (centre("Minle"), 7), (centre("Sunan"), 8),
           (501, 9), (504, 2), (521, 5), (531, 6), (543, 7), (552, 8), (506, 3)]
for k, (at, sub) in enumerate(TELECOM):
    fac(20 + k, f"Telecom site T{k + 1}", "TelecomSite", at, needs=[sub], battery_h=[4, 6, 8][k % 3])
fac(40, "Zhangye People's Hospital", "Hospital", gz[4][2], capacity=1500, needs=[2])
fac(41, "Ganzhou District Hospital", "Hospital", gz[2][4], capacity=600, needs=[3])
for k, (t, sub) in enumerate([("Linze", 4), ("Gaotai", 5), ("Shandan", 6), ("Minle", 7), ("Sunan", 8)]):
    fac(42 + k, f"{t} county hospital", "Hospital", grids[t][2][1], capacity=300, needs=[sub])
# Shelters: 52,000 places in all, enough for the regional plan's 50,000
# displaced people (ASSUMPTION: sites and capacities).
SHELTERS = [(gz[6][1], "Ganzhou north square", 8000), (gz[0][5], "Ganzhou sports centre", 7000),
            (gz[6][6], "Binhe new district park", 6000), (gz[0][0], "Ganzhou south school campus", 5000),
            (grids["Linze"][2][2], "Linze shelter", 4000), (grids["Linze"][0][2], "Linze stadium", 2000),
            (grids["Gaotai"][2][2], "Gaotai shelter", 4000), (grids["Gaotai"][0][2], "Gaotai school", 2000),
            (grids["Shandan"][2][2], "Shandan shelter", 4000), (grids["Shandan"][0][0], "Shandan school", 2000),
            (grids["Minle"][2][0], "Minle shelter", 4000), (grids["Minle"][0][2], "Minle school", 2000),
            (grids["Sunan"][2][2], "Sunan shelter", 2000)]
for k, (at, name, cap) in enumerate(SHELTERS):
    fac(50 + k, name, "Shelter", at, capacity=cap)
FIRE_STATIONS = {"Ganzhou": 70, "Linze": 71, "Gaotai": 72, "Shandan": 73, "Minle": 74, "Sunan": 75}
for t, fid in FIRE_STATIONS.items():
    at = gz[3][4] if t == "Ganzhou" else grids[t][1][1]
    fac(fid, f"{t} fire rescue station", "FireStation", at)
fac(80, "Zhangye chemical industrial park", "ChemicalPlant", PARK, needs=[2])


def near_fac(kind_ids, x, y):
    return min(kind_ids, key=lambda i: math.hypot(nodes[FAC_AT[i]][0] - x, nodes[FAC_AT[i]][1] - y))


FAC_AT = {f[0]: f[3] for f in F}
POWER = [2, 3, 4, 5, 6, 7, 8, 9]
WATER = [10, 11, 12, 13, 14, 15, 16]
TELE = [20 + k for k in range(len(TELECOM))]

# --- Rasters -----------------------------------------------------------------

CELL = 1000.0
XLL, YLL = -95000.0, -93000.0
NCOLS, NROWS = 182, 173


def fuel(x, y, z):
    """Fuel-model number: Anderson (1982) 1-13, Scott & Burgan (2005) 101-204,
    or non-burnable 91-99. Grass is GR1 (101), "short, sparse, dry climate
    grass": the desert steppe of the piedmont and the short alpine meadow
    (ASSUMPTION: neither is the continuous grass of Anderson's model 1)."""
    d_river, _ = line_dist(x, y, HEIHE)
    if d_river <= CHANNEL_M:
        return 98  # open water
    if y > front_y_at(x):
        # Plain: irrigated oasis within ~12 km of the Heihe or a town,
        # Gobi gravel desert beyond; towns are urban.
        for t, (_, lon, lat, n, sp) in TOWNS.items():
            tx, ty = xy(lon, lat)
            if max(abs(x - tx), abs(y - ty)) <= (n // 2 + 1) * sp:
                return 91
        near_town = min(math.hypot(x - xy(lo, la)[0], y - xy(lo, la)[1])
                        for _, lo, la, _, _ in TOWNS.values())
        if d_river < 12000.0 or near_town < 10000.0:
            return 93  # agricultural, non-burnable when irrigated
        if z > 1900.0:
            return 101  # desert-steppe grass on the piedmont fans (GR1)
        return 99      # Gobi: barren
    # Mountains: grass on the lower slopes, Qilian spruce (Picea crassifolia)
    # forest in the 2,400-3,300 m belt on the shaded slopes (patchy), alpine
    # meadow above, rock and ice at the top. ASSUMPTION: schematic belts.
    if z < 2400.0:
        return 101  # GR1, as above
    if z < 3300.0:
        shade = math.sin(x / 2900.0 + 0.7) * math.cos(y / 2300.0)
        return 10 if shade > -0.35 else 6   # timber litter + understory, else brush
    if z < 3900.0:
        return 101  # alpine meadow (GR1)
    return 99


def vs30(x, y, z):
    """Vs30 (m/s). ASSUMPTION: by geology class, after the usual ranges (soft
    alluvium 200-300, stiff soil 300-450, gravel fans 450-700, rock > 760)."""
    d_river, _ = line_dist(x, y, HEIHE)
    if y <= front_y_at(x):
        return 900 if z > 2600.0 else 620
    if d_river < 3000.0:
        return 260
    if fuel(x, y, z) in (91, 93):
        return 360
    return 520


def write_grids():
    os.makedirs(os.path.join(OUT, "region"), exist_ok=True)
    header = (f"ncols {NCOLS}\nnrows {NROWS}\nxllcorner {XLL}\nyllcorner {YLL}\n"
              f"cellsize {CELL}\nNODATA_value -9999\n")
    dem, fu, vs = [header], [header], [header]
    for r in range(NROWS):
        y = YLL + (NROWS - r - 0.5) * CELL
        rd, rf, rv = [], [], []
        for c in range(NCOLS):
            x = XLL + (c + 0.5) * CELL
            z = terrain(x, y)
            rd.append(f"{z:.1f}")
            rf.append(str(fuel(x, y, z)))
            rv.append(str(vs30(x, y, z)))
        dem.append(" ".join(rd) + "\n")
        fu.append(" ".join(rf) + "\n")
        vs.append(" ".join(rv) + "\n")
    for name, rows in (("zhangye-dem.asc", dem), ("zhangye-fuel.asc", fu), ("zhangye-vs30.asc", vs)):
        with open(os.path.join(OUT, "region", name), "w") as f:
            f.writelines(rows)


# --- Region file -------------------------------------------------------------

def write_region():
    L = []
    p = L.append
    p("// Zhangye prefecture, Gansu: the Zhangye scenario library's region.")
    p("// Generated by scenarios/tools/gen_zhangye.py; edit the script, not this file.")
    p("// Town, township, river and highway positions: approximate real lon/lat,")
    p("// projected about the Ganzhou drum tower (origin below). Populations:")
    p("// county totals approximate the 2020 census; their split, households")
    p("// (population / 2.6), facility placements, capacities, fragility classes,")
    p("// battery hours, terrain, fuel and Vs30 are ASSUMPTIONS (see the script).")
    p("Region(")
    p('    name: "Zhangye prefecture (Ganzhou, Linze, Gaotai, Shandan, Minle, Sunan)",')
    p(f"    origin: Some((lon: {LON0}, lat: {LAT0})),")
    p("    nodes: [")
    for i in sorted(nodes):
        x, y, z = nodes[i]
        p(f"        (id: {i}, x: {x}, y: {y}, z: {z}),")
    p("    ],")
    p("    // Two-way roads are pairs of directed links with consecutive ids.")
    p("    // Capacities per direction: ASSUMPTION from lanes and class.")
    p("    edges: [")
    for (eid, f, t, length, speed, lanes, cap, cls, main, bridge, name) in edges:
        extra = ", main_road: true" if main else ""
        if name:
            extra += f', name: Some("{name}")'
        if bridge:
            extra += f', bridge: Some((fragility: "{bridge}"))'
        p(f"        (id: {eid}, from: {f}, to: {t}, length_m: {length}, speed_kmh: {speed}.0, "
          f"lanes: {lanes}, capacity_vph: {cap}.0, class: {cls}{extra}),")
    p("    ],")
    p("    zones: [")
    # Zone names: the Chinese name first (county seats 县城, towns 镇,
    # townships 乡, Ganzhou's streets 街道), the pinyin kept beside it.
    # "Yasha" keeps its pinyin only (we could not match it to a town), and
    # "Liaoquan" (蓼泉镇) too: the embedded font subset has no glyph for 蓼.

    def zh_name(name):
        if name.endswith(" county town"):
            return f"{county_zh[name[:-len(' county town')]]}县城 {name}"
        if name.startswith("Ganzhou "):
            return f"甘州{place_zh[name[len('Ganzhou '):]]} {name}"
        return f"{place_zh[name]} {name}" if name in place_zh else name

    for zid, name, county, at, pop in zones:
        x, y, _ = nodes[at]
        pw, wa, te = near_fac(POWER, x, y), near_fac(WATER, x, y), near_fac(TELE, x, y)
        # ASSUMPTION: piped water reaches townships within 25 km of a plant.
        dw = math.hypot(nodes[FAC_AT[wa]][0] - x, nodes[FAC_AT[wa]][1] - y)
        water = f"Some({wa})" if dw < 25000 else "None"
        p(f'        (id: {zid}, name: "{zh_name(name)}", population: {pop}, households: {round(pop / 2.6)}, '
          f"node: {at}, power: Some({pw}), water: {water}, telecom: Some({te})), // {county}")
    p("    ],")
    p("    facilities: [")
    # Facility names: Chinese first, the English kept beside it (the sites
    # are this schematic's own, ASSUMPTION; named as such sites are named
    # locally: 变电站 substation, 水厂 water works, 通信基站 telecom site,
    # 应急避难场所 emergency shelter, 消防救援站 fire rescue station).
    fac_zh = {
        "Zhangye 330 kV substation": "张掖330千伏变电站",
        "Ganzhou east 110 kV": "甘州东110千伏变电站", "Ganzhou west 110 kV": "甘州西110千伏变电站",
        "Linze 110 kV": "临泽110千伏变电站", "Gaotai 110 kV": "高台110千伏变电站",
        "Shandan 110 kV": "山丹110千伏变电站", "Minle 110 kV": "民乐110千伏变电站",
        "Sunan 35 kV": "肃南35千伏变电站", "Shajing 35 kV": "沙井35千伏变电站",
        "Ganzhou No. 1 water plant": "甘州第一水厂", "Heihe well-field plant": "黑河水源地水厂",
        "Zhangye People's Hospital": "张掖市人民医院", "Ganzhou District Hospital": "甘州区人民医院",
        "Ganzhou north square": "甘州北广场", "Ganzhou sports centre": "甘州体育中心",
        "Binhe new district park": "滨河新区公园", "Ganzhou south school campus": "甘州南校区",
        "Zhangye chemical industrial park": "张掖化工园区",
    }

    def fac_name(name):
        if name in fac_zh:
            return f"{fac_zh[name]} {name}"
        if name.startswith("Telecom site "):
            return f"通信基站{name[len('Telecom site '):]} {name}"
        county, _, what = name.partition(" ")
        what_zh = {"water works": "水厂", "county hospital": "人民医院", "shelter": "应急避难场所",
                   "stadium": "体育场", "school": "学校", "fire rescue station": "消防救援站"}
        return f"{county_zh[county]}{'区' if county == 'Ganzhou' else '县'}{what_zh[what]} {name}"

    for (i, name, kind, at, fragility, capacity, needs, battery) in F:
        name = fac_name(name)
        extra = ""
        if fragility:
            extra += f', fragility: Some("{fragility}")'
        if capacity:
            extra += f", capacity: Some({capacity}.0)"
        if needs:
            extra += f", needs: {needs}"
        if battery:
            extra += f", battery_h: {battery}.0"
        p(f'        (id: {i}, name: "{name}", kind: {kind}, node: {at}{extra}),')
    p("    ],")
    p("    // Schematic terrain, fuel and Vs30 (ASSUMPTIONS, see the generator), 1 km cells.")
    p('    rasters: (dem: Some("zhangye-dem.asc"), fuel: Some("zhangye-fuel.asc"), '
      'vs30: Some("zhangye-vs30.asc")),')
    p(")")
    with open(os.path.join(OUT, "region", "zhangye.ron"), "w") as f:
        f.write("\n".join(L) + "\n")


# --- Baseline plans ----------------------------------------------------------
#
# One plan per scenario. They share crews, repairs and the preparedness block
# (stocks, teams, kits, stations, warnings), which is built to the regional
# plan's figures (reference README section 7):
#   relocation supplies for 40,000-60,000 people for 15 days -> 50,000 people
#     (the middle of the range) x 15 days = 750,000 person-days;
#   medical stocks for 2,500 people for a month (class I) -> 75,000 person-days,
#     and 5,000 people for 7-10 days (class II) -> 50,000 person-days (10 days);
#   a satellite phone and a generator in every village -> one of each per zone;
#   township fire teams of >= 15 (key towns) or >= 9 full-time staff;
#   50 rescue service stations of >= 90 m2;
#   warnings reaching 100 % of the public.
# Crew numbers, depots, shifts and repair hours are ASSUMPTIONS (as in the
# stock Ganzhou plan); bridge hours follow the Hazus bridge restoration means.

REPAIRS = """    repairs: [
        (work: Facility(Substation), crew: Power, hours: (
            slight: LogNormal(median: 4.0, beta: 0.4), moderate: LogNormal(median: 12.0, beta: 0.4),
            extensive: LogNormal(median: 36.0, beta: 0.4), complete: LogNormal(median: 96.0, beta: 0.4))),
        (work: Facility(WaterPlant), crew: Water, hours: (
            slight: LogNormal(median: 6.0, beta: 0.4), moderate: LogNormal(median: 18.0, beta: 0.4),
            extensive: LogNormal(median: 48.0, beta: 0.4), complete: LogNormal(median: 120.0, beta: 0.4))),
        (work: Facility(TelecomSite), crew: Telecom, hours: (
            slight: LogNormal(median: 2.0, beta: 0.4), moderate: LogNormal(median: 8.0, beta: 0.4),
            extensive: LogNormal(median: 24.0, beta: 0.4), complete: LogNormal(median: 48.0, beta: 0.4))),
        (work: Facility(Hospital), crew: Power, hours: (
            slight: LogNormal(median: 3.0, beta: 0.4), moderate: LogNormal(median: 10.0, beta: 0.4),
            extensive: LogNormal(median: 30.0, beta: 0.4), complete: LogNormal(median: 72.0, beta: 0.4))),
        (work: Facility(ChemicalPlant), crew: Hazmat, hours: (
            slight: LogNormal(median: 4.0, beta: 0.4), moderate: LogNormal(median: 12.0, beta: 0.4),
            extensive: LogNormal(median: 36.0, beta: 0.4), complete: LogNormal(median: 96.0, beta: 0.4))),
        (work: MainRoad, crew: Road, hours: (
            slight: LogNormal(median: 3.0, beta: 0.4), moderate: LogNormal(median: 10.0, beta: 0.4),
            extensive: LogNormal(median: 30.0, beta: 0.4), complete: LogNormal(median: 72.0, beta: 0.4))),
        (work: Road, crew: Road, hours: (
            slight: LogNormal(median: 3.0, beta: 0.4), moderate: LogNormal(median: 8.0, beta: 0.4),
            extensive: LogNormal(median: 24.0, beta: 0.4), complete: LogNormal(median: 60.0, beta: 0.4))),
        // Hazus bridge restoration means 0.6 / 2.5 / 75 / 230 days.
        (work: Bridge, crew: Road, hours: (
            slight: LogNormal(median: 14.0, beta: 0.5), moderate: LogNormal(median: 60.0, beta: 0.5),
            extensive: LogNormal(median: 1800.0, beta: 0.5), complete: LogNormal(median: 5520.0, beta: 0.5))),
        (work: Cleanup, crew: Hazmat, hours: (
            slight: LogNormal(median: 4.0, beta: 0.4), moderate: LogNormal(median: 12.0, beta: 0.4),
            extensive: LogNormal(median: 30.0, beta: 0.4), complete: LogNormal(median: 60.0, beta: 0.4))),
        (work: StopLeak, crew: Hazmat, hours: (
            slight: LogNormal(median: 1.0, beta: 0.4), moderate: LogNormal(median: 1.0, beta: 0.4),
            extensive: LogNormal(median: 2.0, beta: 0.4), complete: LogNormal(median: 3.0, beta: 0.4))),
        (work: FireLine, crew: Fire, hours: (
            slight: LogNormal(median: 8.0, beta: 0.3), moderate: LogNormal(median: 8.0, beta: 0.3),
            extensive: LogNormal(median: 12.0, beta: 0.3), complete: LogNormal(median: 12.0, beta: 0.3))),
    ],"""


def zone_of(name):
    return next(z[0] for z in zones if z[1] == name)


def plan_text(key, title, why, hazard_response, shelters, rules, priorities):
    gzg = grids["Ganzhou"]
    L = []
    p = L.append
    p(f"// Baseline plan for the Zhangye {key} scenario. Generated by")
    p("// scenarios/tools/gen_zhangye.py; edit the script, not this file.")
    for line in why:
        p(f"// {line}")
    p("// Stocks, teams, kits, rescue stations and warning channels follow the")
    p("// regional plan's figures (reference README section 7); crews, depots,")
    p("// shifts, repair hours and evacuation parameters are ASSUMPTIONS.")
    p("Plan(")
    p(f'    name: "Zhangye baseline: {title}",')
    depots = [(1, "State Grid Zhangye supply company", gzg[2][2]),
              (2, "Zhangye water supply company yard", gzg[5][5]),
              (3, "Telecom operations centre", gzg[3][3]),
              (4, "Highway maintenance station (Ganzhou)", gzg[3][6]),
              (5, "Zhangye fire rescue detachment", gzg[3][4])]
    for k, t in enumerate(["Linze", "Gaotai", "Shandan", "Minle", "Sunan"]):
        depots.append((6 + k, f"{t} county depot (fire, highway, power)", grids[t][1][1]))
    p("    depots: [")
    depot_zh = {1: "国网张掖供电公司", 2: "张掖市供水公司", 3: "通信运维中心",
                4: "甘州公路养护站", 5: "张掖市消防救援支队"}
    for k, t in enumerate(["临泽", "高台", "山丹", "民乐", "肃南"]):
        depot_zh[6 + k] = f"{t}县应急救援基地"
    for i, name, at in depots:
        p(f'        (id: {i}, name: "{depot_zh[i]} {name}", node: {at}),')
    p("    ],")
    p("    // Shifts of 12 h on, 8 h rest (ASSUMPTION; a crew finishes its task first).")
    p("    crews: [")
    crews = [(1, "Power", 1, 4), (2, "Water", 2, 3), (3, "Telecom", 3, 2), (4, "Road", 4, 3),
             (5, "Hazmat", 5, 2), (6, "Fire", 5, 3)]
    gid = 7
    for k, t in enumerate(["Linze", "Gaotai", "Shandan", "Minle", "Sunan"]):
        depot = 6 + k
        fire = 1 if t == "Sunan" else 2
        crews += [(gid, "Fire", depot, fire), (gid + 1, "Road", depot, 1), (gid + 2, "Power", depot, 1)]
        gid += 3
    # Rescue (search and rescue of trapped people): four crews of the
    # Zhangye fire rescue detachment and one at each county depot. ASSUMPTION:
    # the regional plan names the forces (fire rescue, 50 rescue service
    # stations) but not their crew counts.
    crews += [(gid, "Rescue", 5, 4)]
    crews += [(gid + 1 + k, "Rescue", 6 + k, 1) for k in range(5)]
    for i, kind, depot, count in crews:
        p(f"        (id: {i}, kind: {kind}, depot: {depot}, count: {count}, "
          "shift: Some((on_h: 12.0, rest_h: 8.0))),")
    p("    ],")
    p(f"    priorities: [{', '.join(priorities)}],")
    p(REPAIRS)
    p("    hazard_response: (")
    for line in hazard_response:
        p(f"        {line}")
    p("    ),")
    p("    // Two power crews and one road crew from Jiuquan arrive a day later; the")
    p("    // provincial fire rescue corps' earthquake rescue team (six crews) comes")
    p("    // from Lanzhou, about 500 km by road, 8 h after the onset (ASSUMPTIONS).")
    p("    mutual_aid: [")
    p("        (at_h: 8.0, crews: (id: 43, kind: Rescue, depot: 5, count: 6)),")
    p("        (at_h: 24.0, crews: (id: 41, kind: Power, depot: 1, count: 2)),")
    p("        (at_h: 24.0, crews: (id: 42, kind: Road, depot: 4, count: 1)),")
    p("    ],")
    p("    preparedness: Some((")
    p("        // 50,000 displaced (the middle of 40,000-60,000) x 15 days.")
    p("        displaced_people: 50000,")
    p("        relocation_supplies_person_days: 750000.0,")
    p("        medical_class1_person_days: 75000.0,   // 2,500 people x 30 days")
    p("        medical_class2_person_days: 50000.0,   // 5,000 people x 10 days")
    p("        // County seats and townships of 25,000 or more are key towns")
    p("        // (ASSUMPTION); staffing at the plan's minimum or one above.")
    p("        fire_teams: [")
    for zid, name, county, at, pop in zones:
        if zid < 10:
            continue  # the city districts are covered by the fire rescue detachment
        key_town = zid < 20 or pop >= 25000
        staff = (15 if key_town else 9) + (1 if pop >= 30000 else 0)
        p(f"            (zone: {zid}, key_town: {'true' if key_town else 'false'}, "
          f"full_time_staff: {staff}),  // {name}")
    p("        ],")
    p("        village_kits: [")
    for zid, name, county, at, pop in zones:
        n = 2 if pop >= 50000 else 1
        p(f"            (zone: {zid}, satellite_phones: {n}, generators: {n}),  // {name}")
    p("        ],")
    p("        // 50 stations: one per township, two per county town, the rest in")
    p("        // the city (ASSUMPTION: areas).")
    p("        rescue_stations: [")
    stations = []
    for zid, name, county, at, pop in zones:
        if zid >= 100:
            stations.append((name, 90.0 + 10.0 * (pop // 10000)))
        elif zid >= 10:
            stations += [(f"{name} {k}", 150.0) for k in (1, 2)]
    k = 1
    while len(stations) < 50:
        stations.append((f"Ganzhou city {k}", 120.0 + 20.0 * (k % 4)))
        k += 1
    for name, area in stations:
        p(f'            (name: "{name}", area_m2: {area}),')
    p("        ],")
    p("        warning_channels: [")
    for zid, name, county, at, pop in zones:
        ch = '["siren", "SMS", "loudspeaker"]' if zid < 20 else '["SMS", "loudspeaker"]'
        p(f"            (zone: {zid}, channels: {ch}),")
    p("        ],")
    p("    )),")
    p(f"    shelters: {shelters},")
    p("    evacuation: (")
    p("        route_interval_min: Some(15.0),")
    p("        rules: [")
    for line in rules:
        p(f"            {line}")
    p("        ],")
    p("    ),")
    p(")")
    os.makedirs(os.path.join(OUT, "plans"), exist_ok=True)
    with open(os.path.join(OUT, "plans", f"zhangye-{key}.ron"), "w") as f:
        f.write("\n".join(L) + "\n")


def write_plans():
    all_shelters = [f[0] for f in F if f[2] == "Shelter"]
    repairs_first = ["Facility(Hospital)", "Facility(WaterPlant)", "Facility(Substation)",
                     "Facility(TelecomSite)"]
    # Flood: zones whose centre lies on the Heihe floodplain (within 6 km of
    # the river on the plain, where the schematic floodplain rises 0.35 m/km).
    riverside = [z[0] for z in zones
                 if z[0] >= 100 and line_dist(*nodes[z[3]][:2], HEIHE)[0] < 6000.0
                 and nodes[z[3]][1] > front_y_at(nodes[z[3]][0])]
    plan_text("flood", "Heihe flood", [
        "Roads close at 0.3 m of water. The riverside townships (centre within",
        f"6 km of the Heihe on the plain: {riverside}) are told to leave when the",
        "Yingluoxia gauge passes its warning level, 2 h into the scenario; 60 %",
        "of households go (ASSUMPTION), logistic departures over ~2 h.",
    ], ["road_close_depth_m: 0.3,"], all_shelters,
        [f"(zones: {riverside}, trigger: AtHour(2.0), persons_per_vehicle: 3.0,",
         " departure: Logistic(alpha_per_h: 2.2, half_h: 1.0), compliance: 0.6),"],
        ["Rescue"] + repairs_first + ["MainRoad", "Bridge", "Road", "Cleanup"])
    plan_text("earthquake", "Minle-Shandan earthquake", [
        "After the shock, the households of Minle and Shandan county towns whose",
        "homes are unsafe (15 %, ASSUMPTION) go to shelters.",
    ], [], all_shelters,
        [f"(zones: [{zone_of('Shandan county town')}, {zone_of('Minle county town')}], "
         "trigger: AtHour(1.0), persons_per_vehicle: 3.0,",
         " departure: Rayleigh(sigma_h: 0.5), compliance: 0.15),"],
        ["Rescue"] + repairs_first + ["MainRoad", "Bridge", "Road", "Cleanup"])
    mountain = [zone_of("Mati"), zone_of("Anyang"), zone_of("Huazhai")]
    plan_text("fire", "Qilian forest fire", [
        "Fire crews go out when a front is 6 h from a township and hold a 1 km",
        "line around it. The mountain townships (Mati, Anyang, Huazhai) leave on",
        "the forest fire command's order (Warn injects in the scenario).",
    ], ["fire_task_lead_h: 6.0,", "fire_line_radius_m: 1000.0,"], all_shelters,
        [f"(zones: {mountain}, trigger: OnOrder, persons_per_vehicle: 3.0,",
         " departure: Rayleigh(sigma_h: 0.75), compliance: 0.9),"],
        ["FireLine", "Rescue"] + repairs_first + ["MainRoad", "Bridge", "Road", "Cleanup"])
    near_park = [z[0] for z in zones
                 if math.hypot(nodes[z[3]][0] - nodes[PARK][0], nodes[z[3]][1] - nodes[PARK][1]) < 12000.0]
    sip = [z for z in near_park if z < 10]
    out = [z for z in near_park if z >= 10]
    plan_text("chemical", "chemical park chlorine leak", [
        f"Zones within 12 km of the park: the city districts {sip} shelter in",
        "place when a release starts (indoor air 0.2 of outdoor, ASSUMPTION);",
        f"the townships {out} leave on order (Warn injects).",
    ], [f"shelter_in_place: {sip},", "shelter_factor: 0.2,"], all_shelters,
        [f"(zones: {out}, trigger: OnOrder, persons_per_vehicle: 3.0,",
         " departure: Rayleigh(sigma_h: 0.4), compliance: 0.8),"],
        ["StopLeak", "Rescue"] + repairs_first + ["MainRoad", "Bridge", "Road", "Cleanup"])
    plan_text("cascade", "earthquake, landslides and chemical leak", [
        "The earthquake plan plus the chemical one: hazmat crews stop the leak",
        f"first; the city districts {sip} shelter in place, the townships",
        f"{out} leave on order; 10 % of Ganzhou's south-side households",
        "whose homes are unsafe go to shelters after the shock (ASSUMPTION).",
    ], [f"shelter_in_place: {sip},", "shelter_factor: 0.2,"], all_shelters,
        [f"(zones: {out}, trigger: OnOrder, persons_per_vehicle: 3.0,",
         " departure: Rayleigh(sigma_h: 0.4), compliance: 0.8),",
         f"(zones: [{zone_of('Dangzhai')}, {zone_of('Daman')}, {zone_of('Anyang')}], "
         "trigger: AtHour(1.0), persons_per_vehicle: 3.0,",
         " departure: Rayleigh(sigma_h: 0.5), compliance: 0.1),"],
        ["StopLeak", "Rescue"] + repairs_first + ["MainRoad", "Bridge", "Road", "Cleanup"])


if __name__ == "__main__":
    write_grids()
    write_region()
    write_plans()
    print(f"{len(nodes)} nodes, {len(edges)} links, {len(zones)} zones, {len(F)} facilities",
          file=sys.stderr)
    print(f"Yingluoxia (flood inflow): x {YINGLUOXIA[0]:.0f} y {YINGLUOXIA[1]:.0f}", file=sys.stderr)
