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

import numba as nb
import numpy as np

from thaad.core.constants import R_MEAN_M
from thaad.core.earth import ecef_to_geodetic, great_circle
from thaad.core.flight import Env
from thaad.core.interceptor import flyout_grid_query
from thaad.core.tracking import propagate_into

_jit = nb.njit(cache=True)

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


@_jit
def no_plan() -> Plan:
    return Plan(False, math.nan, math.nan, math.nan, math.nan, math.nan, math.nan, math.nan)


@_jit
def plan_intercept(
    x: np.ndarray, t_x: float, t_earliest_launch: float, fc: FireControl, env: Env,
    lat_l: float, lon_l: float, el_g: np.ndarray, tof_g: np.ndarray, d_rho_m: float,
    d_alt_m: float,
) -> Plan:  # fmt: skip
    """Earliest feasible intercept of the track state ``x`` (at time ``t_x``)."""
    t = t_x
    xs = x.copy()
    buf = np.empty((6, 7))
    n = int(fc.predict_horizon_s / fc.predict_dt_s)
    for _ in range(n):
        propagate_into(xs, fc.predict_dt_s, env, fc.inv_beta_filter, 1, buf)
        t += fc.predict_dt_s
        lat, lon, h = ecef_to_geodetic(xs[0], xs[1], xs[2], env.earth)
        if h < fc.alt_min_m:
            vr = xs[0] * xs[3] + xs[1] * xs[4] + xs[2] * xs[5]
            if vr < 0.0:
                break
            continue
        if h > fc.alt_max_m:
            continue
        ang, az = great_circle(lat_l, lon_l, lat, lon)
        ground = ang * R_MEAN_M
        if ground > fc.range_max_m:
            continue
        el, tof = flyout_grid_query(el_g, tof_g, d_rho_m, d_alt_m, ground, h)
        if math.isnan(el):
            continue
        t_l = t - tof
        if t_l >= t_earliest_launch:
            return Plan(True, t, t_l, az, el, xs[0], xs[1], xs[2])
    return no_plan()
