"""Fire control: predict the threat from its track, pick an intercept inside the envelope.

From the track state the threat's path is predicted (the filter's own dynamics, RK4) and
sampled every ``predict_dt_s``. For each sample inside the engagement envelope (height
between ``alt_min_m`` and ``alt_max_m``, ground range from the launcher at most
``range_max_m``) the fly-out table gives the launch elevation and time of flight; the plan
is the earliest sample whose launch time ``t_intercept - t_flight`` is not before
``t_earliest_launch``. Earliest-intercept doctrine leaves the most time to look and shoot
again.
"""

import math
from typing import NamedTuple

import numpy as np

from thaad.core.constants import R_MEAN_M
from thaad.core.earth import ecef_to_geodetic, great_circle
from thaad.core.flight import Env
from thaad.core.interceptor import flyout_grid_query
from thaad.core.jit import counted, jit
from thaad.core.tracking import propagate_into

DOCTRINE_SLS = 0  # shoot-look-shoot
DOCTRINE_SALVO = 1


class FireControl(NamedTuple):
    """Fire-control parameters (SI)."""

    alt_min_m: float
    alt_max_m: float
    range_max_m: float
    reaction_s: float  # from a firm track to the earliest launch
    replan_s: float
    assess_s: float  # kill-assessment delay after a planned intercept
    max_track_sigma_m: float  # do not fire on a track worse than this (1-sigma position)
    predict_dt_s: float
    predict_horizon_s: float
    doctrine: int
    shots: int  # interceptors per threat at most
    salvo_spacing_s: float
    track_m: int  # M of N initiation
    track_n: int
    q_mps2: float  # filter process noise spectral density (m^2/s^3)
    inv_beta_filter: float  # 1/beta assumed by the filter (m^2/kg)


class Plan(NamedTuple):
    ok: bool
    t_intercept_s: float
    t_launch_s: float
    az_rad: float
    el_rad: float
    pip_x: float
    pip_y: float
    pip_z: float


@jit
def no_plan() -> Plan:
    return Plan(False, math.nan, math.nan, math.nan, math.nan, math.nan, math.nan, math.nan)


@jit
def envelope_shot(fc: FireControl, lat_l: float, lon_l: float, lat: float, lon: float,
                  h: float, el_g: np.ndarray, tof_g: np.ndarray, d_rho_m: float,
                  d_alt_m: float) -> tuple[float, float, float]:  # fmt: skip
    """A shot from the launcher at ``(lat_l, lon_l)`` at a point of the threat's path: the
    launch elevation, the time of flight and the azimuth, or a NaN elevation when the point is
    outside the engagement envelope (altitude band, range) or the fly-out table. Fire
    control, the kinematic footprint and the battle all ask it."""
    if h < fc.alt_min_m or h > fc.alt_max_m:
        return math.nan, math.nan, math.nan
    ang, az = great_circle(lat_l, lon_l, lat, lon)
    if ang * R_MEAN_M > fc.range_max_m:
        return math.nan, math.nan, math.nan
    el, tof = flyout_grid_query(el_g, tof_g, d_rho_m, d_alt_m, ang * R_MEAN_M, h)
    return el, tof, az


@jit
def plan_intercept(
    x: np.ndarray, t_x: float, t_earliest_launch: float, fc: FireControl, env: Env,
    lat_l: float, lon_l: float, el_g: np.ndarray, tof_g: np.ndarray, d_rho_m: float,
    d_alt_m: float, inv_beta_m2pkg: float,
) -> Plan:  # fmt: skip
    """Earliest feasible intercept of the track state ``x`` (at time ``t_x``), predicted
    with the track's own estimate of the inverse ballistic coefficient ``inv_beta_m2pkg``.

    Ground range is measured from the launcher (the fly-out table's origin)."""
    t = t_x
    xs = x[:6].copy()
    n = int(fc.predict_horizon_s / fc.predict_dt_s)
    for _ in range(n):
        propagate_into(xs, fc.predict_dt_s, env, inv_beta_m2pkg, np.int64(1))
        t += fc.predict_dt_s
        lat, lon, h = ecef_to_geodetic(xs[0], xs[1], xs[2], env.earth)
        if h < fc.alt_min_m:
            vr = xs[0] * xs[3] + xs[1] * xs[4] + xs[2] * xs[5]
            if vr < 0.0:
                break
            continue
        el, tof, az = envelope_shot(fc, lat_l, lon_l, lat, lon, h, el_g, tof_g, d_rho_m,
                                    d_alt_m)  # fmt: skip
        if math.isnan(el):
            continue
        t_l = t - tof
        if t_l >= t_earliest_launch:
            return Plan(True, t, t_l, az, el, xs[0], xs[1], xs[2])
    return no_plan()


class FlyoutGrid(NamedTuple):
    """The fly-out table inverted onto a (ground range, height) grid (see
    :func:`thaad.core.interceptor.build_flyout_grid`)."""

    el_rad: np.ndarray  # (n_rho, n_alt) launch elevation
    tof_s: np.ndarray  # (n_rho, n_alt) time of flight
    d_rho_m: float
    d_alt_m: float


class FireState(NamedTuple):
    """Fire control's current plan (one-element arrays, changed in place)."""

    next_plan_s: np.ndarray  # (1,) earliest time of the next plan
    ok: np.ndarray  # (1,) bool: the current plan is feasible
    t_launch_s: np.ndarray  # (1,)
    az_rad: np.ndarray  # (1,)
    el_rad: np.ndarray  # (1,)
    no_feasible_logged: np.ndarray  # (1,) bool


@jit
def new_fire_state() -> FireState:
    return FireState(
        next_plan_s=np.zeros(1), ok=np.zeros(1, np.bool_), t_launch_s=np.full(1, np.nan),
        az_rad=np.zeros(1), el_rad=np.zeros(1), no_feasible_logged=np.zeros(1, np.bool_),
    )  # fmt: skip


@counted  # called from the engagement's leaves; plan_intercept allocates
def replan(
    fs: FireState,
    x: np.ndarray,
    t_x: float,
    t_ready: float,
    t_s: float,
    fc: FireControl,
    env: Env,
    lat_l: float,
    lon_l: float,
    grid: FlyoutGrid,
) -> bool:
    """Plan the earliest feasible intercept from launcher ``(lat_l, lon_l)`` with the track
    ``x`` (7: position, velocity, 1/beta) into ``fs``; returns whether one exists."""
    pl = plan_intercept(x, t_x, t_ready, fc, env, lat_l, lon_l, grid.el_rad, grid.tof_s,
                        grid.d_rho_m, grid.d_alt_m, max(x[6], 0.0))  # fmt: skip
    fs.next_plan_s[0] = t_s + fc.replan_s
    fs.ok[0] = pl.ok
    fs.t_launch_s[0] = pl.t_launch_s
    fs.az_rad[0] = pl.az_rad
    fs.el_rad[0] = pl.el_rad
    return pl.ok
