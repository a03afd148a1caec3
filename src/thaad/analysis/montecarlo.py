"""Monte Carlo effectiveness: many dispersed engagements, streamed to disk in chunks.

Draw ``i`` of a run with seed ``s`` uses its own stream ``numpy.random.default_rng([s, i])``
(a SeedSequence keyed on the draw), so a draw's result depends on nothing but the scenario,
the seed and its index: any worker count, chunking or backend gives identical results.

Draws are grouped in chunks; each finished chunk is written atomically as
``DIR/draws/chunk-<start>-<stop>.parquet``. ``DIR/manifest.json`` pins the run: the scenario
hash (seed included), the seed, the draw count, the chunk size and the exact list of chunks.
Only the manifest's chunks are counted (a stray file in ``draws/`` is ignored); ``--resume``
skips finished chunks and recomputes empty or damaged ones, so a run killed at any moment
loses at most the chunks in flight and never counts a draw twice; ``--resume`` with more
draws extends a finished run by new chunks after its last draw. A run holds ``DIR/.lock``
(:func:`thaad.io.dir_lock`): a second run into the same directory is refused. The summary is
``DIR/montecarlo.json``.
"""

from __future__ import annotations

import itertools
import math
import os
import sys
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, wait
from pathlib import Path
from typing import Any

import numpy as np

from thaad.core.constants import R_MEAN_M
from thaad.errors import ThaadInputError
from thaad.io import atomic_write_via, dir_lock, output_dir, read_json, write_json
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

MANIFEST_FILE = "manifest.json"
SUMMARY_FILE = "montecarlo.json"
"""The Monte Carlo summary (its own name: ``thaad footprint`` writes ``footprint.json``)."""
DEFAULT_CHUNK = 500

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
            out["intercept_ground_range_m"][k] = great_circle(lat_s, lon_s, lat, lon)[0] * R_MEAN_M
            out["intercept_time_s"][k] = s[ceng.S_T_INTERCEPT]
    return out


BATTLE_COLUMNS = ("draw", "leakers", "p_kill", "interceptors_fired")
"""A battle's per-draw columns (:mod:`thaad.analysis.battle`, the kinematic battle model):
the threats that leaked, the fraction killed and the interceptors fired; then one
``leakers_at:<asset>`` column per threatened asset."""


def _prepared_battle(scenario_json: str, pk_json: str | None = None):
    """The battle's :class:`~thaad.analysis.battle.BattlePrep` (cached per process); with
    ``pk_json`` (the parent's Pk table as JSON) a worker does not fly the table again."""
    import json

    from thaad.analysis.battle import prepare_battle

    key = "battle:" + scenario_json
    if key not in _PREPARED:
        sc = Scenario.model_validate_json(scenario_json)
        prep = prepare_battle(sc, None if pk_json is None else json.loads(pk_json))
        _PREPARED.clear()  # (after: the Pk table's flown draws use the cache too)
        _PREPARED[key] = prep
    return _PREPARED[key]


def run_battle_chunk(scenario_json: str, seed: int, start: int, stop: int,
                     pk_json: str | None = None) -> dict[str, np.ndarray]:  # fmt: skip
    """Draws ``start..stop-1`` of a battle (:func:`thaad.analysis.battle.fight`; draw ``i``
    uses :func:`draw_rng`): one array per column of :data:`BATTLE_COLUMNS`, then the leakers
    at each asset. ``pk_json``: the battle's Pk table, made once by the parent."""
    from thaad.analysis.battle import fight

    prep = _prepared_battle(scenario_json, pk_json)
    n, n_t = stop - start, len(prep.threat_ids)
    assets = sorted(set(prep.asset))
    at = {a: np.array([x == a for x in prep.asset]) for a in assets}
    out: dict[str, np.ndarray] = {"draw": np.arange(start, stop, dtype=np.int64),
                                  "leakers": np.zeros(n, np.int64), "p_kill": np.zeros(n),
                                  "interceptors_fired": np.zeros(n, np.int64)}  # fmt: skip
    for a in assets:
        out[f"leakers_at:{a}"] = np.zeros(n, np.int64)
    for k, i in enumerate(range(start, stop)):
        res = fight(prep, draw_rng(seed, i))
        alive = res["alive"]
        lk = int(np.sum(alive))
        out["leakers"][k] = lk
        out["p_kill"][k] = (n_t - lk) / n_t
        out["interceptors_fired"][k] = int(np.sum(res["fired"]))
        for a in assets:
            out[f"leakers_at:{a}"][k] = int(np.sum(alive & at[a]))
    return out


def summarize_battle(out: Path, chunks: list[tuple[int, int]],
                     model: str | None = None) -> dict[str, Any]:  # fmt: skip
    """A battle's summary (:func:`thaad.analysis.battle.summarize`) from the manifest's
    chunks, with the mean leakers at each asset; ``model``: the battle's model text."""
    from thaad.analysis.battle import MODEL
    from thaad.analysis.battle import summarize as battle_summary

    parts = [_read_chunk(out, a, b) for a, b in chunks]
    t = {c: np.concatenate([p[c] for p in parts]) for c in parts[0]}
    rows = np.column_stack([t["leakers"], t["p_kill"], t["interceptors_fired"]]).astype(float)
    s = battle_summary(rows, model or MODEL)
    s["assets"] = {c.split(":", 1)[1]: {"mean_leakers": float(np.mean(v))}
                   for c, v in t.items() if c.startswith("leakers_at:")}  # fmt: skip
    return s


def _read_chunk(out: Path, a: int, b: int,
                columns: list[str] | None = None) -> dict[str, np.ndarray]:  # fmt: skip
    """The columns (default all) of the chunk of draws ``[a, b)``, one line if it is damaged."""
    import pyarrow.parquet as pq

    f = _chunk_path(out, a, b)
    try:
        t = pq.read_table(f, columns=columns)
    except FileNotFoundError:
        raise ThaadInputError(f"{f}: missing (finish the run with --resume)") from None
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise ThaadInputError(
            f"{f}: cannot be read as Parquet ({type(exc).__name__}); rerun with --resume"
        ) from None
    return {c: t.column(c).to_numpy() for c in t.column_names}


def _chunk_path(out: Path, start: int, stop: int) -> Path:
    return out / "draws" / f"chunk-{start:010d}-{stop:010d}.parquet"


def _write_chunk(out: Path, data: dict[str, np.ndarray]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    start, stop = int(data["draw"][0]), int(data["draw"][-1]) + 1
    path = _chunk_path(out, start, stop)
    path.parent.mkdir(parents=True, exist_ok=True)  # DIR/draws (DIR itself exists)
    table = pa.table(dict(data))  # COLUMNS, or a battle's BATTLE_COLUMNS and assets
    atomic_write_via(path, lambda tmp: pq.write_table(table, tmp))


def _chunk_ok(path: Path, start: int, stop: int) -> bool:
    """Whether a chunk file is there, readable and holds exactly draws ``start..stop-1``."""
    import pyarrow.parquet as pq

    if not path.is_file():
        return False
    try:
        t = pq.read_table(path, columns=["draw"])
        d = t.column("draw").to_numpy()
    except Exception:  # pyarrow raises several types for a damaged or empty file
        return False
    return len(d) == stop - start and bool(np.array_equal(d, np.arange(start, stop)))


def _chunks(draws: int, chunk: int, first: int = 0) -> list[tuple[int, int]]:
    return [(a, min(a + chunk, draws)) for a in range(first, draws, chunk)]


def _manifest(sc: Scenario, seed: int, draws: int, chunk: int,
              chunks: list[tuple[int, int]]) -> dict[str, Any]:  # fmt: skip
    return {
        "kind": "thaad-montecarlo",
        "scenario_sha256": sc.digest(),
        "seed": int(seed),
        "draws": int(draws),
        "chunk": int(chunk),
        "chunks": [[int(a), int(b)] for a, b in chunks],
        "version": __version__,
    }


def read_manifest(out: Path) -> dict[str, Any] | None:
    """``DIR/manifest.json`` checked (``None`` if there is none)."""
    mpath = out / MANIFEST_FILE
    if not mpath.exists():
        return None
    m = read_json(mpath, "Monte Carlo manifest")
    ok = (
        isinstance(m, dict)
        and m.get("kind") == "thaad-montecarlo"
        and isinstance(m.get("scenario_sha256"), str)
        and all(
            isinstance(m.get(k), int) and not isinstance(m.get(k), bool)
            for k in ("seed", "draws", "chunk")
        )
    )
    if not ok:
        raise ThaadInputError(f"{mpath}: not a thaad Monte Carlo manifest")
    chunks = m.get("chunks")
    if chunks is None:  # written before the manifest listed its chunks
        chunks = _chunks(m["draws"], m["chunk"])
    try:
        chunks = [(int(a), int(b)) for a, b in chunks]
    except (TypeError, ValueError):
        raise ThaadInputError(f"{mpath}: chunks is not a list of [start, stop] pairs") from None
    edges = [0] + [b for _, b in chunks]
    if any(a != e or b <= a for (a, b), e in zip(chunks, edges, strict=False)) or (
        edges[-1] != m["draws"]
    ):
        raise ThaadInputError(f"{mpath}: chunks do not tile draws 0..{m['draws'] - 1}")
    m["chunks"] = chunks
    return m


def run_chunk_files(out: str | Path) -> list[Path] | None:
    """The chunk files a Monte Carlo directory's manifest counts (those present), or ``None``
    if the directory holds no manifest."""
    outp = Path(out)
    try:
        m = read_manifest(outp)
    except ThaadInputError:
        raise
    if m is None:
        return None
    return [p for a, b in m["chunks"] if (p := _chunk_path(outp, a, b)).is_file()]


def _plan(out: Path, sc: Scenario, seed: int, draws: int, chunk: int | None,
          resume: bool) -> dict[str, Any]:  # fmt: skip
    """The manifest of this run: a new one, or the old one checked (and extended)."""
    old = read_manifest(out)
    if not resume:
        if old is not None or any((out / "draws").glob("chunk-*.parquet")):
            raise ThaadInputError(
                f"--out: '{out}' already holds a Monte Carlo run; use --resume or another directory"
            )
        chunk = DEFAULT_CHUNK if chunk is None else chunk
        return _manifest(sc, seed, draws, chunk, _chunks(draws, chunk))
    if old is None:
        raise ThaadInputError(f"--resume: '{out}' holds no Monte Carlo run to resume")
    chunk = old["chunk"] if chunk is None else chunk
    for key, what, now in (("seed", "seed", seed), ("chunk", "chunk size", chunk),
                           ("scenario_sha256", "scenario", sc.digest())):  # fmt: skip
        if old[key] != now:
            raise ThaadInputError(
                f"--resume: '{out}' was run with another {what} ({old[key]!r}, now {now!r}); "
                "nothing was changed"
            )
    if draws < old["draws"]:
        raise ThaadInputError(
            f"--resume: '{out}' was run with {old['draws']} draws; --draws {draws} would drop "
            "some (give at least as many)"
        )
    chunks = old["chunks"] + _chunks(draws, chunk, first=old["draws"])
    return _manifest(sc, seed, draws, chunk, chunks)


def _backend_chunks(
    todo: list[tuple[int, int]], scenario_json: str, seed: int, workers: int,
    client: Any, fn: Any = None, extra: tuple = (),
) -> Iterator[dict[str, np.ndarray]]:  # fmt: skip
    """Yield the finished chunks of one scenario as they complete (``extra``: arguments
    after ``(scenario_json, seed, start, stop)``)."""
    tasks = [(scenario_json, seed, a, b, *extra) for a, b in todo]
    for _, data in run_tasks(tasks, workers, client, fn):
        yield data


def check_study_dir(out: Path, manifest_file: str, manifest: dict[str, Any], resume: bool,
                    what: str, new_dir_only: bool = True) -> None:  # fmt: skip
    """Refuse, in one line, a study directory that holds another definition (the manifest
    differs), this one without ``resume``, nothing to resume, or (``new_dir_only``) other
    files. The sweep, the full footprint and the saturation study share it."""
    from thaad.io import LOCK_FILE

    mpath = out / manifest_file
    if mpath.exists():
        old = read_json(mpath, f"{what} manifest")
        if not isinstance(old, dict):
            raise ThaadInputError(f"{mpath}: not a thaad {what} manifest")
        if old != manifest:
            changed = sorted(k for k in manifest if old.get(k) != manifest[k])
            raise ThaadInputError(
                f"--out: '{out}' holds another {what} (its {', '.join(changed) or 'definition'} "
                "differs); use another directory"
            )
        if not resume:
            raise ThaadInputError(f"--out: '{out}' already holds this {what}; use --resume")
        return
    if resume:
        raise ThaadInputError(f"--resume: '{out}' holds no {what} to resume")
    if new_dir_only and out.exists() and any(p.name != LOCK_FILE for p in out.iterdir()):
        raise ThaadInputError(f"--out: '{out}' is not empty; use a new directory")


def run_tasks(
    tasks: list[tuple], workers: int, client: Any = None, fn: Any = None,
) -> Iterator[tuple[int, Any]]:  # fmt: skip
    """Run ``fn(*task)`` for each task (default :func:`run_chunk` on ``(scenario_json, seed,
    start, stop)``); yield ``(task index, result)`` as tasks complete, at most two per worker
    in flight.

    ``client`` (a Dask client) sends the tasks to a cluster; else ``workers`` local processes
    (one: in this process). ``fn`` must be a module-level function (it is pickled). The Monte
    Carlo, the sweep and the full footprint all run through here.
    """
    fn = run_chunk if fn is None else fn
    if client is not None:
        yield from _dask_tasks(tasks, client, fn)
        return
    if workers <= 1:
        for k, task in enumerate(tasks):
            yield k, fn(*task)
        return
    from thaad.analysis.workers import process_pool

    with process_pool(workers) as ex:
        pending: dict[Any, int] = {}
        it = iter(enumerate(tasks))
        for k, task in it:
            pending[ex.submit(fn, *task)] = k
            if len(pending) >= 2 * workers:
                break
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for f in done:
                yield pending.pop(f), f.result()
                nxt = next(it, None)
                if nxt is not None:
                    pending[ex.submit(fn, *nxt[1])] = nxt[0]


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


def _dask_tasks(tasks, client, fn):
    from distributed import as_completed

    n_workers = max(1, len(client.scheduler_info().get("workers", {})))
    it = iter(enumerate(tasks))
    futures = {}
    for k, task in itertools.islice(it, 2 * n_workers):
        futures[client.submit(fn, *task, pure=False)] = k
    ac = as_completed(list(futures))
    for f in ac:
        yield futures.pop(f), f.result()
        nxt = next(it, None)
        if nxt is not None:
            g = client.submit(fn, *nxt[1], pure=False)
            futures[g] = nxt[0]
            ac.add(g)


def wilson_interval(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (Wilson, JASA 22, 1927)."""
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    den = 1.0 + z * z / n
    c = (p + z * z / (2 * n)) / den
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (max(0.0, c - h), min(1.0, c + h))


def summarize(out: Path, seed: int, chunks: list[tuple[int, int]] | None = None
              ) -> dict[str, Any]:  # fmt: skip
    """Summary statistics streamed chunk by chunk from ``DIR/draws``: the manifest's chunks
    only (``chunks``, default those of ``DIR/manifest.json``)."""
    if chunks is None:
        m = read_manifest(out)
        if m is None:
            raise ThaadInputError(f"'{out}' holds no Monte Carlo manifest")
        chunks = m["chunks"]

    n = 0
    kills = 0
    fired = 0
    alts: list[np.ndarray] = []
    misses: list[np.ndarray] = []
    for a, b in chunks:
        t = _read_chunk(out, a, b, ["intercepted", "interceptors_fired", "intercept_alt_m",
                                    "miss_distance_m"])  # fmt: skip
        hit = t["intercepted"]
        n += len(hit)
        kills += int(hit.sum())
        fired += int(t["interceptors_fired"].sum())
        a = t["intercept_alt_m"]
        alts.append(a[~np.isnan(a)])
        m = t["miss_distance_m"]
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
    scheduler: str | None = None, resume: bool = False, chunk: int | None = None,
    progress: bool = True,
) -> dict[str, Any]:  # fmt: skip
    """Run (or resume, or extend) a Monte Carlo; returns the summary also written to
    ``DIR/montecarlo.json``. ``DIR`` is created if its parent exists.

    ``workers=0`` means one process per core; ``scheduler`` sends chunks to a Dask cluster.
    ``chunk=None`` is the manifest's chunk size on ``resume``, else :data:`DEFAULT_CHUNK`.
    """
    if not 1 <= draws <= MAX_DRAWS:
        raise ThaadInputError(f"--draws: {draws} is outside the allowed range [1, {MAX_DRAWS}]")
    if chunk is not None and chunk <= 0:
        raise ThaadInputError(f"--chunk: must be positive (got {chunk})")
    if scheduler is not None and not scheduler.strip():
        raise ThaadInputError("--scheduler: an empty address (give e.g. tcp://host:8786)")
    seed = sc.seed if seed is None else int(seed)
    sc = sc.model_copy(update={"seed": seed})
    outp = output_dir(out)
    with dir_lock(outp):
        manifest = _plan(outp, sc, seed, draws, chunk, resume)
        if sc.is_battle:  # fly the threats and find the windows once, before any file
            _prepared_battle(sc.model_dump_json(by_alias=True))
        else:
            from thaad.analysis.engagement import prepare

            prepare(sc)  # validate the engagement (aim reachable) before any file is written
        client = connect(scheduler) if scheduler else None
        try:
            return _run(sc, outp, seed, workers, client, progress, manifest)
        finally:
            if client is not None:
                client.close()


def _run(sc, outp, seed, workers, client, progress, manifest) -> dict[str, Any]:
    write_json(outp / MANIFEST_FILE, manifest)
    all_chunks = manifest["chunks"]
    draws = manifest["draws"]
    todo = [(a, b) for a, b in all_chunks if not _chunk_ok(_chunk_path(outp, a, b), a, b)]
    (outp / "draws").mkdir(exist_ok=True)
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
        fn = run_battle_chunk if sc.is_battle else None
        extra: tuple = ()
        if sc.is_battle:  # the Pk table, flown once here, travels with every chunk
            import json

            extra = (json.dumps(_prepared_battle(sj).pk_table),)
        for data in _backend_chunks(todo, sj, seed, workers, client, fn, extra):
            _write_chunk(outp, data)
            if bar is not None:
                bar.update(len(data["draw"]))
    finally:
        if bar is not None:
            bar.close()
    from thaad.analysis.engagement import lethality_text

    if sc.is_battle:
        from thaad.analysis.battle import model_text

        leth = model_text(sc)
        summary = summarize_battle(outp, all_chunks, leth)
        summary.update({"seed": int(seed), "battle": True,
                        "pk_table": _prepared_battle(sj).pk_table})  # fmt: skip
    else:
        summary = summarize(outp, seed, all_chunks)
        leth = lethality_text(sc)
    summary.update({
        "scenario": sc.name,
        "scenario_sha256": manifest["scenario_sha256"],
        "version": __version__,
        "backend": "dask" if client is not None else "processes",
        "workers": workers if client is None else None,
        "chunk": manifest["chunk"],
        "wall_s": time.perf_counter() - t0,
        "resumed_draws": done_draws,
        "lethality": leth,
    })  # fmt: skip
    write_json(outp / SUMMARY_FILE, summary)
    return summary


def read_draws(out: str | Path):
    """All per-draw results of a run directory as one pyarrow Table, ordered by draw: the
    chunks its manifest lists (every chunk file where there is no manifest)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = run_chunk_files(out)
    if files is None:  # no manifest: a sweep's point directory, or a run of an older thaad
        files = sorted(Path(out, "draws").glob("chunk-*.parquet"))
    if not files:
        raise ThaadInputError(f"'{out}' holds no Monte Carlo draws")
    tables = []
    for f in files:
        try:
            tables.append(pq.read_table(f))
        except Exception as exc:  # pyarrow raises several types for a damaged file
            raise ThaadInputError(
                f"{f}: cannot be read as Parquet ({type(exc).__name__}); rerun with --resume"
            ) from None
    return pa.concat_tables(tables)
