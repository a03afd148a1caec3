"""Plain reference implementations of the tracking filter's steps, for the tests.

Written with numpy matrix products and the textbook forms (Bar-Shalom, Li and Kirubarajan,
*Estimation with Applications to Tracking and Navigation*, 2001: the discrete white-noise
acceleration ``Q`` of sec. 6.2.2 written out in blocks, the Joseph-form update of
sec. 5.2.3), to check the allocation-free, loop-written ones of :mod:`thaad.core.tracking`.
They use the core's flight (RK4) and its Jacobians ``A`` and ``H``, which have tests of
their own against finite differences.
"""

import math

import numpy as np

from thaad.core import tracking as T


def fly(x, dt, env):
    """A 7-state ``x`` flown by ``dt`` with the filter's own model (``b = x[6]`` held)."""
    y = np.array(x, dtype=float)
    T.propagate_into(y, dt, env, y[6], T.n_substeps(dt))
    return y


def process_noise(dt, q, q_b):
    """``Q`` (7x7) of white-noise acceleration ``q`` on (r, v) and a random walk ``q_b``."""
    Q = np.zeros((7, 7))
    Q[:6, :6] = q * np.kron([[dt**3 / 3, dt**2 / 2], [dt**2 / 2, dt]], np.eye(3))
    Q[6, 6] = q_b * dt
    return Q


def ekf_predict(x, P, dt, env, q, q_b):
    """7-state prediction: ``F`` the product of ``I + A h + (A h)^2 / 2`` over the RK4
    substeps; ``P <- F P F^T + Q``. Returns new ``(x, P)``."""
    n_sub = max(1, math.ceil(dt / T.MAX_SUBSTEP_S))
    h = dt / n_sub
    F = np.eye(7)
    xs = np.array(x, dtype=float)
    A = np.empty((7, 7))
    for _ in range(n_sub):
        T.dynamics_jacobian_into(xs, xs[6], env, A)
        ah = A * h
        F = (np.eye(7) + ah + 0.5 * ah @ ah) @ F
        T.propagate_into(xs, h, env, xs[6], 1)
    return xs, F @ P @ F.T + process_noise(dt, q, q_b)


def ekf_update(x, P, z, R, site_ecef, site_enu):
    """Joseph-form update of a state whose first three components are the ECEF position;
    returns ``(x, P, nis)``."""
    n = x.shape[0]
    hx, hp = T.measure_aer(x, site_ecef, site_enu)
    H = np.zeros((3, n))
    H[:, :3] = hp
    y = z - hx
    y[1] = (y[1] + math.pi) % (2.0 * math.pi) - math.pi
    S = H @ P @ H.T + R
    Si = np.linalg.inv(S)
    K = P @ H.T @ Si
    ikh = np.eye(n) - K @ H
    return x + K @ y, ikh @ P @ ikh.T + K @ R @ K.T, y @ Si @ y
