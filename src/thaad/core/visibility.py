"""What the radar sees of one missile's flight: its search and track run against the threat
cloud, with no interceptors.

The loop is the engagement's sensing half (:func:`thaad.core.engagement.engage`, steps 2):
the threat's true paths from :func:`thaad.core.threat.fly_threat` and
:func:`thaad.core.scene.build_objects`, then every ``scan_period_s`` one call of
:func:`thaad.core.scene.sense_and_track` (the search raster, the track dwells, the
detection draws, the multi-object tracker and its filter). Nothing here is new physics: it
records, per scan, what those functions did to object 0 (the missile, then its RV).

``slant_range_m`` is the law of cosines on the 4/3 Earth, the slant range behind
:func:`thaad.core.radar.apparent_elevation_rad` (Skolnik, *Introduction to Radar Systems*,
3rd ed., sec. 8.2), so that the coverage analysis can apply :func:`thaad.core.radar.in_view`
at a ground range.
"""

import math

import numpy as np

from thaad.core.constants import R_MEAN_M
from thaad.core.earth import (
    ecef_to_aer,
    ecef_to_geodetic,
    enu_basis,
    geodetic_to_ecef,
    great_circle,
)
from thaad.core.flight import Env
from thaad.core.jit import jit
from thaad.core.radar import AE_M, Radar, apparent_elevation_rad, in_search_sector, in_view
from thaad.core.scene import (
    OBJ_THREAT,
    Scene,
    build_objects,
    new_sense_state,
    object_rcs_seen,
    sense_and_track,
)
from thaad.core.threat import Aim, Missile, fly_threat, threat_derivs
from thaad.core.tracks import CONFIRMED, sigma_pos_m

__all__ = ["H_COLUMNS", "N_HIST", "observe", "slant_range_m"]

TRACK_CAPACITY = 32  # track slots, as the engagement's
THREAT_RTOL = 1e-9  # the truth flight's tolerance and longest step, as the engagement's
THREAT_MAX_STEP_S = 2.0

# columns of the history :func:`observe` returns, one row per scan
H_T = 0  # scan time (s from launch)
H_IN_VIEW = 1  # 1: the missile is in the face's view (field of view, elevations, horizon)
H_IN_SEARCH = 2  # 1: and in the search sector's angles (apparent elevation)
H_DETECTED = 3  # 1: a detection of the missile this scan
H_SNR_DB = 4  # mean SNR of the dwell that detected it (search or track form), dB
H_TRACKED = 5  # 1: a confirmed track whose recent detections are mostly the missile
H_POS_ERR_M = 6  # that track's position error (extrapolated to the scan), m
H_SIGMA_M = 7  # that track's position sigma (root of the covariance trace), m
H_RANGE_M = 8  # slant range, m
H_ALT_M = 9  # the missile's altitude, m
H_LAT_RAD = 10  # its geodetic latitude and longitude, rad
H_LON_RAD = 11
N_HIST = 12
H_COLUMNS = ("t_s", "in_view", "in_search", "detected", "snr_db", "tracked", "pos_err_m",
             "sigma_pos_m", "range_m", "alt_m", "lat_rad", "lon_rad")  # fmt: skip


@jit
def slant_range_m(radar_alt_m: float, target_alt_m: float, ground_m: float) -> float:
    """Slant range (4/3 Earth) to an object at ``target_alt_m`` and a ground range:
    ``R^2 = ar^2 + at^2 - 2 ar at cos(ground / ae)``."""
    ar = AE_M + radar_alt_m
    at = AE_M + target_alt_m
    th = ground_m / AE_M
    return math.sqrt(max(ar * ar + at * at - 2.0 * ar * at * math.cos(th), 0.0))


@jit
def _missile_track(ss) -> int:
    """The confirmed track whose recent detections are mostly the missile (-1: none)."""
    tab = ss.tab
    best = -1
    for i in range(tab.status.shape[0]):
        if tab.status[i] != CONFIRMED or ss.slot_ident[i] != tab.ident[i]:
            continue
        row = ss.label[i]
        w0 = row[OBJ_THREAT]
        mine = w0 > 0.0
        for o in range(row.shape[0]):
            if o != OBJ_THREAT and row[o] >= w0:
                mine = False
        if mine and (best < 0 or tab.hits[i] > tab.hits[best]):
            best = i
    return best


@jit
def observe(
    mis: Missile, aim: Aim, rcs_boost_m2: float, rcs_rv_m2: float, rd: Radar, scene: Scene,
    env: Env, rng: np.random.Generator,
):  # fmt: skip
    """Fly the threat and run the radar's search and track against it until impact.

    Returns ``(hist, t_cutoff_s, t_apogee_s, t_impact_s)`` with ``hist`` (n_scan, N_HIST)
    (columns ``H_*``; NaN where a quantity does not apply). The only draws from ``rng`` are
    the debris' separation speeds and the radar's (detections, measurement noise), in the
    engagement's order.
    """
    ts, ys, tb, _, t_ap, t_imp, _, ts_st, ys_st, _ = fly_threat(
        mis, aim, env, THREAT_RTOL, THREAT_MAX_STEP_S
    )
    fs_ = threat_derivs(ts, ys, mis, aim, env)
    multi = scene.multi_object
    k_st = ts_st.shape[0] if multi else 1
    objs = build_objects(ts, ys, fs_, tb, ts_st[:k_st], ys_st[:k_st], mis, env, scene,
                         scene.n_debris if multi else 0, rcs_boost_m2, rcs_rv_m2,
                         rng)  # fmt: skip
    site = geodetic_to_ecef(rd.lat_rad, rd.lon_rad, rd.alt_m, env.earth)
    site_enu = enu_basis(rd.lat_rad, rd.lon_rad)
    n_obj = objs.n.shape[0]
    ss = new_sense_state(n_obj, np.int64(TRACK_CAPACITY))
    ss.search[0] = 1.0  # new objects are found by the search pattern only
    n_scan = int(t_imp / rd.scan_period_s) + 1
    hist = np.full((n_scan, N_HIST), np.nan)
    for k in range(n_scan):
        t = k * rd.scan_period_s
        h = hist[k]
        h[H_T] = t
        nd = sense_and_track(objs, ss, scene, t, rd, site, site_enu, env, rng)
        y = ss.y[OBJ_THREAT]  # the missile's true state at t (filled by the scan)
        az, _, rng_m = ecef_to_aer(site, site_enu, y[:3])
        lat, lon, alt = ecef_to_geodetic(y[0], y[1], y[2], env.earth)
        ground = great_circle(rd.lat_rad, rd.lon_rad, lat, lon)[0] * R_MEAN_M
        el_app = apparent_elevation_rad(rd.alt_m, alt, ground)  # the limits' and search's
        view = in_view(rd, az, el_app, rng_m, alt, ground)
        h[H_IN_VIEW] = 1.0 if view else 0.0
        h[H_IN_SEARCH] = 1.0 if view and in_search_sector(rd, az, el_app) else 0.0
        h[H_RANGE_M] = rng_m
        h[H_ALT_M] = alt
        h[H_LAT_RAD] = lat
        h[H_LON_RAD] = lon
        h[H_DETECTED] = 0.0
        for j in range(nd):
            if ss.who[j] == OBJ_THREAT:
                h[H_DETECTED] = 1.0
                rcs = object_rcs_seen(objs, OBJ_THREAT, t, y, site)
                h[H_SNR_DB] = 10.0 * math.log10(ss.c_snr[j] * rcs / rng_m**4)
        s = _missile_track(ss)
        h[H_TRACKED] = 0.0
        if s >= 0:
            h[H_TRACKED] = 1.0
            dt = t - ss.tab.t[s]
            e = 0.0
            for c in range(3):
                e += (ss.tab.x[s, c] + ss.tab.x[s, 3 + c] * dt - y[c]) ** 2
            h[H_POS_ERR_M] = math.sqrt(e)
            h[H_SIGMA_M] = sigma_pos_m(ss.tab.P[s])
    return hist, tb, t_ap, t_imp
