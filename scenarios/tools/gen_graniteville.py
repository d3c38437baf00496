#!/usr/bin/env python3
"""Writes scenarios/hindcasts/graniteville/region.ron, the schematic region of
the Graniteville (2005) chlorine hindcast. What it assumes is written at the
top of the file it writes."""

import math
import os

SPACING = 800.0  # m between zone points
POPULATION = 5400  # within one mile of the wreck (evacuated)
PER_HOUSEHOLD = 2.5

cells = sorted(
    ((i, j) for i in range(-2, 3) for j in range(-2, 3) if i * i + j * j <= 5),
    key=lambda c: (-c[1], c[0]),
)
n = len(cells)
share = POPULATION // n
ids = {c: k + 1 for k, c in enumerate(cells)}

out = [
    """// Hindcast region: Graniteville, Aiken County, South Carolina (schematic),
// for the 6 January 2005 chlorine release (graniteville-2005.ron).
// Written by scenarios/tools/gen_graniteville.py.
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
Region(
    name: "Graniteville, SC (schematic hindcast region)",
    origin: Some((lon: -81.808, lat: 33.563)),
    nodes: [
""" % (n, share, PER_HOUSEHOLD)
]
for c in cells:
    out.append(
        "        (id: %d, x: %.1f, y: %.1f),\n" % (ids[c], c[0] * SPACING, c[1] * SPACING)
    )
out.append("    ],\n    edges: [\n")
eid = 1
for c in cells:
    for d in [(1, 0), (0, 1)]:
        o = (c[0] + d[0], c[1] + d[1])
        if o in ids:
            for a, b in [(c, o), (o, c)]:
                out.append(
                    "        (id: %d, from: %d, to: %d, length_m: 1000.0, speed_kmh: 40.0, capacity_vph: 600.0),\n"
                    % (eid, ids[a], ids[b])
                )
                eid += 1
out.append("    ],\n    zones: [\n")
for c in cells:
    pop = share + (POPULATION - share * n if c == (0, 0) else 0)
    x, y = c[0] * SPACING, c[1] * SPACING
    where = "wreck" if c == (0, 0) else "%.1f km %s%s" % (
        math.hypot(x, y) / 1000.0,
        ("N" if y > 0 else "S" if y < 0 else ""),
        ("E" if x > 0 else "W" if x < 0 else ""),
    )
    out.append(
        '        (id: %d, name: "Graniteville %s", population: %d, households: %d, node: %d),\n'
        % (ids[c], where, pop, round(pop / PER_HOUSEHOLD), ids[c])
    )
out.append("    ],\n    facilities: [],\n)\n")
path = os.path.join(os.path.dirname(__file__), "..", "hindcasts", "graniteville", "region.ron")
with open(path, "w") as f:
    f.write("".join(out))
