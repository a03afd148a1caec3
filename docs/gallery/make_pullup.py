"""Compute the figures of the quasi-ballistic section (docs/physics/threats.md, "Quasi-ballistic
threats: the pull-up shape"): what a KN-23-class pull-up takes from the Seongju battery.

Run by hand (``PYTHONPATH=src python docs/gallery/make_pullup.py``; about 10 s on a warm
numba cache, a minute cold). Every figure comes from thaad's public functions on the default
scenario (``scenarios/seongju.yaml``) with the overrides named below; the equivalent commands
are written next to each result. It writes, under ``docs/gallery/pullup/``:

- ``footprints.md``: the kinematic footprints (:func:`thaad.analysis.footprint.compute_footprint`,
  ``thaad footprint --launch 39.2,125.67 --grid 41 --extent-km 400``) of the srbm-600 on its
  minimum-energy shape and of the srbm-qb on the pull-up shape at 50 and 60 km apogee: the
  defended and threatened areas, the defended cells and each named asset's kill probability;
- ``flight.md``: the srbm-qb's 690 km shot at 50 km apogee
  (:func:`thaad.analysis.engagement.fly_trajectory`, ``thaad trajectory``) and its shot at
  Daegu;
- ``run.md``: the events of the default engagement toward Daegu at 50 km apogee
  (:func:`thaad.analysis.engagement.run`, ``thaad run``);
- ``montecarlo.md``: 30-draw Monte Carlos (:func:`thaad.analysis.montecarlo.run_montecarlo`,
  ``thaad montecarlo``) at the 60 km case's defended cells nearest to and farthest from the
  battery, when it defends any;
- ``results.json``: every figure above, with the commands.

The written files are committed, so the site builds without running anything.
"""

from __future__ import annotations

import json
import math
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = HERE / "pullup"
sys.path.insert(0, str(ROOT / "src"))

LAUNCH = (39.2, 125.67)  # the default scenario's launch point, degrees
GRID, EXTENT_KM, THRESHOLD = 41, 400.0, 0.5
DRAWS = 30
QB = ["threat.class=srbm-qb", "threat.shape=pull-up"]
CASES = [  # (key, label, overrides)
    ("srbm-600", "srbm-600, minimum energy", []),
    ("qb-50", "srbm-qb, pull-up, 50 km apogee", [*QB, "threat.apogee_km=50"]),
    ("qb-60", "srbm-qb, pull-up, 60 km apogee", [*QB, "threat.apogee_km=60"]),
]
FLIGHT_RANGE_KM = 690.0  # the longest reported KN-23 shot at about 50 km apogee
FLOOR_M = 40.0e3  # the default scenario's fire_control.min_intercept_alt_km, checked below


def _cmd(args: list[str]) -> str:
    return "thaad " + " ".join(args)


def _sets(overrides: list[str]) -> list[str]:
    return [x for o in overrides for x in ("--set", o)]


def _span(v: list[float], fmt: str) -> str:
    lo, hi = fmt.format(min(v)), fmt.format(max(v))
    return lo if lo == hi else f"{lo}-{hi}"


def _flight(launch, aim, apogee_km: float, earth: int) -> dict:
    """The pull-up flight's figures (full model, default glide)."""
    from thaad.analysis.engagement import fly_trajectory
    from thaad.core.earth import ecef_to_geodetic
    from thaad.core.threat import flight_path_angle
    from thaad.model.catalog import THREATS
    from thaad.model.scenario import Models
    from thaad.model.shapes import Glide, solve_pullup

    r = fly_trajectory(launch, aim, threat="srbm-qb", shape="pull-up", apogee_km=apogee_km)
    d = math.radians
    p0, p1 = (d(launch[0]), d(launch[1]), 0.0), (d(aim[0]), d(aim[1]), 0.0)
    _, steer, _ = solve_pullup(THREATS["srbm-qb"], Models().env(), p0, p1, apogee_km, Glide())
    t = r.t_s
    h = np.array([ecef_to_geodetic(y[0], y[1], y[2], earth)[2] for y in r.ecef])
    v = np.linalg.norm(r.ecef[:, 3:6], axis=1)
    gam = np.degrees([flight_path_angle(y) for y in r.ecef])
    # the pull-up: after apogee the path first steepens below -1 deg, then the lift brings it
    # back to within 1 deg of level (k); the level glide lasts while it stays there (to j)
    a = int(np.argmax((t > r.apogee_time_s) & (gam < -1.0)))
    k = a + int(np.argmax(gam[a:] >= -1.0))
    j = k
    while j + 1 < len(t) and abs(gam[j + 1]) <= 1.0:
        j += 1
    # the first time after apogee below the intercept floor, and how high it gets after
    b = int(np.argmax((t > r.apogee_time_s) & (h < FLOOR_M)))
    cmd = ["trajectory", "--launch", f"{launch[0]:g},{launch[1]:g}", "--aim",
           f"{aim[0]:.4f},{aim[1]:.4f}", "--threat", "srbm-qb", "--shape", "pull-up",
           "--apogee-km", f"{apogee_km:g}"]  # fmt: skip
    return {
        "command": _cmd(cmd),
        "aim_deg": [aim[0], aim[1]],
        "ground_range_km": r.ground_range_m / 1e3,
        "aim_miss_m": r.aim_miss_m,
        "cutoff_s": r.burnout_time_s,
        "burnout_speed_mps": r.burnout_speed_mps,
        "burnout_alt_km": r.burnout_alt_m / 1e3,
        "burnout_flight_path_deg": r.burnout_flight_path_deg,
        "final_pitch_deg": math.degrees(steer.pitch_final_rad),
        "apogee_time_s": r.apogee_time_s,
        "apogee_alt_km": r.apogee_alt_m / 1e3,
        "sink_bottom_t_s": float(t[k]),
        "sink_bottom_alt_km": float(h[k] / 1e3),
        "glide_end_t_s": float(t[j]),
        "glide_end_alt_km": float(h[j] / 1e3),
        "glide_speed_start_mps": float(v[k]),
        "glide_speed_end_mps": float(v[j]),
        "below_floor_t_s": float(t[b]),
        "max_alt_after_below_floor_km": float(h[b:].max() / 1e3),
        "flight_time_s": r.flight_time_s,
        "impact_speed_mps": r.impact_speed_mps,
    }


def _over_battery(launch, aim, apogee_km: float, site, earth: int) -> dict:
    """Where a pull-up shot passes the battery: its altitude and time at the point of its
    ground track nearest the battery; its apogee's time and ground distance from the battery;
    the same when it first falls below the intercept floor after apogee."""
    from thaad.analysis.engagement import fly_trajectory
    from thaad.core.constants import R_MEAN_M
    from thaad.core.earth import ecef_to_geodetic, great_circle

    r = fly_trajectory(launch, aim, threat="srbm-qb", shape="pull-up", apogee_km=apogee_km)
    geo = [ecef_to_geodetic(y[0], y[1], y[2], earth) for y in r.ecef]
    d = math.radians
    gr = [great_circle(d(site.lat_deg), d(site.lon_deg), la, lo)[0] * R_MEAN_M for la, lo, _ in geo]
    i = int(np.argmin(gr))
    ia = int(np.argmin(np.abs(r.t_s - r.apogee_time_s)))
    h = np.array([g[2] for g in geo])
    ib = int(np.argmax((r.t_s > r.apogee_time_s) & (h < FLOOR_M)))
    return {"closest_ground_km": gr[i] / 1e3, "t_s": float(r.t_s[i]),
            "alt_km": geo[i][2] / 1e3, "apogee_time_s": r.apogee_time_s,
            "apogee_from_battery_km": gr[ia] / 1e3, "below_floor_t_s": float(r.t_s[ib]),
            "below_floor_from_battery_km": gr[ib] / 1e3}  # fmt: skip


def main() -> int:
    from thaad.analysis.engagement import run
    from thaad.analysis.footprint import cell_areas_km2, compute_footprint
    from thaad.analysis.montecarlo import run_montecarlo
    from thaad.core.constants import R_MEAN_M
    from thaad.core.earth import destination, great_circle
    from thaad.model.geo import country_of
    from thaad.model.scenario import load_scenario

    OUT.mkdir(parents=True, exist_ok=True)
    t_all = time.perf_counter()
    res: dict = {"launch_deg": list(LAUNCH), "grid": GRID, "extent_km": EXTENT_KM,
                 "threshold": THRESHOLD, "scenario": "scenarios/seongju.yaml"}  # fmt: skip
    base = load_scenario()
    assert base.battery.fire_control.min_intercept_alt_km * 1e3 == FLOOR_M
    earth = base.models.env().earth
    site = base.battery.site
    d = math.radians

    def from_battery_km(lat: float, lon: float) -> float:
        return great_circle(d(site.lat_deg), d(site.lon_deg), d(lat), d(lon))[0] * R_MEAN_M / 1e3

    # --- kinematic footprints -----------------------------------------------------------------
    fps = {}
    for key, label, ov in CASES:
        t0 = time.perf_counter()
        sc = load_scenario(overrides=ov)
        f = compute_footprint(sc, LAUNCH, grid=GRID, extent_km=EXTENT_KM, threshold=THRESHOLD,
                              progress=False)  # fmt: skip
        s = f.summary
        pk = np.nan_to_num(f.p_kill, nan=0.0)
        area = cell_areas_km2(f.lats, f.lons)
        ii, jj = np.nonzero(pk >= THRESHOLD)
        cells = []
        for i, j in zip(ii, jj, strict=True):
            la, lo = float(f.lats[i]), float(f.lons[j])
            cells.append({"lat_deg": la, "lon_deg": lo, "p_kill": float(f.p_kill[i, j]),
                          "first_intercept_alt_km": float(f.first_intercept_alt_m[i, j] / 1e3),
                          "from_battery_km": from_battery_km(la, lo),
                          "land": country_of(la, lo)})  # fmt: skip
        cmd = ["footprint", "--launch", f"{LAUNCH[0]:g},{LAUNCH[1]:g}", "--grid", str(GRID),
               "--extent-km", f"{EXTENT_KM:g}", *_sets(ov)]  # fmt: skip
        assets = {n: {"p_kill": a["p_kill"], "unreached": a["unreached"],
                      "first_intercept_alt_km": None if a["first_intercept_alt_m"] is None
                      else a["first_intercept_alt_m"] / 1e3}
                  for n, a in s["assets"].items()}  # fmt: skip
        fps[key] = {
            "label": label,
            "overrides": ov,
            "command": _cmd(cmd),
            "threat": s["threat"],
            "defended_area_km2": s["defended_area_km2"],
            "threatened_area_km2": s["threatened_area_km2"],
            "defended_cells": len(cells),
            "threatened_cells": int(np.sum(~np.isnan(f.p_kill))),
            "cells": GRID * GRID,
            "cell_area_km2_range": [float(area.min()), float(area.max())],
            "threat_range_km": [v / 1e3 for v in s["threat_range_m"]],
            "assets": assets,
            "defended": cells,
            "wall_s": time.perf_counter() - t0,
        }
        print(f"footprint {key}: {s['defended_area_km2']:,.0f} / {s['threatened_area_km2']:,.0f} "
              f"km2, {len(cells)} cells, {time.perf_counter() - t0:.1f} s", flush=True)  # fmt: skip
    res["footprints"] = fps
    ref = fps["srbm-600"]
    for key in ("qb-50", "qb-60"):
        fp = fps[key]
        fp["fraction_of_srbm600_area"] = (fp["defended_area_km2"] / ref["defended_area_km2"]
                                          if ref["defended_area_km2"] else None)  # fmt: skip

    def p(a):
        if a["p_kill"] is None:
            return f"- ({a['unreached']})"
        return f"{a['p_kill']:.2f}"

    names = list(ref["assets"])
    lines = ["| threat | defended area | defended cells | threatened area | "
             + " | ".join(names) + " |", "|---" * (4 + len(names)) + "|"]  # fmt: skip
    for fp in fps.values():
        lines.append(f"| {fp['label']} | {fp['defended_area_km2']:,.0f} km^2 | "
                     f"{fp['defended_cells']} of {fp['cells']:,} | "
                     f"{fp['threatened_area_km2']:,.0f} km^2 | "
                     + " | ".join(p(fp["assets"][n]) for n in names) + " |")  # fmt: skip
    lines.append("")
    for fp in fps.values():
        c = fp["defended"]
        if not c:
            lines.append(f"- {fp['label']}: no defended cell.")
            continue
        land = {}
        for x in c:
            land[x["land"] or "sea"] = land.get(x["land"] or "sea", 0) + 1
        frac = fp.get("fraction_of_srbm600_area")
        lines.append(
            f"- {fp['label']}: defended cells {min(x['from_battery_km'] for x in c):.0f}-"
            f"{max(x['from_battery_km'] for x in c):.0f} km from the battery, "
            f"{min(x['lat_deg'] for x in c):.2f}-{max(x['lat_deg'] for x in c):.2f} N, "
            f"{min(x['lon_deg'] for x in c):.2f}-{max(x['lon_deg'] for x in c):.2f} E ("
            + ", ".join(f"{n} {k}" for k, n in sorted(land.items())) + "); kinematic P(kill) "
            + _span([x["p_kill"] for x in c], "{:.2f}") + "; planned "
            f"first intercept {min(x['first_intercept_alt_km'] for x in c):.1f}-"
            f"{max(x['first_intercept_alt_km'] for x in c):.1f} km"
            + ("" if frac is None else f"; {100 * frac:.0f} % of the srbm-600's defended area")
            + "."
        )  # fmt: skip
    lines.append("")
    lines += [f"- {fp['label']}: `{fp['command']}`" for fp in fps.values()]
    (OUT / "footprints.md").write_text("\n".join(lines) + "\n")

    # --- the flights --------------------------------------------------------------------------
    t0 = time.perf_counter()
    daegu = next(a for a in base.assets if a.name == "Daegu")
    _, az = great_circle(d(LAUNCH[0]), d(LAUNCH[1]), d(daegu.lat_deg), d(daegu.lon_deg))
    la, lo = destination(d(LAUNCH[0]), d(LAUNCH[1]), az, FLIGHT_RANGE_KM * 1e3 / R_MEAN_M)
    res["flight_690km_50km"] = _flight(LAUNCH, (math.degrees(la), math.degrees(lo)), 50.0, earth)
    res["flight_daegu_50km"] = _flight(LAUNCH, (daegu.lat_deg, daegu.lon_deg), 50.0, earth)
    fl = [("690 km toward Daegu's azimuth", res["flight_690km_50km"]),
          ("at Daegu", res["flight_daegu_50km"])]  # fmt: skip
    rows = [
        ("ground range (km)", "ground_range_km", "{:.1f}"),
        ("miss of the aim point (m)", "aim_miss_m", "{:.0f}"),
        ("cutoff (s)", "cutoff_s", "{:.1f}"),
        ("burnout speed (m/s)", "burnout_speed_mps", "{:.0f}"),
        ("burnout altitude (km)", "burnout_alt_km", "{:.1f}"),
        ("flight-path angle at burnout (deg)", "burnout_flight_path_deg", "{:.1f}"),
        ("final pitch of the steering (deg)", "final_pitch_deg", "{:.1f}"),
        ("apogee (s)", "apogee_time_s", "{:.1f}"),
        ("apogee altitude (km)", "apogee_alt_km", "{:.1f}"),
        ("level again after the sink, path within 1 deg (s)", "sink_bottom_t_s", "{:.0f}"),
        ("its altitude (km)", "sink_bottom_alt_km", "{:.1f}"),
        ("speed there (m/s)", "glide_speed_start_mps", "{:.0f}"),
        ("end of the level glide (s)", "glide_end_t_s", "{:.0f}"),
        ("its altitude (km)", "glide_end_alt_km", "{:.1f}"),
        ("speed there (m/s)", "glide_speed_end_mps", "{:.0f}"),
        ("below 40 km after apogee (s)", "below_floor_t_s", "{:.0f}"),
        ("highest altitude after that (km)", "max_alt_after_below_floor_km", "{:.1f}"),
        ("flight time (s)", "flight_time_s", "{:.1f}"),
        ("impact speed (m/s)", "impact_speed_mps", "{:.0f}"),
    ]
    out = ["| srbm-qb, pull-up, 50 km apogee | " + " | ".join(n for n, _ in fl) + " |",
           "|---" * (1 + len(fl)) + "|"]  # fmt: skip
    for name, k, fmt in rows:
        vals = [fmt.format(f[k]) for _, f in fl]
        out.append(f"| {name} | " + " | ".join(vals) + " |")
    out.append("")
    out += [f"- {n}: `{f['command']}`" for n, f in fl]
    (OUT / "flight.md").write_text("\n".join(out) + "\n")
    res["flights_wall_s"] = time.perf_counter() - t0
    print(f"flights: {time.perf_counter() - t0:.1f} s", flush=True)

    # --- the default engagement toward Daegu, 50 km apogee -------------------------------------
    t0 = time.perf_counter()
    ov50 = fps["qb-50"]["overrides"]
    e = run(load_scenario(overrides=ov50))
    res["run_daegu_50km"] = {
        "command": _cmd(["run", *_sets(ov50)]),
        "intercepted": e.intercepted,
        "interceptors_fired": e.interceptors_fired,
        "seed": e.seed,
        "events": e.events,
        "apogee_alt_km": e.threat["apogee_alt_m"] / 1e3,
        "impact_time_s": e.threat["impact_time_s"],
        "impact_deg": [e.threat["impact_lat_deg"], e.threat["impact_lon_deg"]],
        "wall_s": time.perf_counter() - t0,
    }
    ev = ["| t (s) | event | details |", "|---|---|---|"]
    for x in e.events:
        det = ", ".join(f"{k} {v}" for k, v in x.items() if k not in ("t_s", "kind"))
        ev.append(f"| {x['t_s']:.1f} | {x['kind']} | {det} |")
    ev += ["", f"`{res['run_daegu_50km']['command']}`: intercepted {e.intercepted}, "
           f"{e.interceptors_fired} interceptors fired (seed {e.seed})."]  # fmt: skip
    (OUT / "run.md").write_text("\n".join(ev) + "\n")
    print(f"run: {time.perf_counter() - t0:.1f} s", flush=True)

    # --- Monte Carlo at the 60 km case's nearest and farthest defended cells -------------------
    fp60 = fps["qb-60"]
    mc = []
    if fp60["defended"]:
        cells = sorted(fp60["defended"], key=lambda c: c["from_battery_km"])
        picks = [("nearest", cells[0])] + ([("farthest", cells[-1])] if len(cells) > 1 else [])
        for which, c in picks:
            t0 = time.perf_counter()
            ov = [*fp60["overrides"], f"threat.aim.lat_deg={c['lat_deg']:.4f}",
                  f"threat.aim.lon_deg={c['lon_deg']:.4f}", "threat.aim.name=cell"]  # fmt: skip
            sc = load_scenario(overrides=ov)
            with tempfile.TemporaryDirectory() as tmp:
                s = run_montecarlo(sc, DRAWS, Path(tmp) / "mc", workers=1, progress=False)
            flight = _over_battery(LAUNCH, (c["lat_deg"], c["lon_deg"]), 60.0, site, earth)
            one = run(sc)  # the nominal engagement at the cell (``thaad run`` with these sets)
            nominal = {"command": _cmd(["run", *_sets(ov)]), "intercepted": one.intercepted,
                       "interceptors_fired": one.interceptors_fired,
                       "intercept_time_s": one.intercept_time_s,
                       "intercept_alt_km": None if one.intercept_alt_m is None
                       else one.intercept_alt_m / 1e3,
                       "intercept_from_battery_km": None if one.intercept_ground_range_m is None
                       else one.intercept_ground_range_m / 1e3}  # fmt: skip
            mc.append({
                "cell": which, **{k: v for k, v in c.items() if k != "p_kill"},
                "kinematic_p_kill": c["p_kill"], "over_battery": flight, "nominal_run": nominal,
                "command": _cmd(["montecarlo", *_sets(ov), "--draws", str(DRAWS), "--out",
                                 f"runs/pullup-mc-{which}"]),
                "draws": s["draws"], "p_kill": s["p_kill"], "p_kill_ci95": s["p_kill_ci95"],
                "mean_interceptors_fired": s["mean_interceptors_fired"],
                "intercept_alt_km_mean": (None if s["intercept_alt_m"]["mean"] is None
                                          else s["intercept_alt_m"]["mean"] / 1e3),
                "seed": s["seed"], "wall_s": time.perf_counter() - t0,
            })  # fmt: skip
            print(f"montecarlo {which}: P(kill) {s['p_kill']:.2f}, "
                  f"{time.perf_counter() - t0:.1f} s", flush=True)  # fmt: skip
    res["montecarlo_60km"] = mc
    lines = ["| cell | lat, lon (deg) | from the battery (km) | kinematic P(kill) | planned "
             "first intercept (km) | Monte Carlo P(kill) (95 % interval) | shots per draw | "
             "mean intercept altitude (km) |", "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for m in mc:
        alt = "-" if m["intercept_alt_km_mean"] is None else f"{m['intercept_alt_km_mean']:.1f}"
        lines.append(f"| {m['cell']} | {m['lat_deg']:.2f}, {m['lon_deg']:.2f} | "
                     f"{m['from_battery_km']:.0f} | {m['kinematic_p_kill']:.2f} | "
                     f"{m['first_intercept_alt_km']:.1f} | {m['p_kill']:.2f} "
                     f"({m['p_kill_ci95'][0]:.2f}-{m['p_kill_ci95'][1]:.2f}) | "
                     f"{m['mean_interceptors_fired']:.2f} | {alt} |")  # fmt: skip
    lines.append("")
    for m in mc:
        f, n = m["over_battery"], m["nominal_run"]
        hit = ("no intercept" if not n["intercepted"] else
               f"intercept at {n['intercept_time_s']:.1f} s, {n['intercept_alt_km']:.1f} km "
               f"altitude, {n['intercept_from_battery_km']:.0f} km from the battery")  # fmt: skip
        lines.append(
            f"- {m['cell']} cell: apogee at {f['apogee_time_s']:.1f} s, "
            f"{f['apogee_from_battery_km']:.0f} km from the battery; below 40 km at "
            f"{f['below_floor_t_s']:.1f} s, {f['below_floor_from_battery_km']:.0f} km from it; "
            f"nearest the battery {f['closest_ground_km']:.0f} km, at {f['alt_km']:.1f} km "
            f"altitude ({f['t_s']:.0f} s). The nominal run (`{n['command']}`): {hit}, "
            f"{n['interceptors_fired']} fired. Monte Carlo: `{m['command']}`."
        )  # fmt: skip
    if not mc:
        lines = ["The 60 km case defends no cell: no Monte Carlo is run."]
    (OUT / "montecarlo.md").write_text("\n".join(lines) + "\n")

    res["wall_s"] = time.perf_counter() - t_all
    (OUT / "results.json").write_text(json.dumps(res, indent=1) + "\n")
    print((OUT / "footprints.md").read_text())
    print((OUT / "flight.md").read_text())
    print((OUT / "run.md").read_text())
    print((OUT / "montecarlo.md").read_text())
    print(f"total {res['wall_s']:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
