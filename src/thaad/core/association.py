"""Data association: gating and the optimal assignment of detections to tracks.

Global nearest neighbour (Blackman and Popoli, *Design and Analysis of Modern Tracking
Systems*, 1999, sec. 6.3): every detection goes to at most one track and every track takes at
most one detection, so that the total cost is least. The cost of pairing track ``i`` with
detection ``j`` is the generalised distance ``d^2 + ln |S|`` (``d^2 = y^T S^-1 y``, ``S`` the
innovation covariance), which lets a tight track win a detection over a loose one inside both
gates; pairs outside the gate (``d^2 > gamma``) are forbidden. Each track also has its own
"missed" column of a large finite cost, so the assignment first pairs as many gated pairs as
it can and then picks the cheapest among those.

The assignment problem is solved exactly by the Hungarian method in its shortest augmenting
path form with row and column potentials, O(n^2 m) (Kuhn 1955; Munkres 1957; Jonker and
Volgenant, Computing 38, 1987); tested against :func:`scipy.optimize.linear_sum_assignment`.
"""

import math

import numpy as np

from thaad.core.jit import jit, leaf
from thaad.core.linalg import inv3_into
from thaad.core.tracking import measurement_into

FORBIDDEN = 1.0e12
MISS_COST = 1.0e6


@jit
def assign(cost: np.ndarray) -> np.ndarray:
    """Minimum-cost assignment of the rows of an ``(n, m)`` cost matrix, ``n <= m``.

    Returns ``col`` (n,): the column given to each row. Every row gets a distinct column.
    """
    n, m = cost.shape
    col = np.empty(n, np.int64)
    assign_into(cost, col, np.empty(n + 1 + 2 * (m + 1)), np.empty(3 * (m + 1), np.int64))
    return col


@leaf
def assign_into(cost: np.ndarray, col: np.ndarray, fbuf: np.ndarray, ibuf: np.ndarray) -> None:
    """:func:`assign` into ``col[:n]`` without allocating: ``fbuf`` (at least
    ``n + 1 + 2 (m + 1)``) and ``ibuf`` (int, at least ``3 (m + 1)``) are its work arrays."""
    n = cost.shape[0]
    m = cost.shape[1]
    for i in range(n + 1 + 2 * (m + 1)):
        fbuf[i] = 0.0
    for i in range(3 * (m + 1)):
        ibuf[i] = 0
    u = fbuf[: n + 1]
    v = fbuf[n + 1 : n + m + 2]
    minv = fbuf[n + m + 2 :]
    p = ibuf[: m + 1]  # p[j]: row (1-based) holding column j; 0 if none
    way = ibuf[m + 1 : 2 * (m + 1)]
    used = ibuf[2 * (m + 1) :]  # 1: column j is in the alternating tree
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        for j in range(m + 1):
            minv[j] = math.inf
            used[j] = 0
        while True:
            used[j0] = 1
            i0 = p[j0]
            delta = math.inf
            j1 = 0
            for j in range(1, m + 1):
                if not used[j]:
                    cur = cost[i0 - 1, j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j] = cur
                        way[j] = j0
                    if minv[j] < delta:
                        delta = minv[j]
                        j1 = j
            if j1 == 0:  # no finite cost left (NaN or inf): row i stays unassigned, no hang
                break
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    for i in range(n):
        col[i] = -1
    for j in range(1, m + 1):
        if p[j] > 0:
            col[p[j] - 1] = j - 1


@jit
def gate_distance(
    x: np.ndarray, P: np.ndarray, z: np.ndarray, R: np.ndarray, site_ecef: np.ndarray,
    site_enu: np.ndarray,
):  # fmt: skip
    """``(d^2, ln|S|)`` of a (range, az, el) detection against a track (linearised)."""
    return gate_distance_into(x, P, z, R, site_ecef, site_enu, np.empty((5, 3, 3)))


@leaf
def gate_distance_into(
    x: np.ndarray, P: np.ndarray, z: np.ndarray, R: np.ndarray, site_ecef: np.ndarray,
    site_enu: np.ndarray, work: np.ndarray,
):  # fmt: skip
    """:func:`gate_distance` without allocating: ``work`` is scratch of at least (5, 3, 3).

    The same operations in the same order as ``sandwich(H, P[:3, :3])``, ``inv3`` and
    ``quad3``, so the same bits. In two parts: :func:`gate_prepare` (the track's side, once
    per track and scan) and :func:`gate_distance_prepared` (each detection).
    """
    gate_prepare(x, P, site_ecef, site_enu, work)
    return gate_distance_prepared(z, R, work)


@leaf
def gate_prepare(
    x: np.ndarray, P: np.ndarray, site_ecef: np.ndarray, site_enu: np.ndarray, work: np.ndarray
) -> None:
    """The track's side of the gate into ``work``: ``h(x)`` (``work[1, 0]``), ``H``
    (``work[0]``) and ``H P H^T`` symmetrised (``work[2]``)."""
    H = work[0]
    hx = work[1, 0]
    c = work[3]
    T = work[2]
    measurement_into(x, site_ecef, site_enu, hx, H)
    for i in range(3):  # c = H P (as linalg.mm: zero terms skipped)
        for j in range(3):
            c[i, j] = 0.0
        for p in range(3):
            aip = H[i, p]
            if aip != 0.0:
                for j in range(3):
                    c[i, j] += aip * P[p, j]
    for i in range(3):  # T = c H^T (as linalg.mmt), then symmetrised as linalg.sandwich
        for j in range(3):
            acc = 0.0
            for p in range(3):
                acc += c[i, p] * H[j, p]
            T[i, j] = acc
    for i in range(3):
        for j in range(i + 1, 3):
            v = 0.5 * (T[i, j] + T[j, i])
            T[i, j] = v
            T[j, i] = v


@leaf
def gate_distance_prepared(z: np.ndarray, R: np.ndarray, work: np.ndarray):
    """``(d^2, ln|S|)`` of the detection ``z`` (covariance ``R``) against the track that
    :func:`gate_prepare` wrote into ``work``; ``S = H P H^T + R``."""
    hx = work[1, 0]
    T = work[2]
    S = work[3]
    Si = work[4]
    y0 = z[0] - hx[0]
    y1 = ((z[1] - hx[1]) + math.pi) % (2.0 * math.pi) - math.pi
    y2 = z[2] - hx[2]
    for i in range(3):
        for j in range(3):
            S[i, j] = T[i, j] + R[i, j]
    det = inv3_into(S, Si)
    d2 = 0.0
    for i in range(3):  # as linalg.quad3
        yi = y0 if i == 0 else (y1 if i == 1 else y2)
        for j in range(3):
            yj = y0 if j == 0 else (y1 if j == 1 else y2)
            d2 += yi * Si[i, j] * yj
    return d2, math.log(max(det, 1e-300))
