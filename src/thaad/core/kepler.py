"""Closed-form ballistic trajectories over a spherical, non-rotating Earth (the "ideal" model).

Burnout on the surface (radius ``r``), impact at the same radius, vacuum, point-mass gravity.
With range angle ``psi``, flight-path angle ``gamma`` and the parameter
``Q = v^2 r / mu`` (Bate, Mueller and White, *Fundamentals of Astrodynamics*, Dover 1971,
sec. 6.2):

- flight-path-angle equation (BMW eq. 6.2-16):
  ``sin(2 gamma + psi/2) = (2 - Q)/Q sin(psi/2)``, so
  ``Q = 2 sin(psi/2) / (sin(2 gamma + psi/2) + sin(psi/2))``;
- minimum energy (BMW eq. 6.2-18, 6.2-19): ``gamma = (pi - psi)/4`` and
  ``Q = 2 sin(psi/2) / (1 + sin(psi/2))``;
- maximum range for a given ``Q`` (BMW eq. 6.2-20): ``sin(psi/2) = Q/(2 - Q)``, reached
  at the same angle ``gamma = (pi - psi)/4``;
- the trajectory is a conic of semi-major axis ``a = r/(2 - Q)`` and eccentricity
  ``e^2 = 1 + Q (Q - 2) cos^2 gamma``; time of flight from Kepler's equation
  (BMW sec. 6.3), apogee radius ``a (1 + e)``.
"""

import math

from thaad.core.constants import MU_EARTH_M3PS2
from thaad.core.jit import jit


@jit
def q_for_angle(psi_rad: float, gamma_rad: float) -> float:
    """``Q`` needed to cover range angle ``psi`` with flight-path angle ``gamma``."""
    s = math.sin(0.5 * psi_rad)
    return 2.0 * s / (math.sin(2.0 * gamma_rad + 0.5 * psi_rad) + s)


@jit
def min_energy_gamma_rad(psi_rad: float) -> float:
    """Flight-path angle of the minimum-energy trajectory, ``(pi - psi)/4``."""
    return 0.25 * (math.pi - psi_rad)


@jit
def max_range_angle_rad(q: float) -> float:
    """Largest range angle reachable with ``Q = v^2 r / mu``: ``sin(psi/2) = Q/(2 - Q)``."""
    s = q / (2.0 - q)
    if s >= 1.0 or q >= 2.0:
        return math.pi
    return 2.0 * math.asin(s)


@jit
def ballistic_solution(psi_rad: float, gamma_rad: float, r_m: float):
    """Burnout speed, flight time, apogee radius of the conic through range angle ``psi``.

    Returns ``(v_mps, tof_s, r_apogee_m)``.
    """
    q = q_for_angle(psi_rad, gamma_rad)
    v = math.sqrt(q * MU_EARTH_M3PS2 / r_m)
    cg = math.cos(gamma_rad)
    e = math.sqrt(max(1.0 + q * (q - 2.0) * cg * cg, 0.0))
    a = r_m / (2.0 - q)
    # true anomaly at burnout: ascending branch, symmetric about apogee (nu = pi)
    nu_b = math.pi - 0.5 * psi_rad
    ecc_anom = 2.0 * math.atan2(math.sqrt(1.0 - e) * math.sin(0.5 * nu_b),
                                math.sqrt(1.0 + e) * math.cos(0.5 * nu_b))  # fmt: skip
    mean_anom = ecc_anom - e * math.sin(ecc_anom)
    n = math.sqrt(MU_EARTH_M3PS2 / (a * a * a))
    tof = 2.0 * (math.pi - mean_anom) / n
    return v, tof, a * (1.0 + e)


@jit
def gamma_for_apogee(psi_rad: float, r_apogee_m: float, r_m: float, lofted: bool) -> float:
    """Flight-path angle whose conic through range ``psi`` peaks at ``r_apogee_m``.

    Bisection on the branch above (lofted) or below (depressed) the minimum-energy angle
    (the apogee grows monotonically with ``gamma``); the lofted branch ends where ``Q``
    reaches 2 (escape), at ``gamma = pi/2 - psi/4``. Returns NaN when no such conic exists.
    """
    g_me = min_energy_gamma_rad(psi_rad)
    if lofted:
        lo = g_me
        hi = 0.5 * math.pi - 0.25 * psi_rad - 1e-7
    else:
        lo = 1e-9
        hi = g_me
    ra_lo = ballistic_solution(psi_rad, lo, r_m)[2]
    ra_hi = ballistic_solution(psi_rad, hi, r_m)[2]
    if not (min(ra_lo, ra_hi) <= r_apogee_m <= max(ra_lo, ra_hi)):
        return math.nan
    inc = ra_hi > ra_lo
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        ra = ballistic_solution(psi_rad, mid, r_m)[2]
        if (ra < r_apogee_m) == inc:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-14:
            break
    return 0.5 * (lo + hi)
