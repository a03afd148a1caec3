"""Fly-out, midcourse and terminal guidance of the interceptors, to closest approach.

Each interceptor is a row of the :class:`Shots` record. It boosts (rail, then gravity turn)
under the booster's drag; after burnout the kill vehicle (KV) coasts under its nose shroud
(drag area ``shroud_cda_m2``) until the shroud separates at ``shroud_sep_alt_m`` or
``shroud_sep_s`` after launch; only then does its own small drag area apply and can the
seeker see. Midcourse: command guidance, proportional navigation in zero-effort-miss form
against the radar track's extrapolated state. When the track's predicted range is inside
the seeker's acquisition range, the seeker picks an object (:mod:`thaad.core.seeker`) and
the KV homes on it with true PN on its own filtered line-of-sight rate. Every manoeuvre
after burnout (first-order lag ``time_constant_s``, lateral limit ``accel_limit_mps2``)
spends the divert budget ``divert_dv_mps``; when it is spent the KV coasts.

Closest approach to the RV is found inside the step where the range rate changes sign, from
the relative motion taken as linear over the step (:func:`closest_approach`).
"""

import math
from typing import NamedTuple

import numpy as np

from thaad.core.earth import approx_altitude_m
from thaad.core.events import (
    EV_DIVERT_EXHAUSTED,
    EV_INTERCEPTOR_BURNOUT,
    EV_SEEKER_ACQUISITION,
    EV_SHROUD_SEPARATION,
    EventLog,
    add_event,
)
from thaad.core.flight import STEER_FIXED, STEER_VELOCITY, Env, Phase, coast_phase, rk4_step
from thaad.core.interceptor import Interceptor, shroud_off, zem_pn_accel
from thaad.core.jit import jit, leaf
from thaad.core.scene import OBJ_THREAT, Objects, object_state
from thaad.core.seeker import Seeker, los_filter_update, measure_los, pn_accel, seeker_pick

BOOST_STEP_S = 0.1  # RK4 step while the booster burns
MIDCOURSE_STEP_S = 0.25  # RK4 step of midcourse (command) guidance
CA_STEP_FRACTION = 0.1  # near closest approach a step covers at most this share of the range
MIN_STEP_S = 2.0e-5
H_MIN_S = 1.0e-6
"""The smallest integration step, s, whatever the rail and burn times: no stall."""
GROUND_CHECK_S = 1.0  # check for a fall below the ground after this long in flight
RECORD_EVERY_S = 0.5  # spacing of the recorded interceptor paths


class Shots(NamedTuple):
    """The interceptors of an engagement, one row each (SI, ECEF)."""

    y: np.ndarray  # (n, 7) position, velocity, mass
    t_launch_s: np.ndarray  # (n,)
    clock_s: np.ndarray  # (n,) time each has been flown to
    launcher: np.ndarray  # (n,) int
    flying: np.ndarray  # (n,) bool
    burnt_out: np.ndarray  # (n,) bool
    bare: np.ndarray  # (n,) bool: shroud off
    seeking: np.ndarray  # (n,) bool: the seeker has picked an object
    dry: np.ndarray  # (n,) bool: divert budget spent
    target: np.ndarray  # (n,) int: object the seeker homes on (-1: none yet)
    launch_dir: np.ndarray  # (n, 3) launch direction (unit, ECEF)
    up: np.ndarray  # (n, 3) local vertical at the launcher
    acc: np.ndarray  # (n, 3) achieved lateral acceleration
    dv_used_mps: np.ndarray  # (n,)
    los: np.ndarray  # (n, 3) seeker's LOS estimate
    los_rate: np.ndarray  # (n, 3) its rate (1/s)
    last_frame_s: np.ndarray  # (n,)
    next_rec_s: np.ndarray  # (n,)
    steps: np.ndarray  # (1,) int: RK4 steps taken by all (a cost diagnostic)
    paths: np.ndarray  # (n, p, 5) recorded t, x, y, z, speed (p = 1 when not recording)
    path_len: np.ndarray  # (n,) int
    work: np.ndarray  # (N_WORK_ROWS, 7) scratch of fly_shot (it allocates nothing)


# rows of ``Shots.work``
W_YT = 0  # the RV's true state now
W_YT2 = 1  # ... at the end of the step
W_Y_OLD = 2  # the KV's state at the start of the step
W_ACC = 3  # commanded acceleration (:3)
W_DR = 4  # relative position (:3)
W_DV = 5  # relative velocity (:3)
W_STEER = 6  # 4 rows: _steer's working vectors
W_ACQ = 10  # 2 rows: the acquisition's object state and look direction
N_WORK_ROWS = 12


@jit
def new_shots(n: int, n_path: int) -> Shots:
    return Shots(
        y=np.zeros((n, 7)), t_launch_s=np.full(n, np.nan), clock_s=np.zeros(n),
        launcher=np.full(n, -1, np.int64), flying=np.zeros(n, np.bool_),
        burnt_out=np.zeros(n, np.bool_), bare=np.zeros(n, np.bool_),
        seeking=np.zeros(n, np.bool_), dry=np.zeros(n, np.bool_),
        target=np.full(n, -1, np.int64), launch_dir=np.zeros((n, 3)), up=np.zeros((n, 3)),
        acc=np.zeros((n, 3)), dv_used_mps=np.zeros(n), los=np.zeros((n, 3)),
        los_rate=np.zeros((n, 3)), last_frame_s=np.zeros(n), next_rec_s=np.zeros(n),
        steps=np.zeros(1, np.int64), paths=np.full((n, n_path, 5), np.nan),
        path_len=np.zeros(n, np.int64), work=np.zeros((N_WORK_ROWS, 7)),
    )  # fmt: skip


@jit
def launch_shot(sh: Shots, j: int, t_s: float, r0: np.ndarray, direction: np.ndarray,
                up: np.ndarray, launcher: int, m0_kg: float) -> None:  # fmt: skip
    """Put interceptor ``j`` on its launcher at ``r0`` (ECEF), aimed along ``direction``."""
    for c in range(3):  # element loops: no slice assignment (see flight.fly)
        sh.y[j, c] = r0[c]
    sh.y[j, 3:6] = 0.0
    sh.y[j, 6] = m0_kg
    sh.t_launch_s[j] = t_s
    sh.clock_s[j] = t_s
    sh.launcher[j] = launcher
    sh.flying[j] = True
    sh.launch_dir[j] = direction
    sh.up[j] = up
    sh.next_rec_s[j] = t_s


@leaf
def closest_approach(dr: np.ndarray, dv: np.ndarray, h: float) -> tuple[float, float]:
    """Minimum of ``|dr + dv s|`` over ``0 <= s <= h``: ``(s, distance)``.

    ``s* = -(dr . dv) / |dv|^2`` clipped to the step (the relative motion taken as linear).
    """
    s = -(dr[0] * dv[0] + dr[1] * dv[1] + dr[2] * dv[2]) / max(
        dv[0] ** 2 + dv[1] ** 2 + dv[2] ** 2, 1e-30
    )
    s = min(max(s, 0.0), h)
    d = math.sqrt((dr[0] + dv[0] * s) ** 2 + (dr[1] + dv[1] * s) ** 2 + (dr[2] + dv[2] * s) ** 2)
    return s, d


@leaf
def _record(sh: Shots, j: int, t: float) -> None:
    """Record interceptor ``j``'s state now."""
    p = sh.path_len[j]
    if p < sh.paths.shape[1]:
        sh.paths[j, p, 0] = t
        for c in range(3):
            sh.paths[j, p, 1 + c] = sh.y[j, c]
        sh.paths[j, p, 4] = math.sqrt(sh.y[j, 3] ** 2 + sh.y[j, 4] ** 2 + sh.y[j, 5] ** 2)
        sh.path_len[j] = p + 1
    sh.next_rec_s[j] = t + RECORD_EVERY_S


@leaf
def _acquire(
    sh: Shots, j: int, tcur: float, obj: Objects, y: np.ndarray, r_est: np.ndarray,
    v_est: np.ndarray, rng_est: float, itc: Interceptor, sk: Seeker, rng: np.random.Generator,
    log: EventLog, los: np.ndarray,
) -> None:  # fmt: skip
    """The seeker's acquisition: it picks an object; the hand-over gives it the LOS from a
    first look and the LOS rate from the radar track."""
    yo = sh.work[W_ACQ]
    u = sh.work[W_ACQ + 1, :3]  # the look direction
    r_rel = sh.work[W_ACQ + 1, 3:6]
    rn = max(rng_est, 1e-9)
    for c in range(3):
        u[c] = r_est[c] / rn
    o, rr = seeker_pick(obj, tcur, y, u, itc.seeker_range_m, sk, rng, yo)
    if o >= 0:
        sh.seeking[j] = True
        sh.target[j] = o
        add_event(log, tcur, EV_SEEKER_ACQUISITION, j, rr)
        # hand-over: the LOS from a first look, its rate from the radar track
        object_state(obj, o, tcur, yo)
        for c in range(3):
            r_rel[c] = yo[c] - y[c]
        measure_los(r_rel, itc.seeker_noise_rad, rng, los)
        d = 0.0
        for c in range(3):
            d += v_est[c] / rn * u[c]
        for c in range(3):
            sh.los_rate[j, c] = v_est[c] / rn - d * u[c]
        sh.last_frame_s[j] = tcur


@leaf
def _track_estimate(x_trk: np.ndarray, t_trk: float, tcur: float, y: np.ndarray,
                    r_est: np.ndarray, v_est: np.ndarray) -> float:  # fmt: skip
    """The target's position and velocity relative to the KV at ``tcur`` from the radar
    track (extrapolated in a straight line from its epoch ``t_trk``) into ``r_est`` and
    ``v_est``; returns the estimated range."""
    dt_x = tcur - t_trk
    for c in range(3):
        r_est[c] = x_trk[c] + x_trk[3 + c] * dt_x - y[c]
        v_est[c] = x_trk[3 + c] - y[3 + c]
    return math.sqrt(r_est[0] ** 2 + r_est[1] ** 2 + r_est[2] ** 2)


@leaf
def _steer(
    sh: Shots, j: int, tcur: float, obj: Objects, rng_est: float, itc: Interceptor,
    sk: Seeker, rng: np.random.Generator, a_cmd: np.ndarray, y_rv: np.ndarray, rv_ok: bool,
    views: tuple,
) -> float:  # fmt: skip
    """The commanded acceleration of a coasting KV into ``a_cmd``; returns the step it wants.

    Midcourse on the radar track (``views``' relative estimate, at range ``rng_est``, from
    :func:`_track_estimate`); after acquisition on the seeker's LOS estimate. Compiled
    without reference counting (it runs every step; it allocates nothing).
    ``y_rv`` is the RV's true state at ``tcur`` (``rv_ok``: it exists then), reused when the
    seeker homes on the RV. ``views`` are the row views :func:`fly_shot` makes once per call
    (of the KV's state and of ``Shots.work``), not once per step.
    """
    y, vel, r_est, v_est, yo_obj, z, r_rel, los, los_rate = views
    if sh.seeking[j]:
        if tcur >= sh.last_frame_s[j] + itc.seeker_frame_s - 1e-9:
            if sh.target[j] == OBJ_THREAT:  # the RV's state at tcur is at hand
                yo = y_rv
                seen = rv_ok
            else:
                yo = yo_obj
                seen = object_state(obj, sh.target[j], tcur, yo)
            if seen:
                for c in range(3):
                    r_rel[c] = yo[c] - y[c]
                measure_los(r_rel, itc.seeker_noise_rad, rng, z)
                los_filter_update(los, los_rate, z, tcur - sh.last_frame_s[j],
                                  sk.los_alpha)  # fmt: skip
            sh.last_frame_s[j] = tcur
        vc = -(r_est[0] * v_est[0] + r_est[1] * v_est[1] + r_est[2] * v_est[2])
        vc /= max(rng_est, 1e-9)
        pn_accel(los, los_rate, max(vc, 0.0), itc.nav_gain, vel, itc.accel_limit_mps2,
                 a_cmd)  # fmt: skip
        step = itc.seeker_frame_s
    else:
        zem_pn_accel(r_est, v_est, vel, itc.nav_gain, itc.accel_limit_mps2, a_cmd)
        step = MIDCOURSE_STEP_S
    if sh.dry[j]:
        for c in range(3):
            a_cmd[c] = 0.0
    return step


@leaf
def fly_shot(
    sh: Shots, j: int, t_end: float, obj: Objects, x_trk: np.ndarray, t_trk: float,
    itc: Interceptor, sk: Seeker, env: Env, rng: np.random.Generator, log: EventLog,
):  # fmt: skip
    """Fly interceptor ``j`` from its clock to ``t_end`` (or to its end).

    Returns ``(ended, t_end_s, miss_m, on_rv)``: whether it ended (closest approach to the
    RV, or lost: out of time or below the ground), when, its closest approach to the RV and
    whether its seeker was homing on the RV.
    """
    y = sh.y[j]
    tcur = sh.clock_s[j]
    w = sh.work
    yt = w[W_YT]
    yt2 = w[W_YT2]
    y_old = w[W_Y_OLD]
    a_cmd = w[W_ACC, :3]
    dr = w[W_DR, :3]
    dv = w[W_DV, :3]
    for c in range(3):
        a_cmd[c] = 0.0
    r_est = w[W_STEER, :3]  # the target relative to the KV, from the radar track
    v_est = w[W_STEER + 1, :3]
    los = sh.los[j]  # the seeker's LOS estimate
    # _steer's views: the KV's state and velocity, the estimated relative position and
    # velocity, an object's state, the LOS measurement, the relative position, the LOS
    # estimate and its rate
    views = (y, y[3:6], r_est, v_est, w[W_STEER + 2], w[W_STEER + 3, :3], w[W_STEER + 3, 3:6],
             los, sh.los_rate[j])  # fmt: skip
    kv = coast_phase(itc.cda_kv_m2)
    shroud = coast_phase(itc.shroud_cda_m2)
    rv = np.int64(OBJ_THREAT)  # int64, not a literal: one compiled object_state
    rv_ok = object_state(obj, rv, tcur, yt)
    while tcur < t_end - 1e-12:
        tau = tcur - sh.t_launch_s[j]
        if tau < itc.burn_s:
            h = min(BOOST_STEP_S, t_end - tcur, itc.burn_s - tau)
            if tau < itc.rail_s:
                h = min(h, itc.rail_s - tau)
            # the clock always advances: rail_s - tau can round to ~1e-15 s
            h = max(h, min(H_MIN_S, t_end - tcur))
            ph = Phase(
                itc.thrust_n, itc.mdot_kgps, itc.cda_m2,
                STEER_FIXED if tau < itc.rail_s else STEER_VELOCITY, 0.0,
                sh.up[j, 0], sh.up[j, 1], sh.up[j, 2], sh.launch_dir[j, 0],
                sh.launch_dir[j, 1], sh.launch_dir[j, 2], 0.0, 0.0, 0.0,
            )  # fmt: skip
            for c in range(3):
                a_cmd[c] = 0.0
        else:
            if not sh.burnt_out[j]:
                sh.burnt_out[j] = True
                y[6] = itc.m_kv_kg + itc.shroud_mass_kg
                add_event(log, tcur, EV_INTERCEPTOR_BURNOUT, j,
                          math.sqrt(y[3] ** 2 + y[4] ** 2 + y[5] ** 2))  # fmt: skip
            if not sh.bare[j]:
                if shroud_off(itc, tau, approx_altitude_m(y[0], y[1], y[2], env.earth)):
                    sh.bare[j] = True
                    y[6] = itc.m_kv_kg
                    add_event(log, tcur, EV_SHROUD_SEPARATION, j, 0.0)
            ph = kv if sh.bare[j] else shroud
            rng_est = _track_estimate(x_trk, t_trk, tcur, y, r_est, v_est)
            if sh.bare[j] and not sh.seeking[j] and rng_est <= itc.seeker_range_m:
                _acquire(sh, j, tcur, obj, y, r_est, v_est, rng_est, itc, sk, rng, log, los)
            h = _steer(sh, j, tcur, obj, rng_est, itc, sk, rng, a_cmd, yt, rv_ok, views)
            # short steps near closest approach (of the RV or the object homed on)
            for c in range(3):
                dr[c] = yt[c] - y[c]
                dv[c] = yt[3 + c] - y[3 + c]
            rr = math.sqrt(dr[0] ** 2 + dr[1] ** 2 + dr[2] ** 2)
            vc = -(dr[0] * dv[0] + dr[1] * dv[1] + dr[2] * dv[2]) / max(rr, 1e-9)
            if vc > 0.0:
                h = min(h, max(CA_STEP_FRACTION * rr / vc, MIN_STEP_S))
            h = min(h, t_end - tcur)
            # divert response: first-order lag of the achieved on the commanded acceleration
            lag = 1.0 - math.exp(-h / itc.time_constant_s)
            an = 0.0
            for c in range(3):
                sh.acc[j, c] += lag * (a_cmd[c] - sh.acc[j, c])
                a_cmd[c] = sh.acc[j, c]
                an += a_cmd[c] ** 2
            if not sh.dry[j]:
                dv_step = math.sqrt(an) * h
                left = itc.divert_dv_mps - sh.dv_used_mps[j]
                if dv_step >= left:  # the last of the propellant: a partial push, then none
                    f = left / dv_step if dv_step > 0.0 else 0.0
                    for c in range(3):
                        a_cmd[c] *= f
                    sh.dv_used_mps[j] = itc.divert_dv_mps
                    sh.dry[j] = True
                    for c in range(3):
                        sh.acc[j, c] = 0.0
                    add_event(log, tcur, EV_DIVERT_EXHAUSTED, j, sh.dv_used_mps[j])
                else:
                    sh.dv_used_mps[j] += dv_step
            else:
                for c in range(3):
                    a_cmd[c] = 0.0
        for c in range(7):  # element copies: no slice views per step
            y_old[c] = y[c]
        rk4_step(tcur, y, h, ph, env, a_cmd)
        sh.steps[0] += 1
        tnew = tcur + h
        rv_ok2 = object_state(obj, rv, tnew, yt2)
        rr_old = 0.0
        rr_new = 0.0
        for c in range(3):
            rr_old += (yt[c] - y_old[c]) * (yt[3 + c] - y_old[3 + c])
            rr_new += (yt2[c] - y[c]) * (yt2[3 + c] - y[3 + c])
        if tau >= itc.burn_s and rr_old < 0.0 and rr_new >= 0.0:
            for c in range(3):
                dr[c] = yt[c] - y_old[c]
                dv[c] = ((yt2[c] - y[c]) - dr[c]) / h
            s, miss = closest_approach(dr, dv, h)
            sh.clock_s[j] = tnew
            sh.flying[j] = False
            _record(sh, j, tnew)
            return True, tcur + s, miss, sh.target[j] == OBJ_THREAT
        tcur = tnew
        for c in range(7):
            yt[c] = yt2[c]
        rv_ok = rv_ok2
        if tcur >= sh.next_rec_s[j]:  # _record_due, tested here: no call with the record
            _record(sh, j, tcur)
        rr = math.sqrt((yt[0] - y[0]) ** 2 + (yt[1] - y[1]) ** 2 + (yt[2] - y[2]) ** 2)
        lost = tcur - sh.t_launch_s[j] > itc.max_flight_s
        if not lost and tau > GROUND_CHECK_S:
            lost = approx_altitude_m(y[0], y[1], y[2], env.earth) < 0.0
        if lost:
            sh.clock_s[j] = tcur
            sh.flying[j] = False
            _record(sh, j, tcur)
            return True, tcur, rr, False
    sh.clock_s[j] = tcur
    return False, tcur, math.nan, False
