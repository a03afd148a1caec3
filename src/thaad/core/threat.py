"""Ballistic-missile threats: staged powered flight, separation, free flight, targeting.

A threat is a stack of up to ``MAX_STAGES`` stages under a separating reentry vehicle (RV).
It rises vertically for ``t_vert_s``, pitches over linearly to a final pitch angle (a pitch
program: the thrust's elevation above the launch point's horizontal, in the launch plane)
and holds that attitude; stage ``i`` burns at constant thrust and mass flow for its burn
time, then drops its dry mass and the next stage ignites at once. Thrust is cut off at
``t_cutoff_s`` in the last stage (range control by thrust termination, as in Scud-class
missiles). At cutoff the RV separates and flies on with its own ballistic coefficient; the
spent last stage (its dry mass and any propellant left) flies on as a second object with a
tumbling body's drag area. A missile whose payload does not separate (``separates == 0``,
Scud-like) flies on as one body instead: the last stage's dry mass, any propellant left and
the payload, with the whole body's tumbling drag area (``cda_body_m2``); there is no second
object. While a stage burns its drag coefficient follows a table against Mach number
(:func:`thaad.core.flight.mach_phase`).

A pull-up threat (``glide_ld > 0``, set by :func:`thaad.model.shapes.solve_pullup`) flies
its free flight in a :class:`thaad.core.flight.GlidePhase`: after the ballistic apogee
(``glide_t_arm_s``) and below ``glide_h_start_m`` it generates lift toward a level glide
and a dive onto the aim point (``glide_tgt_*``); :func:`free_flight_phase`.

The targeting solver finds the launch azimuth, final pitch angle and cutoff time that put
the RV's impact on the aim point while the burnout state satisfies the trajectory shape:

- minimum energy: the velocity of the minimum-energy conic from the burnout point bisects
  the angle between the local vertical and the chord to the aim point (the vacant focus
  lies on the chord; Bate, Mueller and White, *Fundamentals of Astrodynamics*, 1971,
  sec. 6.2, whose equal-radius special case is ``gamma = (pi - psi)/4``);
- a given burnout flight-path angle (lofted or depressed);
- a given apogee altitude (lofted or depressed);
- maximum range: full burn at the range-maximising final pitch (:func:`max_range_aim`).

Histories are returned as ``(n, 7)`` ECEF states ``(x, y, z, vx, vy, vz, m)``. Wherever a
phase changes (staging, cutoff) the instant appears twice: the old phase's last row, then
the new phase's first row, so :func:`threat_derivs` can tell the phases apart.
"""

import math
from typing import NamedTuple

import numba as nb
import numpy as np

from thaad.core.constants import R_MEAN_M
from thaad.core.earth import (
    destination,
    ecef_to_geodetic,
    enu_basis,
    geodetic_to_ecef,
    great_circle,
)
from thaad.core.flight import (
    EV_APOGEE,
    EV_IMPACT,
    STEER_PITCH,
    Env,
    GlidePhase,
    ballistic_phase,
    deriv,
    fly,
    glide_phase,
    mach_phase,
)
from thaad.core.jit import jit
from thaad.core.linalg import solve

MAX_STAGES = 3
MAX_CD = 16  # nodes of a stage's drag-coefficient table against Mach number

SHAPE_MIN_ENERGY = 0
SHAPE_GAMMA = 1  # burnout flight-path angle given (lofted or depressed)
SHAPE_APOGEE = 2  # apogee altitude given (lofted or depressed)

# Targeting status codes
TARGET_OK = 0
TARGET_OUT_OF_RANGE = 1
TARGET_NO_CONVERGENCE = 2
TARGET_TOO_CLOSE = 3

ENTRY_ALT_M = 1.0e5  # "atmosphere entry" event height
_R_ARC_M = R_MEAN_M  # radius for arc lengths on the ground (spherical measure)


class Missile(NamedTuple):
    """A staged missile with a separating reentry vehicle, or a non-separating body (SI).

    Per-stage arrays have length ``MAX_STAGES``; only the first ``n_stages`` entries are
    used. Stage ``i`` burns from the end of stage ``i - 1`` for ``stage_burn_s[i]``
    seconds; at its end ``stage_dry_kg[i]`` is dropped (the last stage's is not: it
    becomes the spent stage at RV separation).
    """

    m0_kg: float  # lift-off mass
    n_stages: int
    stage_thrust_n: np.ndarray
    stage_mdot_kgps: np.ndarray
    stage_burn_s: np.ndarray
    stage_dry_kg: np.ndarray
    stage_cda_m2: np.ndarray  # drag area (Cd * reference area) of the stack while it burns
    burn_s: float  # end of the last stage's full burn, from lift-off
    m_rv_kg: float  # reentry-vehicle mass
    beta_rv_kgpm2: float  # RV ballistic coefficient m / (Cd A)
    cda_stage_m2: float  # drag area of the spent last stage (tumbling)
    t_vert_s: float  # vertical rise
    turn_frac: float  # pitch-over ends at t_vert + turn_frac (t_cutoff - t_vert)
    stage_ref_area_m2: np.ndarray  # reference area of the drag-coefficient table
    stage_n_cd: np.ndarray  # (MAX_STAGES,) int64: nodes used in each stage's table
    stage_cd_mach: np.ndarray  # (MAX_STAGES, MAX_CD) Mach nodes, strictly increasing
    stage_cd_value: np.ndarray  # (MAX_STAGES, MAX_CD) drag coefficient at the nodes
    separates: int  # 1: the RV separates at cutoff; 0: the whole body flies on
    cda_body_m2: float  # drag area of the whole tumbling body (separates == 0)
    rcs_broadside_m2: float  # whole body seen broadside (separates == 0; nose-on: the RV's)
    # pull-up flight (a manoeuvring, quasi-ballistic threat; glide_ld 0: ballistic). The
    # targeting sets the arming time (the ballistic apogee) and the aim point, ECEF.
    glide_ld: float = 0.0  # lift-to-drag ratio
    glide_h_start_m: float = 0.0  # manoeuvre start altitude
    glide_n_max: float = 0.0  # load-factor limit
    glide_dive_rad: float = 0.0  # dive when the aim point is this far below the horizontal
    glide_t_arm_s: float = 0.0
    glide_tgt_x_m: float = 0.0
    glide_tgt_y_m: float = 0.0
    glide_tgt_z_m: float = 0.0


class Aim(NamedTuple):
    """Launch point (geodetic, rad and m) and the steering that a solution found."""

    lat0_rad: float
    lon0_rad: float
    alt0_m: float
    az_rad: float
    t_cutoff_s: float
    pitch_final_rad: float


@jit
def stage_ignition_s(mis: Missile, i: int) -> float:
    """Ignition time of stage ``i`` after lift-off."""
    t = 0.0
    for j in range(i):
        t += mis.stage_burn_s[j]
    return t


@jit
def stage_mass_kg(mis: Missile, i: int) -> float:
    """Mass of the stack at the ignition of stage ``i``."""
    m = mis.m0_kg
    for j in range(i):
        m -= mis.stage_mdot_kgps[j] * mis.stage_burn_s[j] + mis.stage_dry_kg[j]
    return m


@jit
def stage_phase(mis: Missile, aim: Aim, i: int) -> GlidePhase:
    """Stage ``i``'s thrust, drag and pitch program (vertical and downrange at the pad)."""
    b = enu_basis(aim.lat0_rad, aim.lon0_rad)
    sa = math.sin(aim.az_rad)
    ca = math.cos(aim.az_rad)
    drx = sa * b[0, 0] + ca * b[1, 0]
    dry = sa * b[0, 1] + ca * b[1, 1]
    drz = sa * b[0, 2] + ca * b[1, 2]
    t_turn = mis.t_vert_s + mis.turn_frac * (aim.t_cutoff_s - mis.t_vert_s)
    return mach_phase(
        mis.stage_thrust_n[i], mis.stage_mdot_kgps[i], mis.stage_cda_m2[i], STEER_PITCH, 0.0,
        b[2, 0], b[2, 1], b[2, 2], drx, dry, drz,
        mis.t_vert_s, t_turn, aim.pitch_final_rad, mis.stage_ref_area_m2[i],
        mis.stage_n_cd[i], mis.stage_cd_mach[i], mis.stage_cd_value[i],
    )  # fmt: skip


@jit
def free_flight_cda_m2(mis: Missile) -> float:
    """Drag area of what flies on from cutoff to impact: the RV's (``m_rv / beta_rv``), or
    the whole body's if the payload does not separate."""
    if mis.separates != 0:
        return mis.m_rv_kg / mis.beta_rv_kgpm2
    return mis.cda_body_m2


@jit
def free_flight_phase(mis: Missile):
    """The phase of what flies on from cutoff: ballistic, or with lift for a pull-up threat
    (:class:`thaad.core.flight.GlidePhase`; ``glide_ld == 0`` gives no lift)."""
    return glide_phase(free_flight_cda_m2(mis), mis.glide_ld, mis.glide_h_start_m,
                       mis.glide_n_max, mis.glide_t_arm_s, mis.glide_tgt_x_m, mis.glide_tgt_y_m,
                       mis.glide_tgt_z_m, mis.glide_dive_rad)  # fmt: skip


@jit
def body_rcs_m2(rcs_nose_m2: float, rcs_broadside_m2: float, y: np.ndarray,
                site_ecef: np.ndarray) -> float:  # fmt: skip
    """Radar cross-section of a long body seen at an aspect angle.

    ``sigma = sigma_nose cos^2(theta) + sigma_broadside sin^2(theta)``, with ``theta`` the
    angle between the body's axis (taken along its Earth-relative velocity) and the radar's
    line of sight; a simple interpolation between the nose-on and broadside values (an
    assumption, docs/parameters.md).
    """
    lx = y[0] - site_ecef[0]
    ly = y[1] - site_ecef[1]
    lz = y[2] - site_ecef[2]
    ln = math.sqrt(lx * lx + ly * ly + lz * lz)
    vn = math.sqrt(y[3] * y[3] + y[4] * y[4] + y[5] * y[5])
    if ln <= 0.0 or vn <= 0.0:
        return rcs_broadside_m2
    c = (lx * y[3] + ly * y[4] + lz * y[5]) / (ln * vn)
    c2 = min(c * c, 1.0)
    return rcs_nose_m2 * c2 + rcs_broadside_m2 * (1.0 - c2)


@jit
def boost_phase(mis: Missile, aim: Aim, env: Env) -> GlidePhase:
    """The first stage's phase (kept for callers of the single-stage skeleton)."""
    return stage_phase(mis, aim, 0)


@jit
def _fly_core(mis: Missile, aim: Aim, env: Env, rtol: float, max_step_s: float, record: bool):
    """Fly the boost and the RV; optionally (``record``) the spent stage too.

    Returns ``(ts, ys, tb, yb, t_ap, y_ap, t_imp, y_imp, ts_st, ys_st)``.
    """
    r0 = geodetic_to_ecef(aim.lat0_rad, aim.lon0_rad, aim.alt0_m, env.earth)
    y = np.zeros(7)
    for c in range(3):  # element loops: no slice assignment (its shape-error routine)
        y[c] = r0[c]
    y[6] = mis.m0_kg
    t = 0.0
    ts = np.empty(0)
    ys = np.empty((0, 7))
    t_ap = math.nan
    y_ap = np.full(7, math.nan)
    fell = False
    for i in range(mis.n_stages):
        t_end = min(stage_ignition_s(mis, i) + mis.stage_burn_s[i], aim.t_cutoff_s)
        if i > 0:
            y[6] = stage_mass_kg(mis, i)
        ph = stage_phase(mis, aim, i)
        ts1, ys1, ev_t, ev_y = fly(
            t, y, t_end, ph, env, rtol, max_step_s, aim.alt0_m - 1.0, ENTRY_ALT_M
        )
        ts = np.concatenate((ts, ts1))
        ys = np.concatenate((ys, ys1))
        t = ts1[-1]
        for c in range(7):
            y[c] = ys1[-1, c]
        if math.isnan(t_ap) and not math.isnan(ev_t[EV_APOGEE]):
            t_ap = ev_t[EV_APOGEE]
            for c in range(7):
                y_ap[c] = ev_y[EV_APOGEE, c]
        if not math.isnan(ev_t[EV_IMPACT]):
            fell = True  # fell back to the ground during boost: no flight
            break
        if t >= aim.t_cutoff_s or i == mis.n_stages - 1:
            break
    tb = t
    yb = y.copy()
    if fell:
        return ts, ys, tb, yb, t_ap, y_ap, tb, yb.copy(), ts[-1:].copy(), ys[-1:].copy()
    m_spent = yb[6] - mis.m_rv_kg
    y1 = yb.copy()
    if mis.separates != 0:
        y1[6] = mis.m_rv_kg
    ph2 = free_flight_phase(mis)
    ts2, ys2, ev2_t, ev2_y = fly(tb, y1, tb + 2.0e4, ph2, env, rtol, max_step_s, 0.0, ENTRY_ALT_M)
    ts = np.concatenate((ts, ts2))
    ys = np.concatenate((ys, ys2))
    if math.isnan(t_ap) and not math.isnan(ev2_t[EV_APOGEE]):
        t_ap = ev2_t[EV_APOGEE]
        for c in range(7):
            y_ap[c] = ev2_y[EV_APOGEE, c]
    if record and mis.separates != 0:
        y2 = yb.copy()
        y2[6] = m_spent
        ph3 = ballistic_phase(mis.cda_stage_m2)
        ts3, ys3, _, _ = fly(tb, y2, tb + 2.0e4, ph3, env, rtol, max_step_s, 0.0, ENTRY_ALT_M)
    else:  # no second object: one row (a path of one point exists at no time span)
        ts3 = ts[-1:].copy()
        ys3 = ys[-1:].copy()
    return ts, ys, tb, yb, t_ap, y_ap, ev2_t[EV_IMPACT], ev2_y[EV_IMPACT].copy(), ts3, ys3


@jit
def fly_threat(mis: Missile, aim: Aim, env: Env, rtol: float, max_step_s: float):
    """Fly a threat from launch to impact.

    Returns ``(ts, ys, t_burnout, y_burnout, t_apogee, t_impact, y_impact, ts_stage,
    ys_stage, y_apogee)``. ``ts, ys``: the booster's history (stage after stage) until
    cutoff, then the RV's from the same instant (a repeated time) with the RV's mass, to
    impact (a non-separating body keeps its whole mass). ``ts_stage, ys_stage``: the spent
    last stage from cutoff to its own impact (a single row, the body's impact, when the
    payload does not separate: there is no spent stage).
    ``y_apogee``: the state at the apogee event (maximum geocentric radius). Rows are
    ``(x, y, z, vx, vy, vz, m)`` ECEF.
    """
    ts, ys, tb, yb, t_ap, y_ap, t_imp, y_imp, ts3, ys3 = _fly_core(
        mis, aim, env, rtol, max_step_s, np.bool_(True)
    )  # np.bool_, not a literal: one compiled _fly_core for both callers
    return ts, ys, tb, yb, t_ap, t_imp, y_imp, ts3, ys3, y_ap


@jit
def threat_derivs(ts: np.ndarray, ys: np.ndarray, mis: Missile, aim: Aim, env: Env):
    """Derivatives at the rows of a :func:`fly_threat` history (for Hermite interpolation).

    The phase of each row follows from the repeated instants: the stages in order, then
    the RV's coast after the last repetition.
    """
    n = ts.shape[0]
    fs = np.empty((n, 7))
    k = 0
    n_boost = 0
    for i in range(1, n):
        if ts[i] == ts[i - 1]:
            n_boost += 1
    ph_c = free_flight_phase(mis)
    for i in range(n):
        if i > 0 and ts[i] == ts[i - 1]:
            k += 1
        if k >= n_boost:
            deriv(ts[i], ys[i], ph_c, env, 0.0, 0.0, 0.0, fs[i])
        else:
            deriv(ts[i], ys[i], stage_phase(mis, aim, k), env, 0.0, 0.0, 0.0, fs[i])
    return fs


@jit
def impact_and_apogee(mis: Missile, aim: Aim, env: Env, rtol: float):
    """Burnout state, impact point and time, apogee height (the spent stage is not flown).

    Returns ``(yb, lat, lon, t_imp, h_apogee)``; ``h_apogee`` is the geodetic height at
    the apogee event.
    """
    out = _fly_core(mis, aim, env, rtol, 60.0, np.bool_(False))
    yi = out[7]
    lat, lon, _ = ecef_to_geodetic(yi[0], yi[1], yi[2], env.earth)
    ya = out[5]
    h_ap = ecef_to_geodetic(ya[0], ya[1], ya[2], env.earth)[2]
    return out[3], lat, lon, out[6], h_ap


@jit
def apogee_and_impact(mis: Missile, aim: Aim, env: Env, rtol: float):
    """Apogee time and height, impact point and time: ``(t_ap, h_ap, lat, lon, t_imp)``."""
    out = _fly_core(mis, aim, env, rtol, 60.0, np.bool_(False))
    yi = out[7]
    lat, lon, _ = ecef_to_geodetic(yi[0], yi[1], yi[2], env.earth)
    ya = out[5]
    h_ap = ecef_to_geodetic(ya[0], ya[1], ya[2], env.earth)[2]
    return out[4], h_ap, lat, lon, out[6]


@jit
def fly_to_impact(mis: Missile, aim: Aim, env: Env, rtol: float):
    """Burnout state, impact point and time: ``(yb, lat, lon, t_imp)``."""
    yb, lat, lon, t_imp, _ = impact_and_apogee(mis, aim, env, rtol)
    return yb, lat, lon, t_imp


@jit
def min_energy_gamma_at(yb: np.ndarray, r_aim: np.ndarray) -> float:
    """Minimum-energy flight-path angle from burnout state ``yb`` to ECEF point ``r_aim``.

    The bisector of the local vertical and the chord: ``gamma = (pi/2 + alpha)/2`` with
    ``alpha`` the chord's angle above the local horizontal.
    """
    rb = yb[:3]
    rn = math.sqrt(rb[0] ** 2 + rb[1] ** 2 + rb[2] ** 2)
    c = r_aim - rb
    cn = math.sqrt(c[0] ** 2 + c[1] ** 2 + c[2] ** 2)
    sin_alpha = (c[0] * rb[0] + c[1] * rb[1] + c[2] * rb[2]) / (cn * rn)
    return 0.5 * (0.5 * math.pi + math.asin(sin_alpha))


@jit
def flight_path_angle(y: np.ndarray) -> float:
    """Angle of the (Earth-fixed) velocity above the local (geocentric) horizontal."""
    rn = math.sqrt(y[0] ** 2 + y[1] ** 2 + y[2] ** 2)
    vn = math.sqrt(y[3] ** 2 + y[4] ** 2 + y[5] ** 2)
    return math.asin((y[0] * y[3] + y[1] * y[4] + y[2] * y[5]) / (rn * vn))


@jit
def _residual(
    mis: Missile, aim: Aim, env: Env, lat_t: float, lon_t: float, r_aim: np.ndarray,
    shape: int, shape_value: float, rtol: float, out: np.ndarray,
) -> float:  # fmt: skip
    """Downrange and crossrange miss (m) and the shape error (scaled to parts per million).

    Returns the miss distance on the ground (m).
    """
    yb, lat, lon, _, h_ap = impact_and_apogee(mis, aim, env, rtol)
    ang_t, az_t = great_circle(aim.lat0_rad, aim.lon0_rad, lat_t, lon_t)
    ang_i, az_i = great_circle(aim.lat0_rad, aim.lon0_rad, lat, lon)
    out[0] = _R_ARC_M * (ang_i * math.cos(az_i - az_t) - ang_t)
    out[1] = _R_ARC_M * ang_i * math.sin(az_i - az_t)
    if shape == SHAPE_APOGEE:
        out[2] = (h_ap - shape_value) / max(shape_value, 1.0) * 1.0e6
    else:
        g = flight_path_angle(yb)
        gs = min_energy_gamma_at(yb, r_aim) if shape == SHAPE_MIN_ENERGY else shape_value
        out[2] = (g - gs) * 1.0e6
    miss_ang, _ = great_circle(lat, lon, lat_t, lon_t)
    return _R_ARC_M * miss_ang


@jit
def _range_at_pitch(mis: Missile, lat0: float, lon0: float, alt0: float, az: float, p: float,
                    env: Env):  # fmt: skip
    aim = Aim(lat0, lon0, alt0, az, mis.burn_s, p)
    _, lat, lon, _ = fly_to_impact(mis, aim, env, 1e-9)
    ang, az_i = great_circle(lat0, lon0, lat, lon)
    return ang * _R_ARC_M, az_i


@jit
def max_range_m(mis: Missile, lat0: float, lon0: float, alt0: float, az: float, env: Env):
    """Longest ground range at full burn over final pitch angles (golden section).

    Returns ``(range_m, pitch_final_rad)``.
    """
    lo = math.radians(5.0)
    hi = math.radians(85.0)
    gr = (math.sqrt(5.0) - 1.0) / 2.0
    c = hi - gr * (hi - lo)
    d = lo + gr * (hi - lo)
    fc = _range_at_pitch(mis, lat0, lon0, alt0, az, c, env)[0]
    fd = _range_at_pitch(mis, lat0, lon0, alt0, az, d, env)[0]
    for _ in range(40):
        if fc > fd:
            hi = d
            d = c
            fd = fc
            c = hi - gr * (hi - lo)
            fc = _range_at_pitch(mis, lat0, lon0, alt0, az, c, env)[0]
        else:
            lo = c
            c = d
            fc = fd
            d = lo + gr * (hi - lo)
            fd = _range_at_pitch(mis, lat0, lon0, alt0, az, d, env)[0]
        if hi - lo < 1e-5:
            break
    p = 0.5 * (lo + hi)
    return _range_at_pitch(mis, lat0, lon0, alt0, az, p, env)[0], p


@jit
def max_range_aim(
    mis: Missile, lat0: float, lon0: float, alt0: float, lat_t: float, lon_t: float, env: Env
):
    """The maximum-range shot toward an aim point: full burn, range-maximising pitch.

    The azimuth is corrected until the impact lies on the great circle through the aim
    point (Earth's rotation deflects it). Returns ``(aim, range_m)``.
    """
    _, az_t = great_circle(lat0, lon0, lat_t, lon_t)
    az = az_t
    rng = 0.0
    p = 0.5
    for _ in range(6):
        rng, p = max_range_m(mis, lat0, lon0, alt0, az, env)
        _, az_i = _range_at_pitch(mis, lat0, lon0, alt0, az, p, env)
        daz = (az_t - az_i + math.pi) % (2.0 * math.pi) - math.pi
        az += daz
        if abs(daz) < 1e-8:
            break
    return Aim(lat0, lon0, alt0, az, mis.burn_s, p), rng


@jit
def solve_aim(
    mis: Missile, lat0: float, lon0: float, alt0: float, lat_t: float, lon_t: float,
    alt_t: float, env: Env, shape: int, shape_value: float, tol_m: float,
):  # fmt: skip
    """Find azimuth, cutoff time and final pitch that hit the aim point.

    ``shape`` is ``SHAPE_MIN_ENERGY`` (``shape_value`` unused), ``SHAPE_GAMMA``
    (``shape_value`` the burnout flight-path angle, rad) or ``SHAPE_APOGEE``
    (``shape_value`` the apogee's geodetic height, m). Damped Newton iteration on
    (azimuth, cutoff, pitch) with a finite-difference Jacobian; the cutoff stays in the
    last stage's burn. Returns ``(aim, status, miss_m)``.
    """
    rtol = 1e-10
    ang_t, az0 = great_circle(lat0, lon0, lat_t, lon_t)
    r_aim = geodetic_to_ecef(lat_t, lon_t, alt_t, env.earth)
    t_last = stage_ignition_s(mis, mis.n_stages - 1)
    t_lo = max(mis.t_vert_s, t_last) + 1.0
    # starting guess: 80 % of the last stage's burn, pitch of the textbook angle
    x = np.array([az0, t_lo + 0.8 * (mis.burn_s - t_lo), 0.25 * (math.pi - ang_t)])
    if shape == SHAPE_GAMMA:
        x[2] = shape_value
    lo = np.array([-1e9, t_lo, math.radians(2.0)])
    hi = np.array([1e9, mis.burn_s, math.radians(89.5)])
    steps = np.array([1e-6, 1e-3, 1e-5])
    f = np.empty(3)
    fp = np.empty(3)
    jac = np.empty((3, 3))
    miss = np.inf
    status = TARGET_NO_CONVERGENCE
    for _ in range(50):
        aim = Aim(lat0, lon0, alt0, x[0], x[1], x[2])
        miss = _residual(mis, aim, env, lat_t, lon_t, r_aim, shape, shape_value, rtol, f)
        if miss < tol_m and abs(f[2]) < 1e2:
            status = TARGET_OK
            break
        for j in range(3):
            xp = x.copy()
            xp[j] += steps[j] if xp[j] + steps[j] <= hi[j] else -steps[j]
            dj = xp[j] - x[j]
            aimp = Aim(lat0, lon0, alt0, xp[0], xp[1], xp[2])
            _residual(mis, aimp, env, lat_t, lon_t, r_aim, shape, shape_value, rtol, fp)
            for i in range(3):
                jac[i, j] = (fp[i] - f[i]) / dj
        dx = solve(jac, -f)  # np.linalg.solve's LAPACK call, cheaper to compile
        # damping: keep steps modest
        scale = 1.0
        if abs(dx[1]) > 10.0:
            scale = min(scale, 10.0 / abs(dx[1]))
        if abs(dx[2]) > 0.2:
            scale = min(scale, 0.2 / abs(dx[2]))
        if abs(dx[0]) > 0.1:
            scale = min(scale, 0.1 / abs(dx[0]))
        xn = x + scale * dx
        pin_hi = False
        pin_lo = False
        for j in range(3):
            if xn[j] > hi[j]:
                xn[j] = hi[j]
                pin_hi = pin_hi or j == 1
            if xn[j] < lo[j]:
                xn[j] = lo[j]
                pin_lo = pin_lo or j == 1
        if pin_hi and x[1] >= hi[1] and f[0] < 0.0:
            status = TARGET_OUT_OF_RANGE
            break
        if pin_lo and x[1] <= lo[1] and f[0] > 0.0:
            status = TARGET_TOO_CLOSE
            break
        x = xn
    aim = Aim(lat0, lon0, alt0, x[0], x[1], x[2])
    return aim, status, miss


@nb.njit(cache=True, parallel=True)
def fly_batch(
    mis: Missile, aim: Aim, env: Env, daz_rad: np.ndarray, dt_cutoff_s: np.ndarray,
    dpitch_rad: np.ndarray, rtol: float,
):  # fmt: skip
    """Fly ``N`` dispersed threats in parallel (numba ``prange``) to impact.

    Threat ``k`` flies ``aim`` with its azimuth, cutoff time and final pitch perturbed by
    ``daz_rad[k]``, ``dt_cutoff_s[k]`` and ``dpitch_rad[k]`` (a cutoff past the last
    stage's burn is a full burn). Returns ``(t_impact_s, lat_rad, lon_rad)``, each ``(N,)``.
    """
    n = daz_rad.shape[0]
    t_imp = np.empty(n)
    lat = np.empty(n)
    lon = np.empty(n)
    for k in nb.prange(n):
        a = Aim(aim.lat0_rad, aim.lon0_rad, aim.alt0_m, aim.az_rad + daz_rad[k],
                aim.t_cutoff_s + dt_cutoff_s[k], aim.pitch_final_rad + dpitch_rad[k])  # fmt: skip
        _, la, lo, ti = fly_to_impact(mis, a, env, rtol)
        t_imp[k] = ti
        lat[k] = la
        lon[k] = lo
    return t_imp, lat, lon


@nb.njit(cache=True, parallel=True)
def fly_free_batch(
    t0_s: float, y0: np.ndarray, cda_m2: np.ndarray, env: Env, rtol: float
):  # fmt: skip
    """Fly ``N`` unpowered objects from the ``(N, 7)`` initial states ``y0`` to impact.

    ``cda_m2[k]`` is object ``k``'s drag area (its ballistic coefficient is
    ``y0[k, 6] / cda_m2[k]``). Returns ``(t_impact_s, y_impact)``, ``(N,)`` and ``(N, 7)``.
    """
    n = y0.shape[0]
    t_imp = np.empty(n)
    y_imp = np.empty((n, 7))
    for k in nb.prange(n):
        _, _, ev_t, ev_y = fly(t0_s, y0[k], t0_s + 2.0e4, ballistic_phase(cda_m2[k]), env, rtol,
                               60.0, 0.0, ENTRY_ALT_M)  # fmt: skip
        t_imp[k] = ev_t[EV_IMPACT]
        y_imp[k, :] = ev_y[EV_IMPACT]
    return t_imp, y_imp


@jit
def aim_point_on_sphere(lat0: float, lon0: float, az: float, range_m: float):
    """Convenience: the point ``range_m`` of arc from a launch point along ``az``."""
    return destination(lat0, lon0, az, range_m / _R_ARC_M)
