"""The engagement loop: search, track, discriminate, plan, launch, guide, home, assess.

One threat against one battery. The threat's objects (RV, spent stage, debris) are flown
first (they do not react). Then, every ``scan_period_s``, the loop

1. flies the interceptors in the air up to the look (:mod:`thaad.core.guidance`, with the
   seeker of :mod:`thaad.core.seeker`) and settles any that ended: lethality, kill
   assessment, doctrine (:mod:`thaad.core.doctrine`);
2. looks: the search pattern finds new objects, track beams revisit the tracks, the
   multi-object tracker and discrimination pick the track to engage
   (:mod:`thaad.core.scene`, :mod:`thaad.core.tracks`);
3. plans and launches, when the doctrine allows (:mod:`thaad.core.firecontrol`).

Randomness comes from the ``numpy.random.Generator`` passed in, so a seed gives the same
engagement every time.
"""

import math
from typing import NamedTuple

import numpy as np

from thaad.core.constants import R_MEAN_M
from thaad.core.doctrine import (
    LETHALITY_FIXED,
    LETHALITY_MISS,
    DoctrineState,
    Lethality,
    assess_kill,
    may_fire,
    new_doctrine_state,
    on_launch,
    on_outcome,
    shot_kills,
)
from thaad.core.earth import ecef_to_geodetic, enu_basis, geodetic_to_ecef, great_circle
from thaad.core.events import (
    EV_FALSE_KILL_ASSESSMENT,
    EV_FIRST_DETECTION,
    EV_INTERCEPT,
    EV_INTERCEPTOR_LAUNCH,
    EV_MISS,
    EV_NO_FEASIBLE,
    EV_THREAT_APOGEE,
    EV_THREAT_BURNOUT,
    EV_THREAT_IMPACT,
    EV_THREAT_LAUNCH,
    EV_TRACK_FIRM,
    EVENT_NAMES,
    MAX_EVENTS,
    EventLog,
    add_event,
    new_event_log,
    sorted_events,
)
from thaad.core.firecontrol import (
    DOCTRINE_SALVO,
    FireControl,
    FireState,
    FlyoutGrid,
    new_fire_state,
    replan,
)
from thaad.core.flight import Env
from thaad.core.guidance import RECORD_EVERY_S, Shots, fly_shot, launch_shot, new_shots
from thaad.core.interceptor import Interceptor, boost_phases
from thaad.core.jit import counted, jit, leaf
from thaad.core.radar import Radar
from thaad.core.scene import (
    OBJ_THREAT,
    Objects,
    Scene,
    build_objects,
    engaged_object,
    multi_look,
    new_sense_state,
    object_state,
)
from thaad.core.seeker import Seeker
from thaad.core.threat import Aim, Missile, fly_threat, threat_derivs

__all__ = [
    "EVENT_NAMES",
    "LETHALITY_FIXED",
    "LETHALITY_MISS",
    "MAX_EVENTS",
    "BatteryIn",
    "ThreatIn",
    "engage",
]

# Summary vector layout
S_INTERCEPTED = 0
S_MISS_M = 1
S_T_INTERCEPT = 2
S_X = 3  # intercept point ECEF x, y, z (3, 4, 5)
S_FIRED = 6
S_T_IMPACT = 7
S_FIRST_DET = 8
S_T_FIRM = 9
S_INT_STEPS = 10  # RK4 steps taken by all interceptors (a cost diagnostic)
N_SUMMARY = 11

MAX_SHOTS = 16
TRACK_CAPACITY = 32  # track slots of the multi-object tracker
THREAT_RTOL = 1e-9  # tolerance and longest step of the threat's truth flight
THREAT_MAX_STEP_S = 2.0


class ThreatIn(NamedTuple):
    """The threat: its missile, its aim and its radar cross-sections."""

    mis: Missile
    aim: Aim
    rcs_boost_m2: float
    rcs_rv_m2: float


class BatteryIn(NamedTuple):
    """The battery: radar, interceptor, fire control, launchers and their rounds."""

    radar: Radar
    interceptor: Interceptor
    fire_control: FireControl
    launchers: np.ndarray  # (n, 3) geodetic latitude, longitude (rad), height (m)
    rounds: np.ndarray  # (n,) int, decremented in place
    grid: FlyoutGrid


@jit
def _truth_rv(objs: Objects, t: float, out: np.ndarray) -> None:
    """The RV's true state at ``t`` (its last stored state after impact)."""
    if not object_state(objs, np.int64(OBJ_THREAT), t, out):
        for c in range(out.shape[0]):  # element loops: no slice assignment (see flight.fly)
            out[c] = objs.y[0, objs.n[0] - 1, c]


@jit
def _settle(
    sh: Shots, j: int, t_end: float, miss_m: float, on_rv: bool, objs_y: np.ndarray,
    leth: Lethality, fc: FireControl, ds: DoctrineState, log: EventLog, summary: np.ndarray,
    rng: np.random.Generator,
) -> bool:  # fmt: skip
    """Lethality and kill assessment of a shot that ended; returns whether it killed."""
    if shot_kills(leth, miss_m, on_rv, rng):
        summary[S_INTERCEPTED] = 1.0
        summary[S_MISS_M] = miss_m
        summary[S_T_INTERCEPT] = t_end
        for c in range(3):
            summary[S_X + c] = objs_y[c]
        add_event(log, t_end, EV_INTERCEPT, j, miss_m)
        return True
    add_event(log, t_end, EV_MISS, j, miss_m)
    if math.isnan(summary[S_MISS_M]) or miss_m < summary[S_MISS_M]:
        summary[S_MISS_M] = miss_m
    declared = assess_kill(False, leth.ka_accuracy, rng)
    if declared:
        add_event(log, t_end + fc.assess_s, EV_FALSE_KILL_ASSESSMENT, j, 0.0)
    on_outcome(ds, fc, t_end, declared)
    return False


@leaf
def _fire_control(
    t: float, x: np.ndarray, P: np.ndarray, t_x: float, t_firm: float, t_apogee: float,
    bt: BatteryIn, env: Env, fs: FireState, ds: DoctrineState, sh: Shots,
    pointing_sigma_rad: float, rng: np.random.Generator, log: EventLog,
) -> None:  # fmt: skip
    """Plan against the engaged track and launch when the plan's time comes (every look once
    a track is firm: compiled without reference counting; the plan and the launch, which
    allocate, are counted)."""
    fc = bt.fire_control
    n_flying = np.int64(0)  # typed counters (not literals): one compiled callee each
    for j in range(sh.flying.shape[0]):
        n_flying += 1 if sh.flying[j] else 0
    if ds.fired[0] >= sh.flying.shape[0] or not may_fire(ds, fc, t, n_flying):
        return
    salvo = ds.salvo_left[0] > 0
    if not salvo and math.sqrt(P[0, 0] + P[1, 1] + P[2, 2]) > fc.max_track_sigma_m:
        return
    li = -1
    for q in range(bt.rounds.shape[0]):
        if bt.rounds[q] > 0:
            li = q
            break
    if li < 0:
        return
    lat_l = bt.launchers[li, 0]
    lon_l = bt.launchers[li, 1]
    t_ready = max(t, t_firm + fc.reaction_s)
    if (t >= fs.next_plan_s[0] and t + fc.replan_s >= t_ready) or salvo:
        ok = replan(fs, x, t_x, t_ready, t, fc, env, lat_l, lon_l, bt.grid)
        if not ok and not fs.no_feasible_logged[0] and t > t_apogee:
            add_event(log, t, EV_NO_FEASIBLE, -1, 0.0)
            fs.no_feasible_logged[0] = True
    if not fs.ok[0] or fs.t_launch_s[0] > t + bt.radar.scan_period_s:
        return
    _launch(t, li, bt, env, fs, ds, sh, pointing_sigma_rad, rng, log)


@counted
def _launch(
    t: float, li: int, bt: BatteryIn, env: Env, fs: FireState, ds: DoctrineState, sh: Shots,
    pointing_sigma_rad: float, rng: np.random.Generator, log: EventLog,
) -> None:  # fmt: skip
    """Launch the planned shot from launcher ``li`` (the pointing error drawn), and count it."""
    fc = bt.fire_control
    lat_l = bt.launchers[li, 0]
    lon_l = bt.launchers[li, 1]
    az = fs.az_rad[0]
    el = fs.el_rad[0]
    if pointing_sigma_rad > 0.0:
        az += pointing_sigma_rad * rng.standard_normal()
        el += pointing_sigma_rad * rng.standard_normal()
    _, _, direction = boost_phases(bt.interceptor, lat_l, lon_l, az, el)
    j = ds.fired[0]
    r0 = geodetic_to_ecef(lat_l, lon_l, bt.launchers[li, 2], env.earth)
    launch_shot(sh, j, t, r0, direction, enu_basis(lat_l, lon_l)[2], li, bt.interceptor.m0_kg)
    bt.rounds[li] -= 1
    on_launch(ds, fc, t)
    fs.ok[0] = False
    if fc.doctrine == DOCTRINE_SALVO:
        fs.next_plan_s[0] = t + fc.salvo_spacing_s
    add_event(log, t, EV_INTERCEPTOR_LAUNCH, j, li)


@jit
def engage(
    th: ThreatIn, bt: BatteryIn, scene: Scene, sk: Seeker, leth: Lethality, env: Env,
    pointing_sigma_rad: float, rng: np.random.Generator, record: bool,
):  # fmt: skip
    """Run one engagement.

    Parameters
    ----------
    th, bt : the threat and the battery (``bt.rounds`` is decremented in place).
    scene : the threat cloud and the multi-object tracker; with ``scene.multi_object`` False
        the radar sees the RV alone (same search, tracking and discrimination).
    sk : the seeker's discrimination and LOS filter.
    leth : lethality model and kill-assessment accuracy.
    pointing_sigma_rad : one-sigma launch azimuth and elevation error of each interceptor.
    record : keep histories (truth, track, detections, interceptor paths) for output.

    Returns
    -------
    summary (N_SUMMARY,), events (k, 4: t, kind, index, value), truth_t, truth_y,
    track (m, 9: t, x(6), sigma_pos_m, nis), meas (m, 5: t, range, az, el, true object),
    paths (shots, p, 5: t, x, y, z, speed), path_len (shots,), seeker_object (shots,: the
    object each seeker homed on, -1 none). The ``track_firm`` event
    carries the engaged track's number (index; -1 for the single-object scene) and the true
    object it follows (value: 0 RV, 1 stage, 2+ debris).
    """
    rd = bt.radar
    fc = bt.fire_control
    itc = bt.interceptor
    summary = np.full(N_SUMMARY, np.nan)
    summary[S_INTERCEPTED] = 0.0
    log = new_event_log()

    # ---- the threat cloud's true paths ------------------------------------------------
    ts, ys, tb, _, t_ap, t_imp, _, ts_st, ys_st, _ = fly_threat(
        th.mis, th.aim, env, THREAT_RTOL, THREAT_MAX_STEP_S
    )
    fs_ = threat_derivs(ts, ys, th.mis, th.aim, env)
    multi = scene.multi_object
    k_st = ts_st.shape[0] if multi else 1  # one row: no stage object
    objs = build_objects(ts, ys, fs_, tb, ts_st[:k_st], ys_st[:k_st], th.mis, env, scene,
                         scene.n_debris if multi else 0, th.rcs_boost_m2, th.rcs_rv_m2,
                         rng)  # fmt: skip
    add_event(log, 0.0, EV_THREAT_LAUNCH, -1, 0.0)
    add_event(log, tb, EV_THREAT_BURNOUT, -1, 0.0)
    if not math.isnan(t_ap):
        add_event(log, t_ap, EV_THREAT_APOGEE, -1, 0.0)
    summary[S_T_IMPACT] = t_imp

    # ---- sensing, fire control, doctrine and interceptor records -----------------------
    site = geodetic_to_ecef(rd.lat_rad, rd.lon_rad, rd.alt_m, env.earth)
    site_enu = enu_basis(rd.lat_rad, rd.lon_rad)
    n_obj = objs.n.shape[0]
    # typed, not literal, sizes: the specialisations a compile helper makes from Python
    ss = new_sense_state(n_obj, np.int64(TRACK_CAPACITY))
    ss.search[0] = 1.0  # new objects are found by the search pattern only
    n_scan = int(t_imp / rd.scan_period_s) + 2
    track_hist = np.full((n_scan if record else 1, 9), np.nan)
    meas_hist = np.full((n_scan * n_obj if record else 1, 5), np.nan)
    n_trk = 0
    n_meas = np.int64(0)  # int64, not a literal: one compiled specialisation of the callee
    n_path = int(itc.max_flight_s / RECORD_EVERY_S) + 8
    sh = new_shots(np.int64(MAX_SHOTS), n_path if record else 1)
    ds = new_doctrine_state()
    fs = new_fire_state()
    x = np.zeros(7)
    P = np.zeros((7, 7))
    t_x = 0.0
    y_rv = np.empty(7)
    killed = False

    k = 0
    while not killed:
        t = k * rd.scan_period_s
        if t > t_imp:
            break
        # 1. fly the interceptors to the look; settle those that ended
        for j in range(ds.fired[0]):
            if sh.flying[j]:
                ended, t_end, miss, on_rv = fly_shot(sh, j, t, objs, x, t_x, itc, sk, env,
                                                     rng, log)  # fmt: skip
                if ended:
                    _truth_rv(objs, t_end, y_rv)
                    killed = _settle(sh, j, t_end, miss, on_rv, y_rv, leth, fc, ds, log,
                                     summary, rng) or killed  # fmt: skip
        if killed:
            break
        # 2. look: search and track dwells, tracking, discrimination
        firm, n_meas, rg, new_firm = multi_look(objs, ss, scene, t, rd, site, site_enu, env,
                                                rng, x, P, meas_hist, n_meas, record)  # fmt: skip
        if not math.isnan(rg):
            summary[S_FIRST_DET] = t
            add_event(log, t, EV_FIRST_DETECTION, -1, rg)
        if new_firm:
            if math.isnan(summary[S_T_FIRM]):
                summary[S_T_FIRM] = t
            add_event(log, t, EV_TRACK_FIRM, ss.engaged[0] if multi else -1,
                      engaged_object(ss))  # fmt: skip
        if firm:
            t_x = t
            if record:
                track_hist[n_trk, 0] = t
                for c in range(6):
                    track_hist[n_trk, 1 + c] = x[c]
                track_hist[n_trk, 7] = math.sqrt(P[0, 0] + P[1, 1] + P[2, 2])
                track_hist[n_trk, 8] = ss.tab.nis[ss.engaged[1]]
                n_trk += 1
            # 3. fire control and doctrine
            _fire_control(t, x, P, t_x, summary[S_T_FIRM], t_ap, bt, env, fs, ds, sh,
                          pointing_sigma_rad, rng, log)  # fmt: skip
        k += 1

    if not killed:
        add_event(log, t_imp, EV_THREAT_IMPACT, -1, 0.0)
    summary[S_FIRED] = ds.fired[0]
    summary[S_INT_STEPS] = sh.steps[0]
    return (
        summary, sorted_events(log), ts, ys, track_hist[:n_trk].copy(),
        meas_hist[:n_meas].copy(), sh.paths, sh.path_len, sh.target,
    )  # fmt: skip


@jit
def ground_range_m(lat1: float, lon1: float, r: np.ndarray, earth: int) -> float:
    """Great-circle ground range (mean-Earth radius) from a site to an ECEF point."""
    lat, lon, _ = ecef_to_geodetic(r[0], r[1], r[2], earth)
    return great_circle(lat1, lon1, lat, lon)[0] * R_MEAN_M
