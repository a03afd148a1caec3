"""Monte Carlo effectiveness: many dispersed engagements, streamed to disk in chunks.

Draw ``i`` of a run with seed ``s`` uses its own stream ``numpy.random.default_rng([s, i])``
(a SeedSequence keyed on the draw), so a draw's result depends on nothing but the scenario,
the seed and its index: any worker count, chunking or backend gives identical results.

Draws are grouped in chunks; each finished chunk is written atomically as
``DIR/draws/chunk-<start>-<stop>.parquet``. ``DIR/manifest.json`` pins the scenario hash,
seed, draw count and chunk size; ``--resume`` skips finished chunks, so a run killed at any
moment loses at most the chunks in flight and never counts a draw twice.
"""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

import numpy as np

from thaad.errors import ThaadInputError
from thaad.io import publish, write_json
from thaad.model.scenario import Scenario
from thaad.version import __version__

COLUMNS = (
    "draw",
    "intercepted",
    "miss_distance_m",
    "intercept_alt_m",
    "intercept_ground_range_m",
    "intercept_time_s",
    "interceptors_fired",
    "first_detection_s",
    "track_firm_s",
    "impact_time_s",
)

_PREPARED: dict[str, Any] = {}


MAX_DRAWS = 100_000_000  # --draws: 1e8 engagements is days of CPU; beyond it, a typo


def draw_rng(seed: int, draw: int) -> np.random.Generator:
    """The random stream of one draw."""
    return np.random.default_rng([int(seed), int(draw)])


def _prepared(scenario_json: str):
    from thaad.analysis.engagement import prepare

    key = scenario_json
    if key not in _PREPARED:
        _PREPARED.clear()
        _PREPARED[key] = prepare(Scenario.model_validate_json(scenario_json))
    return _PREPARED[key]


def run_chunk(scenario_json: str, seed: int, start: int, stop: int) -> dict[str, np.ndarray]:
    """Fly draws ``start..stop-1``; returns one array per column of :data:`COLUMNS`."""
    from thaad.analysis.engagement import engage_once
    from thaad.core import engagement as ceng
    from thaad.core.earth import ecef_to_geodetic, great_circle

    prep = _prepared(scenario_json)
    site = prep.scenario.battery.site
    lat_s, lon_s = math.radians(site.lat_deg), math.radians(site.lon_deg)
    n = stop - start
    out = {c: np.full(n, np.nan) for c in COLUMNS}
    out["draw"] = np.arange(start, stop, dtype=np.int64)
    out["intercepted"] = np.zeros(n, dtype=bool)
    out["interceptors_fired"] = np.zeros(n, dtype=np.int64)
    for k, i in enumerate(range(start, stop)):
        s = engage_once(prep, draw_rng(seed, i), True, False)[0]
        hit = bool(s[ceng.S_INTERCEPTED] > 0.5)
        out["intercepted"][k] = hit
        out["miss_distance_m"][k] = s[ceng.S_MISS_M]
        out["interceptors_fired"][k] = int(s[ceng.S_FIRED])
        out["first_detection_s"][k] = s[ceng.S_FIRST_DET]
        out["track_firm_s"][k] = s[ceng.S_T_FIRM]
        out["impact_time_s"][k] = s[ceng.S_T_IMPACT]
        if hit:
            x = s[ceng.S_X : ceng.S_X + 3]
            lat, lon, h = ecef_to_geodetic(x[0], x[1], x[2], prep.env.earth)
            out["intercept_alt_m"][k] = h
            out["intercept_ground_range_m"][k] = great_circle(lat_s, lon_s, lat, lon)[0] * 6371e3
            out["intercept_time_s"][k] = s[ceng.S_T_INTERCEPT]
    return out


def _chunk_path(out: Path, start: int, stop: int) -> Path:
    return out / "draws" / f"chunk-{start:010d}-{stop:010d}.parquet"


def _write_chunk(out: Path, data: dict[str, np.ndarray]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    start, stop = int(data["draw"][0]), int(data["draw"][-1]) + 1
    path = _chunk_path(out, start, stop)
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.table({c: data[c] for c in COLUMNS})
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".chunk.", suffix=".tmp")
    os.close(fd)
    try:
        pq.write_table(table, tmp)
        publish(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _chunks(draws: int, chunk: int) -> list[tuple[int, int]]:
    return [(a, min(a + chunk, draws)) for a in range(0, draws, chunk)]


def _manifest(sc: Scenario, seed: int, draws: int, chunk: int) -> dict[str, Any]:
    return {
        "kind": "thaad-montecarlo",
        "scenario_sha256": sc.digest(include_seed=False),
        "seed": int(seed),
        "draws": int(draws),
        "chunk": int(chunk),
        "version": __version__,
    }


def _check_out_dir(out: Path, manifest: dict[str, Any], resume: bool) -> None:
    mpath = out / "manifest.json"
    if resume:
        if not mpath.exists():
            raise ThaadInputError(f"--resume: '{out}' holds no Monte Carlo run to resume")
        try:
            old = json.loads(mpath.read_text())
        except (OSError, ValueError):
            raise ThaadInputError(f"--resume: '{mpath}' is not a readable manifest") from None
        for key, what in (("scenario_sha256", "scenario"), ("seed", "seed"),
                          ("draws", "number of draws"), ("chunk", "chunk size")):  # fmt: skip
            if old.get(key) != manifest[key]:
                raise ThaadInputError(
                    f"--resume: '{out}' was run with another {what} "
                    f"({old.get(key)!r}, now {manifest[key]!r}); nothing was changed"
                )
        return
    if mpath.exists() or any((out / "draws").glob("chunk-*.parquet")):
        raise ThaadInputError(
            f"--out: '{out}' already holds a Monte Carlo run; use --resume or another directory"
        )


def _backend_chunks(
    todo: list[tuple[int, int]], scenario_json: str, seed: int, workers: int,
    client: Any,
) -> Iterator[dict[str, np.ndarray]]:  # fmt: skip
    """Yield finished chunks as they complete, at most 2 per worker in flight."""
    if client is not None:
        yield from _dask_chunks(todo, scenario_json, seed, client)
        return
    if workers <= 1:
        for a, b in todo:
            yield run_chunk(scenario_json, seed, a, b)
        return
    import multiprocessing as mp

    with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn")) as ex:
        pending = set()
        it = iter(todo)
        for a, b in it:
            pending.add(ex.submit(run_chunk, scenario_json, seed, a, b))
            if len(pending) >= 2 * workers:
                break
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in done:
                yield f.result()
                nxt = next(it, None)
                if nxt is not None:
                    pending.add(ex.submit(run_chunk, scenario_json, seed, *nxt))


def connect(scheduler: str):
    """A Dask client for ``scheduler``, or a one-line error when it cannot be reached."""
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - installed with thaad
        raise ThaadInputError("--scheduler: the 'distributed' package is not installed") from None
    try:
        return Client(scheduler, timeout="5s")
    except (OSError, TimeoutError, ValueError) as exc:
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ThaadInputError(f"--scheduler: cannot reach '{scheduler}' ({msg})") from None


def _dask_chunks(todo, scenario_json, seed, client):
    from distributed import as_completed

    n_workers = max(1, len(client.scheduler_info().get("workers", {})))
    it = iter(todo)
    first = [next(it) for _ in range(min(2 * n_workers, len(todo)))]
    ac = as_completed([client.submit(run_chunk, scenario_json, seed, a, b, pure=False)
                       for a, b in first])  # fmt: skip
    for f in ac:
        yield f.result()
        nxt = next(it, None)
        if nxt is not None:
            ac.add(client.submit(run_chunk, scenario_json, seed, *nxt, pure=False))


def wilson_interval(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (Wilson, JASA 22, 1927)."""
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    den = 1.0 + z * z / n
    c = (p + z * z / (2 * n)) / den
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (max(0.0, c - h), min(1.0, c + h))


def summarize(out: Path, seed: int) -> dict[str, Any]:
    """Summary statistics streamed chunk by chunk from ``DIR/draws``."""
    import pyarrow.parquet as pq

    n = 0
    kills = 0
    fired = 0
    alts: list[np.ndarray] = []
    misses: list[np.ndarray] = []
    for f in sorted((out / "draws").glob("chunk-*.parquet")):
        t = pq.read_table(f, columns=["intercepted", "interceptors_fired", "intercept_alt_m",
                                      "miss_distance_m"])  # fmt: skip
        hit = t.column("intercepted").to_numpy()
        n += len(hit)
        kills += int(hit.sum())
        fired += int(t.column("interceptors_fired").to_numpy().sum())
        a = t.column("intercept_alt_m").to_numpy()
        alts.append(a[~np.isnan(a)])
        m = t.column("miss_distance_m").to_numpy()
        misses.append(m[~np.isnan(m)])
    alt = np.concatenate(alts) if alts else np.empty(0)
    miss = np.concatenate(misses) if misses else np.empty(0)

    def stats(v: np.ndarray) -> dict[str, float | None]:
        if v.size == 0:
            return {"count": 0, "mean": None, "std": None, "min": None, "p5": None,
                    "p50": None, "p95": None, "max": None}  # fmt: skip
        q = np.percentile(v, [5, 50, 95])
        return {"count": int(v.size), "mean": float(v.mean()), "std": float(v.std()),
                "min": float(v.min()), "p5": float(q[0]), "p50": float(q[1]),
                "p95": float(q[2]), "max": float(v.max())}  # fmt: skip

    lo, hi = wilson_interval(kills, n)
    return {
        "draws": n,
        "p_kill": kills / n if n else None,
        "p_kill_ci95": [lo, hi],
        "kills": kills,
        "mean_interceptors_fired": fired / n if n else None,
        "seed": int(seed),
        "intercept_alt_m": stats(alt),
        "miss_distance_m": stats(miss),
    }


def run_montecarlo(
    sc: Scenario, draws: int, out: str | Path, seed: int | None = None, workers: int = 0,
    scheduler: str | None = None, resume: bool = False, chunk: int = 500,
    progress: bool = True,
) -> dict[str, Any]:  # fmt: skip
    """Run (or resume) a Monte Carlo; returns the summary also written to DIR/summary.json.

    ``workers=0`` means one process per core; ``scheduler`` sends chunks to a Dask cluster.
    """
    if not 1 <= draws <= MAX_DRAWS:
        raise ThaadInputError(f"--draws: {draws} is outside the allowed range [1, {MAX_DRAWS}]")
    if chunk <= 0:
        raise ThaadInputError(f"--chunk: must be positive (got {chunk})")
    seed = sc.seed if seed is None else int(seed)
    sc = sc.model_copy(update={"seed": seed})
    outp = Path(out)
    manifest = _manifest(sc, seed, draws, chunk)
    _check_out_dir(outp, manifest, resume)
    from thaad.analysis.engagement import prepare

    prepare(sc)  # validate the engagement (aim reachable) before any file is written
    client = connect(scheduler) if scheduler else None
    try:
        return _run(sc, draws, outp, seed, workers, client, chunk, progress, manifest)
    finally:
        if client is not None:
            client.close()


def _run(sc, draws, outp, seed, workers, client, chunk, progress, manifest) -> dict[str, Any]:
    outp.mkdir(parents=True, exist_ok=True)
    write_json(outp / "manifest.json", manifest)
    all_chunks = _chunks(draws, chunk)
    todo = [(a, b) for a, b in all_chunks if not _chunk_path(outp, a, b).exists()]
    done_draws = draws - sum(b - a for a, b in todo)
    workers = workers if workers > 0 else (os.cpu_count() or 1)
    t0 = time.perf_counter()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=draws, initial=done_draws, unit="draw", file=sys.stderr,
                   desc="montecarlo", dynamic_ncols=True, smoothing=0.1)  # fmt: skip
    try:
        sj = sc.model_dump_json(by_alias=True)
        for data in _backend_chunks(todo, sj, seed, workers, client):
            _write_chunk(outp, data)
            if bar is not None:
                bar.update(len(data["draw"]))
    finally:
        if bar is not None:
            bar.close()
    summary = summarize(outp, seed)
    summary.update({
        "scenario": sc.name,
        "scenario_sha256": sc.digest(),
        "version": __version__,
        "backend": "dask" if client is not None else "processes",
        "workers": workers if client is None else None,
        "wall_s": time.perf_counter() - t0,
        "resumed_draws": done_draws,
    })  # fmt: skip
    write_json(outp / "summary.json", summary)
    return summary


def read_draws(out: str | Path):
    """All per-draw results of a run directory as one pyarrow Table, ordered by draw."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = sorted(Path(out, "draws").glob("chunk-*.parquet"))
    if not files:
        raise ThaadInputError(f"'{out}' holds no Monte Carlo draws")
    return pa.concat_tables([pq.read_table(f) for f in files])
