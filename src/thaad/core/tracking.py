"""Ballistic extended and unscented Kalman filters for objects tracked by a radar.

One filter, filterpy-style names (``x``, ``P``, ``F``, ``Q``, ``H``, ``R``), one builder per
matrix. The state is ``x = (r, v, b)`` in ECEF (m, m/s) with ``b = 1/beta`` (m^2/kg) the
inverse ballistic coefficient, so that drag ``a = -0.5 rho |v| v b`` is linear in it; ``b``
is a random walk of spectral density ``q_b`` and becomes observable once drag is felt
(reentry). The single-object 6-state filter ``x = (r, v)`` of the engagement is the same
filter with ``b`` fixed (its row and column of ``P`` zero, ``q_b = 0``): every function
below takes a 6- or 7-state.

- ``f``: the flight equations of :mod:`thaad.core.flight` (the scenario's gravity, Coriolis
  and centrifugal terms, drag relative to the rotating atmosphere), integrated with its
  RK4 step :func:`thaad.core.flight.rk4_step` (:func:`propagate_into`).
- ``F`` (:func:`transition_into`): ``prod (I + A h + (A h)^2 / 2)`` over substeps of at most
  1 s along the flown state, with the analytic Jacobian ``A`` of the dynamics
  (:func:`dynamics_jacobian_into`: point-mass gravity gradient, Coriolis and centrifugal
  terms, drag with the density gradient by a central difference).
- ``Q`` (:func:`add_process_noise`): continuous white-noise acceleration of spectral density
  ``q`` (m^2/s^3) on ``(r, v)`` and a random walk ``q_b`` on ``b`` (Bar-Shalom, Li and
  Kirubarajan, *Estimation with Applications to Tracking and Navigation*, 2001, sec. 6.2.2).
- ``h`` and ``H`` (:func:`measurement_into`): ``z = (range, azimuth, elevation)`` from the
  radar site and its analytic Jacobian with respect to the position.

The extended filter (:func:`ekf_predict_into`, :func:`ekf_update_into`) works in place
without allocating (the engagement loop's and the tracker's hot path); its update is
``P <- P - K S K^T``, algebraically the Joseph form (ibid. sec. 5.2.3), which the tests
check it against. The unscented filter (Julier and Uhlmann, Proc. IEEE 92(3), 2004; Wan and
van der Merwe 2000) propagates 2n + 1 sigma points (alpha 1, beta 2, kappa 0) through the
same flight and measurement, with the azimuth residuals wrapped. A track starts from one
measurement: its position, zero velocity with a standard deviation ``sigma_v0`` per axis,
and the prior ``b0 +- sigma_b0``.

The predicted impact point flies the state to the ground (height 0 above the Earth model);
its uncertainty is the unscented transform of the state covariance through that flight,
expressed in east/north metres at the mean impact point.
"""

import math

import numba as nb
import numpy as np

from thaad.core.atmosphere import density_kgpm3
from thaad.core.constants import EARTH_SPHERICAL, OMEGA_EARTH_RADPS, WGS84_A_M, WGS84_F
from thaad.core.earth import (
    aer_to_ecef,
    altitude_m,
    approx_altitude_m,
    ecef_to_aer,
    ecef_to_geodetic,
    enu_basis,
    gravity_gradient_into,
)
from thaad.core.flight import Env, coast_phase, rk4_scalars
from thaad.core.jit import jit, leaf
from thaad.core.linalg import add_outer, cholesky, inv3, inv3_into, mm, mmt, mv, quad3, sandwich

N_STATE = 7
FILTER_EKF = 0
FILTER_UKF = 1
MAX_SUBSTEP_S = 1.0
UKF_ALPHA = 1.0
UKF_BETA = 2.0
UKF_KAPPA = 0.0


@jit
def n_substeps(dt: float) -> int:
    """RK4 substeps for a step of ``dt``: at most :data:`MAX_SUBSTEP_S` each."""
    return max(1, int(math.ceil(abs(dt) / MAX_SUBSTEP_S)))


# ----------------------------------------------------------------------------- f: the flight


@leaf
def propagate_into(x: np.ndarray, dt: float, env: Env, inv_beta: float, n_sub: int) -> None:
    """Fly ``(r, v) = x[:6]`` forward by ``dt`` in place with RK4 (``n_sub`` substeps).

    Drag ``a = -0.5 rho |v| v inv_beta`` (unit mass, ``CdA = inv_beta``; a negative value,
    which only a sigma point can have, is kept: the model stays linear in it). ``x[6]``, if
    there, is left as it is.
    """
    # the RK4 stages on scalars (flight.rk4_scalars: the same arithmetic as rk4_step with
    # the zero command)
    ph = coast_phase(inv_beta)
    h = dt / n_sub
    y0, y1, y2, y3, y4, y5, y6 = x[0], x[1], x[2], x[3], x[4], x[5], 1.0
    for _ in range(n_sub):
        y0, y1, y2, y3, y4, y5, y6 = rk4_scalars(0.0, y0, y1, y2, y3, y4, y5, y6, h, ph, env,
                                                 0.0, 0.0, 0.0)  # fmt: skip
    x[0] = y0
    x[1] = y1
    x[2] = y2
    x[3] = y3
    x[4] = y4
    x[5] = y5


# ----------------------------------------------------------------------------- F, Q


@leaf
def dynamics_jacobian_into(x: np.ndarray, inv_beta: float, env: Env, A: np.ndarray) -> None:
    """``A = df/dx`` (7x7) of the dynamics of ``(r, v, b)`` at ``(x[:6], inv_beta)``.

    Point-mass gravity gradient (the J2 part, 0.2 % of it, is left out), Coriolis and
    centrifugal terms, and drag: its velocity terms, its density gradient through the height
    the air model uses (a central difference of the density) and ``d(drag)/db``.
    """
    for i in range(7):
        for j in range(7):
            A[i, j] = 0.0
    for i in range(3):
        A[i, 3 + i] = 1.0
    gravity_gradient_into(x, A[3:6, 0:3])
    if env.rotation != 0:
        w = OMEGA_EARTH_RADPS
        A[3, 0] += w * w
        A[4, 1] += w * w
        A[3, 4] += 2.0 * w
        A[4, 3] -= 2.0 * w
    if env.atmosphere != 0:
        h = approx_altitude_m(x[0], x[1], x[2], env.earth)
        if h < 1.0e6:
            rho = density_kgpm3(h, env.atmosphere)
            dh = 50.0
            drho = (density_kgpm3(h + dh, env.atmosphere)
                    - density_kgpm3(max(h - dh, -1000.0), env.atmosphere)) / (2.0 * dh)  # fmt: skip
            vn = math.sqrt(x[3] * x[3] + x[4] * x[4] + x[5] * x[5])
            b = inv_beta
            rn = math.sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2])
            # gradient of the height the air model uses: |r| - a (1 - f sin^2 lat_c)
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
                f = -0.5 * vn * vi * b * drho  # d(-0.5 rho vn v_i b)/d r_j through rho(h)
                A[3 + i, 0] += f * g0
                A[3 + i, 1] += f * g1
                A[3 + i, 2] += f * g2
                if vn > 0.0:
                    for j in range(3):
                        A[3 + i, 3 + j] += -0.5 * rho * b * vi * x[3 + j] / vn
                A[3 + i, 3 + i] += -0.5 * rho * b * vn
                A[3 + i, 6] = -0.5 * rho * vn * vi


@leaf
def transition_into(x: np.ndarray, dt: float, env: Env, inv_beta: float, F: np.ndarray,
                    work: np.ndarray) -> None:  # fmt: skip
    """Fly ``x`` over ``dt`` in place and build its transition ``F`` (7x7).

    ``F = prod (I + A h + (A h)^2 / 2)`` over :func:`n_substeps` substeps ``h``, ``A`` from
    :func:`dynamics_jacobian_into` at the start of each substep of the RK4 flight.
    ``work`` is a scratch array of at least (3, 7, 7).
    """
    fs = work[0]
    T = work[1]
    A = work[2]
    n_sub = n_substeps(dt)
    h = dt / n_sub
    h2 = 0.5 * h * h
    for s in range(n_sub):
        dynamics_jacobian_into(x, inv_beta, env, A)
        # A = [[0, I, 0], [A21, A22, A23], [0, 0, 0]], so (A^2) = [[A21, A22, A23],
        # [A22 A21, A21 + A22 A22, A22 A23], [0, 0, 0]]
        for i in range(7):
            for j in range(7):
                fs[i, j] = h * A[i, j]
            fs[i, i] += 1.0
        for i in range(3):
            for j in range(7):
                fs[i, j] += h2 * A[3 + i, j]
                acc = A[3 + i, j - 3] if 3 <= j < 6 else 0.0
                for m in range(3):
                    acc += A[3 + i, 3 + m] * A[3 + m, j]
                fs[3 + i, j] += h2 * acc
        if s == 0:
            for i in range(7):
                for j in range(7):
                    F[i, j] = fs[i, j]
        else:
            for i in range(7):
                for j in range(7):
                    acc = 0.0
                    for m in range(7):
                        acc += fs[i, m] * F[m, j]
                    T[i, j] = acc
            for i in range(7):
                for j in range(7):
                    F[i, j] = T[i, j]
        propagate_into(x, h, env, inv_beta, np.int64(1))  # int64: one specialisation


@leaf
def add_process_noise(P: np.ndarray, dt: float, q: float, q_b: float) -> None:
    """``P += Q``: white-noise acceleration ``q`` (m^2/s^3) on ``(r, v)`` and, for a 7x7
    ``P``, a random walk ``q_b`` (m^4/kg^2/s) on ``b``."""
    q3 = q * dt**3 / 3.0
    q2 = q * dt**2 / 2.0
    for i in range(3):
        P[i, i] += q3
        P[i, 3 + i] += q2
        P[3 + i, i] += q2
        P[3 + i, 3 + i] += q * dt
    if P.shape[0] > 6:
        P[6, 6] += q_b * dt


# ----------------------------------------------------------------------------- h, H, R


@leaf
def measurement_into(x: np.ndarray, site_ecef: np.ndarray, site_enu: np.ndarray,
                     hx: np.ndarray, H: np.ndarray) -> None:  # fmt: skip
    """``h(x) = (range, az, el)`` into ``hx[:3]`` and ``H = dh/dr`` into ``H[:3, :3]``.

    ``H`` is the Jacobian with respect to the position ``x[:3]``; the full measurement
    Jacobian is zero past it (those columns of ``H`` are not written).
    """
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
    for j in range(3):
        de = site_enu[0, j]
        dn = site_enu[1, j]
        du = site_enu[2, j]
        H[0, j] = (e * de + n * dn + u * du) / rng
        H[1, j] = (n * de - e * dn) / s2
        H[2, j] = (-e * u * de - n * u * dn) / (r2 * s) + s * du / r2
    hx[0] = rng
    hx[1] = az
    hx[2] = el


@jit
def measure_aer(x: np.ndarray, site_ecef: np.ndarray, site_enu: np.ndarray):
    """``(h(x), H)`` of :func:`measurement_into` in new arrays (for the association gate)."""
    hx = np.empty(3)
    H = np.empty((3, 3))
    measurement_into(x, site_ecef, site_enu, hx, H)
    return hx, H


@jit
def measurement_to_ecef(site_ecef: np.ndarray, site_enu: np.ndarray, z: np.ndarray):
    """ECEF point of a (range, az, el) measurement."""
    return aer_to_ecef(site_ecef, site_enu, z[1], z[2], z[0])


@jit
def measurement_cov_ecef(site_enu: np.ndarray, z: np.ndarray, R: np.ndarray) -> np.ndarray:
    """Cartesian covariance ``J R J^T`` of a (range, az, el) measurement (first order)."""
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
    return sandwich(mm(site_enu.T.copy(), J), R)


# ----------------------------------------------------------------------------- extended filter


@leaf
def ekf_predict_into(
    x: np.ndarray, P: np.ndarray, dt: float, env: Env, inv_beta: float, q: float,
    work: np.ndarray, q_b: float = 0.0,
) -> None:  # fmt: skip
    """Extended-filter prediction of ``(x, P)`` over ``dt``, in place, without allocating.

    ``x`` is ``(r, v)`` with ``b = inv_beta`` fixed, or ``(r, v, b)`` (then its own ``b`` is
    used, held over the step, and ``inv_beta`` is ignored). ``P <- F P F^T + Q`` with ``F``
    from :func:`transition_into` (its ``b`` column drops out of a 6-state) and ``Q`` from
    :func:`add_process_noise`. ``work`` is a scratch array of at least (5, 7, 7).
    """
    if dt <= 0.0:
        return
    if work.shape[0] < 5 or work.shape[1] < 7 or work.shape[2] < 7:
        raise ValueError("ekf_predict_into: work must be at least (5, 7, 7)")
    n = x.shape[0]
    b = x[6] if n > 6 else inv_beta
    F = work[0]
    transition_into(x, dt, env, b, F, work[1:])
    if n == N_STATE:
        _sandwich7_into(F, P, work[1])
    else:
        _sandwich_into(F, P, work[1], n)
    add_process_noise(P, dt, q, q_b)


@nb.njit(cache=True, inline="always")
def _sandwich7_into(F: np.ndarray, P: np.ndarray, T: np.ndarray) -> None:
    """:func:`_sandwich_into` of the 7-state, using that ``b`` is held over the step: the
    last row of ``F`` is ``(0, ..., 0, 1)`` (``A`` has a zero last row), so the last row of
    ``F P`` is that of ``P`` and the last column of ``F P F^T`` that of ``F P``. The terms
    left out are exact zeros added to the same sums in the same order: the same bits."""
    e6 = F[6, 6] == 1.0
    for m in range(6):
        e6 = e6 and F[6, m] == 0.0
    if not e6:
        _sandwich_into(F, P, T, N_STATE)
        return
    for i in range(6):
        for j in range(N_STATE):
            acc = 0.0
            for m in range(N_STATE):
                acc += F[i, m] * P[m, j]
            T[i, j] = acc
    for j in range(N_STATE):
        T[6, j] = 0.0 + P[6, j]
    for i in range(6):
        for j in range(i, 6):
            acc = 0.0
            for m in range(N_STATE):
                acc += T[i, m] * F[j, m]
            P[i, j] = acc
            P[j, i] = acc
    for i in range(N_STATE):
        acc = 0.0 + T[i, 6]
        P[i, 6] = acc
        P[6, i] = acc


@nb.njit(cache=True, inline="always")
def _sandwich_into(F: np.ndarray, P: np.ndarray, T: np.ndarray, n: int) -> None:
    """``P <- F P F^T`` over the leading ``n x n`` blocks (``T`` scratch), symmetric."""
    for i in range(n):
        for j in range(n):
            acc = 0.0
            for m in range(n):
                acc += F[i, m] * P[m, j]
            T[i, j] = acc
    for i in range(n):
        for j in range(i, n):
            acc = 0.0
            for m in range(n):
                acc += T[i, m] * F[j, m]
            P[i, j] = acc
            P[j, i] = acc


@leaf
def ekf_update_into(
    x: np.ndarray, P: np.ndarray, z: np.ndarray, R: np.ndarray, site_ecef: np.ndarray,
    site_enu: np.ndarray, work: np.ndarray,
) -> float:  # fmt: skip
    """Extended-filter update with one (range, az, el) measurement, in place; returns the NIS.

    ``H`` touches only the position, so ``P H^T`` is formed from the first three columns of
    ``P``; ``P <- P - K S K^T`` (symmetric). ``work`` is a scratch array of at least
    (5, 7, 7).
    """
    if work.shape[0] < 5 or work.shape[1] < 7 or work.shape[2] < 7:
        raise ValueError("ekf_update_into: work must be at least (5, 7, 7)")
    nx = x.shape[0]
    H = work[0][:3]  # (3, >= 7): columns 0-2 used
    hx = work[0][3]
    pht = work[1]
    S = work[2]
    K = work[3]
    si = work[4]
    measurement_into(x, site_ecef, site_enu, hx, H)
    for i in range(nx):
        for c in range(3):
            acc = 0.0
            for j in range(3):
                acc += P[i, j] * H[c, j]
            pht[i, c] = acc
    for a_ in range(3):
        for b_ in range(3):
            acc = R[a_, b_]
            for j in range(3):
                acc += H[a_, j] * pht[j, b_]
            S[a_, b_] = acc
    inv3_into(S, si)
    y0 = z[0] - hx[0]
    y1 = (z[1] - hx[1] + math.pi) % (2.0 * math.pi) - math.pi
    y2 = z[2] - hx[2]
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


# ----------------------------------------------------------------------------- unscented filter


@jit
def ukf_weights(n: int):
    """Mean and covariance weights of the 2n + 1 sigma points, and ``n + lambda``."""
    lam = UKF_ALPHA * UKF_ALPHA * (n + UKF_KAPPA) - n
    wm = np.full(2 * n + 1, 0.5 / (n + lam))
    wc = wm.copy()
    wm[0] = lam / (n + lam)
    wc[0] = wm[0] + (1.0 - UKF_ALPHA * UKF_ALPHA + UKF_BETA)
    return wm, wc, n + lam


@jit
def sigma_points(x: np.ndarray, P: np.ndarray) -> np.ndarray:
    """The 2n + 1 sigma points (rows) of ``(x, P)``."""
    n = x.shape[0]
    _, _, c = ukf_weights(n)
    L = cholesky(P)
    sc = math.sqrt(c)
    pts = np.empty((2 * n + 1, n))
    pts[0] = x
    for i in range(n):
        for k in range(n):
            pts[1 + i, k] = x[k] + sc * L[k, i]
            pts[1 + n + i, k] = x[k] - sc * L[k, i]
    return pts


@jit
def ukf_predict(x: np.ndarray, P: np.ndarray, dt: float, env: Env, q: float, q_b: float):
    """Unscented prediction of the 7-state over ``dt``; returns new ``(x, P)``."""
    if dt <= 0.0:
        return x.copy(), P.copy()
    n = x.shape[0]
    wm, wc, _ = ukf_weights(n)
    pts = sigma_points(x, P)
    m = pts.shape[0]
    n_sub = n_substeps(dt)
    for i in range(m):
        propagate_into(pts[i], dt, env, pts[i, 6], n_sub)
    xm = np.zeros(n)
    for i in range(m):
        for k in range(n):
            xm[k] += wm[i] * pts[i, k]
    Pn = np.zeros((n, n))
    d = np.empty(n)
    for i in range(m):
        for k in range(n):
            d[k] = pts[i, k] - xm[k]
        add_outer(Pn, wc[i], d, d)
    add_process_noise(Pn, dt, q, q_b)
    return xm, Pn


@jit
def ukf_update(
    x: np.ndarray, P: np.ndarray, z: np.ndarray, R: np.ndarray, site_ecef: np.ndarray,
    site_enu: np.ndarray,
):  # fmt: skip
    """Unscented update with one (range, az, el) measurement; returns ``(x, P, nis)``."""
    n = x.shape[0]
    wm, wc, _ = ukf_weights(n)
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


# ----------------------------------------------------------------------------- one object


@jit
def init_bal(
    z: np.ndarray, R: np.ndarray, site_ecef: np.ndarray, site_enu: np.ndarray, b0: float,
    sigma_b0: float, sigma_v0: float,
):  # fmt: skip
    """One-point initiation: the measured position with its covariance (first-order
    conversion), zero velocity +- ``sigma_v0`` per axis, ``b0 +- sigma_b0``."""
    x = np.zeros(N_STATE)
    r = measurement_to_ecef(site_ecef, site_enu, z)
    C = measurement_cov_ecef(site_enu, z, R)
    x[6] = b0
    P = np.zeros((N_STATE, N_STATE))
    for i in range(3):  # element loops: no slice assignment (see flight.fly)
        x[i] = r[i]
        for j in range(3):
            P[i, j] = C[i, j]
    for i in range(3):
        P[3 + i, 3 + i] = sigma_v0 * sigma_v0
    P[6, 6] = sigma_b0 * sigma_b0
    return x, P


@jit
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
    xs = np.empty((m, N_STATE))
    Ps = np.empty((m, N_STATE, N_STATE))
    nis = np.full(m, np.nan)
    if m == 0:
        return xs, Ps, nis
    x, P = init_bal(Z[0], R[0], site_ecef, site_enu, b0, sigma_b0, sigma_v0)
    xs[0] = x
    Ps[0] = P
    work = np.empty((5, 7, 7))
    for k in range(1, m):
        dt = t[k] - t[k - 1]
        if kind == FILTER_UKF:
            x, P = ukf_predict(x, P, dt, env, q, q_b)
            x, P, nis[k] = ukf_update(x, P, Z[k], R[k], site_ecef, site_enu)
        else:
            ekf_predict_into(x, P, dt, env, x[6], q, work, q_b)
            nis[k] = ekf_update_into(x, P, Z[k], R[k], site_ecef, site_enu, work)
        xs[k] = x
        Ps[k] = P
    return xs, Ps, nis


# ----------------------------------------------------------------------------- impact point


@jit
def impact_point(x: np.ndarray, env: Env, t_max_s: float):
    """Fly a 7-state to the ground (height 0); returns ``(ok, t_s, r_ecef)``.

    A negative ``b`` is clipped to 0 (vacuum). RK4 steps of 2 s above 30 km and 0.25 s
    below; the crossing is found by bisection on the last step. ``ok`` is False if the
    object is still up after ``t_max_s``.
    """
    b = max(x[6], 0.0)
    y = x[:6].copy()
    yn = np.empty(6)
    t = 0.0
    h_now = altitude_m(y[:3], env.earth)
    if h_now <= 0.0:
        return True, 0.0, y[:3].copy()
    while t < t_max_s:
        step = 2.0 if h_now > 30e3 else 0.25
        yn[:] = y
        propagate_into(yn, step, env, b, n_substeps(step))
        hn = altitude_m(yn[:3], env.earth)
        if hn <= 0.0:
            lo = 0.0
            hi = step
            for _ in range(40):
                mid = 0.5 * (lo + hi)
                yn[:] = y
                propagate_into(yn, mid, env, b, n_substeps(mid))
                if altitude_m(yn[:3], env.earth) > 0.0:
                    lo = mid
                else:
                    hi = mid
            mid = 0.5 * (lo + hi)
            yn[:] = y
            propagate_into(yn, mid, env, b, n_substeps(mid))
            return True, t + mid, yn[:3].copy()
        y[:] = yn
        h_now = hn
        t += step
    return False, t, y[:3].copy()


@jit
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
    _, wc, _ = ukf_weights(n)
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
