"""The objects the radar sees, and the multi-object sensing and tracking of an engagement.

A threat is more than one object. Object 0 is the missile itself: the boosting stack (with
the booster's cross-section) until cutoff, then the reentry vehicle (RV). At cutoff the
spent last stage separates (object 1, tumbling, with a large cross-section and a low
ballistic coefficient: it slows down hard once it meets the air) and ``n_debris`` extra
objects leave the RV with small random velocities (objects 2, 3, ...): simple debris
(separation hardware; small, light, draggy) first, then the threat's penetration aids
(decoys with an RV-like cross-section and a low ballistic coefficient, tank fragments),
each with its own ballistic coefficient, separation speed, cross-section and infrared
brightness (``Scene.extra_*``). Each object's true path is stored and interpolated (cubic
Hermite), like the RV's. A payload that does not separate (``mis.separates == 0``) leaves
no stage and no debris: object 0 is the whole body, whose cross-section after cutoff
follows its aspect to the radar (:func:`thaad.core.threat.body_rcs_m2`).

Every scan the radar looks at each object in view: the signal-to-noise ratio of the track
dwell (shortened when many tracks share the radar's time, :func:`radar.time_budget`) gives
a detection with the Swerling probability of detection, and measurement errors that scale
with the SNR. Two objects in the same range cell and beam give one detection (the
stronger). The detections go to the multi-object tracker (:mod:`thaad.core.tracks`).

Discrimination: each track carries a running mean (plain over its first ten looks, then
exponentially weighted over about ten) of the log of its radar cross-section, estimated from
the measured SNR, the range and the radar equation (corrected by Euler's constant for the
exponential fluctuation of a Swerling 1 target). Once a confirmed track has 16 looks, fire
control may engage it if its mean lies inside the window ``[rcs_lethal_min,
rcs_lethal_max]`` expected of an RV (which excludes the bright stage, the faint debris and
tracks that mixed the two), the one with the most detections if several do, and it keeps
that track while it lives and its mean stays within twice the window's bounds.
"""

import math
from typing import NamedTuple

import numba as nb
import numpy as np

from thaad.core.constants import R_MEAN_M
from thaad.core.earth import ecef_to_aer, height_and_ground_angle
from thaad.core.flight import Env, ballistic_phase, coast_phase, deriv, fly
from thaad.core.jit import jit, leaf
from thaad.core.radar import (
    C_MPS,
    Radar,
    apparent_elevation_rad,
    beamwidth_rad,
    in_view,
    pd_swerling,
    search_snr_constant,
    search_visited,
    sigma_angle_rad,
    sigma_range_m,
    snr_constant_dwell,
    time_budget,
)
from thaad.core.threat import Missile, body_rcs_m2
from thaad.core.tracks import (
    CONFIRMED,
    FREE,
    TrackerParams,
    TrackTable,
    new_track_table,
    tracker_scan,
)

OBJ_THREAT = 0
OBJ_STAGE = 1
MAX_DEBRIS = 48  # extra objects: debris and penetration aids
_NONE = np.zeros(0)  # no per-object values (the scalar debris values apply)
RCS_EWMA = 0.1  # weight of the newest look in the running mean of log RCS
EULER_GAMMA = 0.5772156649015329
RCS_LOOKS = 16  # looks before a track can be judged lethal
STICKY_LN = math.log(2.0)  # hysteresis of the engaged track's RCS window


class Scene(NamedTuple):
    """Objects and the multi-object tracking of an engagement (SI)."""

    multi_object: bool  # False: the single-object path of the walking skeleton
    rcs_stage_m2: float
    n_debris: int
    rcs_debris_m2: float
    beta_debris_kgpm2: float
    debris_dv_mps: float  # standard deviation per axis of the debris' separation velocity
    rcs_lethal_min_m2: float  # discrimination window of a lethal object
    rcs_lethal_max_m2: float
    tracker: TrackerParams
    # per extra object (n_debris of them: debris, then penetration aids); empty: the
    # scalar debris values above for every one
    extra_beta_kgpm2: np.ndarray = _NONE
    extra_dv_mps: np.ndarray = _NONE
    extra_rcs_m2: np.ndarray = _NONE
    extra_ir: np.ndarray = _NONE  # seeker brightness proxy (0: the seeker's debris value)
    # discrimination by the filter's ballistic coefficient: a track whose estimated 1/beta
    # exceeds 1/lethal_beta_min by more than beta_sigmas sigma is not an RV (0: off)
    lethal_beta_min_kgpm2: float = 0.0
    beta_sigmas: float = 3.0


class Objects(NamedTuple):
    """True paths of the objects: padded arrays, ``n[o]`` rows used for object ``o``."""

    t: np.ndarray  # (n_obj, n_max)
    y: np.ndarray  # (n_obj, n_max, 7)
    f: np.ndarray  # (n_obj, n_max, 7) derivatives
    n: np.ndarray  # (n_obj,)
    t_sep: float  # separation (cutoff) time
    rcs_boost_m2: float
    rcs_rv_m2: float
    rcs_stage_m2: float
    rcs_debris_m2: float
    rcs_broadside_m2: float = 0.0  # > 0: object 0 after cutoff is a whole body (aspect)
    rcs_obj_m2: np.ndarray = _NONE  # (n_obj,) cross-section of each extra object (o >= 2)
    ir_obj: np.ndarray = _NONE  # (n_obj,) seeker brightness proxy of each extra (0: default)


@jit
def build_objects(
    ts: np.ndarray, ys: np.ndarray, fs: np.ndarray, tb: float, ts_stage: np.ndarray,
    ys_stage: np.ndarray, mis: Missile, env: Env, scene: Scene, n_debris: int,
    rcs_boost_m2: float, rcs_rv_m2: float, rng: np.random.Generator,
) -> Objects:  # fmt: skip
    """The objects' true paths: the missile/RV (given), the spent stage (given, from cutoff),
    and ``n_debris`` extra objects (debris, penetration aids) flown here from the RV's
    state at cutoff with random separation speeds (the only draws from ``rng``)."""
    # a payload that does not separate leaves no separation hardware (and no spent stage)
    nd = min(max(n_debris, 0), MAX_DEBRIS) if mis.separates != 0 else 0
    n_obj = 2 + nd
    # the RV's state at separation (the repeated cutoff instant: take the RV's row)
    k = np.searchsorted(ts, tb, side="right") - 1
    y_sep = ys[k].copy()
    deb_t = []
    deb_y = []
    per = scene.extra_beta_kgpm2.shape[0] >= nd and nd > 0
    rcs_o = np.zeros(n_obj)
    ir_o = np.zeros(n_obj)
    for d in range(nd):
        beta = scene.extra_beta_kgpm2[d] if per else scene.beta_debris_kgpm2
        dv = scene.extra_dv_mps[d] if per else scene.debris_dv_mps
        rcs_o[2 + d] = scene.extra_rcs_m2[d] if per else scene.rcs_debris_m2
        ir_o[2 + d] = scene.extra_ir[d] if per else 0.0
        ph = ballistic_phase(1.0 / beta)
        y0 = y_sep.copy()
        for c in range(3):
            y0[3 + c] += dv * rng.standard_normal()
        y0[6] = 1.0
        # debris matter only while the engagement can run: fly them until the RV lands,
        # at a tolerance fit for radar returns (metres, not millimetres)
        t1, y1, _, _ = fly(tb, y0, max(ts[-1], tb + 1.0), ph, env, 1e-6, 4.0, 0.0, 1.0e5)
        deb_t.append(t1)
        deb_y.append(y1)
    n_max = max(ts.shape[0], ts_stage.shape[0])
    for i in range(nd):
        n_max = max(n_max, deb_t[i].shape[0])
    t_o = np.full((n_obj, n_max), np.inf)
    y_o = np.zeros((n_obj, n_max, 7))
    f_o = np.zeros((n_obj, n_max, 7))
    n_o = np.zeros(n_obj, np.int64)
    n0 = ts.shape[0]
    for i in range(n0):  # element loops: no slice assignment (see flight.fly)
        t_o[0, i] = ts[i]
        for c in range(7):
            y_o[0, i, c] = ys[i, c]
            f_o[0, i, c] = fs[i, c]
    n_o[0] = n0
    ph_st = coast_phase(mis.cda_stage_m2)
    n1 = ts_stage.shape[0]
    for i in range(n1):
        t_o[1, i] = ts_stage[i]
        for c in range(7):
            y_o[1, i, c] = ys_stage[i, c]
    for i in range(n1):
        deriv(ts_stage[i], ys_stage[i], ph_st, env, 0.0, 0.0, 0.0, f_o[1, i])
    n_o[1] = n1
    for d in range(nd):
        m = deb_t[d].shape[0]
        for i in range(m):
            t_o[2 + d, i] = deb_t[d][i]
            for c in range(7):
                y_o[2 + d, i, c] = deb_y[d][i, c]
        ph = coast_phase(1.0 / (scene.extra_beta_kgpm2[d] if per else scene.beta_debris_kgpm2))
        for i in range(m):
            deriv(deb_t[d][i], deb_y[d][i], ph, env, 0.0, 0.0, 0.0, f_o[2 + d, i])
        n_o[2 + d] = m
    broad = mis.rcs_broadside_m2 if mis.separates == 0 else 0.0
    return Objects(t_o, y_o, f_o, n_o, tb, rcs_boost_m2, rcs_rv_m2, scene.rcs_stage_m2,
                   scene.rcs_debris_m2, broad, rcs_o, ir_o)  # fmt: skip


@nb.njit(cache=True, inline="always")  # small and hot: a call would pass every path array
def object_state(obj: Objects, o: int, t: float, out: np.ndarray) -> bool:
    """True state of object ``o`` at ``t`` into ``out``; False if it does not exist then."""
    n = obj.n[o]
    ot = obj.t
    if n < 2 or t < ot[o, 0] or t > ot[o, n - 1]:
        return False
    # np.searchsorted(t_o[:n], t, side="right") and flight.hermite, written out on scalars:
    # the same index and the same arithmetic in the same order (the same bits) without the
    # row views (this runs several times per RK4 step of every interceptor)
    lo = 0
    hi = n
    while lo < hi:
        mid = (lo + hi) >> 1
        if ot[o, mid] <= t:
            lo = mid + 1
        else:
            hi = mid
    k = min(max(lo, 1), n - 1)
    t0 = ot[o, k - 1]
    h = ot[o, k] - t0
    s = (t - t0) / h
    h00 = (1.0 + 2.0 * s) * (1.0 - s) ** 2
    h10 = s * (1.0 - s) ** 2
    h01 = s * s * (3.0 - 2.0 * s)
    h11 = s * s * (s - 1.0)
    y = obj.y
    f = obj.f
    for i in range(y.shape[2]):
        a = h00 * y[o, k - 1, i] + h10 * h * f[o, k - 1, i]
        out[i] = a + h01 * y[o, k, i] + h11 * h * f[o, k, i]
    return True


@nb.njit(cache=True, inline="always")  # per object per look: no call passing the records
def object_rcs(obj: Objects, o: int, t: float) -> float:
    if o == OBJ_THREAT:
        return obj.rcs_boost_m2 if t < obj.t_sep else obj.rcs_rv_m2
    if o == OBJ_STAGE:
        return obj.rcs_stage_m2
    if o < obj.rcs_obj_m2.shape[0] and obj.rcs_obj_m2[o] > 0.0:
        return obj.rcs_obj_m2[o]
    return obj.rcs_debris_m2


@nb.njit(cache=True, inline="always")  # per object per look: no call passing the records
def object_rcs_seen(obj: Objects, o: int, t: float, y: np.ndarray, site: np.ndarray) -> float:
    """:func:`object_rcs`, with a non-separating body's aspect (nose-on to broadside)."""
    if o == OBJ_THREAT and t >= obj.t_sep and obj.rcs_broadside_m2 > 0.0:
        return body_rcs_m2(obj.rcs_rv_m2, obj.rcs_broadside_m2, y, site)
    return object_rcs(obj, o, t)


class SenseState(NamedTuple):
    """The multi-object sensing state carried through an engagement (arrays, in place)."""

    tab: TrackTable
    rcs_log: np.ndarray  # (cap,) running mean of ln(RCS estimate) per track slot
    rcs_n: np.ndarray  # (cap,) looks in it
    label: np.ndarray  # (cap, n_obj) recent detections of each true object (diagnostic)
    slot_ident: np.ndarray  # (cap,) the track number the slot's statistics belong to
    engaged: np.ndarray  # (2,) engaged track number (0: none) and its slot
    flags: np.ndarray  # (2,) first detection seen, track firm
    Z: np.ndarray  # (n_obj, 3) detections of one scan
    R: np.ndarray  # (n_obj, 3, 3)
    who: np.ndarray  # (n_obj,) true object of each detection
    snr: np.ndarray  # (n_obj,) measured SNR of each detection
    y: np.ndarray  # (n_obj, 7) true states at the scan
    search: np.ndarray  # (2,) search on (1.0) or every object tracked (0.0); last look time
    lit: np.ndarray  # (n_obj,) bool: a track beam pointed at the object this look
    c_snr: np.ndarray  # (n_obj,) range-equation constant of each detection's dwell
    exists: np.ndarray  # (n_obj,) bool: the object exists at the look (radar_scan's scratch)


@jit
def new_sense_state(n_obj: int, cap: int) -> SenseState:
    return SenseState(
        new_track_table(cap, n_obj), np.zeros(cap), np.zeros(cap, np.int64),
        np.zeros((cap, n_obj)), np.zeros(cap, np.int64), np.zeros(2, np.int64),
        np.zeros(2, np.int64),
        np.zeros((n_obj, 3)), np.zeros((n_obj, 3, 3)), np.zeros(n_obj, np.int64),
        np.zeros(n_obj), np.zeros((n_obj, 7)), np.array([0.0, -np.inf]),
        np.zeros(n_obj, np.bool_), np.zeros(n_obj), np.zeros(n_obj, np.bool_),
    )  # fmt: skip


@leaf
def track_beams(obj: Objects, ss: SenseState, t: float, rd: Radar, site_ecef: np.ndarray):
    """Mark the objects a track beam covers this look (``ss.lit``).

    The radar points one track dwell at each live track's position extrapolated to ``t``
    (straight line from its last update); an object within one beamwidth of that direction
    is in the beam. Objects whose state at ``t`` is in ``ss.y`` (call after
    :func:`object_state` has filled it).
    """
    tab = ss.tab
    bw = beamwidth_rad(rd)
    cos_bw = math.cos(bw)
    for o in range(ss.lit.shape[0]):
        ss.lit[o] = False
    for i in range(tab.status.shape[0]):
        if tab.status[i] == FREE:
            continue
        dt = t - tab.t[i]
        # scalars rather than two 3-arrays allocated per look (the same arithmetic)
        d0 = tab.x[i, 0] + tab.x[i, 3] * dt - site_ecef[0]
        d1 = tab.x[i, 1] + tab.x[i, 4] * dt - site_ecef[1]
        d2 = tab.x[i, 2] + tab.x[i, 5] * dt - site_ecef[2]
        nd = math.sqrt(d0**2 + d1**2 + d2**2)
        for o in range(ss.lit.shape[0]):
            if ss.lit[o]:
                continue
            e0 = ss.y[o, 0] - site_ecef[0]
            e1 = ss.y[o, 1] - site_ecef[1]
            e2 = ss.y[o, 2] - site_ecef[2]
            ne = math.sqrt(e0**2 + e1**2 + e2**2)
            if d0 * e0 + d1 * e1 + d2 * e2 >= cos_bw * nd * ne:
                ss.lit[o] = True


@leaf
def radar_scan(
    obj: Objects, ss: SenseState, t: float, rd: Radar, site_ecef: np.ndarray,
    site_enu: np.ndarray, env: Env, n_tracks: int, rng: np.random.Generator,
) -> int:  # fmt: skip
    """One look; fills ``ss.Z, ss.R, ss.who, ss.snr``; returns the count of detections.

    Without search (``ss.search[0] == 0``) every object in view gets a track dwell. With
    search, an object gets a track dwell only if a track beam covers it (:func:`track_beams`);
    any other object in view is found only when the search raster's beam passes over it
    since the last look (:func:`radar.search_visited`, on its apparent elevation as every
    elevation limit), with the search form of the range equation (the share of time the
    tracks leave to search).
    """
    s_frac, dwell = time_budget(rd, n_tracks)
    c_snr = snr_constant_dwell(rd, dwell)
    c_search = search_snr_constant(rd, s_frac)
    searching = ss.search[0] != 0.0
    t_prev = ss.search[1]
    ss.search[1] = t
    res_m = C_MPS / (2.0 * rd.bandwidth_hz)
    bw = beamwidth_rad(rd)
    n_obj = obj.n.shape[0]
    exists = ss.exists
    for o in range(n_obj):
        exists[o] = object_state(obj, o, t, ss.y[o])
    if searching:
        track_beams(obj, ss, t, rd, site_ecef)
    k = 0
    for o in range(n_obj):
        if not exists[o]:
            continue
        r = ss.y[o]
        az, el, rng_m = ecef_to_aer(site_ecef, site_enu, r)  # reads r[:3]
        if rng_m > rd.max_range_m:  # cheap test first (elevation: apparent, in in_view)
            continue
        # the cheap tests that need no geodetic height before the conversion (the same
        # conditions as in_view's azimuth test and the search's, in another order: no draws)
        d_az = (az - rd.boresight_az_rad + math.pi) % (2.0 * math.pi) - math.pi
        if abs(d_az) > rd.half_fov_rad:
            continue
        c = c_snr
        h, ang = height_and_ground_angle(r[0], r[1], r[2], env.earth, site_enu[2])
        ground = ang * R_MEAN_M
        el_app = apparent_elevation_rad(rd.alt_m, h, ground)  # of the limits and the search
        if searching:
            if not ss.lit[o]:
                if not search_visited(rd, t_prev, t, az, el_app):
                    continue
                c = c_search
        if not in_view(rd, az, el_app, rng_m, h, ground):
            continue
        rcs_o = object_rcs_seen(obj, o, t, r, site_ecef)
        snr = c * rcs_o / rng_m**4
        if rng.random() >= pd_swerling(snr, rd.pfa, rd.swerling):
            continue
        # an object in the same range cell and beam as an earlier, stronger return is hidden
        hidden = False
        for j in range(k):
            if abs(ss.Z[j, 0] - rng_m) < res_m:
                da = (ss.Z[j, 1] - az + math.pi) % (2.0 * math.pi) - math.pi
                if abs(da) * math.cos(el) < bw and abs(ss.Z[j, 2] - el) < bw:
                    hidden = True
                    if rcs_o > object_rcs_seen(obj, ss.who[j], t, ss.y[ss.who[j]], site_ecef):
                        ss.who[j] = o
                        ss.snr[j] = snr
                        ss.c_snr[j] = c
                    break
        if hidden:
            continue
        sr = sigma_range_m(rd, snr)
        sa = sigma_angle_rad(rd, snr)
        ss.Z[k, 0] = rng_m + sr * rng.standard_normal()
        ss.Z[k, 1] = (az + sa * rng.standard_normal()) % (2.0 * math.pi)
        ss.Z[k, 2] = el + sa * rng.standard_normal()
        for a in range(3):
            for b in range(3):
                ss.R[k, a, b] = 0.0
        ss.R[k, 0, 0] = sr * sr
        ss.R[k, 1, 1] = sa * sa
        ss.R[k, 2, 2] = sa * sa
        ss.who[k] = o
        # the measured SNR of a Swerling 1/2 target fluctuates (exponential about its mean)
        fluct = rd.swerling == 1 or rd.swerling == 2
        ss.snr[k] = snr * (rng.exponential() if fluct else 1.0)
        ss.c_snr[k] = c
        k += 1
    return k


@nb.njit(cache=True, inline="always")  # per track per look: no call passing the records
def too_light(tab: TrackTable, i: int, scene: Scene) -> bool:
    """Whether track ``i``'s estimated ballistic coefficient rules out an RV: its ``1/beta``
    (the 7-state filter's, observable once the air acts) exceeds ``1/lethal_beta_min`` by
    more than ``beta_sigmas`` standard deviations. Off when ``lethal_beta_min`` is 0."""
    if scene.lethal_beta_min_kgpm2 <= 0.0:
        return False
    sd = math.sqrt(max(tab.P[i, 6, 6], 0.0))
    return tab.x[i, 6] - scene.beta_sigmas * sd > 1.0 / scene.lethal_beta_min_kgpm2


@leaf
def sense_and_track(
    obj: Objects, ss: SenseState, scene: Scene, t: float, rd: Radar, site_ecef: np.ndarray,
    site_enu: np.ndarray, env: Env, rng: np.random.Generator,
) -> int:  # fmt: skip
    """Scan, track, discriminate. Returns the number of detections; the engaged track (if
    any) is ``ss.engaged``; ``ss.flags`` say whether anything was detected and whether a
    lethal-looking track is firm."""
    tab = ss.tab
    cap = tab.status.shape[0]
    n_live = np.int64(0)  # int64, not a literal: one compiled specialisation of the callee
    for i in range(cap):
        if tab.status[i] != FREE:
            n_live += 1
    k = radar_scan(obj, ss, t, rd, site_ecef, site_enu, env, n_live, rng)
    tracker_scan(tab, scene.tracker, t, ss.Z[:k], ss.R[:k], site_ecef, site_enu, env)
    slots = tab.slots
    for j in range(k):
        s = slots[j]
        if s < 0:
            continue
        if ss.slot_ident[s] != tab.ident[s]:  # a new track in this slot
            ss.slot_ident[s] = tab.ident[s]
            ss.rcs_n[s] = 0
            for o in range(ss.label.shape[1]):
                ss.label[s, o] = 0.0
        rcs_est = max(ss.snr[j], 1e-12) * ss.Z[j, 0] ** 4 / ss.c_snr[j]
        lr = math.log(rcs_est)
        if rd.swerling == 1 or rd.swerling == 2:
            lr += EULER_GAMMA  # E[ln X] = ln(mean) - gamma for an exponential X
        ss.rcs_n[s] += 1
        w = max(1.0 / ss.rcs_n[s], RCS_EWMA)  # a plain mean at first, then exponential
        ss.rcs_log[s] += w * (lr - ss.rcs_log[s])
        for o in range(ss.label.shape[1]):  # weighted like the RCS
            ss.label[s, o] *= 1.0 - w
        ss.label[s, ss.who[j]] += w
    if k > 0:
        ss.flags[0] = 1
    # keep the engaged track while it lives and still looks lethal (a margin of 2x on the
    # window against the fluctuation of its running mean); else engage the lethal-looking
    # confirmed track with the most detections
    lo = math.log(scene.rcs_lethal_min_m2)
    hi = math.log(scene.rcs_lethal_max_m2)
    e = ss.engaged[1]
    if ss.engaged[0] != 0 and tab.status[e] == CONFIRMED and tab.ident[e] == ss.engaged[0]:
        if lo - STICKY_LN <= ss.rcs_log[e] <= hi + STICKY_LN and not too_light(tab, e, scene):
            ss.flags[1] = 1
            return k
    best = -1
    for i in range(cap):
        if tab.status[i] != CONFIRMED or ss.slot_ident[i] != tab.ident[i]:
            continue
        if ss.rcs_n[i] < RCS_LOOKS:
            continue
        if too_light(tab, i, scene):
            continue
        if lo <= ss.rcs_log[i] <= hi and (best < 0 or tab.hits[i] > tab.hits[best]):
            best = i
    if best >= 0:
        ss.engaged[0] = tab.ident[best]
        ss.engaged[1] = best
    else:
        ss.engaged[0] = 0
    ss.flags[1] = 1 if ss.engaged[0] != 0 else 0
    return k


@leaf
def engaged_object(ss: SenseState) -> int:
    """The true object most of the engaged track's recent detections came from (-1: none)."""
    if ss.engaged[0] == 0:
        return -1
    row = ss.label[ss.engaged[1]]
    best = 0
    for o in range(row.shape[0]):
        if row[o] > row[best]:
            best = o
    return best


@leaf
def multi_look(
    obj: Objects, ss: SenseState, scene: Scene, t: float, rd: Radar, site_ecef: np.ndarray,
    site_enu: np.ndarray, env: Env, rng: np.random.Generator, x: np.ndarray, P: np.ndarray,
    meas_hist: np.ndarray, n_meas: int, record: bool,
):  # fmt: skip
    """One scan of the engagement loop with every object and the multi-object tracker.

    Writes the engaged track's state (position, velocity and inverse ballistic coefficient)
    and its covariance into ``x`` (7,) and ``P`` (7, 7). Returns ``(firm, n_meas,
    first_range_m, became_firm)``: whether a track is
    engaged, the updated count of recorded detections (``meas_hist`` rows: t, range, az,
    el, true object), the range of the first detection ever (NaN after the first scan with
    one) and whether the engagement just got a track.
    """
    was_seen = ss.flags[0] != 0
    was_firm = ss.flags[1] != 0
    k = sense_and_track(obj, ss, scene, t, rd, site_ecef, site_enu, env, rng)
    if record:
        for j in range(k):
            if n_meas < meas_hist.shape[0]:
                meas_hist[n_meas, 0] = t
                for c in range(3):  # no slice assignment (see flight.fly)
                    meas_hist[n_meas, 1 + c] = ss.Z[j, c]
                meas_hist[n_meas, 4] = ss.who[j]
                n_meas += 1
    first = math.nan
    if k > 0 and not was_seen:
        first = ss.Z[0, 0]
    firm = ss.flags[1] != 0
    if firm:
        s = ss.engaged[1]
        for i in range(7):
            x[i] = ss.tab.x[s, i]
            for j in range(7):
                P[i, j] = ss.tab.P[s, i, j]
    return firm, n_meas, first, firm and not was_firm


@jit
def looks_to_firm(tp: TrackerParams) -> int:
    """Detections a track needs before fire control may engage it: M-of-N confirmation and
    the ``RCS_LOOKS`` looks of discrimination (the rule :func:`sense_and_track` applies)."""
    return max(tp.m_init, RCS_LOOKS)
