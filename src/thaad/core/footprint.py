"""Kinematic defended footprint: can the battery engage a threat aimed at each grid point?

For every aim point the threat's path is taken from a family of trajectories of the
scenario's shape flown once in the full model for a ladder of ranges (interpolated in range,
laid along the great circle from the launch point to the aim point). Along the path the
engagement's own rules give the timeline: first detection when the path is in the mode's
search pattern with a search SNR above the threshold, plus half a frame (the mean wait for
the raster); the track is firm :func:`thaad.core.scene.looks_to_firm` looks later (the
engagement's confirmation and discrimination); then the reaction time. Each path point inside
the engagement envelope, with its ground range from the launcher as fire control measures
it, is tested against the gridded fly-out table, and the doctrine of
:mod:`thaad.core.doctrine` (the same functions the engagement calls) decides which
opportunities are shots. Shots of single-shot kill probability ``p`` kill with
``p sum_k ((1 - p) a)^k`` where a look between shots goes on with the kill assessment's
accuracy ``a`` (``1 - (1 - p)^n`` when ``a = 1``). The cross-range bending of the path by
Earth rotation is neglected here (a few km over these ranges); ``mode: full`` in the user
layer flies complete engagements instead.
"""

import math

import numba as nb
import numpy as np

from thaad.core.constants import R_MEAN_M
from thaad.core.doctrine import may_fire, new_doctrine_state, on_launch, on_outcome
from thaad.core.earth import (
    destination,
    ecef_to_aer,
    ecef_to_geodetic,
    enu_basis,
    geodetic_to_ecef,
    great_circle,
)
from thaad.core.firecontrol import FireControl, envelope_shot
from thaad.core.jit import jit
from thaad.core.radar import (
    Radar,
    apparent_elevation_rad,
    in_search_sector,
    in_view,
    search_snr_constant,
)


@jit
def resample_path(ts: np.ndarray, ys: np.ndarray, lat0: float, lon0: float, earth: int,
                  n: int):  # fmt: skip
    """A flown path resampled to ``n`` equal time steps: ``(t_s, downrange_m, alt_m)``."""
    t_end = ts[-1]
    t_out = np.linspace(0.0, t_end, n)
    s_out = np.empty(n)
    h_out = np.empty(n)
    k = 1
    for j in range(n):
        t = t_out[j]
        while k < ts.shape[0] - 1 and ts[k] < t:
            k += 1
        t0 = ts[k - 1]
        t1 = ts[k]
        f = 0.0 if t1 <= t0 else (t - t0) / (t1 - t0)
        x = ys[k - 1, 0] + f * (ys[k, 0] - ys[k - 1, 0])
        y = ys[k - 1, 1] + f * (ys[k, 1] - ys[k - 1, 1])
        z = ys[k - 1, 2] + f * (ys[k, 2] - ys[k - 1, 2])
        lat, lon, h = ecef_to_geodetic(x, y, z, earth)
        s_out[j] = great_circle(lat0, lon0, lat, lon)[0] * R_MEAN_M
        h_out[j] = h
    return t_out, s_out, h_out


@jit
def search_detects(rd: Radar, site: np.ndarray, site_enu: np.ndarray, r: np.ndarray,
                   rcs_m2: float, earth: int) -> bool:  # fmt: skip
    """Whether the search pattern can find an object at ECEF ``r``: in view, inside the
    mode's search sector (on the apparent elevation, as every elevation limit), with a
    search SNR (all the radar's time to search) at or above the detection threshold."""
    az, _, rng = ecef_to_aer(site, site_enu, r)  # the apparent elevation below
    lat, lon, h = ecef_to_geodetic(r[0], r[1], r[2], earth)
    ground = great_circle(rd.lat_rad, rd.lon_rad, lat, lon)[0] * R_MEAN_M
    el_app = apparent_elevation_rad(rd.alt_m, h, ground)
    if not in_search_sector(rd, az, el_app):
        return False
    if not in_view(rd, az, el_app, rng, h, ground):
        return False
    snr = search_snr_constant(rd, 1.0) * rcs_m2 / rng**4
    return 10.0 * math.log10(max(snr, 1e-300)) >= rd.snr_detect_db


@jit
def cell_kill(
    lat0: float, lon0: float, lat_a: float, lon_a: float, fam_r: np.ndarray,
    fam_t: np.ndarray, fam_s: np.ndarray, fam_h: np.ndarray, fam_tb: np.ndarray,
    rd: Radar, site: np.ndarray, site_enu: np.ndarray, rcs_boost: float, rcs_rv: float,
    earth: int, fc: FireControl, el_g: np.ndarray, tof_g: np.ndarray, d_rho: float,
    d_alt: float, sspk: float, lat_l: float, lon_l: float, n_firm: int, ka_accuracy: float,
):  # fmt: skip
    """Kill probability, shots and first intercept height for one aim point (NaN if the
    threat cannot reach it); ``(lat_l, lon_l)`` is the launcher fire control plans from."""
    psi, az = great_circle(lat0, lon0, lat_a, lon_a)
    rng = psi * R_MEAN_M
    k_max = fam_r.shape[0]
    if rng < fam_r[0] or rng > fam_r[k_max - 1]:
        return math.nan, 0, math.nan
    k = np.searchsorted(fam_r, rng)
    k = min(max(k, 1), k_max - 1)
    w = (rng - fam_r[k - 1]) / (fam_r[k] - fam_r[k - 1])
    n = fam_t.shape[1]
    tb = (1.0 - w) * fam_tb[k - 1] + w * fam_tb[k]
    t_ready = math.inf
    detected = False
    ds = new_doctrine_state()
    t_int = np.full(fc.shots, -math.inf)  # planned intercept time of each shot
    shots = 0
    alt_first = math.nan
    pk = 0.0
    cont = 1.0  # probability that no shot so far killed and the doctrine still fires
    for j in range(n):
        t = (1.0 - w) * fam_t[k - 1, j] + w * fam_t[k, j]
        s = (1.0 - w) * fam_s[k - 1, j] + w * fam_s[k, j]
        h = (1.0 - w) * fam_h[k - 1, j] + w * fam_h[k, j]
        lat, lon = destination(lat0, lon0, az, s / R_MEAN_M)
        if not detected:
            r = geodetic_to_ecef(lat, lon, h, earth)
            if search_detects(rd, site, site_enu, r, rcs_boost if t < tb else rcs_rv, earth):
                detected = True
                t_det = t + 0.5 * rd.search_frame_s
                t_ready = t_det + (n_firm - 1) * rd.scan_period_s + fc.reaction_s
            continue
        el, tof, _ = envelope_shot(fc, lat_l, lon_l, lat, lon, h, el_g, tof_g, d_rho, d_alt)
        if math.isnan(el):
            continue
        t_l = t - tof
        if t_l < t_ready:
            continue
        n_flying = np.int64(0)  # int64, not a literal: one compiled may_fire
        for q in range(shots):
            n_flying += 1 if t_int[q] > t_l else 0
        look = shots > 0 and ds.salvo_left[0] == 0  # a new shot after looking
        if not may_fire(ds, fc, t_l, n_flying):
            continue
        on_launch(ds, fc, t_l)
        on_outcome(ds, fc, t, False)
        t_int[shots] = t
        if shots == 0:
            alt_first = h
        if look:
            cont *= ka_accuracy
        pk += cont * sspk
        cont *= 1.0 - sspk
        shots += 1
        if shots >= fc.shots:
            break
    return pk, shots, alt_first


@nb.njit(cache=True, parallel=True)
def footprint_grid(
    lat0: float, lon0: float, lats: np.ndarray, lons: np.ndarray, fam_r: np.ndarray,
    fam_t: np.ndarray, fam_s: np.ndarray, fam_h: np.ndarray, fam_tb: np.ndarray,
    rd: Radar, rcs_boost: float, rcs_rv: float, earth: int, fc: FireControl,
    el_g: np.ndarray, tof_g: np.ndarray, d_rho: float, d_alt: float, sspk: float,
    lat_l: float, lon_l: float, n_firm: int, ka_accuracy: float,
):  # fmt: skip
    """:func:`cell_kill` over a (lat, lon) grid, rows in parallel.

    Returns ``(p_kill, shots, alt_first_m)`` of shape ``(len(lats), len(lons))``.
    """
    site = geodetic_to_ecef(rd.lat_rad, rd.lon_rad, rd.alt_m, earth)
    site_enu = enu_basis(rd.lat_rad, rd.lon_rad)
    ny = lats.shape[0]
    nx = lons.shape[0]
    pk = np.empty((ny, nx))
    shots = np.zeros((ny, nx), np.int64)
    alt = np.empty((ny, nx))
    for i in nb.prange(ny):
        for j in range(nx):
            p, s, a = cell_kill(lat0, lon0, lats[i], lons[j], fam_r, fam_t, fam_s, fam_h,
                                fam_tb, rd, site, site_enu, rcs_boost, rcs_rv, earth, fc,
                                el_g, tof_g, d_rho, d_alt, sspk, lat_l, lon_l, n_firm,
                                ka_accuracy)  # fmt: skip
            pk[i, j] = p
            shots[i, j] = s
            alt[i, j] = a
    return pk, shots, alt
