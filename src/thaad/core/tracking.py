"""Extended Kalman filter for a ballistic object tracked by a radar (filterpy-style names).

State ``x = (r, v)`` in ECEF (m, m/s); covariance ``P`` (6x6). Prediction flies the state
with the flight equations (gravity, Earth rotation, drag with the filter's assumed ballistic
coefficient) by RK4 and the covariance with the transition ``F = I + A dt + (A dt)^2 / 2``
of the linearised dynamics ``A = [[0, I], [G + Wc, -2 [w]x]]`` (``G`` the point-mass
gravity gradient, ``Wc`` the centrifugal term), plus the continuous white-noise
acceleration ``Q`` of spectral density ``q`` (Bar-Shalom, Li and Kirubarajan,
*Estimation with Applications to Tracking and Navigation*, 2001, sec. 6.2.2).

The measurement is ``z = (range, azimuth, elevation)`` from the radar site with
``H = dz/dr`` taken analytically; the update uses the Joseph form (ibid. sec. 5.2.3).
"""

import math

import numba as nb
import numpy as np

from thaad.core.constants import OMEGA_EARTH_RADPS
from thaad.core.earth import aer_to_ecef, ecef_to_aer, gravity_gradient
from thaad.core.flight import Env, coast_phase, deriv

_jit = nb.njit(cache=True)


@_jit
def propagate_into(x: np.ndarray, dt: float, env: Env, inv_beta: float, n_sub: int,
                   buf: np.ndarray) -> None:  # fmt: skip
    """Fly a 6-state ``x`` forward by ``dt`` in place with RK4 (``n_sub`` substeps).

    Drag uses ``a = -0.5 rho |v| v / beta`` (unit mass, ``CdA = 1/beta``). ``buf`` is a
    (6, 7) scratch array.
    """
    y = buf[0]
    k1 = buf[1]
    k2 = buf[2]
    k3 = buf[3]
    k4 = buf[4]
    tmp = buf[5]
    y[:6] = x
    y[6] = 1.0
    tmp[6] = 1.0
    ph = coast_phase(inv_beta)
    h = dt / n_sub
    for _ in range(n_sub):
        deriv(0.0, y, ph, env, 0.0, 0.0, 0.0, k1)
        for i in range(6):
            tmp[i] = y[i] + 0.5 * h * k1[i]
        deriv(0.0, tmp, ph, env, 0.0, 0.0, 0.0, k2)
        for i in range(6):
            tmp[i] = y[i] + 0.5 * h * k2[i]
        deriv(0.0, tmp, ph, env, 0.0, 0.0, 0.0, k3)
        for i in range(6):
            tmp[i] = y[i] + h * k3[i]
        deriv(0.0, tmp, ph, env, 0.0, 0.0, 0.0, k4)
        for i in range(6):
            y[i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i])
    x[:] = y[:6]


@_jit
def propagate_state(x: np.ndarray, dt: float, env: Env, inv_beta: float, n_sub: int):
    """Fly a 6-state ``x`` forward by ``dt`` with RK4; returns the new state."""
    out = x.copy()
    propagate_into(out, dt, env, inv_beta, n_sub, np.empty((6, 7)))
    return out


@_jit
def transition(x: np.ndarray, dt: float, env: Env) -> np.ndarray:
    """State transition ``F`` over ``dt`` (second-order series of the linearised dynamics)."""
    a = np.zeros((6, 6))
    for i in range(3):
        a[i, 3 + i] = 1.0
    g = gravity_gradient(x[:3])
    a[3:, :3] = g
    if env.rotation != 0:
        w = OMEGA_EARTH_RADPS
        a[3, 0] += w * w
        a[4, 1] += w * w
        a[3, 4] += 2.0 * w
        a[4, 3] -= 2.0 * w
    ad = a * dt
    f = np.eye(6) + ad + 0.5 * (ad @ ad)
    return f


@_jit
def process_noise(dt: float, q: float) -> np.ndarray:
    """Discrete white-noise-acceleration ``Q`` for spectral density ``q`` (m^2/s^3)."""
    qm = np.zeros((6, 6))
    for i in range(3):
        qm[i, i] = q * dt**3 / 3.0
        qm[i, 3 + i] = q * dt**2 / 2.0
        qm[3 + i, i] = q * dt**2 / 2.0
        qm[3 + i, 3 + i] = q * dt
    return qm


@_jit
def ekf_predict(x: np.ndarray, P: np.ndarray, dt: float, env: Env, inv_beta: float, q: float):
    """Predict ``(x, P)`` forward by ``dt``; returns new arrays."""
    if dt <= 0.0:
        return x.copy(), P.copy()
    n_sub = max(1, int(math.ceil(dt / 2.0)))
    F = transition(x, dt, env)
    xn = propagate_state(x, dt, env, inv_beta, n_sub)
    Pn = F @ P @ F.T + process_noise(dt, q)
    return xn, 0.5 * (Pn + Pn.T)


@_jit
def measurement_jacobian(x: np.ndarray, site_ecef: np.ndarray, site_enu: np.ndarray):
    """``h(x) = (range, az, el)`` and its Jacobian ``H`` (3x6)."""
    az, el, rng = ecef_to_aer(site_ecef, site_enu, x[:3])
    d = x[:3] - site_ecef
    e = site_enu[0] @ d
    n = site_enu[1] @ d
    u = site_enu[2] @ d
    s2 = e * e + n * n
    s = math.sqrt(s2)
    r2 = rng * rng
    d_enu = np.zeros((3, 3))
    d_enu[0, 0] = e / rng
    d_enu[0, 1] = n / rng
    d_enu[0, 2] = u / rng
    d_enu[1, 0] = n / s2
    d_enu[1, 1] = -e / s2
    d_enu[2, 0] = -e * u / (r2 * s)
    d_enu[2, 1] = -n * u / (r2 * s)
    d_enu[2, 2] = s / r2
    H = np.zeros((3, 6))
    H[:, :3] = d_enu @ site_enu
    return np.array([rng, az, el]), H


@_jit
def ekf_update(
    x: np.ndarray, P: np.ndarray, z: np.ndarray, R: np.ndarray, site_ecef: np.ndarray,
    site_enu: np.ndarray,
):  # fmt: skip
    """Update with one (range, az, el) measurement; returns ``(x, P, nis)``."""
    hx, H = measurement_jacobian(x, site_ecef, site_enu)
    y = z - hx
    y[1] = (y[1] + math.pi) % (2.0 * math.pi) - math.pi
    S = H @ P @ H.T + R
    Si = np.linalg.inv(S)
    K = P @ H.T @ Si
    xn = x + K @ y
    ikh = np.eye(6) - K @ H
    Pn = ikh @ P @ ikh.T + K @ R @ K.T
    nis = y @ Si @ y
    return xn, 0.5 * (Pn + Pn.T), nis


@_jit
def measurement_to_ecef(site_ecef: np.ndarray, site_enu: np.ndarray, z: np.ndarray):
    """ECEF point of a (range, az, el) measurement."""
    return aer_to_ecef(site_ecef, site_enu, z[1], z[2], z[0])


@_jit
def measurement_cov_ecef(site_enu: np.ndarray, z: np.ndarray, R: np.ndarray) -> np.ndarray:
    """Cartesian covariance of a (range, az, el) measurement (first-order conversion)."""
    rng = z[0]
    az = z[1]
    el = z[2]
    ce = math.cos(el)
    se = math.sin(el)
    sa = math.sin(az)
    ca = math.cos(az)
    J = np.empty((3, 3))  # d(e, n, u)/d(range, az, el)
    J[0, 0] = ce * sa
    J[0, 1] = rng * ce * ca
    J[0, 2] = -rng * se * sa
    J[1, 0] = ce * ca
    J[1, 1] = -rng * ce * sa
    J[1, 2] = -rng * se * ca
    J[2, 0] = se
    J[2, 1] = 0.0
    J[2, 2] = rng * ce
    Je = site_enu.T @ J
    return Je @ R @ Je.T


@_jit
def ekf_predict_into(
    x: np.ndarray, P: np.ndarray, dt: float, env: Env, inv_beta: float, q: float,
    work: np.ndarray,
) -> None:  # fmt: skip
    """In-place :func:`ekf_predict` without allocation (the engagement loop's hot path).

    ``work`` is a (3, 6, 6) scratch array. Same model: ``F = I + A dt + (A dt)^2 / 2`` with
    ``A = [[0, I], [G + Wc, -2 [w]x]]``, ``P <- F P F^T + Q``.
    """
    if dt <= 0.0:
        return
    F = work[0]
    T = work[1]
    # A in blocks: A12 = I, A21 = G + Wc, A22 = C (Coriolis), A11 = 0
    r2 = x[0] * x[0] + x[1] * x[1] + x[2] * x[2]
    k = 3.986004418e14 / (r2 * math.sqrt(r2))
    G = T[:3, :3]
    for i in range(3):
        for j in range(3):
            G[i, j] = 3.0 * k * x[i] * x[j] / r2
        G[i, i] -= k
    w = OMEGA_EARTH_RADPS if env.rotation != 0 else 0.0
    G[0, 0] += w * w
    G[1, 1] += w * w
    c01 = 2.0 * w  # a_x gets +2 w v_y, a_y gets -2 w v_x
    # F = I + A dt + A^2 dt^2 / 2 with A^2 = [[A21, A22], [A22 A21, A21 + A22^2]]
    h = dt
    h2 = 0.5 * dt * dt
    for i in range(6):
        for j in range(6):
            F[i, j] = 0.0
        F[i, i] = 1.0
    for i in range(3):
        F[i, 3 + i] += h
        for j in range(3):
            F[i, j] += h2 * G[i, j]  # (A^2)11 = A21
            F[3 + i, j] += h * G[i, j]  # A21
            F[3 + i, 3 + j] += h2 * G[i, j]  # (A^2)22 ~ A21 (+ A22^2, dropped: O(w^2))
    # Coriolis block A22 = [[0, c, 0], [-c, 0, 0], [0, 0, 0]]
    F[3, 4] += h * c01
    F[4, 3] -= h * c01
    F[0, 4] += h2 * c01  # (A^2)12 = A22
    F[1, 3] -= h2 * c01
    # (A^2)21 = A22 A21
    for j in range(3):
        F[3, j] += h2 * c01 * G[1, j]
        F[4, j] -= h2 * c01 * G[0, j]
    # T = F P
    for i in range(6):
        for j in range(6):
            s = 0.0
            for m in range(6):
                s += F[i, m] * P[m, j]
            T[i, j] = s
    # P = T F^T + Q
    q3 = q * dt**3 / 3.0
    q2 = q * dt**2 / 2.0
    q1 = q * dt
    for i in range(6):
        for j in range(i, 6):
            s = 0.0
            for m in range(6):
                s += T[i, m] * F[j, m]
            P[i, j] = s
    for i in range(3):
        P[i, i] += q3
        P[i, 3 + i] += q2
        P[3 + i, 3 + i] += q1
    for i in range(6):
        for j in range(i):
            P[i, j] = P[j, i]
    propagate_into(x, dt, env, inv_beta, max(1, math.ceil(dt / 2.0)), work[2])


@_jit
def ekf_update_into(
    x: np.ndarray, P: np.ndarray, z: np.ndarray, R: np.ndarray, site_ecef: np.ndarray,
    site_enu: np.ndarray, work: np.ndarray,
) -> float:  # fmt: skip
    """In-place :func:`ekf_update` without allocation; returns the NIS.

    Uses ``P <- P - K S K^T`` (symmetric form); ``H`` has no velocity part, so only the
    first three columns of ``P H^T`` are formed. ``work`` is a (3, 6, 6) scratch array.
    """
    az, el, rng = ecef_to_aer(site_ecef, site_enu, x[:3])
    dx = x[0] - site_ecef[0]
    dy = x[1] - site_ecef[1]
    dz = x[2] - site_ecef[2]
    e = site_enu[0, 0] * dx + site_enu[0, 1] * dy + site_enu[0, 2] * dz
    n = site_enu[1, 0] * dx + site_enu[1, 1] * dy + site_enu[1, 2] * dz
    u = site_enu[2, 0] * dx + site_enu[2, 1] * dy + site_enu[2, 2] * dz
    s2 = e * e + n * n
    s = math.sqrt(s2)
    r2 = rng * rng
    Hs = work[0]  # rows 0..2, cols 0..2: dz/d(position)
    d00, d01, d02 = e / rng, n / rng, u / rng
    d10, d11 = n / s2, -e / s2
    d20, d21, d22 = -e * u / (r2 * s), -n * u / (r2 * s), s / r2
    for j in range(3):
        Hs[0, j] = d00 * site_enu[0, j] + d01 * site_enu[1, j] + d02 * site_enu[2, j]
        Hs[1, j] = d10 * site_enu[0, j] + d11 * site_enu[1, j]
        Hs[2, j] = d20 * site_enu[0, j] + d21 * site_enu[1, j] + d22 * site_enu[2, j]
    PHt = work[1]  # (6, 3) in the first three columns
    for i in range(6):
        for k in range(3):
            acc = 0.0
            for j in range(3):
                acc += P[i, j] * Hs[k, j]
            PHt[i, k] = acc
    S = work[2]
    for a in range(3):
        for b in range(3):
            acc = R[a, b]
            for j in range(3):
                acc += Hs[a, j] * PHt[j, b]
            S[a, b] = acc
    # inverse of the symmetric 3x3 S by cofactors
    c00 = S[1, 1] * S[2, 2] - S[1, 2] * S[2, 1]
    c01 = S[1, 2] * S[2, 0] - S[1, 0] * S[2, 2]
    c02 = S[1, 0] * S[2, 1] - S[1, 1] * S[2, 0]
    det = S[0, 0] * c00 + S[0, 1] * c01 + S[0, 2] * c02
    Si = work[2, 3:6, 3:6]
    Si[0, 0] = c00 / det
    Si[1, 0] = c01 / det
    Si[2, 0] = c02 / det
    Si[0, 1] = (S[0, 2] * S[2, 1] - S[0, 1] * S[2, 2]) / det
    Si[1, 1] = (S[0, 0] * S[2, 2] - S[0, 2] * S[2, 0]) / det
    Si[2, 1] = (S[0, 1] * S[2, 0] - S[0, 0] * S[2, 1]) / det
    Si[0, 2] = (S[0, 1] * S[1, 2] - S[0, 2] * S[1, 1]) / det
    Si[1, 2] = (S[0, 2] * S[1, 0] - S[0, 0] * S[1, 2]) / det
    Si[2, 2] = (S[0, 0] * S[1, 1] - S[0, 1] * S[1, 0]) / det
    y0 = z[0] - rng
    y1 = (z[1] - az + math.pi) % (2.0 * math.pi) - math.pi
    y2 = z[2] - el
    K = work[0, :, 3:6]  # (6, 3)
    for i in range(6):
        for b in range(3):
            K[i, b] = PHt[i, 0] * Si[0, b] + PHt[i, 1] * Si[1, b] + PHt[i, 2] * Si[2, b]
    for i in range(6):
        x[i] += K[i, 0] * y0 + K[i, 1] * y1 + K[i, 2] * y2
    # P <- P - K (P H^T)^T  (= P - K S K^T)
    for i in range(6):
        for j in range(i, 6):
            v = P[i, j] - (K[i, 0] * PHt[j, 0] + K[i, 1] * PHt[j, 1] + K[i, 2] * PHt[j, 2])
            P[i, j] = v
            P[j, i] = v
    nis = 0.0
    yv = (y0, y1, y2)
    for a in range(3):
        for b in range(3):
            nis += yv[a] * Si[a, b] * yv[b]
    return nis
