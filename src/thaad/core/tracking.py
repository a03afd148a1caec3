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
def propagate_state(x: np.ndarray, dt: float, env: Env, inv_beta: float, n_sub: int):
    """Fly a 6-state ``x`` forward by ``dt`` with RK4 (``n_sub`` substeps); returns new state.

    Drag uses ``a = -0.5 rho |v| v / beta`` (unit mass, ``CdA = 1/beta``).
    """
    y = np.empty(7)
    y[:6] = x
    y[6] = 1.0
    ph = coast_phase(inv_beta)
    k1 = np.empty(7)
    k2 = np.empty(7)
    k3 = np.empty(7)
    k4 = np.empty(7)
    tmp = np.empty(7)
    h = dt / n_sub
    for _ in range(n_sub):
        deriv(0.0, y, ph, env, 0.0, 0.0, 0.0, k1)
        for i in range(6):
            tmp[i] = y[i] + 0.5 * h * k1[i]
        tmp[6] = 1.0
        deriv(0.0, tmp, ph, env, 0.0, 0.0, 0.0, k2)
        for i in range(6):
            tmp[i] = y[i] + 0.5 * h * k2[i]
        deriv(0.0, tmp, ph, env, 0.0, 0.0, 0.0, k3)
        for i in range(6):
            tmp[i] = y[i] + h * k3[i]
        deriv(0.0, tmp, ph, env, 0.0, 0.0, 0.0, k4)
        for i in range(6):
            y[i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i])
    return y[:6].copy()


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
