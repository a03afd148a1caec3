"""Defended footprints: for every aim point around the battery, can it defend it, how well?

``kinematic`` decides from the fly-out tables and the radar's track timeline
(:mod:`thaad.core.footprint`); ``full`` flies Monte Carlo engagements for every cell.
Outputs in DIR: ``footprint.nc`` (``p_kill`` over latitude and longitude), a GeoJSON
contour at the kill-probability threshold, ``summary.json`` (defended area, each named
asset's kill probability) and a map.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from thaad.core.constants import R_MEAN_M
from thaad.errors import ThaadInputError
from thaad.io import write_json
from thaad.model.scenario import Scenario
from thaad.version import __version__

FAMILY_SIZE = 48
# input bounds: the grid, the full mode's work, and the latitudes a lat-lon grid can cover
MAX_GRID = 1000
MAX_EXTENT_KM = 5000.0
MAX_DRAWS = 100_000
MAX_FULL_ENGAGEMENTS = 10_000_000
MAX_WORKERS = 1024
MAX_GRID_LAT_DEG = 85.0
KM_PER_DEG = R_MEAN_M * math.pi / 180.0 / 1e3  # of latitude, on the mean sphere
FAMILY_SAMPLES = 240


@dataclass
class Family:
    """Minimum-energy paths for a ladder of ranges from one launch point."""

    range_m: np.ndarray
    t_s: np.ndarray
    downrange_m: np.ndarray
    alt_m: np.ndarray
    burnout_s: np.ndarray


def trajectory_family(sc: Scenario, lat0_deg: float, lon0_deg: float, az_deg: float) -> Family:
    """Fly the scenario's threat to a ladder of ranges along ``az_deg`` (full model)."""
    from thaad.core.earth import destination
    from thaad.core.footprint import resample_path
    from thaad.core.threat import SHAPE_MIN_ENERGY, TARGET_OK, fly_threat, max_range_m, solve_aim
    from thaad.model.catalog import threat_class

    env = sc.models.env()
    mis = threat_class(sc.threat.threat_class).missile()
    lat0, lon0, az = math.radians(lat0_deg), math.radians(lon0_deg), math.radians(az_deg)
    r_max, _ = max_range_m(mis, lat0, lon0, 0.0, az, env)
    ranges = np.linspace(0.2 * r_max, 0.99 * r_max, FAMILY_SIZE)
    rows = []
    for r in ranges:
        lat1, lon1 = destination(lat0, lon0, az, r / 6371e3)
        try:
            aim, status, _ = solve_aim(mis, lat0, lon0, 0.0, lat1, lon1, 0.0, env,
                                       SHAPE_MIN_ENERGY, 0.0, 50.0)  # fmt: skip
        except np.linalg.LinAlgError:  # singular Jacobian: leave this range out
            continue
        if status != TARGET_OK:
            continue
        ts, ys, tb = fly_threat(mis, aim, env, 1e-9, 2.0)[:3]
        t, s, h = resample_path(ts, ys, lat0, lon0, env.earth, FAMILY_SAMPLES)
        rows.append((s[-1], t, s, h, tb))
    if len(rows) < 2:
        raise ThaadInputError("--launch: the threat cannot be aimed from this launch point")
    rows.sort(key=lambda x: x[0])
    return Family(
        range_m=np.array([r[0] for r in rows]),
        t_s=np.array([r[1] for r in rows]),
        downrange_m=np.array([r[2] for r in rows]),
        alt_m=np.array([r[3] for r in rows]),
        burnout_s=np.array([r[4] for r in rows]),
    )


def _grid(sc: Scenario, n: int, extent_km: float) -> tuple[np.ndarray, np.ndarray]:
    lat_c, lon_c = sc.battery.site.lat_deg, sc.battery.site.lon_deg
    dlat = extent_km / KM_PER_DEG
    dlon = extent_km / (KM_PER_DEG * math.cos(math.radians(lat_c)))
    return (np.linspace(lat_c - dlat, lat_c + dlat, n),
            np.linspace(lon_c - dlon, lon_c + dlon, n))  # fmt: skip


def cell_areas_km2(lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Spherical area of each grid cell centred on (lat, lon), shape (n_lat, n_lon)."""
    dlat = math.radians(abs(lats[1] - lats[0])) if len(lats) > 1 else 0.0
    dlon = math.radians(abs(lons[1] - lons[0])) if len(lons) > 1 else 0.0
    r_km = 6371.0
    a = r_km**2 * dlon * np.cos(np.radians(lats)) * dlat
    return np.repeat(a[:, None], len(lons), axis=1)


def _kinematic(sc: Scenario, launch: tuple[float, float], lats: np.ndarray, lons: np.ndarray,
               fam: Family):  # fmt: skip
    from thaad.analysis.engagement import GRID_D_ALT_M, GRID_D_RHO_M, flyout_grid
    from thaad.core.footprint import footprint_grid

    env = sc.models.env()
    rcs_b, rcs_rv = sc.threat_rcs()
    el_g, tof_g = flyout_grid(sc.interceptor_core(), env)
    return footprint_grid(
        math.radians(launch[0]), math.radians(launch[1]), np.radians(lats), np.radians(lons),
        fam.range_m, fam.t_s, fam.downrange_m, fam.alt_m, fam.burnout_s,
        sc.battery.radar_core(), rcs_b, rcs_rv, env.earth, sc.fire_control_core(), el_g, tof_g,
        GRID_D_RHO_M, GRID_D_ALT_M, sc.lethality.sspk,
    )  # fmt: skip


def _full_cell(args: tuple[str, float, float, int, int]) -> tuple[float, float, float]:
    """Monte Carlo kill probability of one aim point (NaN when out of reach)."""
    from thaad.analysis.montecarlo import run_chunk

    sj, lat, lon, draws, seed = args
    sc = Scenario.model_validate_json(sj)
    d = sc.model_dump(by_alias=True)
    d["threat"]["aim"].update({"lat_deg": float(lat), "lon_deg": float(lon), "name": "cell"})
    cell = Scenario.model_validate(d)
    try:
        res = run_chunk(cell.model_dump_json(by_alias=True), seed, 0, draws)
    except ThaadInputError:
        return math.nan, 0.0, math.nan
    pk = float(np.mean(res["intercepted"]))
    alt = res["intercept_alt_m"]
    return (
        pk,
        float(np.mean(res["interceptors_fired"])),
        (float(np.nanmean(alt)) if np.any(~np.isnan(alt)) else math.nan),
    )


def _full(sc: Scenario, launch, lats, lons, draws: int, workers: int, progress: bool):
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    d = sc.model_dump(by_alias=True)
    d["threat"]["launch"].update({"lat_deg": launch[0], "lon_deg": launch[1]})
    sj = Scenario.model_validate(d).model_dump_json(by_alias=True)
    cells = [(sj, la, lo, draws, sc.seed) for la in lats for lo in lons]
    bar = None
    if progress:
        import sys

        from tqdm import tqdm

        bar = tqdm(total=len(cells), unit="cell", file=sys.stderr, desc="footprint")
    out = []
    if workers <= 1:
        for c in cells:
            out.append(_full_cell(c))
            if bar is not None:
                bar.update(1)
    else:
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn")) as ex:
            for r in ex.map(_full_cell, cells, chunksize=max(1, len(cells) // (8 * workers))):
                out.append(r)
                if bar is not None:
                    bar.update(1)
    if bar is not None:
        bar.close()
    arr = np.array(out).reshape(len(lats), len(lons), 3)
    return arr[..., 0], arr[..., 1], arr[..., 2]


def contour_geojson(lats, lons, pk, threshold: float) -> dict[str, Any]:
    """GeoJSON MultiPolygon of the region where ``p_kill >= threshold``."""
    import contourpy
    from matplotlib.path import Path as MplPath

    z = np.where(np.isnan(pk), -1.0, pk)
    gen = contourpy.contour_generator(lons, lats, z, fill_type="OuterCode")
    polys = []
    for pts, codes in zip(*gen.filled(threshold, 2.0), strict=True):
        rings = MplPath(pts, codes).to_polygons(closed_only=True)
        if rings:
            polys.append([[[float(x), float(y)] for x, y in ring] for ring in rings])
    return {
        "type": "FeatureCollection",
        "features": [{
            "type": "Feature",
            "properties": {"p_kill_min": threshold},
            "geometry": {"type": "MultiPolygon", "coordinates": polys},
        }],
    }  # fmt: skip


def run_footprint(
    sc: Scenario, launch: tuple[float, float], out: str | Path, grid: int = 100,
    extent_km: float = 400.0, mode: str = "kinematic", draws: int = 20, threshold: float = 0.5,
    workers: int = 0, progress: bool = True,
) -> dict[str, Any]:  # fmt: skip
    """Compute, write and return a defended footprint (see the module docstring).

    Writes ``footprint.nc``, ``footprint.geojson`` and ``summary.json``; the map is drawn by
    :func:`thaad.output.maps.plot_footprint`.
    """
    import os

    if not 2 <= grid <= MAX_GRID:
        raise ThaadInputError(f"--grid: {grid} is outside the allowed range [2, {MAX_GRID}]")
    if not 0.0 < extent_km <= MAX_EXTENT_KM:
        raise ThaadInputError(
            f"--extent-km: {extent_km:g} is outside the allowed range (0, {MAX_EXTENT_KM:g}]"
        )
    if not 1 <= draws <= MAX_DRAWS:
        raise ThaadInputError(f"--draws: {draws} is outside the allowed range [1, {MAX_DRAWS}]")
    if mode == "full" and grid * grid * draws > MAX_FULL_ENGAGEMENTS:
        raise ThaadInputError(
            f"--draws: {grid}x{grid} cells of {draws} draws is {grid * grid * draws:,} "
            f"engagements (full mode allows {MAX_FULL_ENGAGEMENTS:,}; use a smaller grid)"
        )
    if not 0 <= workers <= MAX_WORKERS:
        raise ThaadInputError(
            f"--workers: {workers} is outside the allowed range [0, {MAX_WORKERS}]"
        )
    lat_c = sc.battery.site.lat_deg
    reach = abs(lat_c) + extent_km / KM_PER_DEG
    if reach > MAX_GRID_LAT_DEG:
        raise ThaadInputError(
            f"--extent-km: a {extent_km:g} km grid around the battery at {lat_c:g} deg latitude "
            f"reaches {reach:.1f} deg; footprint grids stop at {MAX_GRID_LAT_DEG:g} deg "
            "(the longitude spacing collapses near the poles)"
        )
    if not 0.0 < threshold <= 1.0:
        raise ThaadInputError(f"--threshold: must be in (0, 1] (got {threshold})")
    if mode not in ("kinematic", "full"):
        raise ThaadInputError(f"--mode: '{mode}' is not one of kinematic, full")
    from thaad.core.earth import great_circle

    lats, lons = _grid(sc, grid, extent_km)
    site = sc.battery.site
    d = math.radians
    az = math.degrees(great_circle(d(launch[0]), d(launch[1]), d(site.lat_deg), d(site.lon_deg))[1])
    t0 = time.perf_counter()
    fam = trajectory_family(sc, launch[0], launch[1], az)
    t1 = time.perf_counter()
    workers = workers if workers > 0 else (os.cpu_count() or 1)
    if mode == "kinematic":
        pk, shots, alt = _kinematic(sc, launch, lats, lons, fam)
    else:
        pk, shots, alt = _full(sc, launch, lats, lons, draws, workers, progress)
    t2 = time.perf_counter()
    # named assets, evaluated at their exact positions
    assets = {}
    if sc.assets:
        a_lat = np.array([a.lat_deg for a in sc.assets])
        a_lon = np.array([a.lon_deg for a in sc.assets])
        if mode == "kinematic":
            apk = np.array([_kinematic(sc, launch, a_lat[i : i + 1], a_lon[i : i + 1], fam)
                            for i in range(len(a_lat))], dtype=object)  # fmt: skip
            vals = [(float(r[0][0, 0]), float(r[1][0, 0]), float(r[2][0, 0])) for r in apk]
        else:
            vals = [_full_cell((_launch_json(sc, launch), la, lo, draws, sc.seed))
                    for la, lo in zip(a_lat, a_lon, strict=True)]  # fmt: skip
        for a, (p, s, h) in zip(sc.assets, vals, strict=True):
            psi = great_circle(d(launch[0]), d(launch[1]), d(a.lat_deg), d(a.lon_deg))[0]
            assets[a.name] = {
                "lat_deg": a.lat_deg, "lon_deg": a.lon_deg,
                "p_kill": None if math.isnan(p) else p,
                "threatened": not math.isnan(p),
                "range_from_launch_m": psi * R_MEAN_M,
                # why an aim point has no P(kill): nearer than the family's shortest shot
                # ("too close") or beyond its longest ("too far"); None when it is reached
                "unreached": None if not math.isnan(p) else _why_unreached(psi * R_MEAN_M, fam),
                "shots": s, "first_intercept_alt_m": None if math.isnan(h) else h,
                "defended": (not math.isnan(p)) and p >= threshold,
            }  # fmt: skip
    area = cell_areas_km2(lats, lons)
    defended = np.nan_to_num(pk, nan=0.0) >= threshold
    outp = Path(out)
    outp.mkdir(parents=True, exist_ok=True)
    _write_netcdf(outp / "footprint.nc", sc, launch, lats, lons, pk, shots, alt, mode, threshold)
    write_json(outp / "footprint.geojson", contour_geojson(lats, lons, pk, threshold))
    summary = {
        "scenario": sc.name, "scenario_sha256": sc.digest(), "version": __version__,
        "seed": sc.seed, "mode": mode, "launch_deg": list(launch), "threat": sc.threat.threat_class,
        "grid": grid, "extent_km": extent_km, "threshold": threshold,
        "defended_area_km2": float(area[defended].sum()),
        "threatened_area_km2": float(area[~np.isnan(pk)].sum()),
        "threat_range_m": [float(fam.range_m[0]), float(fam.range_m[-1])],
        "assets": assets,
        "family_s": t1 - t0, "grid_s": t2 - t1,
        "cells_per_s": grid * grid / max(t2 - t1, 1e-9),
        "draws_per_cell": draws if mode == "full" else None,
        "sspk": sc.lethality.sspk if mode == "kinematic" else None,
        "doctrine": sc.doctrine.mode, "shots": sc.doctrine.shots,
    }  # fmt: skip
    write_json(outp / "summary.json", summary)
    return summary


def _why_unreached(range_m: float, fam: Family) -> str:
    """``"too close"``, ``"too far"`` or ``"not engageable"`` for an aim point with no P(kill)."""
    if range_m < fam.range_m[0]:
        return "too close"
    if range_m > fam.range_m[-1]:
        return "too far"
    return "not engageable"


def _launch_json(sc: Scenario, launch) -> str:
    d = sc.model_dump(by_alias=True)
    d["threat"]["launch"].update({"lat_deg": launch[0], "lon_deg": launch[1]})
    return Scenario.model_validate(d).model_dump_json(by_alias=True)


def _write_netcdf(path: Path, sc, launch, lats, lons, pk, shots, alt, mode, threshold) -> None:
    import os

    import xarray as xr

    ds = xr.Dataset(
        {
            "p_kill": (("latitude", "longitude"), pk, {"long_name": "kill probability",
                                                        "units": "1"}),
            "shots": (("latitude", "longitude"), np.asarray(shots, dtype=np.float64),
                      {"long_name": "feasible interceptor shots"}),
            "first_intercept_alt_m": (("latitude", "longitude"), alt, {"units": "m"}),
        },
        coords={"latitude": ("latitude", lats, {"units": "degrees_north"}),
                "longitude": ("longitude", lons, {"units": "degrees_east"})},
        attrs={"title": f"thaad defended footprint ({mode})", "scenario": sc.name,
               "scenario_sha256": sc.digest(), "launch_lat_deg": launch[0],
               "launch_lon_deg": launch[1], "threshold": threshold,
               "thaad_version": __version__},
    )  # fmt: skip
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        ds.to_netcdf(tmp, engine="h5netcdf")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
