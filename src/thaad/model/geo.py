"""Geography for coverage and defended-area maps: shipped boundaries, geodesic areas, sectors.

Country polygons come from Natural Earth 1:50m Admin-0 countries (public domain), shipped in
``thaad/data/ne_50m_admin0_countries.geojson`` and read through :mod:`importlib.resources`;
nothing is downloaded at run time (provenance in ``thaad/data/README.md``). All geometries are
shapely objects in plain longitude/latitude degrees (x = lon east, y = lat north, WGS-84),
longitudes in [-180, 180].

Areas are geodesic areas on the WGS-84 ellipsoid (Karney's algorithm via
:meth:`pyproj.Geod.geometry_area_perimeter`); polygon edges are taken as geodesics, which for the
densely sampled shapes used here (coastlines, 360-point circles) differs from straight lon/lat
edges by far less than the data's own resolution (~0.0036 deg of longitude, ~0.0017 deg of
latitude, from the source's quantization).

It imports shapely and pyproj lazily, inside the
functions that need them, so importing :mod:`thaad.model.geo` costs nothing.

References
----------
- Natural Earth, "Admin 0 - Countries", 1:50m cultural vectors, v4.1.0 (public domain).
- Karney, C. F. F., "Algorithms for geodesics", J. Geodesy 87, 43-55 (2013).
"""

from __future__ import annotations

import functools
import itertools
import json
import math
from collections.abc import Sequence
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry
    from shapely.geometry.polygon import Polygon

__all__ = [
    "area_by_country_km2",
    "circle_polygon",
    "country_of",
    "geodesic_area_km2",
    "load_countries",
    "sector_polygon",
]

DATA_PACKAGE = "thaad.data"
COUNTRIES_FILE = "ne_50m_admin0_countries.geojson"

SEA_KEY = "sea"
"""Key of :func:`area_by_country_km2` for the part of a region over no country's land."""


# ----------------------------------------------------------------------------- data


@functools.cache
def _countries() -> tuple[tuple[str, str, BaseGeometry], ...]:
    from shapely.geometry import shape
    from shapely.validation import make_valid

    text = resources.files(DATA_PACKAGE).joinpath(COUNTRIES_FILE).read_text(encoding="utf-8")
    out = []
    for feat in json.loads(text)["features"]:
        props = feat["properties"]
        geom = shape(feat["geometry"])
        if not geom.is_valid:  # the shipped file is valid; stay safe if it is ever replaced
            geom = make_valid(geom)
        out.append((props["name"], props.get("iso_a3") or props["name"], geom))
    return tuple(out)


def load_countries() -> list[tuple[str, str, BaseGeometry]]:
    """All countries as ``(name, iso_a3, geometry)``, geometry a shapely (Multi)Polygon in lon/lat.

    ``iso_a3`` is the ISO 3166-1 alpha-3 code; the few units without one carry Natural Earth's
    ``ADM0_A3`` code (Kosovo ``KOS``, N. Cyprus ``CYN``, Somaliland ``SOL``, Siachen Glacier
    ``KAS``, Indian Ocean Ter. ``IOA``, Ashmore and Cartier Is. ``ATC``). Parsed once and cached.
    """
    return list(_countries())


@functools.cache
def _tree() -> Any:
    from shapely.strtree import STRtree

    return STRtree([g for _, _, g in _countries()])


@functools.cache
def _coast_and_borders() -> tuple[BaseGeometry, BaseGeometry]:
    """Coastlines and land borders, recovered from the shared topology of the country rings.

    The source is topological: a land border is the same chain of vertices in the two countries
    it separates, a coastline belongs to one country only. So a ring segment found twice is a
    border, once a coastline -- except the artificial edges along the antimeridian and the
    south pole that close polygons cut there, which are dropped.
    """
    from shapely import line_merge
    from shapely.geometry import MultiLineString

    counts: dict[tuple[tuple[float, float], tuple[float, float]], int] = {}
    for _, _, geom in _countries():
        for poly in _polygons(geom):
            for ring in (poly.exterior, *poly.interiors):
                for p, q in itertools.pairwise(ring.coords):
                    if p == q:
                        continue
                    key = (p, q) if p < q else (q, p)
                    counts[key] = counts.get(key, 0) + 1
    coast, border = [], []
    for (p, q), k in counts.items():
        if k >= 2:
            border.append((p, q))
        elif not (abs(p[0]) == 180.0 == abs(q[0]) or p[1] == -90.0 == q[1]):
            coast.append((p, q))
    return line_merge(MultiLineString(coast)), line_merge(MultiLineString(border))


# ----------------------------------------------------------------------------- helpers


def _polygons(geom: BaseGeometry) -> list[Polygon]:
    """The polygonal parts of any shapely geometry (other parts are dropped)."""
    if geom.is_empty:
        return []
    kind = geom.geom_type
    if kind == "Polygon":
        return [geom]
    if kind in ("MultiPolygon", "GeometryCollection"):
        return [p for part in geom.geoms for p in _polygons(part)]
    return []


def _wrap_lon(lon: float) -> float:
    return (lon + 180.0) % 360.0 - 180.0


def _normalize_lon(geom: BaseGeometry) -> BaseGeometry:
    """Fold a lon/lat geometry that strays outside [-180, 180] (e.g. a circle drawn across the
    antimeridian with continuous longitudes) back into that range, cutting it at +-180."""
    from shapely import affinity
    from shapely.geometry import box
    from shapely.ops import unary_union

    minx, _, maxx, _ = geom.bounds
    if minx >= -180.0 and maxx <= 180.0:
        return geom
    parts = []
    for k in range(math.floor((minx + 180.0) / 360.0), math.floor((maxx + 180.0) / 360.0) + 1):
        piece = geom.intersection(box(-180.0 + 360.0 * k, -90.0, 180.0 + 360.0 * k, 90.0))
        if not piece.is_empty:
            parts.append(affinity.translate(piece, -360.0 * k))
    return unary_union(parts)


@functools.cache
def _geod() -> Any:
    from pyproj import Geod

    return Geod(ellps="WGS84")


# ----------------------------------------------------------------------------- areas


def geodesic_area_km2(geom: BaseGeometry) -> float:
    """Area of a lon/lat (multi)polygon on the WGS-84 ellipsoid, km^2 (always >= 0).

    Each polygon is oriented (exterior counter-clockwise, holes clockwise) before it goes to
    :meth:`pyproj.Geod.geometry_area_perimeter`, which needs that to subtract holes; shapely's
    overlay results come in either orientation. Non-polygonal parts count zero.
    """
    from shapely.geometry.polygon import orient

    geod = _geod()
    total = 0.0
    for poly in _polygons(geom):
        area, _ = geod.geometry_area_perimeter(orient(poly, sign=1.0))
        total += area
    return abs(total) / 1e6


def area_by_country_km2(geom: BaseGeometry) -> dict[str, float]:
    """Split the area of a lon/lat region among the countries whose land it covers, km^2.

    Returns ``{iso_a3: km2}`` for every country with a non-zero share, plus ``"sea"`` for the
    part over no country's land (sea, or lakes the data leaves out), so that the values sum to
    ``geodesic_area_km2(geom)``. Invalid input is repaired with ``make_valid``; regions that
    stray past the antimeridian in continuous longitude are folded back first.
    """
    from shapely.ops import unary_union
    from shapely.validation import make_valid

    if not geom.is_valid:
        geom = make_valid(geom)
    geom = _normalize_lon(geom)
    countries = _countries()
    out: dict[str, float] = {}
    pieces = []
    for i in _tree().query(geom, predicate="intersects"):
        _, code, cgeom = countries[int(i)]
        piece = geom.intersection(cgeom)
        area = geodesic_area_km2(piece)
        if area > 0.0:
            out[code] = out.get(code, 0.0) + area
            pieces.append(piece)
    rest = geom.difference(unary_union(pieces)) if pieces else geom
    sea = geodesic_area_km2(rest)
    if sea > 0.0:
        out[SEA_KEY] = sea
    return out


def country_of(lat_deg: float, lon_deg: float) -> str | None:
    """ISO alpha-3 code of the country whose land contains the point, or ``None`` at sea."""
    from shapely.geometry import Point

    pt = Point(_wrap_lon(lon_deg), lat_deg)
    hits = sorted(int(i) for i in _tree().query(pt, predicate="intersects"))
    return _countries()[hits[0]][1] if hits else None


# ----------------------------------------------------------------------------- shapes


def _fwd(lat_deg: float, lon_deg: float, az_deg: Sequence[float], dist_m: Sequence[float]):
    """Geodesic direct problem for many azimuths/distances; longitudes kept continuous with the
    start point (they may leave [-180, 180] near the antimeridian)."""
    import numpy as np

    az = np.asarray(az_deg, dtype=float)
    dist = np.broadcast_to(np.asarray(dist_m, dtype=float), az.shape)
    lon, lat, _ = _geod().fwd(np.full(az.shape, lon_deg), np.full(az.shape, lat_deg), az, dist)
    lon = lon_deg + (np.asarray(lon) - lon_deg + 180.0) % 360.0 - 180.0
    return lon, np.asarray(lat)


def _pole_inside(lat_deg: float, lon_deg: float, radius_m: float) -> tuple[float, float] | None:
    """(pole latitude, azimuth to it) if a pole lies within ``radius_m`` of the point."""
    for pole, az in ((90.0, 0.0), (-90.0, 180.0)):
        _, _, dist = _geod().inv(lon_deg, lat_deg, lon_deg, pole)
        if dist < radius_m:
            return pole, az
    return None


def circle_polygon(lat_deg: float, lon_deg: float, radius_m: float, n: int = 360) -> Polygon:
    """Geodesic circle (all points at geodesic distance ``radius_m`` from the centre), lon/lat.

    ``n`` points equally spaced in azimuth. Longitudes are continuous around the centre, so a
    circle across the antimeridian reaches past +-180 (:func:`area_by_country_km2` folds it back).
    A circle that encloses a pole is closed through the pole.
    """
    import numpy as np
    from shapely.geometry import Polygon

    if radius_m <= 0.0 or n < 3:
        raise ValueError("circle_polygon needs radius_m > 0 and n >= 3")
    az = np.linspace(0.0, 360.0, n, endpoint=False)
    lon, lat = _fwd(lat_deg, lon_deg, az, radius_m)
    pole = _pole_inside(lat_deg, lon_deg, radius_m)
    if pole is None:
        return Polygon(np.column_stack([lon, lat]))
    # The ring winds once around the pole: unwrap it to a monotonic 360-degree sweep in
    # longitude and close it along the pole (a degenerate edge on the sphere).
    order = np.argsort(lon)
    ring = list(zip(lon[order].tolist(), lat[order].tolist(), strict=True))
    (lon0, lat0), lat_pole = ring[0], pole[0]
    ring += [(lon0 + 360.0, lat0), (lon0 + 360.0, lat_pole), (lon0, lat_pole)]
    return Polygon(ring)


def sector_polygon(
    lat_deg: float,
    lon_deg: float,
    radius_m: float,
    az_center_deg: float,
    half_width_deg: float,
    n: int = 181,
    n_radial: int = 32,
) -> Polygon:
    """Geodesic pie sector with its apex at the site: a radar face's field of view.

    Bounded by the geodesics from the site along azimuths ``az_center_deg -+ half_width_deg``
    (degrees clockwise from north) out to ``radius_m``, sampled at ``n_radial`` points each, and
    by the arc at ``radius_m`` between them (``n`` points). ``half_width_deg >= 180`` gives the
    full :func:`circle_polygon`. A sector that would contain a pole raises ``ValueError``.
    """
    import numpy as np
    from shapely.geometry import Polygon

    if half_width_deg >= 180.0:
        return circle_polygon(lat_deg, lon_deg, radius_m, n=max(n, 360))
    if radius_m <= 0.0 or half_width_deg <= 0.0 or n < 2 or n_radial < 2:
        raise ValueError("sector_polygon needs radius_m > 0, half_width_deg > 0, n >= 2")
    pole = _pole_inside(lat_deg, lon_deg, radius_m)
    if pole is not None:
        off = (pole[1] - az_center_deg + 180.0) % 360.0 - 180.0
        if abs(off) <= half_width_deg:
            raise ValueError("sector_polygon: the sector contains a pole")
    a0, a1 = az_center_deg - half_width_deg, az_center_deg + half_width_deg
    dist = np.linspace(0.0, radius_m, n_radial)[1:]
    out_lon, out_lat = _fwd(lat_deg, lon_deg, np.full(dist.shape, a0), dist)
    arc_lon, arc_lat = _fwd(lat_deg, lon_deg, np.linspace(a0, a1, n)[1:-1], radius_m)
    back_lon, back_lat = _fwd(lat_deg, lon_deg, np.full(dist.shape, a1), dist[::-1])
    lon = np.concatenate([[lon_deg], out_lon, arc_lon, back_lon])
    lat = np.concatenate([[lat_deg], out_lat, arc_lat, back_lat])
    return Polygon(np.column_stack([lon, lat]))


def annular_sector_polygon(
    lat_deg: float,
    lon_deg: float,
    inner_m: float,
    outer_m: float,
    az_center_deg: float,
    half_width_deg: float,
    n: int = 181,
    n_radial: int = 32,
) -> Polygon:
    """Geodesic ring sector: the points of a :func:`sector_polygon` between ground ranges
    ``inner_m`` and ``outer_m`` (an inner radius of 0 gives the pie sector itself).

    Bounded by the arc at ``outer_m``, the geodesic along ``az_center_deg + half_width_deg``
    back to ``inner_m``, the arc at ``inner_m`` and the geodesic out again. A search band
    that starts above the horizontal leaves such a ring (``thaad coverage``).
    """
    import numpy as np
    from shapely.geometry import Polygon

    if inner_m <= 0.0:
        return sector_polygon(lat_deg, lon_deg, outer_m, az_center_deg, half_width_deg, n,
                              n_radial)  # fmt: skip
    if not outer_m > inner_m or half_width_deg <= 0.0 or n < 2 or n_radial < 2:
        raise ValueError("annular_sector_polygon needs 0 <= inner_m < outer_m, half_width > 0")
    if half_width_deg >= 180.0:
        return circle_polygon(lat_deg, lon_deg, outer_m, n=max(n, 360)).difference(
            circle_polygon(lat_deg, lon_deg, inner_m, n=max(n, 360))
        )
    pole = _pole_inside(lat_deg, lon_deg, outer_m)
    if pole is not None:
        off = (pole[1] - az_center_deg + 180.0) % 360.0 - 180.0
        if abs(off) <= half_width_deg:
            raise ValueError("annular_sector_polygon: the sector contains a pole")
    a0, a1 = az_center_deg - half_width_deg, az_center_deg + half_width_deg
    arc = np.linspace(a0, a1, n)
    dist = np.linspace(inner_m, outer_m, n_radial)[1:-1]
    o_lon, o_lat = _fwd(lat_deg, lon_deg, arc, outer_m)
    d_lon, d_lat = _fwd(lat_deg, lon_deg, np.full(dist.shape, a1), dist[::-1])
    i_lon, i_lat = _fwd(lat_deg, lon_deg, arc[::-1], inner_m)
    u_lon, u_lat = _fwd(lat_deg, lon_deg, np.full(dist.shape, a0), dist)
    lon = np.concatenate([o_lon, d_lon, i_lon, u_lon])
    lat = np.concatenate([o_lat, d_lat, i_lat, u_lat])
    return Polygon(np.column_stack([lon, lat]))
