"""Defended footprints: for every aim point around the battery, can it defend it, how well?

``kinematic`` decides from the fly-out tables and the radar's track timeline
(:mod:`thaad.core.footprint`); ``full`` flies Monte Carlo engagements for every cell.
Outputs in DIR: ``footprint.nc`` (``p_kill`` over latitude and longitude), a GeoJSON
contour at the kill-probability threshold, ``footprint.json`` (defended area, each named
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
from thaad.io import atomic_write_via, output_dir, write_json
from thaad.model.scenario import Scenario
from thaad.version import __version__

SUMMARY_FILE = "footprint.json"
"""The footprint's summary in its directory (its own name: ``thaad montecarlo`` may share
the directory and writes ``montecarlo.json``)."""
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
    """The threat's paths, on the scenario's shape, for a ladder of ranges from one launch
    point."""

    range_m: np.ndarray
    t_s: np.ndarray
    downrange_m: np.ndarray
    alt_m: np.ndarray
    burnout_s: np.ndarray


def trajectory_family(sc: Scenario, lat0_deg: float, lon0_deg: float, az_deg: float) -> Family:
    """Fly the scenario's threat, on the scenario's trajectory shape, to a ladder of ranges
    along ``az_deg`` (full model); ranges the shape cannot reach are left out."""
    from thaad.analysis.engagement import PULLUP_MISS_MAX_M
    from thaad.core.earth import destination
    from thaad.core.footprint import resample_path
    from thaad.core.threat import fly_threat, max_range_m
    from thaad.model.shapes import solve_full, solve_pullup

    env = sc.models.env()
    tc = sc.threat.definition()
    mis = tc.missile()
    th = sc.threat
    lat0, lon0, az = math.radians(lat0_deg), math.radians(lon0_deg), math.radians(az_deg)
    r_max, _ = max_range_m(mis, lat0, lon0, 0.0, az, env)
    ranges = np.linspace(0.2 * r_max, 0.99 * r_max, FAMILY_SIZE)
    rows = []
    for r in ranges:
        lat1, lon1 = destination(lat0, lon0, az, r / R_MEAN_M)
        mis_r = mis
        try:
            if th.shape == "pull-up":  # the glide's reach, not the ballistic one
                mis_r, aim, miss = solve_pullup(
                    tc, env, (lat0, lon0, 0.0), (lat1, lon1, 0.0), float(th.apogee_km), th.glide()
                )  # type: ignore[arg-type]
                if miss > PULLUP_MISS_MAX_M:
                    continue
            else:
                aim = solve_full(tc, env, (lat0, lon0, 0.0), (lat1, lon1, 0.0), th.shape,
                                 th.apogee_km, th.burnout_angle_deg)  # fmt: skip
        except (ThaadInputError, np.linalg.LinAlgError):  # out of reach, or singular
            continue
        ts, ys, tb = fly_threat(mis_r, aim, env, 1e-9, 2.0)[:3]
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
    dlat = math.degrees(extent_km * 1e3 / R_MEAN_M)
    dlon = dlat / math.cos(math.radians(lat_c))
    return (np.linspace(lat_c - dlat, lat_c + dlat, n),
            np.linspace(lon_c - dlon, lon_c + dlon, n))  # fmt: skip


def cell_areas_km2(lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Spherical area of each grid cell centred on (lat, lon), shape (n_lat, n_lon)."""
    dlat = math.radians(abs(lats[1] - lats[0])) if len(lats) > 1 else 0.0
    dlon = math.radians(abs(lons[1] - lons[0])) if len(lons) > 1 else 0.0
    r_km = R_MEAN_M / 1e3
    a = r_km**2 * dlon * np.cos(np.radians(lats)) * dlat
    return np.repeat(a[:, None], len(lons), axis=1)


def _kinematic(sc: Scenario, launch: tuple[float, float], lats: np.ndarray, lons: np.ndarray,
               fam: Family):  # fmt: skip
    from thaad.analysis.engagement import GRID_D_ALT_M, GRID_D_RHO_M, flyout_grid
    from thaad.core.footprint import footprint_grid
    from thaad.core.scene import looks_to_firm

    env = sc.models.env()
    rcs_b, rcs_rv = sc.threat_rcs()
    el_g, tof_g = flyout_grid(sc.interceptor_core(), env)
    lat_l, lon_l, _ = sc.battery.launcher_sites()[0]  # fire control plans from launcher 1
    n_firm = looks_to_firm(sc.sensing.core(sc).tracker)
    return footprint_grid(
        math.radians(launch[0]), math.radians(launch[1]), np.radians(lats), np.radians(lons),
        fam.range_m, fam.t_s, fam.downrange_m, fam.alt_m, fam.burnout_s,
        sc.battery.radar_core(), rcs_b, rcs_rv, env.earth, sc.fire_control_core(), el_g, tof_g,
        GRID_D_RHO_M, GRID_D_ALT_M, sc.lethality.sspk, lat_l, lon_l, n_firm,
        sc.doctrine.kill_assessment_accuracy,
    )  # fmt: skip


def _cell_scenario(sj: str, lat: float, lon: float) -> str:
    d = Scenario.model_validate_json(sj).model_dump(by_alias=True)
    d["threat"]["aim"].update({"lat_deg": float(lat), "lon_deg": float(lon), "name": "cell"})
    return Scenario.model_validate(d).model_dump_json(by_alias=True)


def _full_cell(sj: str, lat: float, lon: float, draws: int, seed: int) -> tuple[float, ...]:
    """Monte Carlo kill probability, mean shots and mean intercept altitude of one aim point
    (NaN when the aim point is out of reach). Draw ``i`` uses the Monte Carlo's stream ``i``."""
    from thaad.analysis.montecarlo import run_chunk

    try:
        res = run_chunk(_cell_scenario(sj, lat, lon), seed, 0, draws)
    except ThaadInputError:
        return math.nan, 0.0, math.nan
    alt = res["intercept_alt_m"]
    return (
        float(np.mean(res["intercepted"])),
        float(np.mean(res["interceptors_fired"])),
        (float(np.nanmean(alt)) if np.any(~np.isnan(alt)) else math.nan),
    )


def full_cells(sj: str, seed: int, draws: int, first: int, lats: tuple, lons: tuple):
    """One task of the full footprint: cells ``first .. first+len(lats)-1`` (row-major)."""
    rows = [_full_cell(sj, la, lo, draws, seed) for la, lo in zip(lats, lons, strict=True)]
    arr = np.array(rows, dtype=np.float64).reshape(len(rows), 3)
    return {
        "cell": np.arange(first, first + len(rows), dtype=np.int64),
        "p_kill": arr[:, 0],
        "shots": arr[:, 1],
        "first_intercept_alt_m": arr[:, 2],
    }


MANIFEST_FILE = "footprint-manifest.json"

TASK_DRAWS = 400
"""Draws per full-footprint task (cells are batched to about this many)."""


def cells_per_task(n_cells: int, draws: int) -> int:
    """Cells per task: about :data:`TASK_DRAWS` draws, and at least 16 tasks when the grid
    allows. It depends only on the grid and the draws, so a resumed run batches alike."""
    return int(max(1, min(math.ceil(TASK_DRAWS / draws), n_cells // 16)))


def _batch_path(out: Path, a: int, b: int) -> Path:
    return out / "cells" / f"cells-{a:08d}-{b:08d}.parquet"


def _write_batch(path: Path, data: dict[str, np.ndarray]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(exist_ok=True)
    table = pa.table(data)
    atomic_write_via(path, lambda tmp: pq.write_table(table, tmp))


def _batch_ok(path: Path, a: int, b: int) -> bool:
    """Whether a batch file is there, readable and holds exactly cells ``a..b-1`` (an empty
    or damaged one, say from a full disk, is flown again on resume)."""
    import pyarrow.parquet as pq

    if not path.is_file():
        return False
    try:
        cells = pq.read_table(path, columns=["cell"]).column("cell").to_numpy()
    except Exception:  # pyarrow raises several types for a damaged or empty file
        return False
    return len(cells) == b - a and bool(np.array_equal(cells, np.arange(a, b)))


def _full(sc: Scenario, launch, lats, lons, draws: int, workers: int, progress: bool,
          out: Path, client: Any = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Monte Carlo per cell, in batches of cells written atomically to ``out/cells``; batches
    already there (a killed run) are not flown again."""
    import sys

    import pyarrow.parquet as pq

    from thaad.analysis.montecarlo import run_tasks

    sj = _launch_json(sc, launch)
    lat_c = np.repeat(lats, len(lons))
    lon_c = np.tile(lons, len(lats))
    n = len(lat_c)
    per = cells_per_task(n, draws)
    spans = [(a, min(a + per, n)) for a in range(0, n, per)]
    todo = [(a, b) for a, b in spans if not _batch_ok(_batch_path(out, a, b), a, b)]
    tasks = [(sj, sc.seed, draws, a, tuple(lat_c[a:b]), tuple(lon_c[a:b])) for a, b in todo]
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(
            total=n,
            initial=n - sum(b - a for a, b in todo),
            unit="cell",
            file=sys.stderr,
            desc="footprint",
            dynamic_ncols=True,
            smoothing=0.1,
        )
    try:
        for k, data in run_tasks(tasks, workers, client, fn=full_cells):
            a, b = todo[k]
            _write_batch(_batch_path(out, a, b), data)
            if bar is not None:
                bar.update(b - a)
    finally:
        if bar is not None:
            bar.close()
    arr = np.full((n, 3), np.nan)
    for a, b in spans:
        t = pq.read_table(_batch_path(out, a, b))
        arr[a:b, 0] = t.column("p_kill").to_numpy()
        arr[a:b, 1] = t.column("shots").to_numpy()
        arr[a:b, 2] = t.column("first_intercept_alt_m").to_numpy()
    arr = arr.reshape(len(lats), len(lons), 3)
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


@dataclass
class FootprintResult:
    """A computed footprint: the grid, its arrays (shape (n_lat, n_lon)) and the summary."""

    lats: np.ndarray
    lons: np.ndarray
    p_kill: np.ndarray
    shots: np.ndarray
    first_intercept_alt_m: np.ndarray
    summary: dict[str, Any]


def check_args(sc: Scenario, grid: int, extent_km: float, mode: str, draws: int,
               threshold: float, workers: int) -> None:  # fmt: skip
    """Refuse, in one line naming the option, a footprint that cannot or should not be run."""
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


def compute_footprint(
    sc: Scenario, launch: tuple[float, float], grid: int = 100, extent_km: float = 400.0,
    mode: str = "kinematic", draws: int = 20, threshold: float = 0.5, workers: int = 0,
    progress: bool = True, out: str | Path | None = None, scheduler: str | None = None,
    manifest: dict[str, Any] | None = None,
) -> FootprintResult:  # fmt: skip
    """The computing part of :func:`run_footprint`: the arrays and the summary, nothing
    written (except, in ``full`` mode, the cell batches under ``out/cells``).

    The arguments are :func:`run_footprint`'s, which checks them (``manifest``, full mode:
    written to ``out`` before the cells are flown); the interactive explorer
    (:mod:`thaad.output.app`) calls this directly for kinematic footprints.
    """
    import os

    check_args(sc, grid, extent_km, mode, draws, threshold, workers)
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
        from thaad.analysis.montecarlo import connect

        if out is None:
            raise ThaadInputError("--out: the full footprint needs a directory for its cells")
        Path(out).mkdir(parents=True, exist_ok=True)
        if manifest is not None:
            write_json(Path(out) / MANIFEST_FILE, manifest)
        client = connect(scheduler) if scheduler else None
        try:
            pk, shots, alt = _full(sc, launch, lats, lons, draws, workers, progress, Path(out),
                                   client)  # fmt: skip
        finally:
            if client is not None:
                client.close()
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
            vals = [_full_cell(_launch_json(sc, launch), la, lo, draws, sc.seed)
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
    from thaad.analysis.engagement import lethality_text

    area = cell_areas_km2(lats, lons)
    defended = np.nan_to_num(pk, nan=0.0) >= threshold
    summary = {
        "scenario": sc.name, "scenario_sha256": sc.digest(), "version": __version__,
        "seed": sc.seed, "mode": mode, "launch_deg": list(launch),
        "threat": sc.threat.definition().name,
        "grid": grid, "extent_km": extent_km, "threshold": threshold,
        "defended_area_km2": float(area[defended].sum()),
        "threatened_area_km2": float(area[~np.isnan(pk)].sum()),
        "threat_range_m": [float(fam.range_m[0]), float(fam.range_m[-1])],
        "assets": assets,
        "family_s": t1 - t0, "grid_s": t2 - t1,
        "cells_per_s": grid * grid / max(t2 - t1, 1e-9),
        "draws_per_cell": draws if mode == "full" else None,
        "sspk": sc.lethality.sspk if mode == "kinematic" else None,
        "lethality": lethality_text(sc, kinematic=mode == "kinematic"),
        "doctrine": sc.doctrine.mode, "shots": sc.doctrine.shots,
        "battery": {"name": sc.battery.name, "lat_deg": site.lat_deg, "lon_deg": site.lon_deg},
    }  # fmt: skip
    return FootprintResult(lats, lons, pk, np.asarray(shots, dtype=np.float64), alt, summary)


def run_footprint(
    sc: Scenario, launch: tuple[float, float], out: str | Path, grid: int = 100,
    extent_km: float = 400.0, mode: str = "kinematic", draws: int = 20, threshold: float = 0.5,
    workers: int = 0, progress: bool = True, scheduler: str | None = None,
    resume: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """Compute, write and return a defended footprint (see the module docstring).

    Writes ``footprint.nc``, ``footprint.geojson`` and ``footprint.json`` into ``out``
    (created if its parent exists); the map is drawn by
    :func:`thaad.output.maps.plot_footprint`. In ``full`` mode the cells are flown in batches
    on ``workers`` local processes or on the Dask cluster at ``scheduler``; each finished
    batch is written atomically to ``DIR/cells``, ``DIR/footprint-manifest.json`` pins the
    definition, and ``resume`` continues a killed run. Results are identical for any worker
    count and backend (every cell's draw ``i`` uses the Monte Carlo's stream ``i``).
    """
    check_args(sc, grid, extent_km, mode, draws, threshold, workers)
    if mode != "full" and (scheduler is not None or resume):
        raise ThaadInputError("--scheduler and --resume apply to --mode full only")
    if scheduler is not None and not scheduler.strip():
        raise ThaadInputError("--scheduler: the address is empty")
    outp = output_dir(out)
    if mode == "full":
        manifest = {
            "kind": "thaad-footprint-full", "scenario_sha256": sc.digest(),
            "launch_deg": [float(launch[0]), float(launch[1])], "grid": int(grid),
            "extent_km": float(extent_km), "draws": int(draws),
            "cells_per_task": cells_per_task(grid * grid, draws), "version": __version__,
        }  # fmt: skip
        from thaad.analysis.montecarlo import check_study_dir

        check_study_dir(outp, MANIFEST_FILE, manifest, resume, "full footprint",
                        new_dir_only=False)  # fmt: skip
    res = compute_footprint(sc, launch, grid=grid, extent_km=extent_km, mode=mode, draws=draws,
                            threshold=threshold, workers=workers, progress=progress,
                            out=outp, scheduler=scheduler,
                            manifest=manifest if mode == "full" else None)  # fmt: skip
    _write_netcdf(outp / "footprint.nc", sc, launch, res.lats, res.lons, res.p_kill, res.shots,
                  res.first_intercept_alt_m, mode, threshold)  # fmt: skip
    write_json(outp / "footprint.geojson", contour_geojson(res.lats, res.lons, res.p_kill,
                                                           threshold))  # fmt: skip
    summary = res.summary
    write_json(outp / SUMMARY_FILE, summary)
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
    atomic_write_via(path, lambda tmp: ds.to_netcdf(tmp, engine="h5netcdf"))


LAYERED_MODE = "kinematic-layered"


def run_layered_footprint(
    sc: Scenario, launch: tuple[float, float], out: str | Path, grid: int = 100,
    extent_km: float = 400.0, threshold: float = 0.5,
) -> tuple[dict[str, Any], dict[str, Any]]:  # fmt: skip
    """The layered defence's kinematic footprint of a battle scenario
    (:func:`thaad.analysis.battle.layered_footprint`: every battery, combined by tiers),
    written like the single battery's: ``footprint.nc`` (``p_kill`` and ``p_kill_by_battery``
    over ``battery, latitude, longitude``), ``footprint.geojson`` (the ``threshold`` contour)
    and ``footprint.json`` (the summary: defended area, each asset's combined and per-battery
    P(kill)). Returns the summary and the maps (for the plot)."""
    import xarray as xr

    from thaad.analysis.battle import MODEL, layered_footprint

    check_args(sc, grid, extent_km, "kinematic", 1, threshold, 0)
    outp = output_dir(out)
    t0 = time.perf_counter()
    r = layered_footprint(sc, launch, grid=grid, extent_km=extent_km)
    wall = time.perf_counter() - t0
    lats, lons, pk = r["lats"], r["lons"], r["p_kill"]
    bats = sc.battery_list()
    names = [b.name for b in bats]
    area = cell_areas_km2(lats, lons)
    defended = np.nan_to_num(pk, nan=0.0) >= threshold
    assets = {}
    for name, a in r["assets"].items():
        p = a["p_kill"]
        assets[name] = {**a, "threatened": p is not None,
                        "defended": p is not None and p >= threshold}  # fmt: skip
    from thaad.analysis.engagement import lethality_text

    summary = {
        "scenario": sc.name, "scenario_sha256": sc.digest(), "version": __version__,
        "seed": sc.seed, "mode": LAYERED_MODE, "launch_deg": [float(v) for v in launch],
        "threat": r["threat"], "grid": grid, "extent_km": extent_km, "threshold": threshold,
        "defended_area_km2": float(area[defended].sum()),
        "threatened_area_km2": float(area[~np.isnan(pk)].sum()),
        "assets": assets,
        "batteries": [{"name": b.name, "tier": b.tier_name, "lat_deg": b.site.lat_deg,
                       "lon_deg": b.site.lon_deg,
                       "sspk": sc.lethality.sspk if b.sspk is None else b.sspk}
                      for b in bats],
        "kill_assessment_accuracy": sc.doctrine.kill_assessment_accuracy,
        "doctrine": sc.doctrine.mode, "shots": sc.doctrine.shots,
        "lethality": lethality_text(sc, kinematic=True) + "; each battery at its own sspk",
        "model": f"{MODEL}; the upper tier first, the lower tier against what its kill "
                 "assessment calls survivors; the first threat entry's class and shape",
        "cells_per_s": grid * grid * len(bats) / max(wall, 1e-9),
    }  # fmt: skip
    by_b = np.stack([r["by_battery"][n] for n in names])
    dims = ("latitude", "longitude")
    ds = xr.Dataset(
        {
            "p_kill": (dims, pk, {"long_name": "combined kill probability (layered)",
                                  "units": "1"}),
            "p_kill_by_battery": (("battery", *dims), by_b,
                                  {"long_name": "each battery's own kill probability",
                                   "units": "1"}),
        },
        coords={"latitude": ("latitude", lats, {"units": "degrees_north"}),
                "longitude": ("longitude", lons, {"units": "degrees_east"}),
                "battery": ("battery", np.array(names, dtype=object))},
        attrs={"title": f"thaad layered defended footprint ({MODEL})", "scenario": sc.name,
               "scenario_sha256": sc.digest(), "launch_lat_deg": float(launch[0]),
               "launch_lon_deg": float(launch[1]), "threshold": threshold,
               "thaad_version": __version__},
    )  # fmt: skip
    atomic_write_via(outp / "footprint.nc", lambda tmp: ds.to_netcdf(tmp, engine="h5netcdf"))
    write_json(outp / "footprint.geojson", contour_geojson(lats, lons, pk, threshold))
    write_json(outp / SUMMARY_FILE, summary)
    return summary, r
