"""The hit-to-kill interceptor: boost, fly-out tables, guidance laws.

Boost: a short rail phase along the launch direction, then a gravity turn (thrust along
the velocity) to burnout. After burnout the kill vehicle (KV) coasts and steers with a
lateral acceleration bounded by ``accel_limit_mps2``.

Guidance (Zarchan, *Tactical and Strategic Missile Guidance*, 6th ed., ch. 2 and 8):
zero-effort-miss form of proportional navigation, ``a = N ZEM_perp / t_go^2`` with
``t_go = -(r . v)/|v|^2`` for relative position ``r`` and velocity ``v``; with a
perfect LOS measurement this equals ``N Vc lambda_dot``. Midcourse flies it against the
radar track (command guidance); after seeker acquisition, against the seeker's LOS.
"""

import math
from typing import NamedTuple

import numpy as np

from thaad.core.constants import G0_MPS2, R_MEAN_M
from thaad.core.earth import enu_basis, geodetic_to_ecef
from thaad.core.flight import (
    STEER_FIXED,
    STEER_VELOCITY,
    Env,
    Phase,
    coast_phase,
    rk4_step,
)
from thaad.core.jit import jit


class Interceptor(NamedTuple):
    """Interceptor parameters (SI)."""

    m0_kg: float
    thrust_n: float
    mdot_kgps: float
    burn_s: float
    cda_m2: float
    m_kv_kg: float  # kill vehicle mass after booster separation
    cda_kv_m2: float
    rail_s: float  # constant-attitude phase before the gravity turn
    accel_limit_mps2: float  # KV lateral acceleration limit
    time_constant_s: float  # first-order lag of the divert system
    nav_gain: float  # proportional-navigation constant N
    seeker_range_m: float  # seeker acquisition range
    seeker_noise_rad: float  # 1-sigma LOS-angle noise per seeker frame
    seeker_frame_s: float
    lethal_radius_m: float
    max_flight_s: float
    shroud_cda_m2: float = 0.014  # drag area of the kill vehicle under its nose shroud
    shroud_mass_kg: float = 5.0
    shroud_sep_alt_m: float = 35.0e3  # the shroud comes off at this height...
    shroud_sep_s: float = 30.0  # ...or this long after launch, whichever is first
    divert_dv_mps: float = 500.0  # the KV's divert delta-v budget (rocket equation)


@jit
def shroud_off(itc: Interceptor, tau_s: float, alt_m: float) -> bool:
    """Whether the shroud has separated ``tau_s`` after launch at height ``alt_m``."""
    return tau_s >= itc.burn_s and (alt_m >= itc.shroud_sep_alt_m or tau_s >= itc.shroud_sep_s)


def divert_delta_v_mps(m_kv_kg: float, propellant_kg: float, isp_s: float) -> float:
    """Ideal rocket equation: ``Isp g0 ln(m0 / (m0 - m_prop))`` (Sutton and Biblarz,
    *Rocket Propulsion Elements*, 9th ed., eq. 4-7)."""
    return isp_s * G0_MPS2 * math.log(m_kv_kg / (m_kv_kg - propellant_kg))


@jit
def boost_phases(itc: Interceptor, lat: float, lon: float, az: float, el: float):
    """The rail phase (fixed direction) and the gravity-turn phase of a launch."""
    b = enu_basis(lat, lon)
    ce = math.cos(el)
    se = math.sin(el)
    sa = math.sin(az)
    ca = math.cos(az)
    d = np.empty(3)
    for i in range(3):
        d[i] = ce * (sa * b[0, i] + ca * b[1, i]) + se * b[2, i]
    rail = Phase(
        itc.thrust_n, itc.mdot_kgps, itc.cda_m2, STEER_FIXED, 0.0,
        b[2, 0], b[2, 1], b[2, 2], d[0], d[1], d[2], 0.0, 0.0, 0.0,
    )  # fmt: skip
    turn = Phase(
        itc.thrust_n, itc.mdot_kgps, itc.cda_m2, STEER_VELOCITY, 0.0,
        b[2, 0], b[2, 1], b[2, 2], d[0], d[1], d[2], 0.0, 0.0, 0.0,
    )  # fmt: skip
    return rail, turn, d


@jit
def fly_out(itc: Interceptor, el_rad: float, env: Env, dt_s: float, n_t: int, n_sub: int = 4):
    """An open-loop fly-out (no guidance) at launch elevation ``el_rad``, on a time grid.

    Flown on a sphere from (0, 0) due north, so that ground range and height come out in the
    launch plane. Returns ``(ground_range_m, alt_m, speed_mps)`` each of shape ``(n_t,)``,
    sampled every ``dt_s`` (``n_sub`` RK4 steps each); samples after apogee or impact are NaN.
    """
    env_s = Env(0, 0, env.gravity, env.atmosphere)
    rail, turn, _ = boost_phases(itc, 0.0, 0.0, 0.0, el_rad)
    y = np.zeros(7)
    r0 = geodetic_to_ecef(0.0, 0.0, 0.0, np.int64(0))  # int64: one specialisation
    for c in range(3):  # element loops: no slice assignment (see flight.fly)
        y[c] = r0[c]
    y[6] = itc.m0_kg
    rho = np.full(n_t, np.nan)
    alt = np.full(n_t, np.nan)
    spd = np.full(n_t, np.nan)
    zero = np.zeros(3)
    t = 0.0
    rho[0] = 0.0
    alt[0] = 0.0
    spd[0] = 0.0
    kv = coast_phase(itc.cda_kv_m2)
    shroud = coast_phase(itc.shroud_cda_m2)
    m_shrouded = itc.m_kv_kg + itc.shroud_mass_kg
    bare = False
    sub = n_sub
    for k in range(1, n_t):
        for _ in range(sub):
            h = dt_s / sub
            if t < itc.rail_s:
                ph = rail
            elif t < itc.burn_s:
                ph = turn
            else:
                if not bare:
                    alt_now = math.sqrt(y[0] ** 2 + y[1] ** 2 + y[2] ** 2) - R_MEAN_M
                    if shroud_off(itc, t, alt_now):
                        bare = True
                        y[6] = itc.m_kv_kg
                ph = kv if bare else shroud
            if t < itc.burn_s and t + h > itc.burn_s + 1e-12:
                h1 = itc.burn_s - t
                rk4_step(t, y, h1, ph, env_s, zero)
                t = itc.burn_s
                y[6] = m_shrouded
                rk4_step(t, y, h - h1, shroud, env_s, zero)
                t += h - h1
            else:
                rk4_step(t, y, h, ph, env_s, zero)
                t += h
                if abs(t - itc.burn_s) < 1e-9:
                    y[6] = m_shrouded
        rn = math.sqrt(y[0] ** 2 + y[1] ** 2 + y[2] ** 2)
        vr = (y[0] * y[3] + y[1] * y[4] + y[2] * y[5]) / rn
        if vr < 0.0 and t > itc.burn_s:
            break
        rho[k] = R_MEAN_M * math.atan2(y[2], y[0])
        alt[k] = rn - R_MEAN_M
        spd[k] = math.sqrt(y[3] ** 2 + y[4] ** 2 + y[5] ** 2)
    return rho, alt, spd


@jit
def build_flyout_table(itc: Interceptor, env: Env, el_min_rad: float, el_max_rad: float,
                       n_el: int, dt_s: float, n_t: int):  # fmt: skip
    """Fly-out table: ground range and height over time for ``n_el`` launch elevations.

    Returns ``(el_rad (n_el,), rho_m (n_el, n_t), alt_m (n_el, n_t), speed_mps)``.
    """
    els = np.linspace(el_min_rad, el_max_rad, n_el)
    rho = np.empty((n_el, n_t))
    alt = np.empty((n_el, n_t))
    spd = np.empty((n_el, n_t))
    for i in range(n_el):
        r_, a_, s_ = fly_out(itc, els[i], env, dt_s, n_t)
        rho[i] = r_
        alt[i] = a_
        spd[i] = s_
    return els, rho, alt, spd


@jit
def _alt_time_at_range(rho_row: np.ndarray, alt_row: np.ndarray, dt_s: float, rho_q: float):
    """Height and time where one fly-out reaches ground range ``rho_q`` (NaN if never)."""
    n = rho_row.shape[0]
    for k in range(1, n):
        r1 = rho_row[k]
        if math.isnan(r1):
            return math.nan, math.nan
        if r1 >= rho_q:
            r0 = rho_row[k - 1]
            f = (rho_q - r0) / (r1 - r0) if r1 > r0 else 0.0
            return alt_row[k - 1] + f * (alt_row[k] - alt_row[k - 1]), (k - 1 + f) * dt_s
    return math.nan, math.nan


@jit
def flyout_query(els: np.ndarray, rho: np.ndarray, alt: np.ndarray, dt_s: float,
                 rho_q: float, alt_q: float):  # fmt: skip
    """Launch elevation and time of flight to reach (ground range, height).

    For each tabulated elevation the fly-out's height at ``rho_q`` is found; the target
    height is bracketed between neighbouring elevations and interpolated linearly.
    Returns ``(el_rad, tof_s)``, NaN when the point is outside the fly-out envelope.
    """
    n_el = els.shape[0]
    a_prev = math.nan
    t_prev = math.nan
    for i in range(n_el):
        a_i, t_i = _alt_time_at_range(rho[i], alt[i], dt_s, rho_q)
        if not math.isnan(a_i) and not math.isnan(a_prev):
            lo = min(a_prev, a_i)
            hi = max(a_prev, a_i)
            if lo <= alt_q <= hi and hi > lo:
                f = (alt_q - a_prev) / (a_i - a_prev)
                return els[i - 1] + f * (els[i] - els[i - 1]), t_prev + f * (t_i - t_prev)
        a_prev = a_i
        t_prev = t_i
    return math.nan, math.nan


@jit
def zem_pn_accel(
    r_rel: np.ndarray, v_rel: np.ndarray, v_m: np.ndarray, nav_gain: float, limit: float,
    out: np.ndarray,
) -> float:  # fmt: skip
    """Proportional navigation in zero-effort-miss form; returns ``t_go``.

    ``ZEM = r + v t_go``; the command is the part of ``N ZEM / t_go^2`` normal to the
    interceptor's velocity ``v_m`` (a coasting KV steers only sideways), capped at ``limit``.
    """
    vv = v_rel[0] ** 2 + v_rel[1] ** 2 + v_rel[2] ** 2
    tgo = -(r_rel[0] * v_rel[0] + r_rel[1] * v_rel[1] + r_rel[2] * v_rel[2]) / max(vv, 1e-9)
    out[:] = 0.0
    if tgo <= 1e-3:
        return tgo
    vm2 = v_m[0] ** 2 + v_m[1] ** 2 + v_m[2] ** 2
    z0 = r_rel[0] + v_rel[0] * tgo
    z1 = r_rel[1] + v_rel[1] * tgo
    z2 = r_rel[2] + v_rel[2] * tgo
    if vm2 > 0.0:
        d = (z0 * v_m[0] + z1 * v_m[1] + z2 * v_m[2]) / vm2
        z0 -= d * v_m[0]
        z1 -= d * v_m[1]
        z2 -= d * v_m[2]
    k = nav_gain / (tgo * tgo)
    out[0] = k * z0
    out[1] = k * z1
    out[2] = k * z2
    an = math.sqrt(out[0] ** 2 + out[1] ** 2 + out[2] ** 2)
    if an > limit:
        f = limit / an
        out[0] *= f
        out[1] *= f
        out[2] *= f
    return tgo


@jit
def launch_site_ecef(lat: float, lon: float, alt: float, earth: int) -> np.ndarray:
    """ECEF of a launcher."""
    return geodetic_to_ecef(lat, lon, alt, earth)


@jit
def table_burnout_speed(itc: Interceptor, env: Env, el_rad: float) -> float:
    """Speed at burnout of an open-loop fly-out (for reference tests and documentation)."""
    n = int(itc.burn_s / 0.05) + 2
    _, _, spd = fly_out(itc, el_rad, env, 0.05, n)
    k = int(round(itc.burn_s / 0.05))
    return spd[k]


@jit
def build_flyout_grid(
    els: np.ndarray, rho: np.ndarray, alt: np.ndarray, dt_s: float, d_rho_m: float,
    n_rho: int, d_alt_m: float, n_alt: int,
):  # fmt: skip
    """Invert the fly-out table onto a regular (ground range, height) grid.

    Returns ``(el_grid, tof_grid)`` of shape ``(n_rho, n_alt)``: launch elevation and time of
    flight to reach ground range ``i * d_rho_m`` at height ``j * d_alt_m``; NaN outside the
    envelope. For each column the height of every fly-out at that range is found once, then
    each grid height is bracketed between neighbouring elevations, as in :func:`flyout_query`.
    """
    n_el = els.shape[0]
    el_g = np.full((n_rho, n_alt), np.nan)
    tof_g = np.full((n_rho, n_alt), np.nan)
    a_col = np.empty(n_el)
    t_col = np.empty(n_el)
    for i in range(n_rho):
        rq = i * d_rho_m
        for k in range(n_el):
            a_col[k], t_col[k] = _alt_time_at_range(rho[k], alt[k], dt_s, rq)
        for j in range(n_alt):
            hq = j * d_alt_m
            for k in range(1, n_el):
                a0 = a_col[k - 1]
                a1 = a_col[k]
                if math.isnan(a0) or math.isnan(a1) or a0 == a1:
                    continue
                if min(a0, a1) <= hq <= max(a0, a1):
                    f = (hq - a0) / (a1 - a0)
                    el_g[i, j] = els[k - 1] + f * (els[k] - els[k - 1])
                    tof_g[i, j] = t_col[k - 1] + f * (t_col[k] - t_col[k - 1])
                    break
    return el_g, tof_g


@jit
def flyout_grid_query(
    el_g: np.ndarray, tof_g: np.ndarray, d_rho_m: float, d_alt_m: float, rho_q: float,
    alt_q: float,
):  # fmt: skip
    """Bilinear look-up in the gridded fly-out table; NaN if any corner is outside."""
    fi = rho_q / d_rho_m
    fj = alt_q / d_alt_m
    i = int(math.floor(fi))
    j = int(math.floor(fj))
    if i < 0 or j < 0 or i + 1 >= el_g.shape[0] or j + 1 >= el_g.shape[1]:
        return math.nan, math.nan
    u = fi - i
    v = fj - j
    e00 = el_g[i, j]
    e10 = el_g[i + 1, j]
    e01 = el_g[i, j + 1]
    e11 = el_g[i + 1, j + 1]
    el = (1 - u) * (1 - v) * e00 + u * (1 - v) * e10 + (1 - u) * v * e01 + u * v * e11
    if math.isnan(el):
        return math.nan, math.nan
    t00 = tof_g[i, j]
    t10 = tof_g[i + 1, j]
    t01 = tof_g[i, j + 1]
    t11 = tof_g[i + 1, j + 1]
    tof = (1 - u) * (1 - v) * t00 + u * (1 - v) * t10 + (1 - u) * v * t01 + u * v * t11
    return el, tof
