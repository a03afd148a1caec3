"""Saturation: raid size against expected leakers and interceptors spent.

For every raid size ``N`` the scenario's threat entries are scaled to ``N`` missiles in all
(largest remainder, in proportion to their counts; an entry may drop to none) and the battle's
outcome is drawn ``draws`` times (:func:`thaad.analysis.battle.battle_draws`; draw ``i`` of
every size uses the stream ``default_rng([seed, i])``). One task per size runs on the shared
process-pool/Dask runner (:func:`thaad.analysis.montecarlo.run_tasks`); each finished size is
written atomically as ``DIR/points/size-NNNNN.json``, so a killed study continues with
``resume=True``. The battle's Pk table (:func:`thaad.analysis.battle.pk_table`: flown with the
miss-distance lethality) is made once for the whole raid and handed to every size (a size's
entries are the raid's, so their Pk is the same). ``DIR/manifest.json`` pins the study; the
table is ``DIR/saturation.parquet`` and ``DIR/saturation.csv``, the summary
``DIR/saturation.json``.
"""

from __future__ import annotations

import math
import os
import time
from pathlib import Path
from typing import Any

from thaad.analysis.montecarlo import check_study_dir
from thaad.errors import ThaadInputError
from thaad.io import atomic_write_via, output_dir, read_json, write_json
from thaad.model.scenario import Scenario
from thaad.version import __version__

MANIFEST_FILE = "manifest.json"
SUMMARY_FILE = "saturation.json"
MAX_SIZE = 1000


def parse_sizes(text: str) -> list[int]:
    """``1,2,4,8`` as a sorted list of distinct positive raid sizes."""
    try:
        sizes = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise ThaadInputError(f"--sizes: '{text}' is not a list of integers") from None
    if not sizes or min(sizes) < 1 or max(sizes) > MAX_SIZE:
        raise ThaadInputError(f"--sizes: give raid sizes from 1 to {MAX_SIZE} (got '{text}')")
    return sorted(set(sizes))


def sized_counts(sc: Scenario, n: int) -> list[int]:
    """Each threat entry's count in a raid of ``n`` missiles (largest remainder)."""
    counts = [e.count for e in sc.threat_list()]
    total = sum(counts)
    exact = [n * c / total for c in counts]
    new = [math.floor(x) for x in exact]
    order = sorted(range(len(counts)), key=lambda i: (-(exact[i] - new[i]), i))
    for i in order[: n - sum(new)]:
        new[i] += 1
    return new


def raid_of_size(sc: Scenario, n: int) -> Scenario:
    """The scenario with its threat entries scaled to ``n`` missiles in all."""
    entries = sc.threat_list()
    new = sized_counts(sc, n)
    threats = [e.model_copy(update={"count": k}) for e, k in zip(entries, new, strict=True) if k]
    return sc.model_copy(update={"threats": threats})


def sized_pk(sc: Scenario, n: int, pk: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The raid's Pk table for its size-``n`` copy: the rows of the entries kept, renumbered."""
    kept = [i for i, k in enumerate(sized_counts(sc, n)) if k]
    return [{**r, "entry": kept.index(r["entry"])} for r in pk if r["entry"] in kept]


def saturation_point(scenario_json: str, n: int, seed: int, draws: int,
                     pk_json: str | None = None) -> dict[str, Any]:  # fmt: skip
    """One raid size (a task of the runner): the battle's outcome statistics. ``pk_json``:
    the whole raid's Pk table (else the size's own is made)."""
    import json

    from thaad.analysis.battle import battle_draws, model_text, prepare_battle, summarize

    full = Scenario.model_validate_json(scenario_json)
    sc = raid_of_size(full, n)
    pk = None if pk_json is None else sized_pk(full, n, json.loads(pk_json))
    rows = battle_draws(sc, seed, 0, draws, prepare_battle(sc, pk))
    out = summarize(rows, model_text(sc))
    out["size"] = n
    out["mean_leakers_per_threat"] = out["mean_leakers"] / n
    return out


def _point_path(out: Path, n: int) -> Path:
    return out / "points" / f"size-{n:05d}.json"


def _point_ok(path: Path, n: int) -> bool:
    try:
        d = read_json(path, "saturation point")
    except (ThaadInputError, OSError):
        return False
    return isinstance(d, dict) and d.get("size") == n


def run_saturation(sc: Scenario, sizes: list[int], draws: int, out: str | Path,
                   workers: int = 0, scheduler: str | None = None,
                   resume: bool = False) -> dict[str, Any]:  # fmt: skip
    """Run (or resume) the study; returns the summary written to ``DIR/saturation.json``."""
    import pandas as pd

    from thaad.analysis.battle import model_text
    from thaad.analysis.montecarlo import connect, run_tasks

    if not sc.is_battle:
        sc = sc.model_copy(update={"threats": sc.threat_list()})
    if draws <= 0:
        raise ThaadInputError(f"--draws: must be positive (got {draws})")
    outp = output_dir(out)
    manifest = {"kind": "thaad-saturation", "scenario_sha256": sc.digest(), "sizes": sizes,
                "draws": int(draws), "seed": int(sc.seed), "version": __version__}  # fmt: skip
    check_study_dir(outp, MANIFEST_FILE, manifest, resume, "study")
    write_json(outp / MANIFEST_FILE, manifest)
    (outp / "points").mkdir(exist_ok=True)
    sj = sc.model_dump_json(by_alias=True)
    todo = [n for n in sizes if not _point_ok(_point_path(outp, n), n)]
    pk = None
    if todo:  # the Pk table, once for the whole raid
        import json

        from thaad.analysis.battle import prepare_battle

        pk = prepare_battle(sc).pk_table
    tasks = [(sj, n, sc.seed, draws, json.dumps(pk)) for n in todo]
    workers = workers if workers > 0 else min(len(tasks), os.cpu_count() or 1) or 1
    client = connect(scheduler) if scheduler else None
    t0 = time.perf_counter()
    try:
        for k, row in run_tasks(tasks, workers, client, fn=saturation_point):
            write_json(_point_path(outp, todo[k]), row)
    finally:
        if client is not None:
            client.close()
    wall = time.perf_counter() - t0
    rows = [read_json(_point_path(outp, n), "saturation point") for n in sizes]
    table = pd.DataFrame([{
        "size": r["size"], "mean_leakers": r["mean_leakers"],
        "mean_leakers_lo": (r["mean_leakers_ci95"] or [math.nan] * 2)[0],
        "mean_leakers_hi": (r["mean_leakers_ci95"] or [math.nan] * 2)[1],
        "p_zero_leakers": r["p_zero_leakers"], "p_kill": r["p_kill"],
        "mean_interceptors_fired": r["mean_interceptors_fired"],
    } for r in rows])  # fmt: skip
    atomic_write_via(outp / "saturation.parquet", lambda tmp: table.to_parquet(tmp, index=False))
    atomic_write_via(outp / "saturation.csv", lambda tmp: table.to_csv(tmp, index=False))
    over = [r["size"] for r in rows if r["mean_leakers"] > 1.0]
    summary = {
        "scenario": sc.name, "scenario_sha256": sc.digest(), "seed": int(sc.seed),
        "draws_per_size": int(draws), "sizes": sizes,
        "first_size_with_mean_leakers_over_1": over[0] if over else None,
        "table": table.to_dict(orient="records"), "wall_s": wall, "version": __version__,
        "model": model_text(sc),
    }  # fmt: skip
    write_json(outp / SUMMARY_FILE, summary)
    return summary
