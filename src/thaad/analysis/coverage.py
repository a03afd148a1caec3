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
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from thaad.errors import ThaadInputError
from thaad.model.catalog import radar_mode

__all__ = ["CoverageResult", "coverage", "to_geojson"]

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
    polygon: Any = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("polygon")
        return d


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
    frac, dwell = crd.time_budget(rd, tracks)
    det = crd.search_range_m(rd, rcs_m2, frac)
    trk = (crd.snr_constant_dwell(rd, dwell) * rcs_m2 / 10.0 ** (rd.snr_detect_db / 10.0)) ** 0.25
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
        area_by_country_km2=by_country, countries=countries, polygon=poly,
    )  # fmt: skip


def to_geojson(res: CoverageResult) -> dict[str, Any]:
    """A GeoJSON FeatureCollection: the covered region (with every figure) and the radar."""
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
    return {"type": "FeatureCollection", "features": [region, site]}
