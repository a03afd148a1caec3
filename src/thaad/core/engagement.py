"""The engagement loop: detect, track, decide, launch, guide, intercept, assess, shoot again.

One compiled function runs a whole engagement of one threat by one battery. The threat's
true path is flown first (it does not react); the radar then looks at it every
``scan_period_s``; the tracker initiates (M of N) and filters; fire control plans and
launches; interceptors are flown with RK4 under midcourse (track) and terminal (seeker)
proportional navigation until closest approach, which is found exactly from the relative
motion over the last, short step. Randomness comes from the ``numpy.random.Generator``
passed in, so a seed gives the same engagement every time.
"""

import math

import numba as nb
import numpy as np

from thaad.core.constants import R_MEAN_M
from thaad.core.earth import (
    approx_altitude_m,
    ecef_to_geodetic,
    enu_basis,
    geodetic_to_ecef,
    great_circle,
)
from thaad.core.firecontrol import DOCTRINE_SALVO, FireControl, plan_intercept
from thaad.core.flight import (
    STEER_FIXED,
    STEER_VELOCITY,
    Env,
    Phase,
    coast_phase,
    hermite,
    rk4_step,
)
from thaad.core.interceptor import Interceptor, boost_phases, zem_pn_accel
from thaad.core.radar import Radar, visible
from thaad.core.scene import Scene, build_objects, engaged_object, multi_look, new_sense_state
from thaad.core.threat import Aim, Missile, fly_threat, threat_derivs
from thaad.core.tracking import (
    ekf_predict_into,
    ekf_update_into,
    measurement_cov_ecef,
    measurement_to_ecef,
)

_jit = nb.njit(cache=True)

# Event kinds (index into EVENT_NAMES)
EVENT_NAMES = (
    "threat_launch",
    "threat_burnout",
    "threat_apogee",
    "first_detection",
    "track_firm",
    "interceptor_launch",
    "interceptor_burnout",
    "seeker_acquisition",
    "intercept",
    "miss",
    "threat_impact",
    "no_feasible_intercept",
)
# smallest interceptor integration step, s: every step advances the clock (no stall)
H_MIN_S = 1e-6

EV_THREAT_LAUNCH = 0
EV_THREAT_BURNOUT = 1
EV_THREAT_APOGEE = 2
EV_FIRST_DETECTION = 3
EV_TRACK_FIRM = 4
EV_INTERCEPTOR_LAUNCH = 5
EV_INTERCEPTOR_BURNOUT = 6
EV_SEEKER_ACQUISITION = 7
EV_INTERCEPT = 8
EV_MISS = 9
EV_THREAT_IMPACT = 10
EV_NO_FEASIBLE = 11

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

LETHALITY_MISS = 0
LETHALITY_FIXED = 1

MAX_EVENTS = 64
MAX_SHOTS = 16


@_jit
def _truth_derivs(ts, ys, n_boost, mis: Missile, aim: Aim, env: Env):
    """Derivatives at the stored truth points (each stage with its thrust, then coasting)."""
    return threat_derivs(ts, ys, mis, aim, env)


@_jit
def _truth_at(ts, ys, fs, t, out):
    """Threat state at ``t`` by cubic Hermite interpolation of the stored truth."""
    n = ts.shape[0]
    if t <= ts[0]:
        out[:] = ys[0]
        return
    if t >= ts[n - 1]:
        out[:] = ys[n - 1]
        return
    k = np.searchsorted(ts, t, side="right")
    hermite(ts[k - 1], ys[k - 1], fs[k - 1], ts[k], ys[k], fs[k], t, out)


@_jit
def _add_event(events, n_ev, t, kind, idx, value):
    if n_ev < events.shape[0]:
        events[n_ev, 0] = t
        events[n_ev, 1] = kind
        events[n_ev, 2] = idx
        events[n_ev, 3] = value
    return n_ev + 1


@_jit
def engage(
    mis: Missile, aim: Aim, env: Env, rcs_boost_m2: float, rcs_rv_m2: float, rd: Radar,
    itc: Interceptor, fc: FireControl, launchers: np.ndarray, rounds: np.ndarray,
    el_g: np.ndarray, tof_g: np.ndarray, d_rho_m: float, d_alt_m: float,
    lethality_model: int, sspk: float, pointing_sigma_rad: float, rng: np.random.Generator,
    record: bool, scene: Scene,
):  # fmt: skip
    """Run one engagement.

    Parameters
    ----------
    launchers : (n, 3) geodetic latitude, longitude (rad) and height (m) of each launcher.
    rounds : (n,) interceptors ready on each launcher (decremented in place).
    el_g, tof_g, d_rho_m, d_alt_m : the gridded fly-out table of :func:`build_flyout_grid`.
    lethality_model : ``LETHALITY_MISS`` (kill when the closest approach is within the lethal
        radius) or ``LETHALITY_FIXED`` (an interceptor that reaches the threat, i.e. passes
        within the lethal radius, kills with probability ``sspk``).
    pointing_sigma_rad : one-sigma launch azimuth and elevation error of each interceptor.
    record : keep histories (truth, track, interceptors) for output.
    scene : with ``scene.multi_object`` the radar sees the RV, the spent stage and debris,
        and the multi-object tracker with discrimination picks the track to engage
        (:mod:`thaad.core.scene`); the ``track_firm`` event then carries the engaged track's
        number (index) and the true object it follows (value: 0 RV, 1 stage, 2+ debris).

    Returns
    -------
    summary (N_SUMMARY,), events (k, 4: t, kind, index, value), truth_t, truth_y,
    track (m, 9: t, x(6), sigma_pos_m, nis), meas (m, 5: t, range, az, el, true object),
    paths (shots, p, 5: t, x, y, z, speed), path_len (shots,)
    """
    summary = np.full(N_SUMMARY, np.nan)
    summary[S_INTERCEPTED] = 0.0
    summary[S_FIRED] = 0.0
    summary[S_INT_STEPS] = 0.0
    events = np.zeros((MAX_EVENTS, 4))
    n_ev = 0

    # ---- truth -----------------------------------------------------------------------
    ts, ys, tb, _, t_ap, t_imp, _, ts_st, ys_st, _ = fly_threat(mis, aim, env, 1e-9, 2.0)
    n_boost = 0
    while n_boost < ts.shape[0] and ts[n_boost] < tb:
        n_boost += 1
    n_boost += 1  # the cutoff row itself carries the booster's mass
    fs = _truth_derivs(ts, ys, n_boost, mis, aim, env)
    n_ev = _add_event(events, n_ev, 0.0, EV_THREAT_LAUNCH, -1, 0.0)
    n_ev = _add_event(events, n_ev, tb, EV_THREAT_BURNOUT, -1, 0.0)
    if not math.isnan(t_ap):
        n_ev = _add_event(events, n_ev, t_ap, EV_THREAT_APOGEE, -1, 0.0)
    summary[S_T_IMPACT] = t_imp

    site = geodetic_to_ecef(rd.lat_rad, rd.lon_rad, rd.alt_m, env.earth)
    site_enu = enu_basis(rd.lat_rad, rd.lon_rad)
    R = np.zeros((3, 3))
    R[0, 0] = rd.sigma_range_m**2
    R[1, 1] = rd.sigma_angle_rad**2
    R[2, 2] = rd.sigma_angle_rad**2

    n_scan = int(t_imp / rd.scan_period_s) + 2
    # the objects the radar sees (RV, spent stage, debris) and the multi-object tracker
    multi = scene.multi_object
    k_st = ts_st.shape[0] if multi else 1  # the single-object path looks at the RV only
    objs = build_objects(ts, ys, fs, tb, ts_st[:k_st], ys_st[:k_st], mis, env, scene,
                         scene.n_debris if multi else 0, rcs_boost_m2, rcs_rv_m2, rng)  # fmt: skip
    n_obj = objs.n.shape[0]
    az = 0.0
    el = 0.0
    ss = new_sense_state(n_obj, 32 if multi else 1)
    track_hist = np.full((n_scan if record else 1, 9), np.nan)
    meas_hist = np.full((n_scan * (n_obj if multi else 1) if record else 1, 5),
                        np.nan)  # fmt: skip
    n_trk = 0
    n_meas = 0
    rec_every = 0.5
    n_path = int(itc.max_flight_s / rec_every) + 8
    paths = np.full((MAX_SHOTS, n_path if record else 1, 5), np.nan)
    path_len = np.zeros(MAX_SHOTS, np.int64)

    # ---- tracker state -----------------------------------------------------------------
    det_hist = np.zeros(fc.track_n, np.bool_)
    n_looks = 0
    firm = False
    have_det = False
    x = np.zeros(6)
    P = np.zeros((6, 6))
    t_x = 0.0
    first_pos = np.zeros(3)
    first_t = math.nan
    first_cov = np.zeros((3, 3))
    kf_work = np.empty((5, 7, 7))

    # ---- interceptors ------------------------------------------------------------------
    iy = np.zeros((MAX_SHOTS, 7))
    it_launch = np.full(MAX_SHOTS, np.nan)
    i_state = np.zeros(MAX_SHOTS, np.int64)  # 0 unused, 1 flying, 2 done
    i_seek = np.zeros(MAX_SHOTS, np.bool_)
    i_burn = np.zeros(MAX_SHOTS, np.bool_)
    i_next_rec = np.zeros(MAX_SHOTS)
    i_clock = np.zeros(MAX_SHOTS)
    i_frame = np.zeros(MAX_SHOTS)
    seek_noise = np.zeros((MAX_SHOTS, 3))
    i_acc = np.zeros((MAX_SHOTS, 3))
    i_dir = np.zeros((MAX_SHOTS, 6))  # launch direction and local up (ECEF unit vectors)
    n_fired = 0
    work = np.empty((5, 7))
    a_cmd = np.zeros(3)
    yt = np.empty(7)
    yt2 = np.empty(7)
    y_old = np.empty(7)
    z = np.empty(3)
    dr = np.empty(3)
    dv = np.empty(3)
    r_rel = np.empty(3)
    v_rel = np.empty(3)
    kv_phase = coast_phase(itc.cda_kv_m2)

    killed = False
    next_plan_t = 0.0
    hold_until = 0.0  # no new launch before this (look before shooting again)
    best_miss = math.inf
    plan_ok = False
    plan_tl = math.nan
    plan_az = 0.0
    plan_el = 0.0
    salvo_left = 0
    no_feasible_logged = False

    k = 0
    t = 0.0
    while True:
        t = k * rd.scan_period_s
        if t > t_imp or killed:
            break
        # ---- 1. fly interceptors up to t -------------------------------------------
        for j in range(n_fired):
            if i_state[j] != 1:
                continue
            tcur = i_clock[j]
            _truth_at(ts, ys, fs, tcur, yt)
            while tcur < t - 1e-12 and i_state[j] == 1:
                tau = tcur - it_launch[j]
                for c in range(3):
                    r_rel[c] = yt[c] - iy[j, c]
                    v_rel[c] = yt[3 + c] - iy[j, 3 + c]
                rng_now = math.sqrt(r_rel[0] ** 2 + r_rel[1] ** 2 + r_rel[2] ** 2)
                vc = -(r_rel[0] * v_rel[0] + r_rel[1] * v_rel[1] + r_rel[2] * v_rel[2])
                vc /= max(rng_now, 1e-9)
                if tau < itc.burn_s:
                    h = min(0.1, t - tcur, itc.burn_s - tau)
                    if tau < itc.rail_s:
                        h = min(h, itc.rail_s - tau)
                    ph = Phase(
                        itc.thrust_n, itc.mdot_kgps, itc.cda_m2,
                        STEER_FIXED if tau < itc.rail_s else STEER_VELOCITY, 0.0,
                        i_dir[j, 3], i_dir[j, 4], i_dir[j, 5], i_dir[j, 0], i_dir[j, 1],
                        i_dir[j, 2], 0.0, 0.0, 0.0,
                    )  # fmt: skip
                    a_cmd[:] = 0.0
                else:
                    ph = kv_phase
                    if not i_burn[j]:
                        i_burn[j] = True
                        iy[j, 6] = itc.m_kv_kg
                        n_ev = _add_event(events, n_ev, tcur, EV_INTERCEPTOR_BURNOUT, j,
                                          math.sqrt(iy[j, 3] ** 2 + iy[j, 4] ** 2
                                                    + iy[j, 5] ** 2))  # fmt: skip
                    if not i_seek[j] and rng_now <= itc.seeker_range_m:
                        i_seek[j] = True
                        n_ev = _add_event(events, n_ev, tcur, EV_SEEKER_ACQUISITION, j, rng_now)
                    if i_seek[j]:
                        # seeker: relative state with LOS-angle noise held over a frame
                        if tcur >= i_frame[j]:
                            for c in range(3):
                                seek_noise[j, c] = itc.seeker_noise_rad * rng.standard_normal()
                            i_frame[j] = tcur + itc.seeker_frame_s
                        for c in range(3):
                            r_rel[c] += rng_now * seek_noise[j, c]
                        zem_pn_accel(r_rel, v_rel, iy[j, 3:6], itc.nav_gain,
                                     itc.accel_limit_mps2, a_cmd)  # fmt: skip
                    else:
                        # midcourse: command guidance on the radar track, extrapolated
                        dt_x = tcur - t_x
                        for c in range(3):
                            r_rel[c] = x[c] + x[3 + c] * dt_x - iy[j, c]
                            v_rel[c] = x[3 + c] - iy[j, 3 + c]
                        zem_pn_accel(r_rel, v_rel, iy[j, 3:6], itc.nav_gain,
                                     itc.accel_limit_mps2, a_cmd)  # fmt: skip
                    h = 0.25 if not i_seek[j] else 0.05
                    if vc > 0.0:
                        h = min(h, max(0.1 * rng_now / vc, 2e-5))
                    h = min(h, t - tcur)
                # minimum step: the clock always advances (rail_s - tau can round to ~1e-15 s)
                h = max(h, min(H_MIN_S, t - tcur))
                if tau >= itc.burn_s:
                    # divert response: first-order lag of the achieved on the commanded accel
                    lag = 1.0 - math.exp(-h / itc.time_constant_s)
                    for c in range(3):
                        i_acc[j, c] += lag * (a_cmd[c] - i_acc[j, c])
                        a_cmd[c] = i_acc[j, c]
                # closest approach check over this step (truth relative motion)
                y_old[:] = iy[j]
                rk4_step(tcur, iy[j], h, ph, env, a_cmd, work)
                summary[S_INT_STEPS] += 1.0
                tnew = tcur + h
                _truth_at(ts, ys, fs, tnew, yt2)
                rr_old = 0.0
                rr_new = 0.0
                for c in range(3):
                    rr_old += (yt[c] - y_old[c]) * (yt[3 + c] - y_old[3 + c])
                    rr_new += (yt2[c] - iy[j, c]) * (yt2[3 + c] - iy[j, 3 + c])
                if tau >= itc.burn_s and rr_old < 0.0 and rr_new >= 0.0:
                    # closest approach inside the step: linear relative motion from the start
                    for c in range(3):
                        dr[c] = yt[c] - y_old[c]
                        dv[c] = ((yt2[c] - iy[j, c]) - dr[c]) / h
                    s = -(dr[0] * dv[0] + dr[1] * dv[1] + dr[2] * dv[2]) / max(
                        dv[0] ** 2 + dv[1] ** 2 + dv[2] ** 2, 1e-30
                    )
                    s = min(max(s, 0.0), h)
                    miss = math.sqrt(
                        (dr[0] + dv[0] * s) ** 2
                        + (dr[1] + dv[1] * s) ** 2
                        + (dr[2] + dv[2] * s) ** 2
                    )
                    t_ca = tcur + s
                    i_state[j] = 2
                    best_miss = min(best_miss, miss)
                    _truth_at(ts, ys, fs, t_ca, yt)
                    kill = miss <= itc.lethal_radius_m
                    if kill and lethality_model == LETHALITY_FIXED:
                        kill = rng.random() < sspk
                    if kill and not killed:
                        killed = True
                        summary[S_INTERCEPTED] = 1.0
                        summary[S_MISS_M] = miss
                        summary[S_T_INTERCEPT] = t_ca
                        summary[S_X : S_X + 3] = yt[:3]
                        n_ev = _add_event(events, n_ev, t_ca, EV_INTERCEPT, j, miss)
                    else:
                        n_ev = _add_event(events, n_ev, t_ca, EV_MISS, j, miss)
                        hold_until = max(hold_until, t_ca + fc.assess_s)
                tcur = tnew
                yt[:] = yt2
                if record and (tcur >= i_next_rec[j] or i_state[j] == 2):
                    p = path_len[j]
                    if p < paths.shape[1]:
                        paths[j, p, 0] = tcur
                        paths[j, p, 1:4] = iy[j, :3]
                        paths[j, p, 4] = math.sqrt(iy[j, 3] ** 2 + iy[j, 4] ** 2 + iy[j, 5] ** 2)
                        path_len[j] = p + 1
                    i_next_rec[j] = tcur + rec_every
                if i_state[j] == 1:
                    if tcur - it_launch[j] > itc.max_flight_s:
                        i_state[j] = 2
                        n_ev = _add_event(events, n_ev, tcur, EV_MISS, j, rng_now)
                        hold_until = max(hold_until, tcur)
                    elif tau > 1.0:
                        hgt = approx_altitude_m(iy[j, 0], iy[j, 1], iy[j, 2], env.earth)
                        if hgt < 0.0:
                            i_state[j] = 2
                            n_ev = _add_event(events, n_ev, tcur, EV_MISS, j, rng_now)
                            hold_until = max(hold_until, tcur)
            i_clock[j] = tcur
        if killed:
            break

        # ---- 2. radar look -----------------------------------------------------------
        if multi:
            firm, n_meas, rg, new_firm = multi_look(
                objs, ss, scene, t, rd, site, site_enu, env, rng, x, P, meas_hist, n_meas, record
            )
            if not math.isnan(rg):
                summary[S_FIRST_DET] = t
                n_ev = _add_event(events, n_ev, t, EV_FIRST_DETECTION, -1, rg)
            if new_firm:
                if math.isnan(summary[S_T_FIRM]):
                    summary[S_T_FIRM] = t
                n_ev = _add_event(events, n_ev, t, EV_TRACK_FIRM, ss.engaged[0],
                                  engaged_object(ss))  # fmt: skip
            if firm:
                t_x = t
            det = False  # the single-object steps below only record the engaged track
            have_det = False
        else:
            _truth_at(ts, ys, fs, t, yt)
            rcs = rcs_boost_m2 if t < tb else rcs_rv_m2
            det, az, el, rg = visible(rd, site, site_enu, yt[:3], rcs, env.earth)
        if det:
            z[0] = rg + rd.sigma_range_m * rng.standard_normal()
            z[1] = az + rd.sigma_angle_rad * rng.standard_normal()
            z[2] = el + rd.sigma_angle_rad * rng.standard_normal()
            if record:
                meas_hist[n_meas, 0] = t
                meas_hist[n_meas, 1:4] = z
                meas_hist[n_meas, 4] = 0.0
                n_meas += 1
        # ---- 3. tracking -------------------------------------------------------------
        if det and not have_det:
            have_det = True
            summary[S_FIRST_DET] = t
            n_ev = _add_event(events, n_ev, t, EV_FIRST_DETECTION, -1, rg)
            first_pos = measurement_to_ecef(site, site_enu, z)
            first_cov = measurement_cov_ecef(site_enu, z, R)
            first_t = t
        if have_det and not firm:
            det_hist[n_looks % fc.track_n] = det
            n_looks += 1
            cnt = 0
            for b in range(min(n_looks, fc.track_n)):
                cnt += 1 if det_hist[b] else 0
            if det and cnt >= fc.track_m and t > first_t:
                # two-point initiation from the first detection and this one
                pos = measurement_to_ecef(site, site_enu, z)
                cov = measurement_cov_ecef(site_enu, z, R)
                dt0 = t - first_t
                x[:3] = pos
                x[3:] = (pos - first_pos) / dt0
                P[:, :] = 0.0
                P[:3, :3] = cov
                P[3:, 3:] = (cov + first_cov) / dt0**2 + np.eye(3) * (0.5 * 9.8 * dt0) ** 2
                P[:3, 3:] = cov / dt0
                P[3:, :3] = cov / dt0
                t_x = t
                firm = True
                summary[S_T_FIRM] = t
                n_ev = _add_event(events, n_ev, t, EV_TRACK_FIRM, -1, 0.0)
            elif n_looks >= fc.track_n and cnt < fc.track_m and not det:
                # initiation failed: start again at the next detection
                have_det = False
                n_looks = 0
                det_hist[:] = False
        elif firm:
            inv_beta = fc.inv_beta_filter if t >= tb else 0.0
            ekf_predict_into(x, P, t - t_x, env, inv_beta, fc.q_mps2, kf_work)
            t_x = t
            nis = ss.tab.nis[ss.engaged[1]] if multi else math.nan
            if det:
                nis = ekf_update_into(x, P, z, R, site, site_enu, kf_work)
            if record:
                track_hist[n_trk, 0] = t
                track_hist[n_trk, 1:7] = x
                track_hist[n_trk, 7] = math.sqrt(P[0, 0] + P[1, 1] + P[2, 2])
                track_hist[n_trk, 8] = nis
                n_trk += 1

        # ---- 4. fire control ---------------------------------------------------------
        if firm and not killed and n_fired < min(fc.shots, MAX_SHOTS):
            sig = math.sqrt(P[0, 0] + P[1, 1] + P[2, 2])
            flying = 0
            for j in range(n_fired):
                if i_state[j] == 1:
                    flying += 1
            can_shoot = salvo_left > 0 or (
                flying == 0 and t >= hold_until and sig <= fc.max_track_sigma_m
            )
            li = -1
            for q in range(rounds.shape[0]):
                if rounds[q] > 0:
                    li = q
                    break
            if can_shoot and li >= 0:
                t_ready = max(t, summary[S_T_FIRM] + fc.reaction_s)
                if (t >= next_plan_t and t + fc.replan_s >= t_ready) or salvo_left > 0:
                    pl = plan_intercept(x, t_x, t_ready, fc, env, launchers[li, 0],
                                        launchers[li, 1], el_g, tof_g, d_rho_m,
                                        d_alt_m)  # fmt: skip
                    next_plan_t = t + fc.replan_s
                    plan_ok = pl.ok
                    plan_tl = pl.t_launch_s
                    plan_az = pl.az_rad
                    plan_el = pl.el_rad
                    if not pl.ok and not no_feasible_logged and t > t_ap:
                        n_ev = _add_event(events, n_ev, t, EV_NO_FEASIBLE, -1, 0.0)
                        no_feasible_logged = True
                if plan_ok and plan_tl <= t + rd.scan_period_s:
                    j = n_fired
                    n_fired += 1
                    rounds[li] -= 1
                    i_state[j] = 1
                    it_launch[j] = t
                    i_clock[j] = t
                    if pointing_sigma_rad > 0.0:
                        plan_az += pointing_sigma_rad * rng.standard_normal()
                        plan_el += pointing_sigma_rad * rng.standard_normal()
                    _, _, dvec = boost_phases(itc, launchers[li, 0], launchers[li, 1], plan_az,
                                              plan_el)  # fmt: skip
                    upv = enu_basis(launchers[li, 0], launchers[li, 1])[2]
                    i_dir[j, :3] = dvec
                    i_dir[j, 3:] = upv
                    iy[j, :3] = geodetic_to_ecef(launchers[li, 0], launchers[li, 1],
                                                 launchers[li, 2], env.earth)  # fmt: skip
                    iy[j, 3:6] = 0.0
                    iy[j, 6] = itc.m0_kg
                    i_next_rec[j] = t
                    n_ev = _add_event(events, n_ev, t, EV_INTERCEPTOR_LAUNCH, j, li)
                    if fc.doctrine == DOCTRINE_SALVO:
                        if salvo_left == 0:
                            salvo_left = fc.shots - 1
                        else:
                            salvo_left -= 1
                        next_plan_t = t + fc.salvo_spacing_s
                        plan_ok = False
                    else:
                        plan_ok = False
        k += 1

    if not killed:
        n_ev = _add_event(events, n_ev, t_imp, EV_THREAT_IMPACT, -1, 0.0)
        if best_miss < math.inf:
            summary[S_MISS_M] = best_miss
    summary[S_FIRED] = n_fired
    n_ev = min(n_ev, MAX_EVENTS)
    ev = events[:n_ev]
    order = np.argsort(ev[:, 0], kind="mergesort")
    return (
        summary, ev[order].copy(), ts, ys, track_hist[:n_trk].copy(), meas_hist[:n_meas].copy(),
        paths, path_len,
    )  # fmt: skip


@_jit
def ground_range_m(lat1: float, lon1: float, r: np.ndarray, earth: int) -> float:
    """Great-circle ground range (mean-Earth radius) from a site to an ECEF point."""
    lat, lon, _ = ecef_to_geodetic(r[0], r[1], r[2], earth)
    return great_circle(lat1, lon1, lat, lon)[0] * R_MEAN_M
