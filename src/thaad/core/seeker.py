"""The kill vehicle's infrared seeker: what it sees, which object it picks, the LOS rate.

Objects: the seeker sees every object of the threat cloud (:mod:`thaad.core.scene`: the RV,
the spent stage, debris) that lies inside its field of regard (a cone of half-angle
``for_half_rad`` about the line of sight to the radar track it was handed) and within its
acquisition range. Each kind of object has an infrared-brightness proxy (a radiant
intensity relative to the RV's; public-level assumption, see docs/parameters.md); the seeker
measures each with a log-normal error and homes on the brightest (its discrimination). It
does not know which object is the RV: a wrong pick is a miss.

Line-of-sight rate: the seeker measures only angles, the LOS unit vector with
``noise_rad`` of error per axis each frame, and estimates the LOS rate with an alpha-beta
filter (Benedict and Bordner's relation ``beta = alpha^2 / (2 - alpha)``; Brookner,
*Tracking and Kalman Filtering Made Easy*, ch. 1). Guidance is true proportional
navigation on the estimate, ``a = N Vc d(u)/dt`` normal to the KV's velocity (Zarchan,
*Tactical and Strategic Missile Guidance*, 6th ed., ch. 2), with the closing speed from the
radar track (uplinked), not from the truth.
"""

import math
from typing import NamedTuple

import numpy as np

from thaad.core.jit import jit, leaf
from thaad.core.scene import OBJ_STAGE, OBJ_THREAT, Objects, object_state


class Seeker(NamedTuple):
    """Seeker discrimination and LOS-filter settings (SI, angles in rad)."""

    for_half_rad: float  # field-of-regard half-angle about the handed-over line of sight
    ir_rv: float  # infrared-brightness proxy of each kind of object (relative)
    ir_stage: float
    ir_debris: float
    ir_sigma_ln: float  # one-sigma error of the measured log brightness
    los_alpha: float  # alpha of the LOS alpha-beta filter (beta from Benedict-Bordner)


@jit
def ir_proxy(sk: Seeker, o: int) -> float:
    """Infrared-brightness proxy of object ``o`` (0 RV, 1 stage, 2+ debris)."""
    if o == OBJ_THREAT:
        return sk.ir_rv
    if o == OBJ_STAGE:
        return sk.ir_stage
    return sk.ir_debris


@leaf
def seeker_pick(
    obj: Objects, t: float, r_kv: np.ndarray, look: np.ndarray, range_max_m: float,
    sk: Seeker, rng: np.random.Generator, y: np.ndarray,
) -> tuple[int, float]:  # fmt: skip
    """The object the seeker homes on, and its range: the brightest measured (log-normal
    error ``ir_sigma_ln``) of the objects inside the field of regard about the unit vector
    ``look`` and within ``range_max_m``. ``(-1, nan)`` when it sees none. ``y`` (7,) is
    scratch (an object's state)."""
    best = -1
    best_b = -math.inf
    best_r = math.nan
    cos_for = math.cos(sk.for_half_rad)
    for o in range(obj.n.shape[0]):
        if not object_state(obj, o, t, y):
            continue
        d0 = y[0] - r_kv[0]
        d1 = y[1] - r_kv[1]
        d2 = y[2] - r_kv[2]
        rr = math.sqrt(d0 * d0 + d1 * d1 + d2 * d2)
        if rr > range_max_m or rr <= 0.0:
            continue
        if d0 * look[0] + d1 * look[1] + d2 * look[2] < cos_for * rr:
            continue
        ir = obj.ir_obj[o] if o < obj.ir_obj.shape[0] and obj.ir_obj[o] > 0.0 else ir_proxy(sk, o)
        b = math.log(ir) + sk.ir_sigma_ln * rng.standard_normal()
        if b > best_b:
            best_b = b
            best = o
            best_r = rr
    return best, best_r


@leaf
def measure_los(r_rel: np.ndarray, noise_rad: float, rng: np.random.Generator,
                out: np.ndarray) -> None:  # fmt: skip
    """A noisy LOS unit vector: the true one plus ``noise_rad`` per axis, renormalised."""
    n = math.sqrt(r_rel[0] ** 2 + r_rel[1] ** 2 + r_rel[2] ** 2)
    for c in range(3):
        out[c] = r_rel[c] / n + noise_rad * rng.standard_normal()
    m = math.sqrt(out[0] ** 2 + out[1] ** 2 + out[2] ** 2)
    for c in range(3):
        out[c] /= m


@leaf
def los_filter_update(u: np.ndarray, u_dot: np.ndarray, z: np.ndarray, dt_s: float,
                      alpha: float) -> None:  # fmt: skip
    """One alpha-beta step of the LOS estimate ``u`` and its rate ``u_dot`` (in place) with
    the measurement ``z`` taken ``dt_s`` after the previous one."""
    beta = alpha * alpha / (2.0 - alpha)
    for c in range(3):
        u[c] += u_dot[c] * dt_s
        res = z[c] - u[c]
        u[c] += alpha * res
        u_dot[c] += beta / dt_s * res


@leaf
def pn_accel(u: np.ndarray, u_dot: np.ndarray, vc_mps: float, nav_gain: float,
             v_m: np.ndarray, limit: float, out: np.ndarray) -> None:  # fmt: skip
    """True proportional navigation on an estimated LOS: ``N Vc d(u)/dt`` with the part
    along the LOS and along the KV's velocity ``v_m`` removed, capped at ``limit``."""
    uu = u[0] ** 2 + u[1] ** 2 + u[2] ** 2
    d = (u_dot[0] * u[0] + u_dot[1] * u[1] + u_dot[2] * u[2]) / max(uu, 1e-30)
    for c in range(3):
        out[c] = nav_gain * vc_mps * (u_dot[c] - d * u[c])
    vm2 = v_m[0] ** 2 + v_m[1] ** 2 + v_m[2] ** 2
    if vm2 > 0.0:
        d = (out[0] * v_m[0] + out[1] * v_m[1] + out[2] * v_m[2]) / vm2
        for c in range(3):
            out[c] -= d * v_m[c]
    an = math.sqrt(out[0] ** 2 + out[1] ** 2 + out[2] ** 2)
    if an > limit:
        for c in range(3):
            out[c] *= limit / an
