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

Ballistic filters with the ballistic coefficient estimated
----------------------------------------------------------
The 7-state filters (``*_bal``) carry ``x = (r, v, b)`` with ``b = 1/beta`` (m^2/kg), the
inverse ballistic coefficient, so that drag ``a = -0.5 rho |v| v b`` is linear in it; ``b`` is
a random walk of spectral density ``q_b`` and becomes observable once drag is felt (reentry).
Dynamics: gravity (the scenario's model), Coriolis and centrifugal terms, drag relative to
the rotating atmosphere. The extended filter integrates the state by RK4 and the transition
matrix along it, ``F = prod (I + A h + (A h)^2 / 2)`` over substeps of at most 1 s, with the
analytic Jacobian ``A`` of the 7-state dynamics (point-mass gravity gradient, the density
gradient by a central difference). The unscented filter (Julier and Uhlmann, Proc. IEEE
92(3), 2004; Wan and van der Merwe 2000) propagates 2n + 1 sigma points (alpha 1, beta 2,
kappa 0) through the same RK4 flight and the radar measurement, with the azimuth residuals
wrapped. A track starts from one measurement: its position, zero velocity with a standard
deviation ``sigma_v0`` per axis, and the prior ``b0 +- sigma_b0``.

The predicted impact point flies the state to the ground (height 0 above the Earth model);
its uncertainty is the unscented transform of the state covariance through that flight,
expressed in east/north metres at the mean impact point.
"""

import math

import numba as nb
import numpy as np

from thaad.core.atmosphere import density_kgpm3
from thaad.core.constants import (
    EARTH_SPHERICAL,
    MU_EARTH_M3PS2,
    OMEGA_EARTH_RADPS,
    WGS84_A_M,
    WGS84_F,
)
from thaad.core.earth import (
    aer_to_ecef,
    altitude_m,
    approx_altitude_m,
    ecef_to_aer,
    ecef_to_geodetic,
    enu_basis,
    gravity_gradient,
    gravity_xyz,
)
from thaad.core.flight import Env, coast_phase, rk4_step
from thaad.core.linalg import (
    add_outer,
    cholesky,
    inv3,
    inv3_into,
    mm,
    mmt,
    mv,
    quad3,
    sandwich,
)

_jit = nb.njit(cache=True)

_NO_COMMAND = np.zeros(3)  # no commanded acceleration


@_jit
def propagate_into(x: np.ndarray, dt: float, env: Env, inv_beta: float, n_sub: int,
                   buf: np.ndarray) -> None:  # fmt: skip
    """Fly a 6-state ``x`` forward by ``dt`` in place with RK4 (``n_sub`` substeps).

    Drag uses ``a = -0.5 rho |v| v / beta`` (unit mass, ``CdA = 1/beta``). ``buf`` is a
    scratch array of at least (6, 7).
    """
    if buf.shape[0] < 6 or buf.shape[1] < 7:
        raise ValueError("propagate_into: buf must be at least (6, 7)")
    y = buf[5, :7]
    y[:6] = x
    y[6] = 1.0
    ph = coast_phase(inv_beta)
    h = dt / n_sub
    for _ in range(n_sub):
        rk4_step(0.0, y, h, ph, env, _NO_COMMAND, buf[:5, :7])
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
    """``h(x) = (range, az, el)`` and its Jacobian ``H`` (3 x n, zero past the position)."""
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
    H = np.zeros((3, x.shape[0]))
    H[:, :3] = d_enu @ site_enu
    return np.array([rng, az, el]), H


@_jit
def ekf_update(
    x: np.ndarray, P: np.ndarray, z: np.ndarray, R: np.ndarray, site_ecef: np.ndarray,
    site_enu: np.ndarray,
):  # fmt: skip
    """Update with one (range, az, el) measurement; returns ``(x, P, nis)``.

    Works for any state whose first three components are the ECEF position (6 or 7 states).
    """
    hx, H = measurement_jacobian(x, site_ecef, site_enu)
    y = z - hx
    y[1] = (y[1] + math.pi) % (2.0 * math.pi) - math.pi
    S = H @ P @ H.T + R
    Si = np.linalg.inv(S)
    K = P @ H.T @ Si
    xn = x + K @ y
    ikh = np.eye(x.shape[0]) - K @ H
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

    ``work`` is a scratch array of at least (3, 7, 7). Same model:
    ``F = I + A dt + (A dt)^2 / 2`` with ``A = [[0, I], [G + Wc, -2 [w]x]]``,
    ``P <- F P F^T + Q``.
    """
    if dt <= 0.0:
        return
    if work.shape[0] < 3 or work.shape[1] < 7 or work.shape[2] < 7:
        raise ValueError("ekf_predict_into: work must be at least (3, 7, 7)")
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

    The same update as the ballistic filter's (:func:`ekf_update_bal_into`), for the 6-state;
    ``work`` is a (5, 7, 7) scratch array.
    """
    return ekf_update_bal_into(x, P, z, R, site_ecef, site_enu, work)


# ----------------------------------------------------------------------------- ballistic 7-state

N_BAL = 7
FILTER_EKF = 0
FILTER_UKF = 1
MAX_SUBSTEP_S = 1.0
UKF_ALPHA = 1.0
UKF_BETA = 2.0
UKF_KAPPA = 0.0


@_jit
def ballistic_jacobian(x: np.ndarray, env: Env) -> np.ndarray:
    """``A = df/dx`` of the 7-state ballistic dynamics ``(r, v, b)``."""
    a = np.zeros((7, 7))
    for i in range(3):
        a[i, 3 + i] = 1.0
    g = gravity_gradient(x[:3])
    for i in range(3):
        for j in range(3):
            a[3 + i, j] = g[i, j]
    if env.rotation != 0:
        w = OMEGA_EARTH_RADPS
        a[3, 0] += w * w
        a[4, 1] += w * w
        a[3, 4] += 2.0 * w
        a[4, 3] -= 2.0 * w
    if env.atmosphere != 0:
        h = approx_altitude_m(x[0], x[1], x[2], env.earth)
        if h < 1.0e6:
            rho = density_kgpm3(h, env.atmosphere)
            dh = 50.0
            drho = (density_kgpm3(h + dh, env.atmosphere)
                    - density_kgpm3(max(h - dh, -1000.0), env.atmosphere)) / (2.0 * dh)  # fmt: skip
            vn = math.sqrt(x[3] * x[3] + x[4] * x[4] + x[5] * x[5])
            b = x[6]
            rn = math.sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2])
            # gradient of the height the air model uses: |r| - a (1 - f sin^2 lat_c)
            gh = np.empty(3)
            for j in range(3):
                gh[j] = x[j] / rn
            if env.earth != EARTH_SPHERICAL:
                sz = x[2] / rn
                c = 2.0 * WGS84_A_M * WGS84_F * sz / rn
                for j in range(3):
                    gh[j] += c * ((1.0 if j == 2 else 0.0) - sz * x[j] / rn)
            for i in range(3):
                vi = x[3 + i]
                for j in range(3):
                    # d(-0.5 rho vn v_i b)/d r_j through rho(h)
                    a[3 + i, j] += -0.5 * vn * vi * b * drho * gh[j]
                    if vn > 0.0:
                        a[3 + i, 3 + j] += -0.5 * rho * b * vi * x[3 + j] / vn
                a[3 + i, 3 + i] += -0.5 * rho * b * vn
                a[3 + i, 6] = -0.5 * rho * vn * vi
    return a


@_jit
def ballistic_deriv(x: np.ndarray, env: Env, out: np.ndarray) -> None:
    """``dx/dt`` of the 7-state: gravity, Coriolis and centrifugal terms, drag
    ``-0.5 rho |v| v b`` (``b`` is not clipped: the filters' model stays linear in it)."""
    gx, gy, gz = gravity_xyz(x[0], x[1], x[2], env.gravity)
    vx = x[3]
    vy = x[4]
    vz = x[5]
    if env.rotation != 0:
        w = OMEGA_EARTH_RADPS
        gx += 2.0 * w * vy + w * w * x[0]
        gy += -2.0 * w * vx + w * w * x[1]
    if env.atmosphere != 0 and x[6] != 0.0:
        h = approx_altitude_m(x[0], x[1], x[2], env.earth)
        if h < 1.0e6:
            k = -0.5 * density_kgpm3(h, env.atmosphere) * math.sqrt(vx * vx + vy * vy + vz * vz)
            k *= x[6]
            gx += k * vx
            gy += k * vy
            gz += k * vz
    out[0] = vx
    out[1] = vy
    out[2] = vz
    out[3] = gx
    out[4] = gy
    out[5] = gz
    out[6] = 0.0


@_jit
def propagate_bal(x: np.ndarray, dt: float, env: Env) -> np.ndarray:
    """Fly a 7-state forward by ``dt`` (RK4, substeps of at most 1 s); ``b`` is held."""
    y = x.copy()
    if dt == 0.0:
        return y
    n_sub = max(1, int(math.ceil(abs(dt) / MAX_SUBSTEP_S)))
    h = dt / n_sub
    k1 = np.empty(7)
    k2 = np.empty(7)
    k3 = np.empty(7)
    k4 = np.empty(7)
    tmp = np.empty(7)
    for _ in range(n_sub):
        ballistic_deriv(y, env, k1)
        for i in range(7):
            tmp[i] = y[i] + 0.5 * h * k1[i]
        ballistic_deriv(tmp, env, k2)
        for i in range(7):
            tmp[i] = y[i] + 0.5 * h * k2[i]
        ballistic_deriv(tmp, env, k3)
        for i in range(7):
            tmp[i] = y[i] + h * k3[i]
        ballistic_deriv(tmp, env, k4)
        for i in range(7):
            y[i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i])
    return y


@_jit
def process_noise_bal(dt: float, q: float, q_b: float) -> np.ndarray:
    """White-noise acceleration ``q`` (m^2/s^3) on ``(r, v)``, random walk ``q_b`` on ``b``."""
    qm = np.zeros((7, 7))
    for i in range(3):
        qm[i, i] = q * dt**3 / 3.0
        qm[i, 3 + i] = q * dt**2 / 2.0
        qm[3 + i, i] = q * dt**2 / 2.0
        qm[3 + i, 3 + i] = q * dt
    qm[6, 6] = q_b * dt
    return qm


@_jit
def ekf_predict_bal(x: np.ndarray, P: np.ndarray, dt: float, env: Env, q: float, q_b: float):
    """Extended-filter prediction of the 7-state over ``dt``; returns new ``(x, P)``."""
    if dt <= 0.0:
        return x.copy(), P.copy()
    n_sub = max(1, int(math.ceil(dt / MAX_SUBSTEP_S)))
    h = dt / n_sub
    F = np.zeros((7, 7))
    for i in range(7):
        F[i, i] = 1.0
    xs = x.copy()
    for _ in range(n_sub):
        ah = ballistic_jacobian(xs, env)
        for i in range(7):
            for j in range(7):
                ah[i, j] *= h
        fs = mm(ah, ah)
        for i in range(7):
            for j in range(7):
                fs[i, j] = 0.5 * fs[i, j] + ah[i, j]
            fs[i, i] += 1.0
        F = mm(fs, F)
        xs = propagate_bal(xs, h, env)
    Pn = sandwich(F, P)
    Pn += process_noise_bal(dt, q, q_b)
    return xs, Pn


@_jit
def measure_aer(x: np.ndarray, site_ecef: np.ndarray, site_enu: np.ndarray):
    """``h(x) = (range, az, el)`` and its 3x3 Jacobian with respect to the position."""
    az, el, rng = ecef_to_aer(site_ecef, site_enu, x[:3])
    dx = x[0] - site_ecef[0]
    dy = x[1] - site_ecef[1]
    dz = x[2] - site_ecef[2]
    e = site_enu[0, 0] * dx + site_enu[0, 1] * dy + site_enu[0, 2] * dz
    n = site_enu[1, 0] * dx + site_enu[1, 1] * dy + site_enu[1, 2] * dz
    u = site_enu[2, 0] * dx + site_enu[2, 1] * dy + site_enu[2, 2] * dz
    s2 = max(e * e + n * n, 1e-30)
    s = math.sqrt(s2)
    r2 = rng * rng
    h = np.empty((3, 3))
    for j in range(3):
        de = site_enu[0, j]
        dn = site_enu[1, j]
        du = site_enu[2, j]
        h[0, j] = (e * de + n * dn + u * du) / rng
        h[1, j] = (n * de - e * dn) / s2
        h[2, j] = (-e * u * de / (r2 * s)) - (n * u * dn / (r2 * s)) + s * du / r2
    z = np.empty(3)
    z[0] = rng
    z[1] = az
    z[2] = el
    return z, h


@_jit
def ekf_update_bal(
    x: np.ndarray, P: np.ndarray, z: np.ndarray, R: np.ndarray, site_ecef: np.ndarray,
    site_enu: np.ndarray,
):  # fmt: skip
    """Extended-filter update (Joseph form) with one (range, az, el) measurement of a state
    whose first three components are the ECEF position; returns ``(x, P, nis)``."""
    n = x.shape[0]
    hx, hp = measure_aer(x, site_ecef, site_enu)
    y = z - hx
    y[1] = (y[1] + math.pi) % (2.0 * math.pi) - math.pi
    pht = mmt(P[:, :3].copy(), hp)  # n x 3
    S = mm(hp, pht[:3].copy())
    for i in range(3):
        for j in range(3):
            S[i, j] += R[i, j]
    Si, _ = inv3(S)
    K = mm(pht, Si)
    xn = x + mv(K, y)
    ikh = np.zeros((n, n))
    for i in range(n):
        ikh[i, i] = 1.0
        for j in range(3):
            s = 0.0
            for k in range(3):
                s += K[i, k] * hp[k, j]
            ikh[i, j] -= s
    Pn = sandwich(ikh, P)
    Pn += sandwich(K, R)
    return xn, Pn, quad3(y, Si)


@_jit
def _ukf_weights(n: int):
    lam = UKF_ALPHA * UKF_ALPHA * (n + UKF_KAPPA) - n
    wm = np.full(2 * n + 1, 0.5 / (n + lam))
    wc = wm.copy()
    wm[0] = lam / (n + lam)
    wc[0] = wm[0] + (1.0 - UKF_ALPHA * UKF_ALPHA + UKF_BETA)
    return wm, wc, n + lam


@_jit
def sigma_points(x: np.ndarray, P: np.ndarray) -> np.ndarray:
    """The 2n + 1 sigma points (rows) of ``(x, P)``."""
    n = x.shape[0]
    _, _, c = _ukf_weights(n)
    L = cholesky(P)
    sc = math.sqrt(c)
    pts = np.empty((2 * n + 1, n))
    pts[0] = x
    for i in range(n):
        for k in range(n):
            pts[1 + i, k] = x[k] + sc * L[k, i]
            pts[1 + n + i, k] = x[k] - sc * L[k, i]
    return pts


@_jit
def ukf_predict_bal(x: np.ndarray, P: np.ndarray, dt: float, env: Env, q: float, q_b: float):
    """Unscented prediction of the 7-state over ``dt``; returns new ``(x, P)``."""
    if dt <= 0.0:
        return x.copy(), P.copy()
    n = x.shape[0]
    wm, wc, _ = _ukf_weights(n)
    pts = sigma_points(x, P)
    m = pts.shape[0]
    for i in range(m):
        pts[i] = propagate_bal(pts[i], dt, env)
    xm = np.zeros(n)
    for i in range(m):
        for k in range(n):
            xm[k] += wm[i] * pts[i, k]
    Pn = process_noise_bal(dt, q, q_b)
    d = np.empty(n)
    for i in range(m):
        for k in range(n):
            d[k] = pts[i, k] - xm[k]
        add_outer(Pn, wc[i], d, d)
    return xm, Pn


@_jit
def ukf_update(
    x: np.ndarray, P: np.ndarray, z: np.ndarray, R: np.ndarray, site_ecef: np.ndarray,
    site_enu: np.ndarray,
):  # fmt: skip
    """Unscented update with one (range, az, el) measurement; returns ``(x, P, nis)``."""
    n = x.shape[0]
    wm, wc, _ = _ukf_weights(n)
    pts = sigma_points(x, P)
    m = pts.shape[0]
    zs = np.empty((m, 3))
    for i in range(m):
        az, el, rng = ecef_to_aer(site_ecef, site_enu, pts[i, :3])
        zs[i, 0] = rng
        zs[i, 1] = az
        zs[i, 2] = el
    az0 = zs[0, 1]
    for i in range(m):  # azimuths continuous about the central point
        zs[i, 1] = az0 + (zs[i, 1] - az0 + math.pi) % (2.0 * math.pi) - math.pi
    zm = np.zeros(3)
    xm = np.zeros(n)
    for i in range(m):
        for k in range(3):
            zm[k] += wm[i] * zs[i, k]
        for k in range(n):
            xm[k] += wm[i] * pts[i, k]
    S = R.copy()
    C = np.zeros((n, 3))
    dz = np.empty(3)
    dx = np.empty(n)
    for i in range(m):
        for k in range(3):
            dz[k] = zs[i, k] - zm[k]
        for k in range(n):
            dx[k] = pts[i, k] - xm[k]
        add_outer(S, wc[i], dz, dz)
        add_outer(C, wc[i], dx, dz)
    y = z - zm
    y[1] = (y[1] + math.pi) % (2.0 * math.pi) - math.pi
    Si, _ = inv3(S)
    K = mm(C, Si)
    xn = x + mv(K, y)
    Pn = P - mmt(mm(K, S), K)
    for i in range(n):
        for j in range(i + 1, n):
            s = 0.5 * (Pn[i, j] + Pn[j, i])
            Pn[i, j] = s
            Pn[j, i] = s
    return xn, Pn, quad3(y, Si)


@_jit
def filter_predict(kind: int, x: np.ndarray, P: np.ndarray, dt: float, env: Env, q: float,
                   q_b: float):  # fmt: skip
    """Predict with the extended (``FILTER_EKF``) or unscented (``FILTER_UKF``) filter."""
    if kind == FILTER_UKF:
        return ukf_predict_bal(x, P, dt, env, q, q_b)
    xn = x.copy()
    Pn = P.copy()
    ekf_predict_bal_into(xn, Pn, dt, env, q, q_b, np.empty((5, 7, 7)))
    return xn, Pn


@_jit
def filter_update(kind: int, x: np.ndarray, P: np.ndarray, z: np.ndarray, R: np.ndarray,
                  site_ecef: np.ndarray, site_enu: np.ndarray):  # fmt: skip
    """Update with the extended or unscented filter; returns ``(x, P, nis)``."""
    if kind == FILTER_UKF:
        return ukf_update(x, P, z, R, site_ecef, site_enu)
    xn = x.copy()
    Pn = P.copy()
    nis = ekf_update_bal_into(xn, Pn, z, R, site_ecef, site_enu, np.empty((5, 7, 7)))
    return xn, Pn, nis


@_jit
def init_bal(
    z: np.ndarray, R: np.ndarray, site_ecef: np.ndarray, site_enu: np.ndarray, b0: float,
    sigma_b0: float, sigma_v0: float,
):  # fmt: skip
    """One-point initiation: the measured position with its covariance (first-order
    conversion), zero velocity +- ``sigma_v0`` per axis, ``b0 +- sigma_b0``."""
    x = np.zeros(7)
    x[:3] = aer_to_ecef(site_ecef, site_enu, z[1], z[2], z[0])
    x[6] = b0
    rng = z[0]
    ce = math.cos(z[2])
    se = math.sin(z[2])
    sa = math.sin(z[1])
    ca = math.cos(z[1])
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
    Je = np.empty((3, 3))  # d(ecef)/d(range, az, el) = enu^T J
    for i in range(3):
        for j in range(3):
            Je[i, j] = (site_enu[0, i] * J[0, j] + site_enu[1, i] * J[1, j]
                        + site_enu[2, i] * J[2, j])  # fmt: skip
    P = np.zeros((7, 7))
    P[:3, :3] = sandwich(Je, R)
    for i in range(3):
        P[3 + i, 3 + i] = sigma_v0 * sigma_v0
    P[6, 6] = sigma_b0 * sigma_b0
    return x, P


@_jit
def run_filter(
    kind: int, t: np.ndarray, Z: np.ndarray, R: np.ndarray, site_ecef: np.ndarray,
    site_enu: np.ndarray, env: Env, q: float, q_b: float, b0: float, sigma_b0: float,
    sigma_v0: float,
):  # fmt: skip
    """Filter one object's measurement stream.

    ``t`` (m,), ``Z`` (m, 3) range, azimuth, elevation, ``R`` (m, 3, 3). Returns the updated
    states ``(m, 7)``, covariances ``(m, 7, 7)`` and normalised innovations squared ``(m,)``
    (NaN for the first, which starts the track).
    """
    m = t.shape[0]
    xs = np.empty((m, 7))
    Ps = np.empty((m, 7, 7))
    nis = np.full(m, np.nan)
    if m == 0:
        return xs, Ps, nis
    x, P = init_bal(Z[0], R[0], site_ecef, site_enu, b0, sigma_b0, sigma_v0)
    xs[0] = x
    Ps[0] = P
    work = np.empty((5, 7, 7))
    for k in range(1, m):
        if kind == FILTER_UKF:
            x, P = ukf_predict_bal(x, P, t[k] - t[k - 1], env, q, q_b)
            x, P, nis[k] = ukf_update(x, P, Z[k], R[k], site_ecef, site_enu)
        else:
            ekf_predict_bal_into(x, P, t[k] - t[k - 1], env, q, q_b, work)
            nis[k] = ekf_update_bal_into(x, P, Z[k], R[k], site_ecef, site_enu, work)
        xs[k] = x
        Ps[k] = P
    return xs, Ps, nis


# ----------------------------------------------------------------------------- impact point


@_jit
def impact_point(x: np.ndarray, env: Env, t_max_s: float):
    """Fly a 7-state to the ground (height 0); returns ``(ok, t_s, r_ecef)``.

    A negative ``b`` is clipped to 0 (vacuum). RK4 steps of 2 s above 30 km and 0.25 s
    below; the crossing is found by bisection on the last step. ``ok`` is False if the
    object is still up after ``t_max_s``.
    """
    y = x.copy()
    y[6] = max(y[6], 0.0)
    t = 0.0
    h_now = altitude_m(y[:3], env.earth)
    if h_now <= 0.0:
        return True, 0.0, y[:3].copy()
    while t < t_max_s:
        step = 2.0 if h_now > 30e3 else 0.25
        yn = propagate_bal(y, step, env)
        hn = altitude_m(yn[:3], env.earth)
        if hn <= 0.0:
            lo = 0.0
            hi = step
            for _ in range(40):
                mid = 0.5 * (lo + hi)
                ym = propagate_bal(y, mid, env)
                if altitude_m(ym[:3], env.earth) > 0.0:
                    lo = mid
                else:
                    hi = mid
            yi = propagate_bal(y, 0.5 * (lo + hi), env)
            return True, t + 0.5 * (lo + hi), yi[:3].copy()
        y = yn
        h_now = hn
        t += step
    return False, t, y[:3].copy()


@_jit
def impact_with_uncertainty(x: np.ndarray, P: np.ndarray, env: Env, t_max_s: float):
    """Predicted impact point and its uncertainty.

    The state itself is flown to the ground (the prediction); the 2n other sigma points of
    ``(x, P)`` are flown too, and their scatter about it gives the 2x2 covariance (m^2) in
    east and north metres at the predicted point. Taking the scatter about the flown state
    rather than the sigma points' mean keeps the prediction unbiased where a sigma point is
    clipped (a negative ``b`` flies in vacuum). Returns ``(ok, lat_rad, lon_rad, t_s, cov_en)``
    with ``t_s`` the time to impact from the state's epoch.
    """
    n = x.shape[0]
    _, wc, _ = _ukf_weights(n)
    pts = sigma_points(x, P)
    m = pts.shape[0]
    cov = np.full((2, 2), np.nan)
    ok, t0, r0 = impact_point(x, env, t_max_s)
    if not ok:
        return False, math.nan, math.nan, math.nan, cov
    lat, lon, _ = ecef_to_geodetic(r0[0], r0[1], r0[2], env.earth)
    b = enu_basis(lat, lon)
    cov[:, :] = 0.0
    for i in range(1, m):
        ok, _, ri = impact_point(pts[i], env, t_max_s)
        if not ok:
            return False, lat, lon, t0, np.full((2, 2), np.nan)
        e = 0.0
        nn = 0.0
        for k in range(3):
            e += b[0, k] * (ri[k] - r0[k])
            nn += b[1, k] * (ri[k] - r0[k])
        cov[0, 0] += wc[i] * e * e
        cov[0, 1] += wc[i] * e * nn
        cov[1, 1] += wc[i] * nn * nn
    cov[1, 0] = cov[0, 1]
    return True, lat, lon, t0, cov


# ----------------------------------------------------------------------------- in-place EKF


@_jit
def ekf_predict_bal_into(
    x: np.ndarray, P: np.ndarray, dt: float, env: Env, q: float, q_b: float, work: np.ndarray
) -> None:
    """In-place, allocation-free :func:`ekf_predict_bal` (the multi-object tracker's path).

    ``work`` is a (5, 7, 7) scratch array. With ``A = [[0, I, 0], [G, C, d], [0, 0, 0]]``
    the substep transition ``I + A h + (A h)^2 / 2`` is formed block by block.
    """
    if dt <= 0.0:
        return
    n_sub = max(1, int(math.ceil(dt / MAX_SUBSTEP_S)))
    h = dt / n_sub
    F = work[0]
    fs = work[1]
    T = work[2]
    buf = work[3]  # rows 0-4: RK4 stages (7 each)
    a = work[4]
    for i in range(7):
        for j in range(7):
            F[i, j] = 0.0
        F[i, i] = 1.0
    h2 = 0.5 * h * h
    for _ in range(n_sub):
        _jacobian_into(x, env, a)
        for i in range(7):
            for j in range(7):
                fs[i, j] = 0.0
            fs[i, i] = 1.0
        for i in range(3):
            fs[i, 3 + i] += h
            fs[i, 6] = h2 * a[3 + i, 6]
            cd = 0.0
            for m in range(3):
                cd += a[3 + i, 3 + m] * a[3 + m, 6]
            fs[3 + i, 6] = h * a[3 + i, 6] + h2 * cd
            for j in range(3):
                g = a[3 + i, j]
                c = a[3 + i, 3 + j]
                cg = 0.0
                cc = 0.0
                for m in range(3):
                    cg += a[3 + i, 3 + m] * a[3 + m, j]
                    cc += a[3 + i, 3 + m] * a[3 + m, 3 + j]
                fs[i, j] += h2 * g
                fs[i, 3 + j] += h2 * c
                fs[3 + i, j] += h * g + h2 * cg
                fs[3 + i, 3 + j] += h * c + h2 * (g + cc)
        if n_sub == 1:
            for i in range(7):
                for j in range(7):
                    F[i, j] = fs[i, j]
        else:
            for i in range(7):
                for j in range(7):
                    s = 0.0
                    for m in range(7):
                        s += fs[i, m] * F[m, j]
                    T[i, j] = s
            for i in range(7):
                for j in range(7):
                    F[i, j] = T[i, j]
        _rk4_into(x, h, env, buf)
    # P <- F P F^T + Q
    for i in range(7):
        for j in range(7):
            s = 0.0
            for m in range(7):
                s += F[i, m] * P[m, j]
            T[i, j] = s
    for i in range(7):
        for j in range(i, 7):
            s = 0.0
            for m in range(7):
                s += T[i, m] * F[j, m]
            P[i, j] = s
    q3 = q * dt**3 / 3.0
    q2 = q * dt**2 / 2.0
    for i in range(3):
        P[i, i] += q3
        P[i, 3 + i] += q2
        P[3 + i, 3 + i] += q * dt
    P[6, 6] += q_b * dt
    for i in range(7):
        for j in range(i):
            P[i, j] = P[j, i]


@_jit
def _jacobian_into(x: np.ndarray, env: Env, a: np.ndarray) -> None:
    """:func:`ballistic_jacobian` into ``a`` (7x7) without allocating."""
    for i in range(7):
        for j in range(7):
            a[i, j] = 0.0
    for i in range(3):
        a[i, 3 + i] = 1.0
    r2 = x[0] * x[0] + x[1] * x[1] + x[2] * x[2]
    rn = math.sqrt(r2)
    k = MU_EARTH_M3PS2 / (r2 * rn)
    for i in range(3):
        for j in range(3):
            a[3 + i, j] = 3.0 * k * x[i] * x[j] / r2
        a[3 + i, i] -= k
    if env.rotation != 0:
        w = OMEGA_EARTH_RADPS
        a[3, 0] += w * w
        a[4, 1] += w * w
        a[3, 4] += 2.0 * w
        a[4, 3] -= 2.0 * w
    if env.atmosphere != 0:
        h = approx_altitude_m(x[0], x[1], x[2], env.earth)
        if h < 1.0e6:
            rho = density_kgpm3(h, env.atmosphere)
            dh = 50.0
            drho = (density_kgpm3(h + dh, env.atmosphere)
                    - density_kgpm3(max(h - dh, -1000.0), env.atmosphere)) / (2.0 * dh)  # fmt: skip
            vn = math.sqrt(x[3] * x[3] + x[4] * x[4] + x[5] * x[5])
            b = x[6]
            g0 = x[0] / rn
            g1 = x[1] / rn
            g2 = x[2] / rn
            if env.earth != EARTH_SPHERICAL:
                sz = x[2] / rn
                c = 2.0 * WGS84_A_M * WGS84_F * sz / rn
                g0 -= c * sz * x[0] / rn
                g1 -= c * sz * x[1] / rn
                g2 += c * (1.0 - sz * x[2] / rn)
            for i in range(3):
                vi = x[3 + i]
                f = -0.5 * vn * vi * b * drho
                a[3 + i, 0] += f * g0
                a[3 + i, 1] += f * g1
                a[3 + i, 2] += f * g2
                if vn > 0.0:
                    for j in range(3):
                        a[3 + i, 3 + j] += -0.5 * rho * b * vi * x[3 + j] / vn
                a[3 + i, 3 + i] += -0.5 * rho * b * vn
                a[3 + i, 6] = -0.5 * rho * vn * vi


@_jit
def _rk4_into(y: np.ndarray, h: float, env: Env, buf: np.ndarray) -> None:
    """One RK4 step of the 7-state in place; ``buf`` is a (>=5, 7) scratch array."""
    k1 = buf[0]
    k2 = buf[1]
    k3 = buf[2]
    k4 = buf[3]
    tmp = buf[4]
    ballistic_deriv(y, env, k1)
    for i in range(7):
        tmp[i] = y[i] + 0.5 * h * k1[i]
    ballistic_deriv(tmp, env, k2)
    for i in range(7):
        tmp[i] = y[i] + 0.5 * h * k2[i]
    ballistic_deriv(tmp, env, k3)
    for i in range(7):
        tmp[i] = y[i] + h * k3[i]
    ballistic_deriv(tmp, env, k4)
    for i in range(7):
        y[i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i])


@_jit
def ekf_update_bal_into(
    x: np.ndarray, P: np.ndarray, z: np.ndarray, R: np.ndarray, site_ecef: np.ndarray,
    site_enu: np.ndarray, work: np.ndarray,
) -> float:  # fmt: skip
    """In-place, allocation-free extended-filter update; returns the NIS.

    For a state whose first three components are the ECEF position (the 6-state of
    :func:`ekf_update` or the 7-state ballistic one): ``H`` touches only those, so ``P H^T``
    is formed from the first three columns of ``P``; ``P <- P - K S K^T`` (symmetric form).
    ``work`` is a (5, 7, 7) scratch array (or larger).
    """
    nx = x.shape[0]
    az, el, rng = ecef_to_aer(site_ecef, site_enu, x[:3])
    dx = x[0] - site_ecef[0]
    dy = x[1] - site_ecef[1]
    dz = x[2] - site_ecef[2]
    e = site_enu[0, 0] * dx + site_enu[0, 1] * dy + site_enu[0, 2] * dz
    n = site_enu[1, 0] * dx + site_enu[1, 1] * dy + site_enu[1, 2] * dz
    u = site_enu[2, 0] * dx + site_enu[2, 1] * dy + site_enu[2, 2] * dz
    s2 = max(e * e + n * n, 1e-30)
    s = math.sqrt(s2)
    r2 = rng * rng
    hp = work[0]
    pht = work[1]
    S = work[2]
    K = work[3]
    for j in range(3):
        de = site_enu[0, j]
        dn = site_enu[1, j]
        du = site_enu[2, j]
        hp[0, j] = (e * de + n * dn + u * du) / rng
        hp[1, j] = (n * de - e * dn) / s2
        hp[2, j] = (-e * u * de - n * u * dn) / (r2 * s) + s * du / r2
    for i in range(nx):
        for c in range(3):
            acc = 0.0
            for j in range(3):
                acc += P[i, j] * hp[c, j]
            pht[i, c] = acc
    for a_ in range(3):
        for b_ in range(3):
            acc = R[a_, b_]
            for j in range(3):
                acc += hp[a_, j] * pht[j, b_]
            S[a_, b_] = acc
    si = work[4]
    inv3_into(S, si)
    y0 = z[0] - rng
    y1 = (z[1] - az + math.pi) % (2.0 * math.pi) - math.pi
    y2 = z[2] - el
    for i in range(nx):
        for c in range(3):
            K[i, c] = pht[i, 0] * si[0, c] + pht[i, 1] * si[1, c] + pht[i, 2] * si[2, c]
    for i in range(nx):
        x[i] += K[i, 0] * y0 + K[i, 1] * y1 + K[i, 2] * y2
    for i in range(nx):
        for j in range(i, nx):
            v = P[i, j] - (K[i, 0] * pht[j, 0] + K[i, 1] * pht[j, 1] + K[i, 2] * pht[j, 2])
            P[i, j] = v
            P[j, i] = v
    nis = 0.0
    yv = (y0, y1, y2)
    for a_ in range(3):
        for b_ in range(3):
            nis += yv[a_] * si[a_, b_] * yv[b_]
    return nis
