"""Scale benchmark: engagements per second (the default multi-object sensing, and the radar
seeing the reentry vehicle alone), overhead of sensing/tracking/fire control,
kinematic footprint cells per second, and the speedup from 1 to 2 worker processes.

Also the studies that outgrow one machine: a 30 x 30 full-fidelity footprint and a sweep on
1 and 2 workers, the kinematic footprint's agreement with the full one, and the projected time
of a 100 x 100 cells x 100 draws full footprint on 2 workers.

Run: ``.venv/bin/python bench/scale.py``. Ends with one JSON line of the figures.
``bench/scale.py engagement`` measures the engagement alone (issue 9): engagements per second
per core, the overhead ratio (default and single-object sensing) and the 1 -> 2 worker speedup,
without the footprints, sweeps and studies.
``bench/scale.py costs`` shows where the default engagement's time goes: the engagement and
its flights with one assumption of the default scene changed at a time (fewer debris, a
1 s revisit, 25 Hz seeker frames, single-object sensing), and the cost of each debris object.
``bench/scale.py battle`` measures the battle alone (issue 11): a 20-threat raid against 3
batteries (``scenarios/layered.yaml`` scaled to 20), battles per second (every threat flown,
every window, the assignment and one draw, given the scenario's Pk table) and outcome draws
per second, against one single-threat engagement (goal: a battle in under 100 engagements'
time); and apart, the cost of the Pk table (with the miss-distance lethality: flown once per
battle, ``battle.pk_draws`` single-shot engagements per engageable battery and threat entry).
Goals (issues 5 and 9): >= 500 full engagements/s/core; overhead ratio (the engagement
against its bare threat and interceptor flights) <= 3; a 200 x 200 kinematic footprint in
< 10 s on 2 cores; 1 -> 2 worker speedup >= 1.8. The engagement is the issue-9 one: search,
seeker homing at the 100 Hz frame rate, divert budget and shroud.
"""

from __future__ import annotations

import json
import math
import multiprocessing as mp
import os
import time
from concurrent.futures import ProcessPoolExecutor

import numba
import numpy as np

import thaad
from thaad.analysis.engagement import engage_once, prepare
from thaad.analysis.montecarlo import draw_rng, run_chunk
from thaad.core import engagement as ceng
from thaad.core.earth import geodetic_to_ecef
from thaad.core.flight import coast_phase, rk4_step
from thaad.core.interceptor import boost_phases
from thaad.core.threat import fly_threat

N_ENG = 400
FULL_GRID = 30
FULL_DRAWS = 20
SWEEP_DRAWS = 200
N_SPEEDUP = 2400
CHUNK = 100


def engagements_per_s(prep) -> tuple[float, float]:
    engage_once(prep, draw_rng(1, 0), True, False)
    t0 = time.process_time()
    outs = [engage_once(prep, draw_rng(1, i), True, False)[0] for i in range(N_ENG)]
    dt = time.process_time() - t0
    return N_ENG / dt, float(np.mean([o[0] for o in outs]))


@numba.njit
def _rk4_steps(itc, env, n: int, h: float) -> float:
    """``n`` interceptor RK4 steps (boost, then coast under the shroud and bare), as the
    engagement takes them."""
    _, turn, _ = boost_phases(itc, 0.6, 2.2, 5.5, 0.9)
    kv = coast_phase(itc.cda_kv_m2)
    shroud = coast_phase(itc.shroud_cda_m2)
    y = np.zeros(7)
    y[:3] = geodetic_to_ecef(0.6, 2.2, 680.0, 1)
    y[6] = itc.m0_kg
    a = np.zeros(3)
    t = 0.0
    n_boost = int(itc.burn_s / 0.1)
    n_shroud = n_boost + int((itc.shroud_sep_s - itc.burn_s) / h)
    for i in range(n):
        ph = turn if i < n_boost else (shroud if i < n_shroud else kv)
        if i == n_boost:
            y[6] = itc.m_kv_kg + itc.shroud_mass_kg
        if i == n_shroud:
            y[6] = itc.m_kv_kg
        rk4_step(t, y, h, ph, env, a)
        t += h
    return y[0]


def flights_alone_s(prep) -> float:
    """The threat's flight (same integrator and tolerance as the engagement) plus as many
    interceptor RK4 steps as the engagement took, without guidance, sensing or tracking."""
    summary = engage_once(prep, draw_rng(1, 0), True, False)[0]
    n_steps = int(summary[ceng.S_INT_STEPS])
    itc, env, mis, aim = prep.interceptor, prep.env, prep.mis, prep.aim
    fly_threat(mis, aim, env, 1e-9, 2.0)
    _rk4_steps(itc, env, n_steps, 0.1)
    n = 200
    t0 = time.process_time()
    for _ in range(n):
        fly_threat(mis, aim, env, 1e-9, 2.0)
        _rk4_steps(itc, env, n_steps, 0.1)
    return (time.process_time() - t0) / n


def footprint_cells_per_s(sc) -> tuple[float, float]:
    import tempfile

    from thaad.analysis.footprint import run_footprint

    with tempfile.TemporaryDirectory() as d:
        run_footprint(sc, (39.2, 125.67), d, grid=20, progress=False)
        t0 = time.perf_counter()
        s = run_footprint(sc, (39.2, 125.67), d, grid=200, extent_km=400, progress=False)
        total = time.perf_counter() - t0
    return s["cells_per_s"], total


def _warm(sj: str) -> int:
    run_chunk(sj, 1, 0, 2)
    return os.getpid()


def speedup(sc) -> tuple[float, float, float]:
    sj = sc.model_dump_json(by_alias=True)
    chunks = [(a, a + CHUNK) for a in range(0, N_SPEEDUP, CHUNK)]
    times = {}
    for k in (1, 2):
        with ProcessPoolExecutor(k, mp_context=mp.get_context("spawn")) as ex:
            list(ex.map(_warm, [sj] * (4 * k)))  # import, load the compiled core, prepare
            t0 = time.perf_counter()
            list(ex.map(run_chunk, [sj] * len(chunks), [1] * len(chunks),
                        [a for a, _ in chunks], [b for _, b in chunks]))  # fmt: skip
            times[k] = time.perf_counter() - t0
    return times[1] / times[2], N_SPEEDUP / times[1], N_SPEEDUP / times[2]


def _timed(fn, *args, **kw) -> float:
    t0 = time.perf_counter()
    fn(*args, **kw)
    return time.perf_counter() - t0


def studies(sc, grid: int = FULL_GRID, draws: int = FULL_DRAWS) -> dict[str, float]:
    """The full-fidelity footprint (grid x grid cells, ``draws`` each) and a sweep on 1 and 2
    workers; the kinematic footprint's agreement with the full one on the defended cells;
    the projected time of a 100 x 100 x 100-draw full footprint on 2 workers."""
    import tempfile
    from pathlib import Path

    import xarray as xr

    from thaad.analysis.footprint import run_footprint
    from thaad.analysis.sweep import run_sweep

    launch = (39.2, 125.67)
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as d:
        kw = dict(grid=grid, extent_km=400, mode="full", draws=draws, progress=False)
        for k in (1, 2):
            out[f"full_{k}w_s"] = _timed(run_footprint, sc, launch, Path(d, f"f{k}"), workers=k,
                                         **kw)  # fmt: skip
        run_footprint(sc, launch, Path(d, "kin"), grid=grid, extent_km=400, progress=False)

        def pk(name):
            with xr.open_dataset(Path(d, name, "footprint.nc"), engine="h5netcdf") as ds:
                return np.nan_to_num(ds["p_kill"].values, nan=0.0) >= 0.5

        out["kinematic_full_agreement"] = float(np.mean(pk("f2") == pk("kin")))
        vary = ["lethality.sspk=0.5:0.9:3", "doctrine.mode=shoot-look-shoot,salvo"]
        for k in (1, 2):
            out[f"sweep_{k}w_s"] = _timed(run_sweep, vary, SWEEP_DRAWS, Path(d, f"s{k}"),
                                          sets=["lethality.model=fixed"], workers=k,
                                          progress=False)  # fmt: skip
    cells = grid * grid * draws
    out["full_speedup_1_to_2"] = out["full_1w_s"] / out["full_2w_s"]
    out["sweep_speedup_1_to_2"] = out["sweep_1w_s"] / out["sweep_2w_s"]
    out["full_cell_draws_per_s_2w"] = cells / out["full_2w_s"]
    out["projected_100x100x100_s"] = 100 * 100 * 100 / out["full_cell_draws_per_s_2w"]
    return out


N_BATTLE = 10


def battle_rates(t_eng: float) -> dict[str, float]:
    """Battles per second (flights, windows, assignment, one draw) and outcome draws per
    second for a 20-threat, 3-battery raid; the battle's time in single engagements."""
    from pathlib import Path

    from thaad.analysis.battle import battle_draws, fight, prepare_battle

    root = Path(__file__).resolve().parents[1]
    sc = thaad.load_scenario(root / "scenarios" / "layered.yaml",
                             overrides=["threats.0.count=8", "threats.1.count=6"])  # fmt: skip
    assert sum(e.count for e in sc.threats) == 20 and len(sc.batteries) == 3
    prep = prepare_battle(sc)  # compile and cache the tables
    fight(prep, np.random.default_rng(0))
    t0 = time.process_time()
    pk = prepare_battle(sc).pk_table
    t_pk = time.process_time() - t0
    flown = sum(r["draws"] for r in pk)
    t0 = time.process_time()
    for i in range(N_BATTLE):
        fight(prepare_battle(sc, pk), np.random.default_rng(i))
    t_battle = (time.process_time() - t0) / N_BATTLE
    t0 = time.process_time()
    battle_draws(sc, 1, 0, 200, prep)
    t_draw = (time.process_time() - t0) / 200
    return {"battles_per_s": 1.0 / t_battle, "battle_ms": t_battle * 1e3,
            "battle_draws_per_s": 1.0 / t_draw,
            "battle_in_engagements": t_battle / t_eng,
            "pk_table_ms": t_pk * 1e3, "pk_table_engagements": flown,
            "pk_table_in_engagements": t_pk / t_eng}  # fmt: skip


def main_battle() -> None:
    prep = prepare(thaad.load_scenario())
    eps, _ = engagements_per_s(prep)
    b = battle_rates(1.0 / eps)
    print(f"one single-threat engagement           {1e3 / eps:8.3f} ms CPU")
    print(f"battle, 20 threats x 3 batteries       {b['battle_ms']:8.1f} ms CPU "
          f"({b['battles_per_s']:.2f} battles/s), {b['battle_in_engagements']:.1f} "
          "engagements' time")  # fmt: skip
    print(f"battle outcome draws (windows kept)    {b['battle_draws_per_s']:8.1f} per s")
    print(f"its Pk table, once per battle          {b['pk_table_ms']:8.1f} ms CPU "
          f"({b['pk_table_engagements']:.0f} flown single-shot engagements, "
          f"{b['pk_table_in_engagements']:.1f} engagements' time)")  # fmt: skip
    print(json.dumps({"bench": "scale-battle", **{k: round(v, 3) for k, v in b.items()}}))


def engagement_figures(sc) -> dict:
    """Engagements per second and the overhead ratios (multi- and single-object sensing),
    printed; the JSON figures."""
    prep = prepare(sc)
    eps, pk = engagements_per_s(prep)
    t_eng = 1.0 / eps
    t_fl = flights_alone_s(prep)
    # the same with the radar seeing the reentry vehicle alone (sensing.model=single-object)
    prep1 = prepare(thaad.load_scenario(overrides=["sensing.model=single-object"]))
    eps1, _ = engagements_per_s(prep1)
    t_fl1 = flights_alone_s(prep1)
    print(f"full engagements per second per core   {eps:8.1f}  (P(kill) {pk:.3f} over {N_ENG})")
    print(f"one engagement                         {t_eng * 1e3:8.3f} ms CPU")
    print(f"its threat and interceptor flights     {t_fl * 1e3:8.3f} ms CPU")
    print(f"overhead ratio (engagement / flights)  {t_eng / t_fl:8.2f}")
    print(f"single-object sensing: engagements/s   {eps1:8.1f}; overhead ratio "
          f"{1.0 / eps1 / t_fl1:.2f}")  # fmt: skip
    return {
        "engagements_per_s_per_core": round(eps, 1), "engagement_ms": round(t_eng * 1e3, 3),
        "flights_ms": round(t_fl * 1e3, 3), "overhead_ratio": round(t_eng / t_fl, 2),
        "single_object_engagements_per_s_per_core": round(eps1, 1),
        "single_object_overhead_ratio": round(1.0 / eps1 / t_fl1, 2),
    }  # fmt: skip


def speedup_figures(sc) -> dict:
    """Monte Carlo draws per second on 1 and 2 workers, printed; the JSON figures."""
    sp, r1, r2 = speedup(sc)
    print(f"Monte Carlo, 1 worker                  {r1:8.1f} draws/s")
    print(f"Monte Carlo, 2 workers                 {r2:8.1f} draws/s  (speedup {sp:.2f})")
    return {"mc_draws_per_s_1": round(r1, 1), "mc_draws_per_s_2": round(r2, 1),
            "speedup_1_to_2": round(sp, 2)}  # fmt: skip


def main_engagement() -> None:
    sc = thaad.load_scenario()
    f = engagement_figures(sc) | speedup_figures(sc)
    print(json.dumps({"bench": "scale-engagement", "cores": os.cpu_count(), **f}))


COST_VARIANTS = {
    "default (RV, stage, 3 debris)": [],
    "1 debris": ["sensing.debris_count=1"],
    "no debris (RV, stage)": ["sensing.debris_count=0"],
    "1 s revisit": ["battery.radar.scan_period_s=1.0"],
    "25 Hz seeker frames": ["battery.interceptor.seeker_frame_hz=25"],
    "single-object sensing": ["sensing.model=single-object"],
}
N_COST = 200


def main_costs() -> None:
    """Where the default engagement's time goes: the engagement and its flights with one
    assumption of the default scene changed at a time (interleaved rounds, best of three)."""
    import gc

    preps = {k: prepare(thaad.load_scenario(overrides=v)) for k, v in COST_VARIANTS.items()}
    for p in preps.values():
        engage_once(p, draw_rng(1, 0), True, False)
    gc.freeze()  # the loaded objects: no collector passes over them in the timed loops
    best = {k: math.inf for k in preps}
    for rnd in range(3):
        for k, p in preps.items():
            t0 = time.process_time()
            for i in range(N_COST):
                engage_once(p, draw_rng(1, rnd * N_COST + i), True, False)
            best[k] = min(best[k], (time.process_time() - t0) / N_COST)
    rows = {}
    print(f"{'scene':32s} {'ms':>7s} {'per s':>7s} {'flights ms':>10s} {'ratio':>6s}")
    for k, p in preps.items():
        fl = flights_alone_s(p)
        rows[k] = {"engagement_ms": round(best[k] * 1e3, 3), "per_s": round(1.0 / best[k], 1),
                   "flights_ms": round(fl * 1e3, 3), "ratio": round(best[k] / fl, 2)}  # fmt: skip
        print(f"{k:32s} {best[k] * 1e3:7.3f} {1.0 / best[k]:7.1f} {fl * 1e3:10.3f} "
              f"{best[k] / fl:6.2f}")  # fmt: skip
    n_debris = thaad.load_scenario().sensing.debris_count
    per_debris = (best["default (RV, stage, 3 debris)"] - best["no debris (RV, stage)"]) / n_debris
    per_debris *= 1e3  # ms
    print(f"each debris object                {per_debris:7.3f} ms")
    print(json.dumps({"bench": "scale-costs", "cores": os.cpu_count(), "per_debris_ms":
                      round(per_debris, 3), "scenes": rows}))  # fmt: skip


def main() -> None:
    sc = thaad.load_scenario()
    f = engagement_figures(sc)
    cps, fp_total = footprint_cells_per_s(sc)
    print(f"kinematic footprint                    {cps:8.0f} cells/s; 200x200 in "
          f"{fp_total:.2f} s (family included)")  # fmt: skip
    f |= speedup_figures(sc)
    st = studies(sc)
    print(f"full footprint {FULL_GRID}x{FULL_GRID}x{FULL_DRAWS}          "
          f"{st['full_1w_s']:8.1f} s on 1 worker, {st['full_2w_s']:.1f} s on 2 "
          f"(speedup {st['full_speedup_1_to_2']:.2f})")  # fmt: skip
    print(f"kinematic vs full, defended cells      {st['kinematic_full_agreement']:8.1%} agree")
    print(f"sweep 6 points x {SWEEP_DRAWS} draws            {st['sweep_1w_s']:8.1f} s on 1 worker, "
          f"{st['sweep_2w_s']:.1f} s on 2 (speedup {st['sweep_speedup_1_to_2']:.2f})")  # fmt: skip
    print(f"projected 100x100 cells x 100 draws    {st['projected_100x100x100_s'] / 60:8.1f} min "
          "on 2 workers")  # fmt: skip
    print(json.dumps({
        "bench": "scale", "cores": os.cpu_count(), **f, "footprint_cells_per_s": round(cps),
        "footprint_200x200_s": round(fp_total, 2), **{k: round(v, 3) for k, v in st.items()},
    }))  # fmt: skip


if __name__ == "__main__":
    import sys

    modes = {"battle": main_battle, "costs": main_costs, "engagement": main_engagement}
    modes.get(sys.argv[1] if sys.argv[1:] else "", main)()
