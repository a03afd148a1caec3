"""The battle's per-battery, per-threat stage: when can a battery engage a flown threat?

Along the threat's flown path (resampled every ``dt_s``) the engagement's own rules give the
timeline, as in :func:`thaad.core.footprint.cell_kill`: first detection when the path is in the
search pattern with a search SNR above the threshold (plus half a search frame, the mean wait
for the raster); the track is firm after ``n_firm`` looks ``revisit_s`` apart (the battle
stretches the revisit when the radar's track time is shared by many objects); then the
reaction time. Every later path point inside the engagement envelope that the fly-out table
reaches with a launch after that instant is an opportunity; the doctrine of
:mod:`thaad.core.doctrine` decides how many of them are shots.
"""

import math

import numpy as np

from thaad.core.doctrine import may_fire, new_doctrine_state, on_launch, on_outcome
from thaad.core.earth import ecef_to_geodetic, enu_basis, geodetic_to_ecef
from thaad.core.firecontrol import FireControl, envelope_shot
from thaad.core.footprint import search_detects
from thaad.core.jit import jit
from thaad.core.radar import Radar


@jit
def engagement_window(
    ts: np.ndarray, ys: np.ndarray, tb_s: float, rd: Radar, rcs_boost_m2: float,
    rcs_rv_m2: float, earth: int, fc: FireControl, el_g: np.ndarray, tof_g: np.ndarray,
    d_rho_m: float, d_alt_m: float, lat_l: float, lon_l: float, n_firm: int,
    revisit_s: float, dt_s: float,
):  # fmt: skip
    """One battery against one flown threat (times from the threat's launch).

    Returns ``(t_detect_s, shots, t_launch_s, t_intercept_s, alt_m, t_last_launch_s)``:
    ``t_last_launch_s`` is the last launch of the window (NaN if none); ``shots`` is how
    many the doctrine fits in the window (at most ``fc.shots``, 0 when the battery never sees
    or never reaches the threat); the arrays (``fc.shots`` long, NaN past ``shots``) give
    each shot's launch, planned intercept and intercept height. A shot after a look is
    planned as if the look found a miss.
    """
    site = geodetic_to_ecef(rd.lat_rad, rd.lon_rad, rd.alt_m, earth)
    site_enu = enu_basis(rd.lat_rad, rd.lon_rad)
    t_det = math.nan
    t_ready = math.inf
    t_ls = np.full(fc.shots, np.nan)
    t_is = np.full(fc.shots, np.nan)
    alts = np.full(fc.shots, np.nan)
    t_last_l = math.nan
    ds = new_doctrine_state()
    t_int = np.full(fc.shots, -math.inf)
    shots = 0
    n = int((ts[-1] - ts[0]) / dt_s) + 1
    k = 1
    r = np.empty(3)
    for j in range(n):
        t = ts[0] + j * dt_s
        while k < ts.shape[0] - 1 and ts[k] < t:
            k += 1
        t0 = ts[k - 1]
        t1 = ts[k]
        f = 0.0 if t1 <= t0 else min(max((t - t0) / (t1 - t0), 0.0), 1.0)
        for i in range(3):
            r[i] = ys[k - 1, i] + f * (ys[k, i] - ys[k - 1, i])
        lat, lon, h = ecef_to_geodetic(r[0], r[1], r[2], earth)
        if math.isnan(t_det):
            rcs = rcs_boost_m2 if t < tb_s else rcs_rv_m2
            if search_detects(rd, site, site_enu, r, rcs, earth):
                t_det = t + 0.5 * rd.search_frame_s
                t_ready = t_det + (n_firm - 1) * revisit_s + fc.reaction_s
            continue
        el, tof, _ = envelope_shot(fc, lat_l, lon_l, lat, lon, h, el_g, tof_g, d_rho_m, d_alt_m)
        if math.isnan(el):
            continue
        t_l = t - tof
        if t_l < t_ready:
            continue
        t_last_l = t_l
        if shots >= fc.shots:
            continue
        n_flying = np.int64(0)
        for q in range(shots):
            n_flying += 1 if t_int[q] > t_l else 0
        if not may_fire(ds, fc, t_l, n_flying):
            continue
        on_launch(ds, fc, t_l)
        on_outcome(ds, fc, t, False)
        t_int[shots] = t
        t_ls[shots] = t_l
        t_is[shots] = t
        alts[shots] = h
        shots += 1
    return t_det, shots, t_ls, t_is, alts, t_last_l
