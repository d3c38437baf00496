#!/usr/bin/env python3
"""Generate scenarios/regions/ganzhou.ron, the stock region modelled on Ganzhou
district, Zhangye, Gansu.

The layout is schematic, not surveyed: a city street grid, the G312 and G30
corridors running east-west, the G227 running south-east toward Minle, the Heihe
river west of the city (crossed by bridges), and the district's townships on
county roads. Populations, facility placements and capacities are ASSUMPTIONS
chosen to be plausible (district population about half a million); they are
stated as such in the generated file. It also writes two ESRI ASCII rasters next to the region, referenced from it:
ganzhou-dem.asc (terrain: the Heihe valley with its channel, the alluvial plain
falling to the north-west, the Qilian foothills and mountains rising in the
south) and ganzhou-fuel.asc (fuel-model numbers: irrigated oasis farmland and
the city do not burn, desert-steppe grass on the foothills, Qilian spruce
forest on the mountain slopes from Sunan in the south-west to Anyang, brush
in the south-east). Both are SCHEMATIC: shapes and numbers are ASSUMPTIONS chosen to
look like the valley, not survey data. Re-run after editing:

    python3 scenarios/tools/gen_ganzhou.py > scenarios/regions/ganzhou.ron
"""
import math
import os

nodes = {}   # id -> (x, y, z)
edges = []   # (id, from, to, length, speed, lanes, cap, class, main, bridge, liquefaction)
RIVER_X = -6100.0  # the Heihe, schematically a north-south line west of the city


def terrain(x, y):
    """Ground elevation (m) of the schematic valley; nodes and the DEM share it."""
    dx = abs(x - RIVER_X)
    # The Heihe alluvial plain falls ~4 m/km to the north (~1480 m at the city).
    z = 1480.0 - 0.004 * y
    # Valley floor: 0.3 m/km away from the river for 5 km, then 3 m/km.
    z += 0.0003 * min(dx, 5000.0) + 0.003 * max(dx - 5000.0, 0.0)
    # The channel: 1.5 m below its banks within 300 m of the river line.
    if dx < 300.0:
        z -= 1.5
    # Qilian foothills and mountains south of y = -12 km (6 % average rise,
    # ridges and valleys); the Heihe keeps a low gorge through them.
    if y < -12000.0:
        up = -12000.0 - y
        m = 0.06 * up + 60.0 * math.sin(x / 2300.0) * math.cos(y / 1700.0) * min(1.0, up / 3000.0)
        z += max(m, 0.0) * min(1.0, dx / 3000.0)
    return z


def node(i, x, y):
    nodes[i] = (round(x, 1), round(y, 1), round(terrain(x, y), 1))
    return i


def crosses_river(a, b):
    return (nodes[a][0] - RIVER_X) * (nodes[b][0] - RIVER_X) < 0


next_shape_node = [1000]
MAX_SEGMENT_M = 2500.0


def road(a, b, speed, lanes, cap, cls, main=False, bridge=None, name=None):
    """A two-way road, split into segments of at most 2.5 km by shape nodes."""
    ax, ay, _ = nodes[a]
    bx, by, _ = nodes[b]
    n = max(1, math.ceil(math.hypot(bx - ax, by - ay) / MAX_SEGMENT_M))
    points = [a]
    for k in range(1, n):
        points.append(node(next_shape_node[0], ax + (bx - ax) * k / n, ay + (by - ay) * k / n))
        next_shape_node[0] += 1
    points.append(b)
    for p, q in zip(points, points[1:]):
        segment(p, q, speed, lanes, cap, cls, main, bridge, name)


def liquefaction(x, y):
    """Hazus liquefaction susceptibility at a link's midpoint. ASSUMPTION, not
    a geological map: the Heihe's Holocene channel and flood-plain alluvium
    with shallow groundwater is very high within 400 m of the river line, high
    to 1.5 km and moderate to 3 km, on the plain north of the foothills;
    elsewhere (older fans, the foothills) no susceptibility is given."""
    dx = abs(x - RIVER_X)
    if y < -12000.0 or dx >= 3000.0:
        return None
    return "VeryHigh" if dx < 400.0 else "High" if dx < 1500.0 else "Moderate"


def segment(a, b, speed, lanes, cap, cls, main, bridge, name=None):
    """A two-way link: two directed edges with consecutive ids."""
    ax, ay, _ = nodes[a]
    bx, by, _ = nodes[b]
    length = round(math.hypot(bx - ax, by - ay), 1)
    if bridge is None and crosses_river(a, b):
        bridge = "HWB.GS.5"  # assumption: multi-span concrete, conventional design
    liq = liquefaction((ax + bx) / 2, (ay + by) / 2)
    for f, t in ((a, b), (b, a)):
        eid = len(edges) + 1
        edges.append((eid, f, t, length, speed, lanes, cap, cls, main, bridge, liq, name))


# City: 9 x 9 street grid, 600 m spacing, centred on the drum tower.
SP = 600.0
for r in range(9):
    for c in range(9):
        node(1 + r * 9 + c, (c - 4) * SP, (r - 4) * SP)
for r in range(9):
    for c in range(9):
        i = 1 + r * 9 + c
        arterial_row = r in (0, 4, 8)
        arterial_col = c in (0, 4, 8)
        if c < 8:
            # The middle row and column meet at the drum tower (鼓楼): its
            # east, west, south and north streets.
            street = ("西街 Xijie" if c < 4 else "东街 Dongjie") if r == 4 else None
            road(i, i + 1, 50 if arterial_row else 30, 2 if arterial_row else 1,
                 1800 if arterial_row else 700, "Primary" if arterial_row else "Local",
                 main=(r == 4), name=street)
        if r < 8:
            street = ("南街 Nanjie" if r < 4 else "北街 Beijie") if c == 4 else None
            road(i, i + 9, 50 if arterial_col else 30, 2 if arterial_col else 1,
                 1800 if arterial_col else 700, "Primary" if arterial_col else "Local", name=street)

CITY_W, CITY_E = 1 + 4 * 9, 1 + 4 * 9 + 8          # middle row, west and east ends
CITY_N, CITY_S = 1 + 8 * 9 + 4, 1 + 4               # middle column, north and south ends

# G312: east-west through the city, nodes every 2 km.
def corridor(first_id, points, speed, lanes, cap, cls, join_start=None, join_end=None, name=None):
    ids = [node(first_id + k, x, y) for k, (x, y) in enumerate(points)]
    if join_start is not None:
        ids.insert(0, join_start)
    if join_end is not None:
        ids.append(join_end)
    for a, b in zip(ids, ids[1:]):
        road(a, b, speed, lanes, cap, cls, main=True, name=name)
    return ids

# Road names: Chinese first, the route number or pinyin kept beside it.
G312 = "G312国道 G312 national road"
g312_w = corridor(201, [(-2400 - 2000 * k, 0) for k in range(1, 14)][::-1], 80, 2, 2000, "Trunk",
                  join_end=CITY_W, name=G312)
g312_e = corridor(231, [(2400 + 2000 * k, 0) for k in range(1, 14)], 80, 2, 2000, "Trunk",
                  join_start=CITY_E, name=G312)
# G30 Lianhuo expressway: 5 km north, nodes every 3 km.
g30 = corridor(301, [(-27000 + 3000 * k, 5000 + 0.04 * (3000 * k)) for k in range(19)],
               100, 2, 3600, "Motorway", name="G30连霍高速 G30 Lianhuo expressway")
# Interchange: city north end to the G30.
road(CITY_N, node(350, 0, 3600), 60, 2, 1800, "Primary", name="高速连接线 expressway link")
nearest_g30 = min(g30, key=lambda i: math.hypot(nodes[i][0], nodes[i][1] - 5000))
road(350, nearest_g30, 60, 2, 1800, "Primary", main=True, name="高速连接线 expressway link")
# G227: south-east from the city toward Minle, nodes every ~2 km.
g227 = corridor(401, [(800 * k, -2400 - 1900 * k) for k in range(1, 14)], 70, 1, 1500, "Trunk",
                join_start=CITY_S, name="G227国道 G227 national road")

# Zone names: the Chinese name of each Ganzhou street (街道), town (镇) or
# township (乡) first, its pinyin kept beside it. The towns and streets are
# Ganzhou District's; "新建片区" (new-town area) is this schematic's own
# district, not an official name.
ZH = {
    "Dongjie (east)": "东街街道", "Xijie (west)": "西街街道", "Nanjie (south)": "南街街道",
    "Beijie (north)": "北街街道", "Huochezhan (station)": "火车站街道",
    "Xinjian (new town)": "新建片区",
    "Liangjiadun": "梁家墩镇", "Shangqin": "上秦镇", "Daman": "大满镇", "Shajing": "沙井镇",
    "Wujiang": "乌江镇", "Ganjun": "甘浚镇", "Xindun": "新墩镇", "Dangzhai": "党寨镇",
    "Jiantan": "碱滩镇", "Sanzha": "三闸镇", "Xiaoman": "小满镇", "Mingyong": "明永镇",
    "Chang'an": "长安镇", "Longqu": "龙渠乡", "Anyang": "安阳乡", "Huazhai": "花寨乡",
    "Jing'an": "靖安乡", "Pingshanhu": "平山湖蒙古族乡",
}

# Townships: (id, name, x, y, population, households). ASSUMPTION: schematic
# positions; populations rounded planning figures, not census counts.
townships = [
    (501, "Liangjiadun", 3000, 3200, 26000, 8600),
    (502, "Shangqin", 5200, -1500, 24000, 7900),
    (503, "Daman", -3500, -9000, 31000, 10200),
    (504, "Shajing", -9000, 9000, 35000, 11500),
    (505, "Wujiang", -14000, 13000, 21000, 6900),
    (506, "Ganjun", -16000, -3000, 27000, 8900),
    (507, "Xindun", -2600, 2800, 38000, 12500),
    (508, "Dangzhai", 6500, -7000, 33000, 10900),
    (509, "Jiantan", 8000, 6500, 22000, 7300),
    (510, "Sanzha", -5200, 5400, 20000, 6600),
    (511, "Xiaoman", -7000, -6000, 23000, 7600),
    (512, "Mingyong", -20000, 6000, 18000, 5900),
    (513, "Chang'an", 4000, -4200, 25000, 8200),
    (514, "Longqu", -11000, -14000, 14000, 4600),
    (515, "Anyang", 2000, -18000, 17000, 5600),
    (516, "Huazhai", 9000, -16000, 12000, 4000),
    (517, "Jing'an", 14000, 4000, 15000, 4900),
    (518, "Pingshanhu", 22000, 24000, 3000, 1000),
]
corridor_nodes = g312_w + g312_e + g30 + g227 + [350]
for tid, name, x, y, *_ in townships:
    node(tid, x, y)
    # Link to the nearest corridor node on the same river bank if possible,
    # through a midpoint node so the road has some shape.
    same_bank = [i for i in corridor_nodes if (nodes[i][0] - RIVER_X) * (x - RIVER_X) > 0]
    cands = same_bank or corridor_nodes
    j = min(cands, key=lambda i: math.hypot(nodes[i][0] - x, nodes[i][1] - y))
    mid = node(tid + 100, (x + nodes[j][0]) / 2 + 300, (y + nodes[j][1]) / 2 - 200)
    link = f"{ZH[name]}连接线 {name} link road"
    road(tid, mid, 60, 1, 900, "Secondary", name=link)
    road(mid, j, 60, 1, 900, "Secondary", name=link)
    # Also a county road to the nearest city edge node (gives alternatives).
    city_edge = [1 + r * 9 + c for r in range(9) for c in range(9) if r in (0, 8) or c in (0, 8)]
    k = min(city_edge, key=lambda i: math.hypot(nodes[i][0] - x, nodes[i][1] - y))
    if math.hypot(nodes[k][0] - x, nodes[k][1] - y) < 12000:
        road(tid, k, 40, 1, 600, "Tertiary")
# West-bank county road linking the western townships, with its own bridge.
road(506, 511, 50, 1, 800, "Tertiary")
road(511, 514, 50, 1, 800, "Tertiary")
road(504, 512, 50, 1, 800, "Tertiary")
road(512, 506, 50, 1, 800, "Tertiary")
road(504, 505, 50, 1, 800, "Tertiary")

# City districts (zones on the street grid). ASSUMPTION: rounded figures.
districts = [
    (1, "Dongjie (east)", 1 + 4 * 9 + 7, 62000, 21000),
    (2, "Xijie (west)", 1 + 4 * 9 + 1, 58000, 19500),
    (3, "Nanjie (south)", 1 + 1 * 9 + 4, 55000, 18500),
    (4, "Beijie (north)", 1 + 7 * 9 + 4, 52000, 17500),
    (5, "Huochezhan (station)", 1 + 7 * 9 + 7, 30000, 10000),
    (6, "Xinjian (new town)", 1 + 1 * 9 + 1, 36000, 12000),
]

# Facilities. ASSUMPTION: placements, fragility classes, capacities and battery
# hours are plausible values, not records.
F = []
def fac(i, name, kind, at, fragility=None, capacity=None, needs=(), battery_h=0.0):
    F.append((i, name, kind, at, fragility, capacity, list(needs), battery_h))

fac(1, "Zhangye 330 kV substation", "Substation", 361, "EP.S.H.A")
node(361, 7000, 2500); road(361, 235, 40, 1, 600, "Tertiary")
fac(2, "Ganzhou east 110 kV", "Substation", 1 + 5 * 9 + 8, "EP.S.M.A", needs=[1])
fac(3, "Ganzhou west 110 kV", "Substation", 1 + 3 * 9 + 0, "EP.S.M.U", needs=[1])
fac(4, "Shajing 110 kV", "Substation", 504, "EP.S.M.U", needs=[1])
fac(5, "Dangzhai 110 kV", "Substation", 508, "EP.S.M.U", needs=[1])
fac(6, "Ganjun 35 kV", "Substation", 506, "EP.S.L.U", needs=[3])
fac(10, "No. 1 water plant", "WaterPlant", 1 + 6 * 9 + 6, needs=[2])
fac(11, "Heihe well-field plant", "WaterPlant", 1 + 2 * 9 + 0, needs=[3])
fac(12, "Shajing water works", "WaterPlant", 504, needs=[4])
for k, (at, sub) in enumerate([(1 + 4 * 9 + 4, 2), (1 + 4 * 9 + 1, 3), (1 + 1 * 9 + 4, 3),
                               (1 + 7 * 9 + 4, 2), (504, 4), (508, 5), (506, 6), (503, 3),
                               (517, 2), (515, 5)]):
    fac(20 + k, f"Telecom site T{k + 1}", "TelecomSite", at, needs=[sub], battery_h=[4, 6, 8][k % 3])
fac(40, "Zhangye People's Hospital", "Hospital", 1 + 5 * 9 + 3, capacity=1200, needs=[2])
fac(41, "Ganzhou District Hospital", "Hospital", 1 + 3 * 9 + 5, capacity=600, needs=[3])
fac(42, "Dangzhai health centre", "Hospital", 508, capacity=80, needs=[5])
for k, (at, cap) in enumerate([(1 + 8 * 9 + 2, 6000), (1 + 0 * 9 + 6, 5000), (1 + 6 * 9 + 1, 4000),
                               (501, 2500), (513, 2500), (509, 2000)]):
    fac(50 + k, f"Shelter S{k + 1}", "Shelter", at, capacity=cap)
fac(60, "Ganzhou fire rescue station", "FireStation", 1 + 4 * 9 + 5)
fac(61, "Zhangye chemical industrial park", "ChemicalPlant", 362)
node(362, -10500, 10500); road(362, 504, 40, 1, 600, "Tertiary")

def supplier_for(x, y):
    subs = {2: (2400, 600), 3: (-2400, -600), 4: (-9000, 9000), 5: (6500, -7000), 6: (-16000, -3000)}
    water = {10: (1200, 1200), 11: (-2400, -1200), 12: (-9000, 9000)}
    tele = {20 + k: nodes[at][:2] for k, at in enumerate([1 + 4 * 9 + 4, 1 + 4 * 9 + 1, 1 + 1 * 9 + 4,
            1 + 7 * 9 + 4, 504, 508, 506, 503, 517, 515])}
    near = lambda d: min(d, key=lambda i: math.hypot(d[i][0] - x, d[i][1] - y))
    return near(subs), near(water), near(tele)

# Rasters: 400 m cells over the whole region (150 x 135 cells).
CELL = 400.0
XLL, YLL, NCOLS, NROWS = -30000.0, -28400.0, 150, 135


def fuel(x, y):
    """Fuel-model number (Anderson 1982, Scott & Burgan 2005 / non-burnable
    91-99) at (x, y)."""
    if abs(x - RIVER_X) < 300.0:
        return 98  # open water
    if y >= -12000.0:
        if abs(x) < 2700.0 and abs(y) < 2700.0:
            return 91  # urban
        return 93  # irrigated oasis farmland (agricultural, non-burnable)
    if y >= -15000.0:
        return 101  # desert-steppe short grass on the foothills: Scott & Burgan GR1,
        # "short, sparse, dry climate grass" (ASSUMPTION: not Anderson's
        # continuous model 1)
    if x < 4000.0:
        return 10  # Qilian spruce forest with litter and understory (west toward Sunan)
    return 6  # dormant brush on the drier south-eastern slopes toward Minle


def write_grid(name, value, fmt):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "regions", name)
    with open(path, "w") as f:
        f.write(f"ncols {NCOLS}\nnrows {NROWS}\nxllcorner {XLL}\nyllcorner {YLL}\n")
        f.write(f"cellsize {CELL}\nNODATA_value -9999\n")
        for r in range(NROWS):
            y = YLL + (NROWS - r - 0.5) * CELL
            f.write(" ".join(fmt(value(XLL + (c + 0.5) * CELL, y)) for c in range(NCOLS)) + "\n")


write_grid("ganzhou-dem.asc", terrain, lambda v: f"{v:.2f}")
write_grid("ganzhou-fuel.asc", fuel, str)

print("// Stock region: Ganzhou district, Zhangye (schematic). Generated by")
print("// scenarios/tools/gen_ganzhou.py — edit the script, not this file.")
print("// Local metric frame centred on the city (origin below). Populations,")
print("// facility placements, capacities, fragility classes and battery hours are")
print("// ASSUMPTIONS chosen to be plausible, not surveyed or census values.")
print("Region(")
print('    name: "Ganzhou district, Zhangye (schematic)",')
print("    origin: Some((lon: 100.455, lat: 38.933)),")
print("    nodes: [")
for i in sorted(nodes):
    x, y, z = nodes[i]
    print(f"        (id: {i}, x: {x}, y: {y}, z: {z}),")
print("    ],")
print("    // Two-way roads are pairs of directed edges with consecutive ids.")
print("    // Capacities per direction: ASSUMPTION from lane counts (~900 veh/h/lane rural).")
print("    // liquefaction: Hazus susceptibility of the ground under river-side links.")
print("    // ASSUMPTION, not a geological map: the Heihe's channel and flood-plain")
print("    // alluvium is very high within 400 m of the river, high to 1.5 km and")
print("    // moderate to 3 km (north of the foothills); no other link is marked.")
print("    edges: [")
for (eid, f, t, length, speed, lanes, cap, cls, main, bridge, liq, name) in edges:
    extra = ", main_road: true" if main else ""
    if name:
        extra += f', name: Some("{name}")'
    if bridge:
        extra += f', bridge: Some((fragility: "{bridge}"))'
    if liq:
        extra += f", liquefaction: Some({liq})"
    print(f"        (id: {eid}, from: {f}, to: {t}, length_m: {length}, speed_kmh: {speed}.0, "
          f"lanes: {lanes}, capacity_vph: {cap}.0, class: {cls}{extra}),")
print("    ],")
print("    zones: [")
zones = [(zid, name, at, pop, hh) for zid, name, at, pop, hh in districts]
zones += [(100 + k, name, tid, pop, hh) for k, (tid, name, x, y, pop, hh) in enumerate(townships)]
for zid, name, at, pop, hh in zones:
    x, y, _ = nodes[at]
    p, w, t = supplier_for(x, y)
    # ASSUMPTION: the remote Pingshanhu township has no piped water.
    water = "None" if name == "Pingshanhu" else f"Some({w})"
    print(f'        (id: {zid}, name: "{ZH[name]} {name}", population: {pop}, households: {hh}, node: {at}, '
          f"power: Some({p}), water: {water}, telecom: Some({t})),")
print("    ],")
print("    facilities: [")
# Facility names: Chinese first, the English kept beside it. The facilities
# are this schematic's own (ASSUMPTION), named as such sites are named locally:
# 变电站 substation, 水厂 water works, 通信基站 telecom site, 卫生院 township
# health centre, 应急避难场所 emergency shelter, 消防救援站 fire rescue station.
FAC_ZH = {
    "Zhangye 330 kV substation": "张掖330千伏变电站",
    "Ganzhou east 110 kV": "甘州东110千伏变电站", "Ganzhou west 110 kV": "甘州西110千伏变电站",
    "Shajing 110 kV": "沙井110千伏变电站", "Dangzhai 110 kV": "党寨110千伏变电站",
    "Ganjun 35 kV": "甘浚35千伏变电站",
    "No. 1 water plant": "第一水厂", "Heihe well-field plant": "黑河水源地水厂",
    "Shajing water works": "沙井水厂",
    "Zhangye People's Hospital": "张掖市人民医院", "Ganzhou District Hospital": "甘州区人民医院",
    "Dangzhai health centre": "党寨镇卫生院",
    "Ganzhou fire rescue station": "甘州区消防救援站",
    "Zhangye chemical industrial park": "张掖化工园区",
}


def fac_zh(name):
    if name.startswith("Telecom site "):
        return f"通信基站{name[len('Telecom site '):]} {name}"
    if name.startswith("Shelter "):
        return f"应急避难场所{name[len('Shelter '):]} {name}"
    return f"{FAC_ZH[name]} {name}"


for (i, name, kind, at, fragility, capacity, needs, battery) in F:
    name = fac_zh(name)
    extra = ""
    if fragility:
        extra += f', fragility: Some("{fragility}")'
    if capacity:
        extra += f", capacity: Some({capacity}.0)"
    if needs:
        extra += f", needs: {needs}"
    if battery:
        extra += f", battery_h: {battery}.0"
    print(f'        (id: {i}, name: "{name}", kind: {kind}, node: {at}{extra}),')
print("    ],")
print("    // Schematic terrain and fuel (ASSUMPTIONS, see the generator), 400 m cells.")
print('    rasters: (dem: Some("ganzhou-dem.asc"), fuel: Some("ganzhou-fuel.asc")),')
print("    // ASSUMPTION: groundwater 3 m deep over the oasis plain (no survey used).")
print("    ground: (groundwater_depth_m: 3.0),")
print(")")
