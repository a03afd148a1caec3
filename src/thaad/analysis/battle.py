"""The battle: a raid of many threats against several batteries in tiers.

Each threat entry of the scenario is flown once (identical missiles share the path, shifted by
their launch times). For every battery and threat :func:`thaad.core.battle.engagement_window`
gives when the battery can engage it: detection, the firm track, the reaction time, the
envelope and the fly-out table, the doctrine's shots. Each battery's radar shares its track
time among every object in track at once: the revisit of a new track is
``max(scan_period, objects x dwell / track_fraction_max)`` (the objects of the tracks held and
still flying, its own included), which delays the firm track (and so the first launch); past
``battle.max_track_interval_s`` the new track is dropped (it takes no radar time) and the
battery cannot engage that threat.

Threat evaluation: each threat's predicted impact point gives the asset it threatens (the
nearest within ``battle.asset_radius_km``, else its aim point with value 1). Weapon-target
assignment (:func:`thaad.core.wta.assign`) spreads each tier's rounds: ``p[b, t]`` is the
battery's single-shot kill probability against the threat's entry (:func:`pk_table`) where the
threat is inside its envelope in time, else 0; at most ``doctrine.shots`` from each battery at each
threat. Tiers are layered: the upper tier fires first; the lower tier engages what the upper
tier's kill assessment declares alive. Kill assessment: a kill is seen as a kill; a miss is seen
as a miss with probability ``doctrine.kill_assessment_accuracy`` (else the threat is declared
dead and nobody fires at it again) - the rule of :mod:`thaad.core.footprint`.

Single-shot kill probability (:func:`pk_table`, once per battle): with ``lethality.model:
fixed`` it is ``lethality.sspk`` (or the battery's ``sspk``); with ``miss-distance`` it comes
from flown engagements: ``battle.pk_draws`` dispersed single-shot engagements of the battery
against the threat entry with the staged core (the Monte Carlo's own draws,
:func:`thaad.analysis.montecarlo.run_chunk`), ``Pk = kills / shots fired`` with its Wilson
interval; draws in which the flown engagement fires no shot are counted apart (the window said
the battery can shoot), not as misses. A battery's own ``sspk``, when set, is used as given.

Assumptions (the battle's shots are not flown: each is drawn at its pair's Pk, flown alone,
without the raid's radar load): each shot's times and height are the window's planned ones (a
shot after a look is planned as if the look found a miss); each battery has ``launchers.count
x launchers.rounds`` rounds, and a full load again at its ``reload_time_s`` (the reload engages
the threats whose first launch opportunity is after it); a battery's launch-rate limit
(``launch_interval_s``) moves a shot, and the later shots of its engagement, to its next free
launch slot, or leaves it unfired when that is past the window's last launch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from thaad.core.constants import R_MEAN_M
from thaad.core.earth import ecef_to_geodetic, great_circle
from thaad.errors import ThaadInputError
from thaad.model.scenario import Scenario
from thaad.version import __version__

PATH_DT_S = 1.0
"""Resampling step of a threat's path for the engagement windows."""


@dataclass
class BattlePrep:
    """Everything one draw of a battle needs (arrays over batteries ``b`` and threats ``t``)."""

    scenario: Scenario
    names: list[str]  # battery names
    tiers: list[str]  # upper / lower per battery
    rounds: np.ndarray  # (n_b,)
    threat_ids: list[str]
    threat_class: list[str]
    aim: list[str]
    asset: list[str]
    value: np.ndarray  # (n_t,)
    launch_s: np.ndarray  # (n_t,) launch time in the battle
    impact_s: np.ndarray  # (n_t,) impact time in the battle
    impact_deg: np.ndarray  # (n_t, 2) lat, lon
    t_detect_s: np.ndarray  # (n_b, n_t) battle times, NaN when never detected
    t_launch_s: np.ndarray  # (n_b, n_t, shots) each shot's launch
    t_intercept_s: np.ndarray  # (n_b, n_t, shots) each shot's planned intercept
    alt_m: np.ndarray  # (n_b, n_t, shots) each shot's intercept height
    shots: np.ndarray  # (n_b, n_t) shots the doctrine fits in the window
    revisit_s: np.ndarray  # (n_b, n_t) track revisit under the raid's load
    dropped: np.ndarray  # (n_b, n_t) bool: track dropped (revisit too long)
    last_launch_s: np.ndarray  # (n_b, n_t) the window's last launch
    launch_interval_s: np.ndarray  # (n_b,) the launch-rate limit (0: none)
    reload_s: np.ndarray  # (n_b,) when the launchers are refilled (NaN: never)
    phase: np.ndarray  # (n_b, n_t) 0: the first load engages the threat, 1: the reload
    max_objects: np.ndarray  # (n_b,) most objects in track at once
    p: np.ndarray  # (n_b, n_t) single-shot kill probability where engageable
    pk_table: list[dict[str, Any]] = field(default_factory=list)  # per battery x threat entry
    flights: list[tuple[np.ndarray, np.ndarray]] | None = None  # each entry's (t_s, ECEF states)
    entry_of: list[int] | None = None  # (n_t,) the threat entry of each threat
    launcher_deg: np.ndarray | None = None  # (n_b, 3) each battery's launcher: lat, lon, alt
    site_deg: np.ndarray | None = None  # (n_b, 3) each battery's radar site


def _objects_per_threat(sc: Scenario, separates: bool) -> int:
    if sc.sensing.model == "single-object":
        return 1
    return 1 + (1 if separates else 0) + sc.sensing.debris_count


def prepare_battle(sc: Scenario, pk: list[dict[str, Any]] | None = None) -> BattlePrep:
    """Fly every threat entry once and compute every battery's engagement windows; the
    single-shot kill probabilities are :func:`pk_table`'s (or ``pk``, a table it made for
    this scenario, so that workers and raid sizes need not fly it again)."""
    from thaad.analysis.engagement import (
        GRID_D_ALT_M,
        GRID_D_RHO_M,
        _solve_threat,
        flyout_grid,
    )
    from thaad.core.battle import engagement_window
    from thaad.core.scene import looks_to_firm
    from thaad.core.threat import fly_threat

    env = sc.models.env()
    bats = sc.battery_list()
    entries = sc.threat_list()
    # the threats: one flight per entry
    flights = []
    ids, cls, aims, launch, impact, imp_deg, entry_of, objs = [], [], [], [], [], [], [], []
    for i, e in enumerate(entries):
        s1 = sc.single(bats[0], e)
        tc, mis, aim = _solve_threat(s1, env)
        ts, ys, tb, _, _, t_imp, y_imp, _, _, _ = fly_threat(mis, aim, env, 1e-9, 2.0)
        rcs_b, rcs_rv = s1.threat_rcs()
        flights.append((ts, ys, float(tb), rcs_b, rcs_rv))
        lat, lon, _ = ecef_to_geodetic(y_imp[0], y_imp[1], y_imp[2], env.earth)
        for k in range(e.count):
            ids.append(f"T{len(ids) + 1}")
            cls.append(tc.name)
            aims.append(e.aim.name or f"{e.aim.lat_deg:.3f},{e.aim.lon_deg:.3f}")
            t0 = e.launch_time_s + k * e.spacing_s
            launch.append(t0)
            impact.append(t0 + float(t_imp))
            imp_deg.append((math.degrees(lat), math.degrees(lon)))
            entry_of.append(i)
            objs.append(_objects_per_threat(sc, tc.separates))
    n_b, n_t = len(bats), len(ids)
    # threat evaluation: the asset each threatens
    value = np.ones(n_t)
    asset = list(aims)
    for t in range(n_t):
        best = sc.battle.asset_radius_km * 1e3
        for a in sc.assets:
            lat0, lon0 = math.radians(a.lat_deg), math.radians(a.lon_deg)
            la, lo = math.radians(imp_deg[t][0]), math.radians(imp_deg[t][1])
            d = great_circle(lat0, lon0, la, lo)[0] * R_MEAN_M
            if d <= best:
                best, value[t], asset[t] = d, a.value, a.name
    shape = (n_b, n_t)
    t_det = np.full(shape, np.nan)
    n_s = sc.doctrine.shots
    last_l = np.full(shape, np.nan)
    t_l = np.full((*shape, n_s), np.nan)
    t_i = np.full((*shape, n_s), np.nan)
    alt = np.full((*shape, n_s), np.nan)
    shots = np.zeros(shape, np.int64)
    revisit = np.zeros(shape)
    dropped = np.zeros(shape, bool)
    max_obj = np.zeros(n_b, np.int64)
    rounds = np.zeros(n_b, np.int64)
    p = np.zeros(shape)
    launcher_deg = np.zeros((n_b, 3))
    site_deg = np.array([[b.site.lat_deg, b.site.lon_deg, b.site.alt_m] for b in bats])
    launch_a = np.array(launch)
    impact_a = np.array(impact)
    reach: list[list[bool]] = []  # [b][entry]: the unloaded window fits a shot
    for b, bat in enumerate(bats):
        sb = sc.single(bat, entries[0])
        rd = sb.battery.radar_core()
        fc = sb.fire_control_core()
        el_g, tof_g = flyout_grid(sb.interceptor_core(), env)
        lat_l, lon_l, alt_l = sb.battery.launcher_sites()[0]
        launcher_deg[b] = (math.degrees(lat_l), math.degrees(lon_l), alt_l)
        n_firm = looks_to_firm(sb.sensing.core(sb).tracker)
        rounds[b] = bat.launchers.count * bat.launchers.rounds

        def window(i: int, rev: float, rd=rd, fc=fc, el_g=el_g, tof_g=tof_g, lat_l=lat_l,
                   lon_l=lon_l, n_firm=n_firm):  # fmt: skip
            ts, ys, tb, rcs_b, rcs_rv = flights[i]
            return engagement_window(ts, ys, tb, rd, rcs_b, rcs_rv, env.earth, fc, el_g, tof_g,
                                     GRID_D_RHO_M, GRID_D_ALT_M, lat_l, lon_l, n_firm, rev,
                                     PATH_DT_S)  # fmt: skip

        nominal = {i: window(i, rd.scan_period_s) for i in range(len(entries))}
        reach.append([nominal[i][1] > 0 for i in range(len(entries))])
        for t in range(n_t):
            t_det[b, t] = nominal[entry_of[t]][0] + launch_a[t]
        # radar load: in detection order, a new track shares the track time with the tracks
        # held and still flying; when its revisit would pass the limit it is dropped (and
        # takes no time)
        seen = ~np.isnan(t_det[b])
        held = np.zeros(n_t, bool)
        objs_a = np.array(objs)
        for t in sorted(np.flatnonzero(seen), key=lambda i: (t_det[b, i], i)):
            busy = held & (impact_a > t_det[b, t])
            n_obj = int(np.sum(objs_a[busy])) + objs[t]
            revisit[b, t] = max(rd.scan_period_s, n_obj * rd.dwell_s / rd.track_fraction_max)
            if revisit[b, t] > sc.battle.max_track_interval_s:
                dropped[b, t] = True
            else:
                held[t] = True
                max_obj[b] = max(max_obj[b], n_obj)
        cache: dict[tuple[int, float], Any] = {}
        for t in range(n_t):
            if not seen[t]:
                continue
            if dropped[b, t]:
                continue
            key = (entry_of[t], round(float(revisit[b, t]), 6))
            if key not in cache:
                cache[key] = window(entry_of[t], float(revisit[b, t]))
            _, k, tl, ti, h, tll = cache[key]
            if k > 0:
                last_l[b, t] = tll + launch_a[t]
                t_l[b, t] = tl + launch_a[t]
                t_i[b, t] = ti + launch_a[t]
                alt[b, t] = h
                shots[b, t] = k
    if pk is None:
        pk = pk_table(sc, reach)
    pk_of = {(r["battery_index"], r["entry"]): r["pk"] for r in pk}
    for b in range(n_b):
        for t in range(n_t):
            if shots[b, t] > 0:
                p[b, t] = pk_of.get((b, entry_of[t])) or 0.0
    reload_a = np.array([np.nan if bt.reload_time_s is None else bt.reload_time_s for bt in bats])
    first = np.where(np.isnan(t_l[:, :, 0]), -np.inf, t_l[:, :, 0])
    phase = (first >= np.where(np.isnan(reload_a), np.inf, reload_a)[:, None]).astype(np.int64)
    return BattlePrep(
        scenario=sc, names=[b.name for b in bats], tiers=[b.tier_name for b in bats],
        rounds=rounds, threat_ids=ids, threat_class=cls, aim=aims, asset=asset, value=value,
        launch_s=launch_a, impact_s=impact_a, impact_deg=np.array(imp_deg).reshape(n_t, 2),
        t_detect_s=t_det, t_launch_s=t_l, t_intercept_s=t_i, alt_m=alt, shots=shots,
        revisit_s=revisit, dropped=dropped, max_objects=max_obj, p=p, pk_table=pk,
        last_launch_s=last_l,
        launch_interval_s=np.array([bt.launch_interval_s for bt in bats], dtype=float),
        reload_s=reload_a, phase=phase, flights=[(f[0], f[1]) for f in flights],
        entry_of=entry_of, launcher_deg=launcher_deg, site_deg=site_deg,
    )  # fmt: skip


PK_STREAM = 0x504B
"""Tag of the flown Pk draws' streams (ASCII "PK"), apart from the battle's own draws."""


def pair_seed(seed: int, battery: int, entry: int) -> int:
    """The seed of one battery x threat entry pair's flown draws: draw ``i`` of the pair uses
    :func:`thaad.analysis.montecarlo.draw_rng` ``(pair_seed, i)``."""
    ss = np.random.SeedSequence([int(seed), PK_STREAM, int(battery), int(entry)])
    return int(ss.generate_state(1, np.uint64)[0] >> np.uint64(1))


def entry_label(e: Any) -> str:
    """A threat entry in words: its class and aim point."""
    aim = e.aim.name or f"{e.aim.lat_deg:.3f},{e.aim.lon_deg:.3f}"
    return f"{e.definition().name} at {aim}"


def pk_table(sc: Scenario, reach: list[list[bool]]) -> list[dict[str, Any]]:
    """The single-shot kill probability of every battery against every threat entry.

    ``reach[b][e]``: the battery's unloaded engagement window against the entry fits a shot
    (else the pair is not engageable, Pk 0). With ``lethality.model: fixed`` the Pk is the
    battery's ``sspk``, else ``lethality.sspk``. With ``miss-distance`` it is flown: the pair's
    scenario (:meth:`Scenario.single`, ``doctrine.shots`` 1) is run for
    ``battle.pk_draws`` dispersed draws (from launchers of at least one round) by
    :func:`thaad.analysis.montecarlo.run_chunk`
    (seed :func:`pair_seed`), and ``Pk = kills / draws that fired`` with its 95 % Wilson
    interval; ``no_shot`` counts the draws that fired nothing (the window and the flown
    engagement disagree), which are not counted as misses. A battery's own ``sspk`` is used
    as given; a pair the staged core refuses to fly falls back to ``lethality.sspk`` with the
    reason. Each row: ``battery``, ``battery_index``, ``entry`` (index in ``threats:``),
    ``threat``, ``pk``, ``pk_ci95``, ``source``, ``draws``, ``fired``, ``kills``,
    ``no_shot``, ``miss_median_m``."""
    from thaad.analysis.montecarlo import run_chunk, wilson_interval

    lt = sc.lethality
    m = sc.battle.pk_draws
    rows = []
    for b, bat in enumerate(sc.battery_list()):
        for e, ent in enumerate(sc.threat_list()):
            row: dict[str, Any] = {
                "battery": bat.name, "battery_index": b, "entry": e, "threat": entry_label(ent),
                "pk": None, "pk_ci95": None, "source": "", "draws": 0, "fired": 0, "kills": 0,
                "no_shot": 0, "miss_median_m": None,
            }  # fmt: skip
            rows.append(row)
            sspk = lt.sspk if bat.sspk is None else bat.sspk
            if not reach[b][e]:
                row["source"] = "not engageable (no shot fits its window)"
            elif lt.model == "fixed":
                row.update(pk=sspk, source="sspk (lethality.model fixed)")
            elif bat.sspk is not None:
                row.update(pk=sspk, source=f"sspk (set on battery {bat.name})")
            else:
                # one shot, from launchers that hold at least one round (the inventory is
                # the battle's: a battery with none still has a Pk per shot)
                s1 = sc.single(bat, ent)
                lc = s1.battery.launchers
                s1 = s1.model_copy(update={
                    "doctrine": s1.doctrine.model_copy(update={"shots": 1}),
                    "battery": s1.battery.model_copy(update={"launchers": lc.model_copy(
                        update={"rounds": max(1, lc.rounds)})}),
                })  # fmt: skip
                try:
                    out = run_chunk(s1.model_dump_json(by_alias=True), pair_seed(sc.seed, b, e),
                                    0, m)  # fmt: skip
                except ThaadInputError as exc:
                    row.update(pk=sspk, source=f"sspk (the staged core cannot fly this pair: "
                                               f"{exc})")  # fmt: skip
                    continue
                fired = int(np.sum(out["interceptors_fired"] > 0))
                kills = int(np.sum(out["intercepted"]))
                miss = out["miss_distance_m"][out["interceptors_fired"] > 0]
                miss = miss[~np.isnan(miss)]
                row.update(draws=m, fired=fired, kills=kills, no_shot=m - fired,
                           miss_median_m=float(np.median(miss)) if miss.size else None)  # fmt: skip
                if fired:
                    row.update(pk=kills / fired, pk_ci95=list(wilson_interval(kills, fired)),
                               source=f"flown ({m} draws)")  # fmt: skip
                else:
                    row.update(pk=0.0, source=f"flown ({m} draws): no draw fired")
    return rows


def model_text(sc: Scenario) -> str:
    """What every battle figure of the scenario is (said wherever one is printed)."""
    if sc.lethality.model == "fixed":
        return MODEL
    return (f"kinematic battle model: each shot drawn at its battery's Pk against its threat "
            f"entry, from {sc.battle.pk_draws} flown single-shot engagements (miss-distance "
            f"lethality, {sc.lethality.lethal_radius_m:g} m)")  # fmt: skip


def assign_tier(prep: BattlePrep, bats: list[int], threats: list[int], rounds: np.ndarray,
                max_shots: int) -> np.ndarray:  # fmt: skip
    """The tier's assignment ``x[b, t]`` over all batteries and threats (zeros elsewhere).

    ``max_shots`` is per battery and threat (``doctrine.shots``), and a battery's window may
    fit fewer (``prep.shots``): :func:`thaad.core.wta.assign` spreads the rounds with up to
    ``max_shots`` x the tier's batteries at a threat, then shots past a battery's own cap go to
    another battery of the tier with room, and rounds still left go, one at a time, where they
    lower the value-weighted expected leakage most within the caps."""
    from thaad.core.wta import assign

    x = np.zeros(prep.p.shape, np.int64)
    if not bats or not threats:
        return x
    rounds = np.asarray(rounds, dtype=np.int64)
    if rounds.ndim == 1:  # one load
        rounds = np.stack([rounds, np.zeros_like(rounds)], axis=1)
    ph = prep.phase
    # a battery with a reload is two rows: its first load and its reload, each engaging the
    # threats whose first launch falls before or after the reload
    rows = [(b, k) for b in bats for k in (0, 1) if k == 0 or not np.isnan(prep.reload_s[b])]
    sub_p = np.array([[prep.p[b, t] if ph[b, t] == k else 0.0 for t in threats]
                      for b, k in rows])  # fmt: skip
    sub = assign(np.ascontiguousarray(sub_p), np.ascontiguousarray(prep.value[threats]),
                 np.array([rounds[b, k] for b, k in rows], dtype=np.int64),
                 max_shots * len(bats))  # fmt: skip
    for r, (b, _) in enumerate(rows):
        x[b, threats] += sub[r]
    cap = np.minimum(prep.shots, max_shots)
    left = rounds.copy()
    for b in bats:
        for t in threats:
            left[b, ph[b, t]] -= x[b, t]
    for t in threats:
        for b in bats:
            while x[b, t] > cap[b, t]:
                x[b, t] -= 1
                left[b, ph[b, t]] += 1
                room = [b2 for b2 in bats if b2 != b and prep.p[b2, t] > 0.0
                        and x[b2, t] < cap[b2, t] and left[b2, ph[b2, t]] > 0]  # fmt: skip
                if room:
                    best = max(room, key=lambda k: prep.p[k, t])
                    x[best, t] += 1
                    left[best, ph[best, t]] -= 1
    q = {t: float(np.prod((1.0 - prep.p[:, t]) ** x[:, t])) for t in threats}
    while True:
        best_gain, bb, bt = 0.0, -1, -1
        for b in bats:
            for t in threats:
                if left[b, ph[b, t]] > 0 and x[b, t] < cap[b, t]:
                    gain = prep.value[t] * q[t] * prep.p[b, t]
                    if gain > best_gain + 1e-15:
                        best_gain, bb, bt = gain, b, t
        if bb < 0:
            return x
        x[bb, bt] += 1
        left[bb, ph[bb, bt]] -= 1
        q[bt] *= 1.0 - prep.p[bb, bt]


def _slot(used: list[float], t: float, interval: float) -> float:
    """The earliest launch time at or after ``t`` at least ``interval`` from every launch in
    ``used``."""
    moved = True
    while moved:
        moved = False
        for u in used:
            if abs(t - u) < interval - 1e-9:
                t = u + interval
                moved = True
    return t


def fight(prep: BattlePrep, rng: np.random.Generator, record: bool = False) -> dict[str, Any]:
    """One draw of the battle: assign, fire, assess, hand over to the next tier."""
    sc = prep.scenario
    n_b, n_t = prep.p.shape
    salvo = sc.doctrine.mode == "salvo"
    acc = sc.doctrine.kill_assessment_accuracy
    # rounds of the first load and of the reload (none without one)
    left = np.stack([prep.rounds, np.where(np.isnan(prep.reload_s), 0, prep.rounds)], axis=1)
    alive = np.ones(n_t, bool)
    declared = np.ones(n_t, bool)  # what the defence believes is still flying
    fired = np.zeros(n_t, np.int64)
    fired_b = np.zeros(n_b, np.int64)
    killer = np.full(n_t, -1)
    kill_alt = np.full(n_t, np.nan)
    launches: list[list[float]] = [[] for _ in range(n_b)]  # each battery's launch times
    rate_limited = np.zeros(n_b, np.int64)  # shots the launch rate left unfired
    engaged = np.zeros(n_t, bool)
    events: list[dict[str, Any]] = []
    shots: list[dict[str, Any]] = []  # each shot (recorded runs only)
    for tier in ("upper", "lower"):
        bats = [b for b in range(n_b) if prep.tiers[b] == tier]
        cand = [t for t in range(n_t) if declared[t]]
        x = assign_tier(prep, bats, cand, left, sc.doctrine.shots)
        for t in cand:
            order = [b for b in bats if x[b, t] > 0]
            if not order:
                continue
            engaged[t] = True
            stop = False
            for b in order:
                n = int(min(x[b, t], prep.shots[b, t]))
                shift = 0.0
                for k in range(n):
                    if stop:
                        break
                    if prep.launch_interval_s[b] > 0.0:  # the next free launch slot
                        s0 = prep.t_launch_s[b, t, k] + shift
                        s1 = _slot(launches[b], s0, prep.launch_interval_s[b])
                        if s1 > prep.last_launch_s[b, t] + 1e-9:
                            rate_limited[b] += n - k
                            break
                        shift += s1 - s0
                        launches[b].append(s1)
                    fired[t] += 1
                    fired_b[b] += 1
                    left[b, prep.phase[b, t]] -= 1
                    kill = bool(rng.random() < prep.p[b, t])
                    if record:
                        shots.append({
                            "threat": prep.threat_ids[t], "battery": prep.names[b],
                            "tier": prep.tiers[b], "pk": float(prep.p[b, t]),
                            "launch_time_s": float(prep.t_launch_s[b, t, k] + shift),
                            "intercept_time_s": float(prep.t_intercept_s[b, t, k] + shift),
                            "outcome": ("intercept" if alive[t] else "threat already killed")
                            if kill else "miss",
                        })  # fmt: skip
                        events.append({"t_s": round(float(prep.t_launch_s[b, t, k] + shift), 3),
                                       "kind": "interceptor_launch", "threat": prep.threat_ids[t],
                                       "battery": prep.names[b]})  # fmt: skip
                        events.append({"t_s": round(float(prep.t_intercept_s[b, t, k] + shift),
                                                    3),
                                       "kind": "intercept" if kill and alive[t] else "miss",
                                       "threat": prep.threat_ids[t], "battery": prep.names[b],
                                       "alt_m": round(float(prep.alt_m[b, t, k]), 1)})  # fmt: skip
                    if kill and alive[t]:
                        alive[t] = False
                        killer[t] = b
                        kill_alt[t] = prep.alt_m[b, t, k]
                    if not salvo:  # look before the next shot
                        if not alive[t]:
                            stop = True
                        elif rng.random() >= acc:  # a miss taken for a kill
                            stop = True
            # the tier's verdict: a kill is seen; a survivor is seen with the accuracy (in
            # shoot-look-shoot the look after each shot already made that call)
            if salvo:
                declared[t] = alive[t] and rng.random() < acc
            else:
                declared[t] = alive[t] and not stop
    if record:
        for t in range(n_t):
            if alive[t]:
                events.append({"t_s": round(float(prep.impact_s[t]), 3), "kind": "threat_impact",
                               "threat": prep.threat_ids[t], "asset": prep.asset[t]})  # fmt: skip
            for b in range(n_b):
                if not math.isnan(prep.t_detect_s[b, t]):
                    events.append({"t_s": round(float(prep.t_detect_s[b, t]), 3),
                                   "kind": "first_detection", "threat": prep.threat_ids[t],
                                   "battery": prep.names[b]})  # fmt: skip
        events.sort(key=lambda e: e["t_s"])
    return {"alive": alive, "fired": fired, "fired_b": fired_b, "killer": killer,
            "kill_alt_m": kill_alt, "engaged": engaged, "events": events, "shots": shots,
            "rate_limited": rate_limited, "left": left}  # fmt: skip


@dataclass
class BattleResult:
    """One battle of the kinematic battle model (:data:`MODEL`), as ``thaad.run`` returns it
    for a battle scenario: the keys of ``thaad run --json`` on a battle as attributes, the
    history (:func:`battle_history`) beside them."""

    intercepted: bool
    leakers: int
    interceptors_fired: int
    interceptors_left: dict[str, int]
    batteries: list[dict[str, Any]]
    threats: list[dict[str, Any]]
    events: list[dict[str, Any]]
    seed: int
    scenario_name: str
    scenario_sha256: str
    version: str
    model: str
    assumptions: str
    pk_table: list[dict[str, Any]] = field(default_factory=list)
    battle: bool = True
    history: dict[str, Any] = field(default_factory=dict, repr=False)

    def to_dict(self, history: bool = False) -> dict[str, Any]:
        """The result as ``result.json`` holds it (and the history with ``history``)."""
        d = {k: getattr(self, k) for k in RESULT_KEYS}
        if history:
            d["history"] = self.history
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> BattleResult:
        return cls(**{k: d[k] for k in (*RESULT_KEYS, "history") if k in d})


RESULT_KEYS = ("scenario_name", "scenario_sha256", "seed", "version", "battle", "intercepted",
               "leakers", "interceptors_fired", "interceptors_left", "batteries", "threats",
               "events", "model", "assumptions", "pk_table")  # fmt: skip
"""The keys of a battle's ``result.json``, in order."""


def run_battle(sc: Scenario, seed: int | None = None) -> dict[str, Any]:
    """One battle: per-threat outcomes, leakers, interceptors fired and left, the timeline,
    and the Pk table it drew its shots at (:func:`pk_table`)."""
    seed = sc.seed if seed is None else seed
    prep = prepare_battle(sc)
    out = fight(prep, np.random.default_rng(seed), record=True)
    threats = []
    for t in range(len(prep.threat_ids)):
        b = int(out["killer"][t])
        threats.append({
            "id": prep.threat_ids[t], "class": prep.threat_class[t], "aim": prep.aim[t],
            "asset": prep.asset[t], "value": float(prep.value[t]),
            "launch_time_s": float(prep.launch_s[t]), "impact_time_s": float(prep.impact_s[t]),
            "intercepted": not bool(out["alive"][t]),
            "interceptors_fired": int(out["fired"][t]),
            "intercept_alt_m": None if b < 0 else round(float(out["kill_alt_m"][t]), 1),
            "battery": None if b < 0 else prep.names[b],
            "tier": None if b < 0 else prep.tiers[b],
        })  # fmt: skip
    leakers = int(np.sum(out["alive"]))
    hist = battle_history(prep, out["shots"])
    for th, h in zip(threats, hist["threats"], strict=True):
        kill = [k for k in hist["shots"] if k["threat"] == th["id"] and k["outcome"] == "intercept"]
        th["intercept_time_s"] = round(kill[0]["intercept_time_s"], 3) if kill else None
        th["intercept_lat_deg"] = kill[0]["intercept_lat_deg"] if kill else None
        th["intercept_lon_deg"] = kill[0]["intercept_lon_deg"] if kill else None
        h["intercepted"] = th["intercepted"]
        h["end_s"] = th["intercept_time_s"] if kill else round(float(h["t_s"][-1]), 3)
    batteries = []
    for b, name in enumerate(prep.names):
        seen = ~np.isnan(prep.t_detect_s[b])
        batteries.append({
            "name": name, "tier": prep.tiers[b], "rounds": int(prep.rounds[b]),
            "interceptors_fired": int(out["fired_b"][b]),
            "interceptors_left": int(out["left"][b, 0 if np.isnan(prep.reload_s[b]) else 1]),
            "reload_time_s": None if np.isnan(prep.reload_s[b]) else float(prep.reload_s[b]),
            "threats_detected": int(np.sum(seen)),
            "threats_engageable": int(np.sum(prep.shots[b] > 0)),
            "tracks_dropped": int(np.sum(prep.dropped[b])),
            "shots_lost_to_launch_rate": int(out["rate_limited"][b]),
            "max_objects_in_track": int(prep.max_objects[b]),
            "max_revisit_s": round(float(np.max(prep.revisit_s[b], initial=0.0)), 3),
        })  # fmt: skip
    return {
        "scenario_name": sc.name, "scenario_sha256": sc.digest(), "seed": int(seed),
        "version": __version__, "battle": True,
        "intercepted": leakers == 0, "leakers": leakers,
        "interceptors_fired": int(np.sum(out["fired"])),
        "interceptors_left": {d["name"]: d["interceptors_left"] for d in batteries},
        "batteries": batteries, "threats": threats, "events": out["events"],
        "model": model_text(sc), "assumptions": assumptions_text(sc), "pk_table": prep.pk_table,
        "history": hist,
    }  # fmt: skip


MODEL = "kinematic battle model: each shot drawn at its sspk, not flown"
"""What a battle figure is with ``lethality.model: fixed`` (and the layered footprint, which
always counts ``sspk``): said wherever one is printed or drawn (:func:`model_text`)."""

HISTORY_DT_S = 2.0
"""Resampling step of each threat's flown path in the battle's history."""


def battle_history(prep: BattlePrep, shots: list[dict[str, Any]]) -> dict[str, Any]:
    """A recorded battle as ``history.json``: each battery's site and launcher, each threat's
    flown path (the entry's one flight shifted by its launch time, resampled every
    :data:`HISTORY_DT_S` by :func:`thaad.core.flight.path_at`, ending at impact), and each
    shot: its battery, tier, launch time, planned intercept time and point (the threat's
    path at that time) and drawn outcome. The shots are not flown (:data:`MODEL`): an
    interceptor is drawn as the segment from its launcher to the planned intercept point."""
    from thaad.core.flight import path_at

    earth = prep.scenario.models.env().earth

    def geo(r: np.ndarray) -> tuple[float, float, float]:
        lat, lon, h = ecef_to_geodetic(float(r[0]), float(r[1]), float(r[2]), earth)
        return math.degrees(lat), math.degrees(lon), float(h)

    sampled = []
    for ts, ys in prep.flights:
        tt = np.append(np.arange(0.0, float(ts[-1]), HISTORY_DT_S), float(ts[-1]))
        y = path_at(ts, ys[:, :3], ys[:, 3:6], tt)
        g = np.array([geo(r) for r in y[:, :3]])
        sampled.append((tt, g, np.linalg.norm(y[:, 3:6], axis=1)))
    threats = []
    for t, tid in enumerate(prep.threat_ids):
        tt, g, v = sampled[prep.entry_of[t]]
        threats.append({
            "id": tid, "class": prep.threat_class[t], "aim": prep.aim[t],
            "asset": prep.asset[t],
            "t_s": np.round(tt + prep.launch_s[t], 3).tolist(),
            "lat_deg": np.round(g[:, 0], 6).tolist(), "lon_deg": np.round(g[:, 1], 6).tolist(),
            "alt_m": np.round(g[:, 2], 1).tolist(), "speed_mps": np.round(v, 1).tolist(),
        })  # fmt: skip
    b_of = {n: b for b, n in enumerate(prep.names)}
    t_of = {n: t for t, n in enumerate(prep.threat_ids)}
    out_shots = []
    for k in shots:
        t, b = t_of[k["threat"]], b_of[k["battery"]]
        ts, ys = prep.flights[prep.entry_of[t]]
        ti = k["intercept_time_s"] - prep.launch_s[t]
        lat, lon, h = geo(path_at(ts, ys[:, :3], ys[:, 3:6], np.array([ti]))[0])
        la = prep.launcher_deg[b]
        out_shots.append({
            **k, "launch_time_s": round(k["launch_time_s"], 3),
            "intercept_time_s": round(k["intercept_time_s"], 3),
            "flight_time_s": round(k["intercept_time_s"] - k["launch_time_s"], 3),
            "launcher_deg": [round(float(la[0]), 6), round(float(la[1]), 6), float(la[2])],
            "intercept_lat_deg": round(lat, 6), "intercept_lon_deg": round(lon, 6),
            "intercept_alt_m": round(h, 1),
        })  # fmt: skip
    batteries = [{
        "name": n, "tier": prep.tiers[b], "rounds": int(prep.rounds[b]),
        "site_deg": [float(v) for v in prep.site_deg[b]],
        "launcher_deg": [float(v) for v in prep.launcher_deg[b]],
    } for b, n in enumerate(prep.names)]  # fmt: skip
    return {"battle": True, "model": model_text(prep.scenario), "batteries": batteries,
            "threats": threats, "shots": out_shots}  # fmt: skip


ASSUMPTIONS = (
    "kinematic battle: each shot kills with lethality.sspk where the threat is inside the "
    "battery's envelope in time; shot times and heights are the planned ones; a full load "
    "again at reload_time_s; launch_interval_s delays or drops shots; a track's revisit is "
    "stretched by the objects in track"
)


def assumptions_text(sc: Scenario) -> str:
    """The battle's assumptions in words (:data:`ASSUMPTIONS`, with where its Pk comes from)."""
    if sc.lethality.model == "fixed":
        return ASSUMPTIONS
    return ASSUMPTIONS.replace(
        "each shot kills with lethality.sspk",
        "each shot kills with its battery's Pk against its threat entry, flown once per battle "
        f"({sc.battle.pk_draws} dispersed single-shot engagements each, the staged core, "
        "alone: no raid load in the flown engagement)",
    )


def battle_draws(sc: Scenario, seed: int, start: int, stop: int,
                 prep: BattlePrep | None = None) -> np.ndarray:  # fmt: skip
    """Draws ``start..stop`` of the battle: rows ``(leakers, killed fraction,
    interceptors fired)``; draw ``i`` uses ``default_rng([seed, i])``."""
    return _draws(prepare_battle(sc) if prep is None else prep, seed, start, stop)[0]


def _draws(prep: BattlePrep, seed: int, start: int, stop: int):
    n_t = len(prep.threat_ids)
    rows = np.empty((stop - start, 3))
    leaks = np.zeros(n_t)  # draws in which each threat leaked
    for i in range(start, stop):
        out = fight(prep, np.random.default_rng([seed, i]))
        lk = int(np.sum(out["alive"]))
        leaks += out["alive"]
        rows[i - start] = (lk, (n_t - lk) / n_t, float(np.sum(out["fired"])))
    return rows, leaks


def summarize(rows: np.ndarray, model: str = MODEL) -> dict[str, Any]:
    """Means with 95 % intervals (normal, clipped to the possible range, ``None`` from a
    single draw; Wilson for the probability of no leaker), and the ``model`` text
    (:func:`model_text`)."""
    n = rows.shape[0]
    if n == 0:
        raise ThaadInputError("--draws: at least one draw is needed")

    def mean_ci(v: np.ndarray, lo: float = -math.inf, hi: float = math.inf) -> dict[str, Any]:
        m = float(np.mean(v))
        if n < 2:  # no spread to estimate from one draw
            return {"mean": m, "ci95": None}
        h = 1.96 * float(np.std(v, ddof=1)) / math.sqrt(n)
        return {"mean": m, "ci95": [max(lo, m - h), min(hi, m + h)]}

    k = float(np.sum(rows[:, 0] == 0))
    z = 1.96
    ph = k / n
    c = (ph + z * z / (2 * n)) / (1 + z * z / n)
    w = z * math.sqrt(ph * (1 - ph) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    ml = mean_ci(rows[:, 0], 0.0)
    pk = mean_ci(rows[:, 1], 0.0, 1.0)
    mf = mean_ci(rows[:, 2], 0.0)
    return {
        "draws": n,
        "mean_leakers": ml["mean"], "mean_leakers_ci95": ml["ci95"],
        "p_zero_leakers": ph, "p_zero_leakers_ci95": [max(0.0, c - w), min(1.0, c + w)],
        "p_kill": pk["mean"], "p_kill_ci95": pk["ci95"],
        "mean_interceptors_fired": mf["mean"], "mean_interceptors_fired_ci95": mf["ci95"],
        "model": model,
    }  # fmt: skip


def layered_footprint(sc: Scenario, launch: tuple[float, float], grid: int = 60,
                      extent_km: float = 400.0) -> dict[str, Any]:  # fmt: skip
    """Kinematic footprint of a layered defence: every battery's P(kill) of a threat (the
    first threat entry's class and shape) aimed at each grid cell
    (:mod:`thaad.core.footprint`, with the battery's own radar, envelope, fly-out and
    ``sspk``), combined by tiers: ``P_upper = 1 - prod(1 - P_b)`` over the upper tier (and so
    for the lower), and ``P = P_upper + (1 - P_upper) a P_lower`` where the upper tier engaged
    (``a``: kill-assessment accuracy; the lower tier sees a survivor as one with probability
    ``a``), ``P_lower`` where it did not. The grid is centred on the first battery. Returns
    the grid, the combined and per-battery maps (NaN where the threat cannot reach), and the
    combined P(kill) at each named asset."""
    from thaad.analysis.footprint import _grid, _kinematic, trajectory_family

    bats = sc.battery_list()
    entry = sc.threat_list()[0]
    s0 = sc.single(bats[0], entry)
    lats, lons = _grid(s0, grid, extent_km)
    d = math.radians
    site = bats[0].site
    az = math.degrees(great_circle(d(launch[0]), d(launch[1]), d(site.lat_deg),
                                   d(site.lon_deg))[1])  # fmt: skip
    fam = trajectory_family(s0, launch[0], launch[1], az)
    acc = sc.doctrine.kill_assessment_accuracy

    def maps(la: np.ndarray, lo: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        leak = {"upper": np.ones((len(la), len(lo))), "lower": np.ones((len(la), len(lo)))}
        per = {}
        reach = None
        for bat in bats:
            sb = sc.single(bat, entry)
            if bat.sspk is not None:
                sb = sb.model_copy(update={"lethality": sb.lethality.model_copy(
                    update={"sspk": bat.sspk})})  # fmt: skip
            pk = np.asarray(_kinematic(sb, launch, la, lo, fam)[0], dtype=float)
            per[bat.name] = pk
            reach = ~np.isnan(pk) if reach is None else reach | ~np.isnan(pk)
            leak[bat.tier_name] *= 1.0 - np.nan_to_num(pk, nan=0.0)
        p_up = 1.0 - leak["upper"]
        p_low = 1.0 - leak["lower"]
        comb = np.where(p_up > 0.0, p_up + (1.0 - p_up) * acc * p_low, p_low)
        return np.where(reach, comb, np.nan), per

    comb, per = maps(lats, lons)
    assets = {}
    for a in sc.assets:
        c, pa = maps(np.array([a.lat_deg]), np.array([a.lon_deg]))
        assets[a.name] = {
            "p_kill": None if np.isnan(c[0, 0]) else float(c[0, 0]),
            "by_battery": {k: None if np.isnan(v[0, 0]) else float(v[0, 0])
                           for k, v in pa.items()},
        }  # fmt: skip
    return {"lats": lats, "lons": lons, "p_kill": comb, "by_battery": per, "assets": assets,
            "launch_deg": list(launch), "threat": entry.definition().name}  # fmt: skip
