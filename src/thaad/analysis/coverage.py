"""Radar coverage: how far the radar sees an object of a given RCS at a given altitude, and
over whose territory.

The limits, each a ground range from the radar on the 4/3 Earth (``thaad.core.radar``):

- the radar equation: the **search** form for the mode's search pattern (the radar must find
  the object before it tracks it) gives ``detection_range_m`` (slant); its ground range at the
  object's altitude is the radar-equation limit. The track form (a cued dwell) is reported as
  ``track_range_m`` for comparison;
- the radio horizon (``horizon_range_m``);
- the minimum elevation (``elevation_range_m``: where the object sits at that elevation);
- the instrumented range.

``coverage_range_m`` is the smallest; the face's azimuth field of view (or the narrower
search sector) makes the covered region a sector out to that range. Areas are geodesic on
WGS-84 over the shipped Natural Earth boundaries (:mod:`thaad.model.geo`).

That first region ignores where the search pattern looks. Two regions follow the model's
own radar (the engagement's :class:`thaad.core.radar.Radar`, built by the scenario's
``battery.radar_core()``):

- **detection** (``detection_ground_range_m``, ``detection_area_by_country_km2``): where a
  new object is found by search. At each ground range the object's apparent elevation
  (:func:`thaad.core.radar.apparent_elevation_rad`) must lie in the searched band
  (:func:`thaad.core.radar.in_search_sector`, ``search_elevation_deg``), the object must be
  in view (:func:`thaad.core.radar.in_view`: horizon, instrumented range) and within the
  search-form detection range. Elevation falls with ground range, so the region is a ring
  sector ``[inner, outer]``; it is empty (None) when the band lies beyond the search range,
  as for a small object in the forward-based mode's low fence;
- **track** (``track_ground_range_m``, ``track_area_by_country_km2``): where an object
  already in track stays in track: the track form of the range equation (the cued dwell,
  ``track_range_m``), the field of view and the elevation limits (``in_view``).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from thaad.errors import ThaadInputError
from thaad.model.catalog import radar_mode

__all__ = ["CoverageResult", "coverage", "search_and_track_regions", "to_geojson"]

# the radar's latitude: beyond it the map's longitude span and the pole sector break down
MAX_LAT_DEG = 85.0


@dataclass
class CoverageResult:
    """What the radar sees of one object (SI units, angles in degrees)."""

    radar_lat_deg: float
    radar_lon_deg: float
    radar_alt_m: float
    mode: str
    boresight_az_deg: float
    half_fov_deg: float
    sector_half_az_deg: float
    min_elevation_deg: float
    rcs_m2: float
    target_alt_m: float
    tracks: int
    search_fraction: float
    search_frame_s: float
    search_solid_angle_sr: float
    search_dwell_s: float
    snr_threshold_db: float
    pd_at_threshold: float
    detection_range_m: float
    track_range_m: float
    radar_equation_ground_range_m: float | None
    horizon_range_m: float
    elevation_range_m: float | None
    instrumented_ground_range_m: float | None
    coverage_range_m: float
    limited_by: str
    coverage_area_km2: float
    area_by_country_km2: dict[str, float]
    countries: dict[str, dict[str, Any]]
    search_elevation_deg: list[float] = field(default_factory=list)
    detection_ground_range_m: list[float] | None = None
    track_ground_range_m: list[float] | None = None
    detection_area_km2: float = 0.0
    track_area_km2: float = 0.0
    detection_area_by_country_km2: dict[str, float] = field(default_factory=dict)
    track_area_by_country_km2: dict[str, float] = field(default_factory=dict)
    polygon: Any = field(default=None, repr=False)
    detection_polygon: Any = field(default=None, repr=False)
    track_polygon: Any = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("polygon", "detection_polygon", "track_polygon"):
            d.pop(k)
        return d


def _interval(pred, hi_m: float, step_m: float = 1000.0, tol_m: float = 1.0):
    """The ground ranges in ``[0, hi_m]`` where ``pred`` holds, as ``[inner, outer]`` (None
    when nowhere): sampled every ``step_m``, then each edge bisected to ``tol_m``. The
    predicates here hold on one interval (elevation and range are monotonic in ground
    range)."""
    import numpy as np

    g = np.linspace(0.0, hi_m, max(int(hi_m / step_m), 1) + 1)
    ok = np.array([pred(float(x)) for x in g])
    if not ok.any():
        return None
    i0 = int(np.argmax(ok))
    i1 = len(ok) - 1 - int(np.argmax(ok[::-1]))

    def edge(a: float, b: float) -> float:  # pred(a) != pred(b)
        pa = pred(a)
        while b - a > tol_m:
            m = 0.5 * (a + b)
            if pred(m) == pa:
                a = m
            else:
                b = m
        return b if not pa else a

    inner = float(g[0]) if i0 == 0 else edge(float(g[i0 - 1]), float(g[i0]))
    outer = float(g[-1]) if i1 == len(g) - 1 else edge(float(g[i1]), float(g[i1 + 1]))
    return [inner, outer] if outer > inner else None


def _slant_ranges(rd: Any, rcs_m2: float, tracks: int):
    """``(search fraction, track dwell, search range, track range)``: the time the ``tracks``
    leave to search and each form of the range equation at the threshold (slant, m)."""
    from thaad.core import radar as crd

    frac, dwell = crd.time_budget(rd, tracks)
    det = crd.search_range_m(rd, rcs_m2, frac)
    trk = (crd.snr_constant_dwell(rd, dwell) * rcs_m2 / 10.0 ** (rd.snr_detect_db / 10.0)) ** 0.25
    return frac, dwell, det, trk


def search_and_track_regions(rd: Any, target_alt_m: float, rcs_m2: float, tracks: int = 0):
    """Ground-range intervals ``(detection, track)`` of an object at ``target_alt_m`` along
    the boresight of the radar ``rd`` (a :class:`thaad.core.radar.Radar`).

    Detection: :func:`~thaad.core.radar.in_view` and
    :func:`~thaad.core.radar.in_search_sector` on the apparent elevation, within the search
    form's range (the time share ``tracks`` leave to search). Track: ``in_view`` within the
    track form's range (the dwell per track with ``tracks`` tracks). Each
    ``[inner, outer]`` in metres, or None.
    """
    from thaad.core import radar as crd
    from thaad.core.visibility import slant_range_m

    _, _, det, trk = _slant_ranges(rd, rcs_m2, tracks)
    az = rd.boresight_az_rad
    hr = rd.alt_m
    hi = crd.horizon_ground_range_m(hr, target_alt_m)

    def seen(g: float, rmax: float) -> tuple[bool, float]:
        slant = slant_range_m(hr, target_alt_m, g)
        el = crd.apparent_elevation_rad(hr, target_alt_m, g)
        return crd.in_view(rd, az, el, slant, target_alt_m, g) and slant <= rmax, el

    def found(g: float) -> bool:
        ok, el = seen(g, det)
        return ok and crd.in_search_sector(rd, az, el)

    return _interval(found, hi), _interval(lambda g: seen(g, trk)[0], hi)


def _nearest_land_m(lat_deg: float, lon_deg: float, geom: Any) -> float:
    """Geodesic distance from a point to the nearest point of a lon/lat geometry.

    In the azimuthal equidistant projection centred on the point the distance of every point
    from the centre is its geodesic distance, so the nearest point of the projected geometry
    is the nearest on the ellipsoid (to the resolution of the edges).
    """
    import numpy as np
    import shapely
    from pyproj import Transformer
    from shapely.geometry import Point

    tr = Transformer.from_crs(
        "EPSG:4326",
        f"+proj=aeqd +lat_0={lat_deg} +lon_0={lon_deg} +datum=WGS84 +units=m",
        always_xy=True,
    )

    def fwd(xy: np.ndarray) -> np.ndarray:
        x, y = tr.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return float(Point(0.0, 0.0).distance(shapely.transform(geom, fwd)))


def coverage(
    radar_lla: tuple[float, float, float],
    mode: str,
    rcs_m2: float,
    target_alt_km: float,
    boresight_az_deg: float | None = None,
    min_elevation_deg: float | None = None,
    tracks: int = 0,
    scenario: Any = None,
) -> CoverageResult:
    """Coverage of a radar at ``radar_lla`` (degrees, degrees, metres) for one object.

    The radar's hardware comes from ``scenario`` (the default Seongju one when None); ``mode``
    picks the search pattern; ``boresight_az_deg`` and ``min_elevation_deg`` default to the
    scenario's. ``tracks`` objects in track take their share of the radar's time first.
    """
    from thaad.core import radar as crd
    from thaad.model.geo import (
        annular_sector_polygon,
        area_by_country_km2,
        geodesic_area_km2,
        load_countries,
        sector_polygon,
    )
    from thaad.model.scenario import MIN_ELEVATION_SPAN_DEG, load_scenario

    lat, lon, alt = (float(v) for v in radar_lla)
    if not -MAX_LAT_DEG <= lat <= MAX_LAT_DEG:
        raise ThaadInputError(
            f"--radar: latitude {lat} is outside [-{MAX_LAT_DEG:g}, {MAX_LAT_DEG:g}] "
            "(coverage maps near the poles are not supported)"
        )
    if not -180.0 <= lon <= 180.0:
        raise ThaadInputError(f"--radar: longitude {lon} is outside [-180, 180]")
    if not -500.0 <= alt <= 10000.0:
        raise ThaadInputError(f"--radar: altitude {alt} m is outside [-500, 10000]")
    radar_mode(mode)
    if not 1e-6 <= rcs_m2 <= 1e4:
        raise ThaadInputError(f"--rcs: {rcs_m2:g} m2 is outside the allowed range [1e-06, 10000]")
    if not (0.0 <= target_alt_km <= 5000.0):
        raise ThaadInputError(f"--target-alt-km: {target_alt_km} is outside [0, 5000]")
    if not 0 <= tracks <= 10_000:
        raise ThaadInputError(f"--tracks: {tracks} is outside the allowed range [0, 10000]")
    sc = scenario if scenario is not None else load_scenario()
    spec = sc.battery.radar.model_copy()
    spec.mode = mode  # type: ignore[assignment]
    if boresight_az_deg is not None:
        if not math.isfinite(boresight_az_deg):
            raise ThaadInputError("--boresight-az-deg: not a number")
        spec.boresight_az_deg = boresight_az_deg % 360.0
    if min_elevation_deg is not None:
        if not -2.0 <= min_elevation_deg <= 85.0:
            raise ThaadInputError(f"--min-elevation-deg: {min_elevation_deg} is outside [-2, 85]")
        if min_elevation_deg > spec.max_elevation_deg - MIN_ELEVATION_SPAN_DEG:
            raise ThaadInputError(
                f"--min-elevation-deg: {min_elevation_deg} is not {MIN_ELEVATION_SPAN_DEG:g} deg "
                f"below the radar's maximum elevation {spec.max_elevation_deg:g}"
            )
        spec.min_elevation_deg = min_elevation_deg
    bat = sc.battery.model_copy()
    bat.site = bat.site.model_copy(update={"lat_deg": lat, "lon_deg": lon, "alt_m": alt})
    bat.radar = spec
    rd = bat.radar_core()

    h_t = target_alt_km * 1e3
    frac, _, det, trk = _slant_ranges(rd, rcs_m2, tracks)
    g_det = crd.ground_range_from_slant_m(alt, h_t, det)
    g_hor = crd.horizon_ground_range_m(alt, h_t)
    g_el = crd.ground_range_at_elevation_m(alt, h_t, rd.min_el_rad)
    g_max = crd.ground_range_from_slant_m(alt, h_t, rd.max_range_m)
    limits = {
        "radar equation": 0.0 if math.isnan(g_det) else g_det,
        "horizon": g_hor,
        "minimum elevation": 0.0 if math.isnan(g_el) else g_el,
        "instrumented range": 0.0 if math.isnan(g_max) else g_max,
    }
    limited_by = min(limits, key=lambda k: limits[k])
    cov = limits[limited_by]

    half = math.degrees(min(rd.half_fov_rad, rd.search_half_az_rad))
    if cov > 0.0:
        try:
            poly = sector_polygon(lat, lon, cov, spec.boresight_az_deg, half)
        except ValueError:
            raise ThaadInputError(
                f"--radar: the covered region ({cov / 1e3:.0f} km from {lat:g}, {lon:g}) "
                "takes in a pole; coverage maps near the poles are not supported"
            ) from None
        area = geodesic_area_km2(poly)
        by_country = area_by_country_km2(poly)
    else:
        from shapely.geometry import Polygon

        poly = Polygon()
        area = 0.0
        by_country = {}
    by_country = dict(sorted(by_country.items(), key=lambda kv: -kv[1]))
    names = {code: name for name, code, _ in load_countries()}
    geoms = {code: g for _, code, g in load_countries()}
    countries = {}
    for code, km2 in by_country.items():
        if code not in geoms:
            continue
        near = _nearest_land_m(lat, lon, geoms[code])
        countries[code] = {
            "name": names[code],
            "area_km2": km2,
            "nearest_land_m": near,
            "reach_beyond_nearest_land_m": max(cov - near, 0.0),
        }
    det_iv, trk_iv = search_and_track_regions(rd, h_t, rcs_m2, tracks)
    regions = {}
    for name, iv, hw in (("detection", det_iv, math.degrees(rd.search_half_az_rad)),
                         ("track", trk_iv, math.degrees(rd.half_fov_rad))):  # fmt: skip
        if iv is None:
            from shapely.geometry import Polygon

            regions[name] = (Polygon(), 0.0, {})
            continue
        pg = annular_sector_polygon(lat, lon, iv[0], iv[1], spec.boresight_az_deg, hw)
        bc = area_by_country_km2(pg)
        regions[name] = (pg, geodesic_area_km2(pg), dict(sorted(bc.items(), key=lambda kv: -kv[1])))
    el_lo = math.degrees(rd.min_el_rad)
    thr = rd.snr_detect_db
    return CoverageResult(
        radar_lat_deg=lat, radar_lon_deg=lon, radar_alt_m=alt, mode=mode,
        boresight_az_deg=spec.boresight_az_deg, half_fov_deg=spec.half_fov_deg,
        sector_half_az_deg=half, min_elevation_deg=spec.min_elevation_deg, rcs_m2=rcs_m2,
        target_alt_m=h_t, tracks=tracks, search_fraction=frac, search_frame_s=rd.search_frame_s,
        search_solid_angle_sr=crd.search_solid_angle_sr(rd.search_half_az_rad, rd.min_el_rad,
                                                        rd.search_el_span_rad),
        search_dwell_s=crd.search_dwell_s(rd, frac), snr_threshold_db=thr,
        pd_at_threshold=crd.pd_swerling(10.0 ** (thr / 10.0), rd.pfa, rd.swerling),
        detection_range_m=det, track_range_m=trk,
        radar_equation_ground_range_m=None if math.isnan(g_det) else g_det,
        horizon_range_m=g_hor, elevation_range_m=None if math.isnan(g_el) else g_el,
        instrumented_ground_range_m=None if math.isnan(g_max) else g_max,
        coverage_range_m=cov, limited_by=limited_by, coverage_area_km2=area,
        area_by_country_km2=by_country, countries=countries,
        search_elevation_deg=[el_lo, el_lo + math.degrees(rd.search_el_span_rad)],
        detection_ground_range_m=det_iv, track_ground_range_m=trk_iv,
        detection_area_km2=regions["detection"][1], track_area_km2=regions["track"][1],
        detection_area_by_country_km2=regions["detection"][2],
        track_area_by_country_km2=regions["track"][2], polygon=poly,
        detection_polygon=regions["detection"][0], track_polygon=regions["track"][0],
    )  # fmt: skip


def to_geojson(res: CoverageResult) -> dict[str, Any]:
    """A GeoJSON FeatureCollection: the covered region (with every figure), the radar, and the
    detection and track regions."""
    from shapely.geometry import mapping

    region = {
        "type": "Feature",
        "properties": {"kind": "coverage", **res.to_dict()},
        "geometry": mapping(res.polygon) if not res.polygon.is_empty else None,
    }
    site = {
        "type": "Feature",
        "properties": {"kind": "radar", "mode": res.mode},
        "geometry": {"type": "Point", "coordinates": [res.radar_lon_deg, res.radar_lat_deg]},
    }
    extra = []
    for kind, pg, iv, by in (
        ("detection", res.detection_polygon, res.detection_ground_range_m,
         res.detection_area_by_country_km2),
        ("track", res.track_polygon, res.track_ground_range_m, res.track_area_by_country_km2),
    ):  # fmt: skip
        if pg is None or pg.is_empty:
            continue  # an empty region has no feature
        extra.append({
            "type": "Feature",
            "properties": {"kind": kind, "ground_range_m": iv, "area_by_country_km2": by},
            "geometry": mapping(pg),
        })  # fmt: skip
    return {"type": "FeatureCollection", "features": [region, site, *extra]}
