"""Ballistic-missile threats: powered flight, separation, free flight, and targeting.

A threat is a single-stage booster with a separating reentry vehicle (RV). The booster
rises vertically, pitches over linearly to a final pitch angle, holds it, and its
thrust is cut off at ``t_cutoff_s`` (range control by thrust termination, as in
Scud-class missiles). At cutoff the RV separates and flies on with its own ballistic
coefficient. The targeting solver finds the launch azimuth, final pitch angle and
cutoff time that put the impact on the aim point while the burnout flight-path
angle satisfies the trajectory shape (minimum energy by default).

Minimum energy from a burnout point at any height: the velocity of the minimum-energy
conic bisects the angle between the local vertical and the chord to the aim point (the
vacant focus lies on the chord; BMW sec. 6.2 for the equal-radius special case
``gamma = (pi - psi)/4``).
"""

import math
from typing import NamedTuple

import numba as nb
import numpy as np

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
    Phase,
    coast_phase,
    fly,
)

_jit = nb.njit(cache=True)

SHAPE_MIN_ENERGY = 0
SHAPE_GAMMA = 1  # burnout flight-path angle given (lofted or depressed)

# Targeting status codes
TARGET_OK = 0
TARGET_OUT_OF_RANGE = 1
TARGET_NO_CONVERGENCE = 2


class Missile(NamedTuple):
    """A single-stage missile with a separating reentry vehicle (SI units)."""

    m0_kg: float  # lift-off mass
    thrust_n: float
    mdot_kgps: float
    burn_s: float  # full burn time
    cda_boost_m2: float  # drag area (Cd * reference area) during boost
    m_rv_kg: float  # reentry-vehicle mass
    beta_rv_kgpm2: float  # RV ballistic coefficient m / (Cd A)
    t_vert_s: float  # vertical rise
    turn_frac: float  # pitch-over ends at t_vert + turn_frac (t_cutoff - t_vert)


class Aim(NamedTuple):
    """Launch and aim points (geodetic, rad and m) and the solution's steering."""

    lat0_rad: float
    lon0_rad: float
    alt0_m: float
    az_rad: float
    t_cutoff_s: float
    pitch_final_rad: float


@_jit
def boost_phase(mis: Missile, aim: Aim, env: Env) -> Phase:
    """The steering program of a launch (local vertical and downrange at the pad)."""
    b = enu_basis(aim.lat0_rad, aim.lon0_rad)
    sa = math.sin(aim.az_rad)
    ca = math.cos(aim.az_rad)
    drx = sa * b[0, 0] + ca * b[1, 0]
    dry = sa * b[0, 1] + ca * b[1, 1]
    drz = sa * b[0, 2] + ca * b[1, 2]
    t_turn = mis.t_vert_s + mis.turn_frac * (aim.t_cutoff_s - mis.t_vert_s)
    return Phase(
        mis.thrust_n, mis.mdot_kgps, mis.cda_boost_m2, STEER_PITCH, 0.0,
        b[2, 0], b[2, 1], b[2, 2], drx, dry, drz,
        mis.t_vert_s, t_turn, aim.pitch_final_rad,
    )  # fmt: skip


@_jit
def fly_threat(mis: Missile, aim: Aim, env: Env, rtol: float, max_step_s: float):
    """Fly a threat from launch to impact.

    Returns ``(ts, ys, t_burnout, y_burnout, t_apogee, t_impact, y_impact)``; ``ys``
    rows are ``(x, y, z, vx, vy, vz, m)`` ECEF. The booster history ends at cutoff; the
    RV history continues from the same instant (a repeated time) with the RV's mass.
    """
    r0 = geodetic_to_ecef(aim.lat0_rad, aim.lon0_rad, aim.alt0_m, env.earth)
    y0 = np.zeros(7)
    y0[:3] = r0
    y0[6] = mis.m0_kg
    ph = boost_phase(mis, aim, env)
    ts1, ys1, ev1_t, _ = fly(
        0.0, y0, aim.t_cutoff_s, ph, env, rtol, max_step_s, aim.alt0_m - 1.0, 1.0e5
    )
    yb = ys1[-1].copy()
    tb = ts1[-1]
    if not math.isnan(ev1_t[EV_IMPACT]):
        # fell back to the ground during boost: no flight
        return ts1, ys1, tb, yb, math.nan, tb, yb
    y1 = yb.copy()
    y1[6] = mis.m_rv_kg
    ph2 = coast_phase(mis.m_rv_kg / mis.beta_rv_kgpm2)
    ts2, ys2, ev2_t, ev2_y = fly(tb, y1, tb + 2.0e4, ph2, env, rtol, max_step_s, 0.0, 1.0e5)
    n1 = ts1.shape[0]
    n2 = ts2.shape[0]
    # the cutoff instant appears twice: the booster's last row, then the RV's first
    ts = np.empty(n1 + n2)
    ys = np.empty((n1 + n2, 7))
    ts[:n1] = ts1
    ys[:n1] = ys1
    ts[n1:] = ts2
    ys[n1:] = ys2
    t_ap = ev1_t[EV_APOGEE] if not math.isnan(ev1_t[EV_APOGEE]) else ev2_t[EV_APOGEE]
    return ts, ys, tb, yb, t_ap, ev2_t[EV_IMPACT], ev2_y[EV_IMPACT].copy()


@_jit
def fly_to_impact(mis: Missile, aim: Aim, env: Env, rtol: float):
    """Burnout state and impact point only (for the solver): ``(yb, lat, lon, t_imp)``."""
    out = fly_threat(mis, aim, env, rtol, 60.0)
    yi = out[6]
    lat, lon, _ = ecef_to_geodetic(yi[0], yi[1], yi[2], env.earth)
    return out[3], lat, lon, out[5]


@_jit
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


@_jit
def flight_path_angle(y: np.ndarray) -> float:
    """Angle of the (Earth-fixed) velocity above the local (geocentric) horizontal."""
    rn = math.sqrt(y[0] ** 2 + y[1] ** 2 + y[2] ** 2)
    vn = math.sqrt(y[3] ** 2 + y[4] ** 2 + y[5] ** 2)
    return math.asin((y[0] * y[3] + y[1] * y[4] + y[2] * y[5]) / (rn * vn))


@_jit
def _residual(
    mis: Missile, aim: Aim, env: Env, lat_t: float, lon_t: float, r_aim: np.ndarray,
    shape: int, gamma_spec_rad: float, rtol: float, out: np.ndarray,
) -> float:  # fmt: skip
    """Downrange and crossrange miss (m) and the flight-path-angle error (scaled)."""
    yb, lat, lon, _ = fly_to_impact(mis, aim, env, rtol)
    ang_t, az_t = great_circle(aim.lat0_rad, aim.lon0_rad, lat_t, lon_t)
    ang_i, az_i = great_circle(aim.lat0_rad, aim.lon0_rad, lat, lon)
    r = 6371000.0
    out[0] = r * (ang_i * math.cos(az_i - az_t) - ang_t)
    out[1] = r * ang_i * math.sin(az_i - az_t)
    g = flight_path_angle(yb)
    gs = min_energy_gamma_at(yb, r_aim) if shape == SHAPE_MIN_ENERGY else gamma_spec_rad
    out[2] = (g - gs) * 1.0e6
    miss_ang, _ = great_circle(lat, lon, lat_t, lon_t)
    return r * miss_ang


@_jit
def max_range_m(mis: Missile, lat0: float, lon0: float, alt0: float, az: float, env: Env):
    """Longest ground range at full burn over final pitch angles (golden section).

    Returns ``(range_m, pitch_final_rad)``.
    """
    lo = math.radians(5.0)
    hi = math.radians(85.0)
    gr = (math.sqrt(5.0) - 1.0) / 2.0

    def rng(p):
        aim = Aim(lat0, lon0, alt0, az, mis.burn_s, p)
        _, lat, lon, _ = fly_to_impact(mis, aim, env, 1e-9)
        return great_circle(lat0, lon0, lat, lon)[0] * 6371000.0

    c = hi - gr * (hi - lo)
    d = lo + gr * (hi - lo)
    fc = rng(c)
    fd = rng(d)
    for _ in range(40):
        if fc > fd:
            hi = d
            d = c
            fd = fc
            c = hi - gr * (hi - lo)
            fc = rng(c)
        else:
            lo = c
            c = d
            fc = fd
            d = lo + gr * (hi - lo)
            fd = rng(d)
        if hi - lo < 1e-5:
            break
    p = 0.5 * (lo + hi)
    return rng(p), p


@_jit
def solve_aim(
    mis: Missile, lat0: float, lon0: float, alt0: float, lat_t: float, lon_t: float,
    alt_t: float, env: Env, shape: int, gamma_spec_rad: float, tol_m: float,
):  # fmt: skip
    """Find azimuth, cutoff time and final pitch that hit the aim point.

    Damped Newton iteration on (azimuth, cutoff, pitch) with a finite-difference Jacobian.
    Returns ``(aim, status, miss_m)``.
    """
    rtol = 1e-10
    _, az0 = great_circle(lat0, lon0, lat_t, lon_t)
    r_aim = geodetic_to_ecef(lat_t, lon_t, alt_t, env.earth)
    ang_t = great_circle(lat0, lon0, lat_t, lon_t)[0]
    # starting guess: 70 % burn, pitch of the textbook minimum-energy angle
    x = np.array([az0, mis.t_vert_s + 0.8 * (mis.burn_s - mis.t_vert_s), 0.0])
    x[2] = 0.25 * (math.pi - ang_t) if shape == SHAPE_MIN_ENERGY else gamma_spec_rad
    lo = np.array([-1e9, mis.t_vert_s + 1.0, math.radians(2.0)])
    hi = np.array([1e9, mis.burn_s, math.radians(89.5)])
    steps = np.array([1e-6, 1e-3, 1e-5])
    f = np.empty(3)
    fp = np.empty(3)
    jac = np.empty((3, 3))
    miss = np.inf
    status = TARGET_NO_CONVERGENCE
    for _ in range(40):
        aim = Aim(lat0, lon0, alt0, x[0], x[1], x[2])
        miss = _residual(mis, aim, env, lat_t, lon_t, r_aim, shape, gamma_spec_rad, rtol, f)
        if miss < tol_m and abs(f[2]) < 1e3:
            status = TARGET_OK
            break
        for j in range(3):
            xp = x.copy()
            xp[j] += steps[j] if xp[j] + steps[j] <= hi[j] else -steps[j]
            dj = xp[j] - x[j]
            aimp = Aim(lat0, lon0, alt0, xp[0], xp[1], xp[2])
            _residual(mis, aimp, env, lat_t, lon_t, r_aim, shape, gamma_spec_rad, rtol, fp)
            for i in range(3):
                jac[i, j] = (fp[i] - f[i]) / dj
        dx = np.linalg.solve(jac, -f)
        # damping: keep steps modest
        scale = 1.0
        if abs(dx[1]) > 10.0:
            scale = min(scale, 10.0 / abs(dx[1]))
        if abs(dx[2]) > 0.2:
            scale = min(scale, 0.2 / abs(dx[2]))
        if abs(dx[0]) > 0.1:
            scale = min(scale, 0.1 / abs(dx[0]))
        xn = x + scale * dx
        pinned = False
        for j in range(3):
            if xn[j] > hi[j]:
                xn[j] = hi[j]
                pinned = j == 1
            if xn[j] < lo[j]:
                xn[j] = lo[j]
        if pinned and x[1] >= hi[1] and f[0] < 0.0:
            status = TARGET_OUT_OF_RANGE
            break
        x = xn
    aim = Aim(lat0, lon0, alt0, x[0], x[1], x[2])
    return aim, status, miss


@_jit
def aim_point_on_sphere(lat0: float, lon0: float, az: float, range_m: float):
    """Convenience: the point ``range_m`` of arc from a launch point along ``az``."""
    return destination(lat0, lon0, az, range_m / 6371000.0)
