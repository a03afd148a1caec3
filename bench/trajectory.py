"""Benchmark: one full-model threat trajectory, thaad's compiled integrator against SciPy.

The same 1,300 km minimum-energy flight of the mrbm-1300 class (WGS-84, rotation, J2,
US76) is flown by thaad (:func:`thaad.core.threat.fly_to_impact`, Dormand-Prince 5(4)
in numba) and by SciPy's ``solve_ivp`` (DOP853) on the same right-hand side
(:func:`thaad.core.flight.deriv`, phase by phase, with a terminal impact event). Equal
impact accuracy: against a reference impact point (SciPy DOP853, rtol 1e-13), each
integrator runs at the loosest relative tolerance of the ladder 1e-5, 3e-6, ... 1e-12 from which
on every tighter tolerance lands within ``ACCURACY_M`` of the reference; then each is
timed in this same run (best of several repeats). Then a batch of 10,000 dispersed
threats (azimuth, cutoff time and pitch perturbed) is flown in parallel
(:func:`thaad.core.threat.fly_batch`) and its throughput printed.

Run: ``python bench/trajectory.py``. The last line is one JSON object of the figures.
"""

from __future__ import annotations

import json
import math
import os
import platform
import time

import numba
import numpy as np
import scipy
from scipy.integrate import solve_ivp

from thaad.core.earth import ecef_to_geodetic, geodetic_to_ecef
from thaad.core.flight import Env, coast_phase, deriv
from thaad.core.threat import (
    SHAPE_MIN_ENERGY,
    aim_point_on_sphere,
    fly_batch,
    fly_to_impact,
    solve_aim,
    stage_ignition_s,
    stage_mass_kg,
    stage_phase,
)
from thaad.model.catalog import threat_class

ACCURACIES_M = (1.0, 0.1)
LADDER = (1e-5, 3e-6, 1e-6, 3e-7, 1e-7, 3e-8, 1e-8, 3e-9, 1e-9, 3e-10, 1e-10, 3e-11, 1e-11, 3e-12,
          1e-12)  # fmt: skip
N_BATCH = 10_000
SCALE = np.array([1.0e6, 1.0e6, 1.0e6, 1.0e3, 1.0e3, 1.0e3, 1.0e3])  # thaad's error scales


def scipy_impact(mis, aim, env, rtol):
    """Impact point (ECEF) of the same flight with SciPy's DOP853, phase by phase."""
    out = np.empty(7)
    atol = rtol * SCALE
    y = np.zeros(7)
    y[:3] = geodetic_to_ecef(aim.lat0_rad, aim.lon0_rad, aim.alt0_m, env.earth)
    y[6] = mis.m0_kg
    t = 0.0
    nfev = 0
    for i in range(mis.n_stages):
        t_end = min(stage_ignition_s(mis, i) + mis.stage_burn_s[i], aim.t_cutoff_s)
        if i > 0:
            y[6] = stage_mass_kg(mis, i)
        ph = stage_phase(mis, aim, i)

        def f(tt, yy, ph=ph):
            deriv(tt, yy, ph, env, 0.0, 0.0, 0.0, out)
            return out.copy()

        sol = solve_ivp(f, (t, t_end), y, method="DOP853", rtol=rtol, atol=atol)
        nfev += sol.nfev
        t, y = t_end, sol.y[:, -1].copy()
        if t >= aim.t_cutoff_s:
            break
    y[6] = mis.m_rv_kg
    ph = coast_phase(mis.m_rv_kg / mis.beta_rv_kgpm2)

    def f2(tt, yy):
        deriv(tt, yy, ph, env, 0.0, 0.0, 0.0, out)
        return out.copy()

    def impact(tt, yy):
        return ecef_to_geodetic(yy[0], yy[1], yy[2], env.earth)[2]

    impact.terminal = True
    impact.direction = -1
    sol = solve_ivp(f2, (t, t + 2.0e4), y, method="DOP853", rtol=rtol, atol=atol, events=impact)
    nfev += sol.nfev
    return sol.y_events[0][0][:3].copy(), nfev


def thaad_impact(mis, aim, env, rtol):
    """Impact point (ECEF) of thaad's flight (boost and RV; the spent stage is not flown)."""
    _, lat, lon, _ = fly_to_impact(mis, aim, env, rtol)
    return geodetic_to_ecef(lat, lon, 0.0, env.earth)


def best_time(fn, repeats, inner=1):
    best = math.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        best = min(best, (time.perf_counter() - t0) / inner)
    return best


def loosest(errors: dict[float, float], acc: float) -> float:
    """Loosest rtol from which on every tighter one is within ``acc``."""
    ok = LADDER[-1]
    for r in reversed(LADDER):
        if errors[r] > acc:
            break
        ok = r
    return ok


def main() -> None:
    tc = threat_class("mrbm-1300")
    mis = tc.missile()
    env = Env(1, 1, 1, 1)
    lat0, lon0 = math.radians(39.0), math.radians(125.7)
    lat1, lon1 = aim_point_on_sphere(lat0, lon0, math.radians(100.0), 1.3e6)
    aim, status, miss = solve_aim(
        mis, lat0, lon0, 0.0, lat1, lon1, 0.0, env, SHAPE_MIN_ENERGY, 0.0, 1.0
    )
    assert status == 0, (status, miss)
    thaad_impact(mis, aim, env, 1e-9)  # compile
    ref, _ = scipy_impact(mis, aim, env, 1e-13)
    err_s, err_t, nfev_s = {}, {}, {}
    for r in LADDER:
        p, nfev_s[r] = scipy_impact(mis, aim, env, r)
        err_s[r] = float(np.linalg.norm(p - ref))
        err_t[r] = float(np.linalg.norm(thaad_impact(mis, aim, env, r) - ref))
    print("1,300 km mrbm-1300 flight, min-energy, full model; reference SciPy DOP853 rtol 1e-13")
    print(f"{'rtol':>8} {'SciPy DOP853 err m':>19} {'nfev':>6} {'thaad DP5 err m':>16}")
    for r in LADDER:
        print(f"{r:8.0e} {err_s[r]:19.4f} {nfev_s[r]:6d} {err_t[r]:16.4f}")
    figures = {}
    for acc in ACCURACIES_M:
        rs, rt = loosest(err_s, acc), loosest(err_t, acc)
        ts = best_time(lambda rs=rs: scipy_impact(mis, aim, env, rs), 5)
        tt = best_time(lambda rt=rt: thaad_impact(mis, aim, env, rt), 7, 200)
        print(f"impact within {acc:g} m: SciPy rtol {rs:.0e} {ts * 1e3:.2f} ms, thaad rtol "
              f"{rt:.0e} {tt * 1e3:.3f} ms, ratio {ts / tt:.1f}x")  # fmt: skip
        figures[f"{acc:g}m"] = {
            "scipy_rtol": rs, "scipy_ms": round(ts * 1e3, 3), "scipy_err_m": err_s[rs],
            "thaad_rtol": rt, "thaad_ms": round(tt * 1e3, 4), "thaad_err_m": err_t[rt],
            "speedup": round(ts / tt, 1),
        }  # fmt: skip
    # batch of dispersed threats (1-sigma: 1 mrad azimuth, 0.5 s cutoff, 2 mrad pitch)
    rng = np.random.default_rng(2017)
    daz = 1e-3 * rng.standard_normal(N_BATCH)
    dtc = np.clip(0.5 * rng.standard_normal(N_BATCH), -5.0, 0.0)
    dpi = 2e-3 * rng.standard_normal(N_BATCH)
    rt = figures["1m"]["thaad_rtol"]
    fly_batch(mis, aim, env, daz[:8], dtc[:8], dpi[:8], rt)  # compile
    t0 = time.perf_counter()
    t_imp, lat, lon = fly_batch(mis, aim, env, daz, dtc, dpi, rt)
    dt = time.perf_counter() - t0
    spread = np.hypot(np.degrees(lat - lat1) * 111.2, np.degrees(lon - lon1) * 111.2
                      * math.cos(lat1))  # fmt: skip
    landed = bool(np.all(np.isfinite(t_imp)))
    print(f"batch of {N_BATCH:,} dispersed trajectories on {numba.get_num_threads()} threads: "
          f"{dt:.2f} s, {N_BATCH / dt:,.0f} trajectories/s (rtol {rt:.0e}); all landed: "
          f"{landed}, median miss {np.median(spread):.1f} km")  # fmt: skip
    figures["batch"] = {
        "n": N_BATCH, "threads": numba.get_num_threads(), "seconds": round(dt, 3),
        "per_s": round(N_BATCH / dt, 1), "rtol": rt,
    }  # fmt: skip
    figures["speedup"] = figures["1m"]["speedup"]
    figures["env"] = {
        "python": platform.python_version(), "numba": numba.__version__,
        "scipy": scipy.__version__, "cpus": os.cpu_count(),
    }  # fmt: skip
    print(json.dumps({"bench": "trajectory", **figures}))


if __name__ == "__main__":
    main()
