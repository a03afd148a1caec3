"""Multi-object tracking: a table of tracks, M-of-N initiation, association, deletion.

One call of :func:`tracker_scan` processes one radar scan (all detections at one time):

1. every live track is predicted to the scan time (extended or unscented ballistic filter of
   :mod:`thaad.core.tracking`);
2. detections are assigned to tracks by global nearest neighbour inside a chi-square gate
   (:mod:`thaad.core.association`);
3. assigned tracks are updated; a track counts a hit or a miss;
4. a tentative track is confirmed once it has ``m_init`` hits, and dropped as soon as it can
   no longer reach ``m_init`` hits in its first ``n_init`` scans (M-of-N logic, Blackman and
   Popoli, *Design and Analysis of Modern Tracking Systems*, sec. 3.3); a confirmed track is
   deleted after ``max_misses`` scans in a row without a detection or when its position
   uncertainty exceeds ``max_sigma_pos_m``;
5. every detection left over starts a tentative track (one-point initiation).

The table is a tuple of preallocated arrays, changed in place; slots are reused.
"""

import math
from typing import NamedTuple

import numpy as np
from numba.extending import overload

from thaad.core.association import (
    FORBIDDEN,
    MISS_COST,
    assign_into,
    gate_distance_prepared,
    gate_prepare,
)
from thaad.core.earth import aer_to_ecef_into
from thaad.core.flight import Env
from thaad.core.jit import counted, jit, leaf
from thaad.core.tracking import (
    FILTER_EKF,
    FILTER_UKF,
    ekf_predict_into,
    ekf_update_into,
    init_bal,
    ukf_predict,
    ukf_update,
)

FREE = 0
TENTATIVE = 1
CONFIRMED = 2


class TrackerParams(NamedTuple):
    """Multi-object tracker settings (SI)."""

    filter_kind: int  # tracking.FILTER_EKF or FILTER_UKF
    m_init: int
    n_init: int
    max_misses: int  # consecutive misses that delete a confirmed track
    gate_chi2: float  # gate on d^2 (3 degrees of freedom)
    q_mps2: float  # white-noise acceleration spectral density (m^2/s^3)
    q_inv_beta: float  # random walk of 1/beta ((m^2/kg)^2/s)
    inv_beta0: float  # prior 1/beta (m^2/kg)
    sigma_inv_beta0: float
    sigma_v0_mps: float  # prior velocity standard deviation per axis of a new track
    max_sigma_pos_m: float


class EkfTrackerParams(TrackerParams):
    """:class:`TrackerParams` of an extended-filter tracker. A type of its own: the compiled
    :func:`tracker_scan` then holds the extended filter only (the unscented one, which it
    never calls, is not compiled). Build with :func:`tracker_params`."""

    __slots__ = ()


class UkfTrackerParams(TrackerParams):
    """:class:`TrackerParams` of an unscented-filter tracker (the extended filter not
    compiled in). Build with :func:`tracker_params`."""

    __slots__ = ()


def tracker_params(filter_kind: int, *rest) -> TrackerParams:
    """:class:`TrackerParams` of the type that compiles only the filter ``filter_kind``
    (a plain :class:`TrackerParams` compiles both and chooses at run time)."""
    cls = UkfTrackerParams if filter_kind == FILTER_UKF else EkfTrackerParams
    return cls(filter_kind, *rest)


@leaf
def _ekf_predict(prm, x, P, dt, env, work):
    ekf_predict_into(x, P, dt, env, 0.0, prm.q_mps2, work, prm.q_inv_beta)


@counted
def _ukf_predict(prm, x, P, dt, env, work):
    xn, Pn = ukf_predict(x, P, dt, env, prm.q_mps2, prm.q_inv_beta)
    for a in range(x.shape[0]):  # element loops: no slice assignment (see flight.fly)
        x[a] = xn[a]
        for b in range(x.shape[0]):
            P[a, b] = Pn[a, b]


@leaf
def _ekf_update(prm, x, P, z, R, site_ecef, site_enu, work):
    return ekf_update_into(x, P, z, R, site_ecef, site_enu, work)


@counted
def _ukf_update(prm, x, P, z, R, site_ecef, site_enu, work):
    xn, Pn, nis = ukf_update(x, P, z, R, site_ecef, site_enu)
    for a in range(x.shape[0]):
        x[a] = xn[a]
        for b in range(x.shape[0]):
            P[a, b] = Pn[a, b]
    return nis


def filter_predict(prm, x, P, dt, env, work):
    """Predict a track's state ``x`` and covariance ``P`` over ``dt`` in place with the
    filter of ``prm``; compiled, the filter is chosen by the type of ``prm`` where it
    says (:class:`EkfTrackerParams`, :class:`UkfTrackerParams`)."""
    if prm.filter_kind == FILTER_EKF:
        _ekf_predict(prm, x, P, dt, env, work)
    else:
        _ukf_predict(prm, x, P, dt, env, work)


def filter_update(prm, x, P, z, R, site_ecef, site_enu, work):
    """Update ``x`` and ``P`` in place with the measurement ``z`` (covariance ``R``) with
    the filter of ``prm`` (chosen as in :func:`filter_predict`); returns the NIS."""
    if prm.filter_kind == FILTER_EKF:
        return _ekf_update(prm, x, P, z, R, site_ecef, site_enu, work)
    return _ukf_update(prm, x, P, z, R, site_ecef, site_enu, work)


@overload(filter_predict)
def _ol_filter_predict(prm, x, P, dt, env, work):
    cls = getattr(prm, "instance_class", None)
    if cls is EkfTrackerParams:
        return lambda prm, x, P, dt, env, work: _ekf_predict(prm, x, P, dt, env, work)
    if cls is UkfTrackerParams:
        return lambda prm, x, P, dt, env, work: _ukf_predict(prm, x, P, dt, env, work)
    return filter_predict


@overload(filter_update)
def _ol_filter_update(prm, x, P, z, R, site_ecef, site_enu, work):
    cls = getattr(prm, "instance_class", None)
    if cls is EkfTrackerParams:
        return lambda prm, x, P, z, R, site_ecef, site_enu, work: _ekf_update(
            prm, x, P, z, R, site_ecef, site_enu, work)  # fmt: skip
    if cls is UkfTrackerParams:
        return lambda prm, x, P, z, R, site_ecef, site_enu, work: _ukf_update(
            prm, x, P, z, R, site_ecef, site_enu, work)  # fmt: skip
    return filter_update


class TrackTable(NamedTuple):
    x: np.ndarray  # (cap, 7) state r, v, 1/beta
    P: np.ndarray  # (cap, 7, 7)
    t: np.ndarray  # (cap,) epoch of the state
    status: np.ndarray  # (cap,) FREE, TENTATIVE, CONFIRMED
    ident: np.ndarray  # (cap,) track number (1, 2, ...)
    hits: np.ndarray  # (cap,) detections associated
    looks: np.ndarray  # (cap,) scans since the track started
    misses: np.ndarray  # (cap,) consecutive scans without a detection
    nis: np.ndarray  # (cap,) last normalised innovation squared
    next_ident: np.ndarray  # (1,)
    # scratch of :func:`tracker_scan`, kept with the table so that a scan allocates less
    work: np.ndarray  # (5, 7, 7) the filters'
    gwork: np.ndarray  # (5, 3, 3) the gate's
    live: np.ndarray  # (cap,) int: live slots
    det_of: np.ndarray  # (cap,) int: detection of each live track
    slots: np.ndarray  # (n_det,) int: the slot each detection of the last scan went to
    pos: np.ndarray  # (n_det, 4) the gate's scratch: each detection's ECEF point, variance
    cost: np.ndarray  # (cap, n_det + cap) the assignment's cost matrix
    col: np.ndarray  # (cap,) int: the column the assignment gives each live track
    afbuf: np.ndarray  # the assignment's work arrays (association.assign_into)
    aibuf: np.ndarray  # (int)


@jit
def new_track_table(cap: int, n_det: int) -> TrackTable:
    """An empty table of ``cap`` track slots for scans of at most ``n_det`` detections."""
    return TrackTable(
        np.zeros((cap, 7)),
        np.zeros((cap, 7, 7)),
        np.zeros(cap),
        np.zeros(cap, np.int64),
        np.zeros(cap, np.int64),
        np.zeros(cap, np.int64),
        np.zeros(cap, np.int64),
        np.zeros(cap, np.int64),
        np.full(cap, np.nan),
        np.ones(1, np.int64),
        np.empty((5, 7, 7)),
        np.empty((5, 3, 3)),
        np.empty(cap, np.int64),
        np.empty(cap, np.int64),
        np.full(n_det, -1, np.int64),
        np.empty((n_det, 4)),
        np.empty((cap, n_det + cap)),
        np.empty(cap, np.int64),
        np.empty(cap + 1 + 2 * (n_det + cap + 1)),
        np.empty(3 * (n_det + cap + 1), np.int64),
    )


@jit
def sigma_pos_m(P: np.ndarray) -> float:
    """Root of the trace of the position covariance."""
    return math.sqrt(max(P[0, 0] + P[1, 1] + P[2, 2], 0.0))


@leaf
def _gate_costs(
    tab: TrackTable, prm: TrackerParams, nl: int, Z: np.ndarray, R: np.ndarray,
    site_ecef: np.ndarray, site_enu: np.ndarray, cost: np.ndarray,
) -> None:  # fmt: skip
    """The assignment costs of the live tracks ``tab.live[:nl]`` against the detections
    ``Z``: the gate's ``d^2 + ln det S`` where the detection passes the gate, ``cost``'s
    value (``FORBIDDEN``) elsewhere; each track's column ``k + a`` is its miss cost.
    ``tab.pos`` (k, 4) is scratch: each detection's ECEF position and its variance."""
    k = Z.shape[0]
    live = tab.live
    pos = tab.pos
    gwork = tab.gwork
    # a cheap Cartesian pre-gate: d^2 >= |dr|^2 / trace(S), S in Cartesian coordinates
    for j in range(k):
        aer_to_ecef_into(site_ecef, site_enu, Z[j, 1], Z[j, 2], Z[j, 0], pos[j])
        pos[j, 3] = R[j, 0, 0] + Z[j, 0] * Z[j, 0] * (R[j, 1, 1] + R[j, 2, 2])
    for a in range(nl):
        i = live[a]
        tr_p = tab.P[i, 0, 0] + tab.P[i, 1, 1] + tab.P[i, 2, 2]
        prepared = False
        for j in range(k):
            dd = ((pos[j, 0] - tab.x[i, 0]) ** 2 + (pos[j, 1] - tab.x[i, 1]) ** 2
                  + (pos[j, 2] - tab.x[i, 2]) ** 2)  # fmt: skip
            if dd > prm.gate_chi2 * 1.5 * (tr_p + pos[j, 3]):
                continue
            if not prepared:  # the track's side of the gate: once per track and scan
                gate_prepare(tab.x[i], tab.P[i], site_ecef, site_enu, gwork)
                prepared = True
            d2, lds = gate_distance_prepared(Z[j], R[j], gwork)
            if d2 <= prm.gate_chi2:
                cost[a, j] = d2 + lds
        cost[a, k + a] = MISS_COST


@leaf
def _unambiguous(cost: np.ndarray, nl: int, k: int, col: np.ndarray) -> bool:
    """The assignment when no two tracks gate the same detection and no track gates two:
    each track takes the one detection in its gate (its cost is below the miss cost) or its
    miss column ``k + a``. That is then the one minimum-cost assignment, the one
    :func:`~thaad.core.association.assign_into` finds, without its search. Returns False
    (``col`` partly written) when the gates overlap."""
    for a in range(nl):
        col[a] = k + a
        for j in range(k):
            if cost[a, j] < 0.5 * FORBIDDEN:
                if col[a] != k + a or cost[a, j] >= MISS_COST:
                    return False  # two detections in one gate, or one worse than a miss
                col[a] = j
    for j in range(k):
        n = 0
        for a in range(nl):
            if cost[a, j] < 0.5 * FORBIDDEN:
                n += 1
        if n > 1:
            return False  # one detection in two gates
    return True


@counted
def _start_track(
    tab: TrackTable, slot: int, z: np.ndarray, R: np.ndarray, site_ecef: np.ndarray,
    site_enu: np.ndarray, b0: float, sigma_b0: float, sigma_v0: float,
) -> None:  # fmt: skip
    """A new track in ``slot`` from one detection (:func:`init_bal`; it allocates, so it is
    compiled with reference counting wherever it is called from)."""
    x, P = init_bal(z, R, site_ecef, site_enu, b0, sigma_b0, sigma_v0)
    for a in range(x.shape[0]):
        tab.x[slot, a] = x[a]
        for b in range(x.shape[0]):
            tab.P[slot, a, b] = P[a, b]


@jit
def tracker_scan(
    tab: TrackTable, prm: TrackerParams, t: float, Z: np.ndarray, R: np.ndarray,
    site_ecef: np.ndarray, site_enu: np.ndarray, env: Env,
) -> None:  # fmt: skip
    """Process the detections ``Z`` (k, 3: range, az, el) with covariances ``R`` (k, 3, 3)
    made at time ``t``. ``tab.slots[:k]`` gets, for each detection, the slot of the track it
    went to (a new track's slot for a detection that started one; -1 if the table was full).

    It allocates nothing (the engagement compiles it without reference counting, see
    :mod:`thaad.core.jit`): the scratch is the table's, sized for ``n_det`` detections.
    """
    cap = tab.status.shape[0]
    k = Z.shape[0]
    if k > tab.slots.shape[0]:
        raise ValueError("tracker_scan: more detections than the table was made for")
    work = tab.work
    live = tab.live
    nl = 0
    for i in range(cap):
        if tab.status[i] != FREE:
            live[nl] = i
            nl += 1
            if t > tab.t[i]:
                filter_predict(prm, tab.x[i], tab.P[i], t - tab.t[i], env, work)
                tab.t[i] = t
    out = tab.slots
    for j in range(k):
        out[j] = -1
    det_of = tab.det_of
    for a in range(nl):
        det_of[a] = -1
    if nl > 0 and k > 0:
        cost = tab.cost[:nl, : k + nl]
        for a in range(nl):
            for j in range(k + nl):
                cost[a, j] = FORBIDDEN
        _gate_costs(tab, prm, nl, Z, R, site_ecef, site_enu, cost)
        col = tab.col
        if not _unambiguous(cost, nl, k, col):
            assign_into(cost, col, tab.afbuf, tab.aibuf)
        for a in range(nl):
            j = col[a]
            if j < k and cost[a, j] < 0.5 * FORBIDDEN:
                det_of[a] = j
                out[j] = live[a]
    for a in range(nl):
        i = live[a]
        j = det_of[a]
        tab.looks[i] += 1
        if j >= 0:
            tab.nis[i] = filter_update(prm, tab.x[i], tab.P[i], Z[j], R[j], site_ecef, site_enu,
                                       work)  # fmt: skip
            tab.hits[i] += 1
            tab.misses[i] = 0
        else:
            tab.misses[i] += 1
            tab.nis[i] = math.nan
        if tab.status[i] == TENTATIVE:
            if tab.hits[i] >= prm.m_init:
                tab.status[i] = CONFIRMED
            elif tab.looks[i] - tab.hits[i] > prm.n_init - prm.m_init:
                tab.status[i] = FREE
        elif tab.misses[i] >= prm.max_misses or sigma_pos_m(tab.P[i]) > prm.max_sigma_pos_m:
            tab.status[i] = FREE
    slot = 0
    for j in range(k):
        if out[j] >= 0:
            continue
        while slot < cap and tab.status[slot] != FREE:
            slot += 1
        if slot >= cap:
            break
        _start_track(tab, slot, Z[j], R[j], site_ecef, site_enu, prm.inv_beta0,
                     prm.sigma_inv_beta0, prm.sigma_v0_mps)  # fmt: skip
        tab.t[slot] = t
        tab.status[slot] = CONFIRMED if prm.m_init <= 1 else TENTATIVE
        tab.ident[slot] = tab.next_ident[0]
        tab.next_ident[0] += 1
        tab.hits[slot] = 1
        tab.looks[slot] = 1
        tab.misses[slot] = 0
        tab.nis[slot] = math.nan
        out[j] = slot
