#!/usr/bin/env python3
"""Writes the schematic regions of the two chlorine hindcasts:
scenarios/hindcasts/graniteville/region.ron (2005, South Carolina) and
scenarios/hindcasts/huaian/region.ron (2005, Jiangsu). Each spreads the people
the authorities evacuated evenly over zones on a square grid around the
release. What each assumes is written at the top of the file it writes."""

import math
import os


def region(spacing, radius_cells2, population, per_household, place, header, name, origin):
    """The RON text of one grid region."""
    reach = int(math.isqrt(radius_cells2))
    cells = sorted(
        (
            (i, j)
            for i in range(-reach, reach + 1)
            for j in range(-reach, reach + 1)
            if i * i + j * j <= radius_cells2
        ),
        key=lambda c: (-c[1], c[0]),
    )
    n = len(cells)
    share = population // n
    ids = {c: k + 1 for k, c in enumerate(cells)}
    out = [header(n, share), "Region(\n    name: \"%s\",\n    origin: Some((lon: %s, lat: %s)),\n    nodes: [\n" % (name, origin[0], origin[1])]
    for c in cells:
        out.append("        (id: %d, x: %.1f, y: %.1f),\n" % (ids[c], c[0] * spacing, c[1] * spacing))
    out.append("    ],\n    edges: [\n")
    eid = 1
    length = spacing * 1.25
    for c in cells:
        for d in [(1, 0), (0, 1)]:
            o = (c[0] + d[0], c[1] + d[1])
            if o in ids:
                for a, b in [(c, o), (o, c)]:
                    out.append(
                        "        (id: %d, from: %d, to: %d, length_m: %.1f, speed_kmh: 40.0, capacity_vph: 600.0),\n"
                        % (eid, ids[a], ids[b], length)
                    )
                    eid += 1
    out.append("    ],\n    zones: [\n")
    for c in cells:
        pop = share + (population - share * n if c == (0, 0) else 0)
        x, y = c[0] * spacing, c[1] * spacing
        where = place if c == (0, 0) else "%.1f km %s%s" % (
            math.hypot(x, y) / 1000.0,
            ("N" if y > 0 else "S" if y < 0 else ""),
            ("E" if x > 0 else "W" if x < 0 else ""),
        )
        out.append(
            '        (id: %d, name: "%s %s", population: %d, households: %d, node: %d),\n'
            % (ids[c], name_prefix[name], where, pop, round(pop / per_household), ids[c])
        )
    out.append("    ],\n    facilities: [],\n)\n")
    return "".join(out)


GRANITEVILLE = "Graniteville, SC (schematic hindcast region)"
HUAIAN = "淮安市淮阴区 Huaiyin district, Huai'an (schematic hindcast region)"
name_prefix = {GRANITEVILLE: "Graniteville", HUAIAN: "淮阴 Huaiyin"}


def graniteville_header(n, share):
    return """// Hindcast region: Graniteville, Aiken County, South Carolina (schematic),
// for the 6 January 2005 chlorine release (graniteville-2005.ron).
// Written by scenarios/tools/gen_chlorine_hindcasts.py.
//
// Local metric frame centred on the wreck at Avondale Mills (about
// 33.563 N, 81.808 W). Population: 5,400, the people within one mile
// (1.6 km) of the wreck whom the authorities evacuated (Boston Globe / AP,
// 7 Jan 2005; ENS, 10 Jan 2005).
//
// ASSUMPTIONS (no census blocks were used): the 5,400 are spread evenly
// over %d zones on a square grid of 800 m points within 1.8 km of the wreck
// (the one-mile circle and its edge), %d people each (the centre zone
// takes the remainder), so the casualty model sees each zone as a disc of
// 400 m radius (half the distance to its neighbours); %.1f people per
// household; roads join neighbouring points, 1 km long (800 m x 1.25 for
// streets), 40 km/h, 600 vehicles/h. The Avondale Mills night shift is
// not a zone of its own (how many worked that night was not found); the
// mill's neighbourhood is the centre zone. No facilities: the hindcast
// compares casualties only.
""" % (n, share, 2.5)


def huaian_header(n, share):
    return """// Hindcast region: the villages beside the Beijing-Shanghai (Jinghu)
// expressway in Huaiyin district, Huai'an, Jiangsu (schematic), for the
// 29 March 2005 chlorine tanker spill (huaian-2005.ron).
// Written by scenarios/tools/gen_chlorine_hindcasts.py.
//
// Local metric frame centred on the overturned tanker (origin approximate:
// the expressway west of Huai'an; the exact spot was not found).
// Population: 10,000, the villagers evacuated (China Daily, 31 Mar and
// 2 Apr 2005: "around 10,000", from 11 villages the fumes reached; the
// nearest village about 150 m from the spot).
//
// ASSUMPTIONS (no village data were used): the 10,000 are spread evenly
// over %d zones on a square grid of 1 km points within 3.2 km of the spill,
// %d people each (the centre zone takes the remainder), so the casualty
// model sees each zone as a disc of 500 m radius; 3.2 people per household
// (rural Jiangsu); roads join neighbouring points, 1.25 km long, 40 km/h,
// 600 vehicles/h. People on the expressway itself are not a zone. No
// facilities: the hindcast compares casualties only.
""" % (n, share)


here = os.path.dirname(__file__)
for sub, text in [
    ("graniteville", region(800.0, 5, 5400, 2.5, "wreck", graniteville_header, GRANITEVILLE, ("-81.808", "33.563"))),
    ("huaian", region(1000.0, 10, 10000, 3.2, "spill", huaian_header, HUAIAN, ("118.95", "33.62"))),
]:
    with open(os.path.join(here, "..", "hindcasts", sub, "region.ron"), "w") as f:
        f.write(text)
