"""Parameter sweeps: Monte Carlo kill probability over a grid of scenario values.

A sweep varies scenario keys (``--vary KEY=SPEC``) over a full grid, or a zipped list with
``zip=True``, and runs the same Monte Carlo at every point. Every point uses the per-draw
streams of :func:`thaad.analysis.montecarlo.draw_rng` with the sweep's seed, so draw ``i`` of
every point sees the same random numbers (common random numbers): differences between points
are the model's, not the noise's.

The chunks are the Monte Carlo's: ``DIR/points/pNNNNN/draws/chunk-*.parquet``, each written
atomically, so a killed sweep resumes where it stopped (``resume=True``). ``DIR/sweep.json``
pins the definition (base scenario, varied keys and values, draws, seed, chunk); a different
definition in the same directory is refused.

Outputs: ``DIR/sweep.nc`` (an xarray Dataset with one dimension per varied key, or one
``point`` dimension for a zipped sweep), ``DIR/points.parquet`` (the same as a flat table) and
``DIR/sweep-summary.json``.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from thaad.analysis.montecarlo import (
    _chunk_ok,
    _chunk_path,
    _chunks,
    _write_chunk,
    check_study_dir,
    connect,
    run_tasks,
    summarize,
)
from thaad.errors import ThaadInputError
from thaad.io import atomic_write_via, output_dir, write_json
from thaad.model.scenario import Scenario, load_scenario, parse_override
from thaad.version import __version__

__all__ = ["MAX_POINTS", "Axis", "parse_spec", "run_sweep"]

MAX_POINTS = 200
"""A sweep of more points than this needs ``yes=True`` (``--yes``)."""

MANIFEST_FILE = "sweep.json"
SUMMARY_FILE = "sweep-summary.json"
"""The sweep's summary (its own name, as ``montecarlo.json`` and ``footprint.json``)."""

POINT_VARIABLES = (
    "p_kill",
    "p_kill_lo",
    "p_kill_hi",
    "mean_interceptors_fired",
    "intercept_alt_m_mean",
    "intercept_alt_m_p50",
    "miss_distance_m_p50",
    "draws",
)


@dataclass(frozen=True)
class Axis:
    """One varied key and its values (as the YAML scalars ``--set`` would take)."""

    key: str
    values: tuple[Any, ...]


def parse_spec(text: str) -> Axis:
    """``KEY=SPEC``: a list ``a,b,c``, a range ``start:stop:count`` or ``log:start:stop:count``.

    Ranges include both ends (``numpy.linspace`` and ``numpy.geomspace``).
    """
    if "=" not in text:
        raise ThaadInputError(f"--vary {text}: expected KEY=SPEC")
    key, spec = (s.strip() for s in text.split("=", 1))
    if not key:
        raise ThaadInputError(f"--vary {text}: the key is empty")
    parts = spec.split(":")
    if len(parts) in (3, 4) and (len(parts) == 3 or parts[0] == "log"):
        log = len(parts) == 4
        a, b, n = parts[1:] if log else parts
        try:
            start, stop, count = float(a), float(b), int(n)
        except ValueError:
            raise ThaadInputError(
                f"--vary {key}: '{spec}' is not start:stop:count with numbers"
            ) from None
        if not (math.isfinite(start) and math.isfinite(stop)):
            raise ThaadInputError(f"--vary {key}: the range ends must be finite")
        if count < 1:
            raise ThaadInputError(f"--vary {key}: the range '{spec}' is empty")
        if count > 10_000:
            raise ThaadInputError(f"--vary {key}: {count} values is more than 10000")
        if log:
            if start <= 0 or stop <= 0:
                raise ThaadInputError(f"--vary {key}: a log range needs positive ends")
            vals = np.geomspace(start, stop, count)
        else:
            vals = np.linspace(start, stop, count)
        return Axis(key, tuple(float(v) for v in vals))
    items = [s.strip() for s in spec.split(",")]
    if not spec.strip() or any(not s for s in items):
        raise ThaadInputError(f"--vary {key}: the list '{spec}' is empty or has an empty item")
    return Axis(key, tuple(parse_override(f"{key}={s}")[1] for s in items))


def _points(axes: list[Axis], zipped: bool) -> list[tuple[Any, ...]]:
    if zipped:
        lengths = {len(a.values) for a in axes}
        if len(lengths) != 1:
            sizes = ", ".join(f"{a.key} {len(a.values)}" for a in axes)
            raise ThaadInputError(f"--zip: every --vary needs as many values ({sizes})")
        return list(zip(*(a.values for a in axes), strict=True))
    return list(itertools.product(*(a.values for a in axes)))


def _override(key: str, value: Any) -> str:
    return f"{key}={json.dumps(value)}"


def _point_scenarios(
    scenario: str | Path | None, sets: list[str], axes: list[Axis], points: list[tuple[Any, ...]],
    seed: int | None,
) -> list[Scenario]:  # fmt: skip
    out = []
    for p in points:
        extra = [_override(a.key, v) for a, v in zip(axes, p, strict=True)]
        try:
            out.append(load_scenario(scenario, overrides=[*sets, *extra], seed=seed))
        except ThaadInputError as exc:
            where = ", ".join(f"{a.key}={v}" for a, v in zip(axes, p, strict=True))
            raise ThaadInputError(f"--vary ({where}): {exc}") from None
    return out


def _point_dir(out: Path, i: int) -> Path:
    return out / "points" / f"p{i:05d}"


def run_sweep(
    vary: list[str], draws: int, out: str | Path, scenario: str | Path | None = None,
    sets: list[str] | None = None, seed: int | None = None, zipped: bool = False,
    workers: int = 0, scheduler: str | None = None, resume: bool = False, chunk: int = 100,
    yes: bool = False, progress: bool = True,
) -> dict[str, Any]:  # fmt: skip
    """Run (or resume) a sweep; returns the summary also written to ``DIR/sweep-summary.json``."""
    if not vary:
        raise ThaadInputError("--vary: give at least one KEY=SPEC")
    if draws <= 0:
        raise ThaadInputError(f"--draws: must be positive (got {draws})")
    if chunk <= 0:
        raise ThaadInputError(f"--chunk: must be positive (got {chunk})")
    if scheduler is not None and not scheduler.strip():
        raise ThaadInputError("--scheduler: the address is empty")
    axes = [parse_spec(v) for v in vary]
    keys = [a.key for a in axes]
    if len(set(keys)) != len(keys):
        raise ThaadInputError("--vary: a key is varied twice")
    points = _points(axes, zipped)
    if len(points) > MAX_POINTS and not yes:
        raise ThaadInputError(
            f"--vary: {len(points)} points is more than {MAX_POINTS}; add --yes to run them"
        )
    sets = list(sets or [])
    base = load_scenario(scenario, overrides=sets, seed=seed)
    seed = base.seed
    scs = _point_scenarios(scenario, sets, axes, points, seed)
    outp = output_dir(out)
    manifest = {
        "kind": "thaad-sweep",
        "base_scenario_sha256": base.digest(),
        "vary": [{"key": a.key, "values": list(a.values)} for a in axes],
        "zip": bool(zipped),
        "draws": int(draws),
        "seed": int(seed),
        "chunk": int(chunk),
        "version": __version__,
    }
    check_study_dir(outp, MANIFEST_FILE, manifest, resume, "sweep")
    feasible = [_feasible(sc) for sc in scs]
    client = connect(scheduler) if scheduler else None
    try:
        wall = _run(outp, scs, feasible, draws, seed, chunk, workers, client, progress,
                    manifest)  # fmt: skip
    finally:
        if client is not None:
            client.close()
    return _collect(outp, axes, points, scs, feasible, seed, zipped, manifest, wall,
                    "dask" if client is not None else "processes")  # fmt: skip


def _feasible(sc: Scenario) -> str | None:
    """``None`` when the point's engagement can be set up, else the reason (a result)."""
    from thaad.analysis.engagement import prepare

    try:
        prepare(sc)
    except ThaadInputError as exc:
        return str(exc)
    return None


def _run(outp, scs, feasible, draws, seed, chunk, workers, client, progress, manifest) -> float:
    write_json(outp / MANIFEST_FILE, manifest)
    tasks = []
    owner = []
    total = 0
    done = 0
    for i, (sc, why) in enumerate(zip(scs, feasible, strict=True)):
        if why is not None:
            continue
        sj = sc.model_dump_json(by_alias=True)
        pdir = _point_dir(outp, i)
        for a, b in _chunks(draws, chunk):
            total += b - a
            if _chunk_ok(_chunk_path(pdir, a, b), a, b):
                done += b - a
                continue
            tasks.append((sj, seed, a, b))
            owner.append(pdir)
    workers = workers if workers > 0 else (os.cpu_count() or 1)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=total, initial=done, unit="draw", file=sys.stderr, desc="sweep",
                   dynamic_ncols=True, smoothing=0.1)  # fmt: skip
    t0 = time.perf_counter()
    try:
        for k, data in run_tasks(tasks, workers, client):
            _write_chunk(owner[k], data)
            if bar is not None:
                bar.update(len(data["draw"]))
    finally:
        if bar is not None:
            bar.close()
    return time.perf_counter() - t0


def _collect(outp, axes, points, scs, feasible, seed, zipped, manifest, wall, backend):
    import pandas as pd

    rows = []
    for i, (p, sc, why) in enumerate(zip(points, scs, feasible, strict=True)):
        row: dict[str, Any] = {"point": i}
        row.update({a.key: v for a, v in zip(axes, p, strict=True)})
        if why is None:
            s = summarize(_point_dir(outp, i), seed, _chunks(manifest["draws"], manifest["chunk"]))
            alt, miss = s["intercept_alt_m"], s["miss_distance_m"]
            row.update({
                "p_kill": s["p_kill"], "p_kill_lo": s["p_kill_ci95"][0],
                "p_kill_hi": s["p_kill_ci95"][1],
                "mean_interceptors_fired": s["mean_interceptors_fired"],
                "intercept_alt_m_mean": alt["mean"], "intercept_alt_m_p50": alt["p50"],
                "miss_distance_m_p50": miss["p50"], "draws": s["draws"], "infeasible": None,
                "lethality": _lethality(sc),
            })  # fmt: skip
        else:
            row.update({v: None for v in POINT_VARIABLES})
            row.update({"draws": 0, "infeasible": why, "lethality": _lethality(sc)})
        rows.append(row)
    table = pd.DataFrame(rows)
    for v in POINT_VARIABLES:
        table[v] = pd.to_numeric(table[v], errors="coerce").astype(float)
    _atomic_parquet(table, outp / "points.parquet")
    ds = _dataset(table, axes, zipped, manifest)
    _atomic_netcdf(ds, outp / "sweep.nc")
    summary = {
        "kind": "thaad-sweep",
        "scenario": scs[0].name,
        "base_scenario_sha256": manifest["base_scenario_sha256"],
        "version": __version__,
        "seed": int(seed),
        "draws_per_point": manifest["draws"],
        "vary": manifest["vary"],
        "zip": bool(zipped),
        "points": len(points),
        "infeasible_points": int(sum(w is not None for w in feasible)),
        "backend": backend,
        "wall_s": wall,
        "table": json.loads(table.to_json(orient="records")),
    }
    write_json(outp / SUMMARY_FILE, summary)
    return summary


def _lethality(sc: Scenario) -> str:
    le = sc.lethality
    return f"fixed sspk={le.sspk:g}" if le.model == "fixed" else "miss-distance"


def _dataset(table, axes: list[Axis], zipped: bool, manifest: dict[str, Any]):
    import xarray as xr

    attrs = {
        "title": "thaad parameter sweep",
        "draws_per_point": manifest["draws"],
        "seed": manifest["seed"],
        "base_scenario_sha256": manifest["base_scenario_sha256"],
        "thaad_version": __version__,
        "varied_keys": json.dumps([a.key for a in axes]),
    }
    if zipped:
        coords = {a.key: ("point", _coord(a.values)) for a in axes}
        data = {v: ("point", table[v].to_numpy()) for v in POINT_VARIABLES}
        return xr.Dataset(data, coords=coords, attrs=attrs)
    shape = tuple(len(a.values) for a in axes)
    dims = tuple(a.key for a in axes)
    coords = {a.key: (a.key, _coord(a.values)) for a in axes}
    data = {v: (dims, table[v].to_numpy().reshape(shape)) for v in POINT_VARIABLES}
    return xr.Dataset(data, coords=coords, attrs=attrs)


def _coord(values: tuple[Any, ...]) -> np.ndarray:
    if all(isinstance(v, bool) for v in values):
        return np.array([str(v).lower() for v in values])
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return np.asarray(values, dtype=np.float64)
    return np.array([str(v) for v in values])


def _atomic_parquet(table, path: Path) -> None:
    atomic_write_via(path, lambda tmp: table.to_parquet(tmp, index=False))


def _atomic_netcdf(ds, path: Path) -> None:
    atomic_write_via(path, lambda tmp: ds.to_netcdf(tmp, engine="h5netcdf"))


def read_sweep(out: str | Path):
    """The sweep's ``sweep.nc`` as an :class:`xarray.Dataset` (loaded into memory)."""
    import xarray as xr

    path = Path(out) / "sweep.nc"
    if not path.is_file():
        raise ThaadInputError(f"'{out}' holds no sweep.nc")
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        return ds.load()
