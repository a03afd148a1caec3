"""The AN/TPY-2-like radar: range equation, field of view, horizon and measurements.

Track form of the radar range equation (Skolnik, *Radar Handbook*, 3rd ed., eq. 1.2;
Richards, *Fundamentals of Radar Signal Processing*, eq. 2.17) for one dwell of energy
``E = Pt * tau``:

    SNR = Pt tau G^2 lambda^2 sigma / ((4 pi)^3 k Ts L R^4),  G = 4 pi Ae / lambda^2.

The horizon uses the 4/3-Earth model of standard refraction: an object at height ``ht`` is
above the radio horizon of a radar at height ``hr`` while the ground range is under
``sqrt(2 k R hr) + sqrt(2 k R ht)`` (Skolnik, *Introduction to Radar Systems*, 3rd ed.,
sec. 8.2, eq. 8.9, k = 4/3).
"""

import math
from typing import NamedTuple

import numba as nb
import numpy as np

from thaad.core.constants import R_MEAN_M
from thaad.core.earth import ecef_to_aer, ecef_to_geodetic, great_circle

_jit = nb.njit(cache=True)

BOLTZMANN_JPK = 1.380649e-23
C_MPS = 299792458.0
K_REFRACTION = 4.0 / 3.0


class Radar(NamedTuple):
    """Radar parameters (SI; angles in rad)."""

    lat_rad: float
    lon_rad: float
    alt_m: float
    boresight_az_rad: float
    half_fov_rad: float  # half-width of the face's azimuth field of view
    min_el_rad: float
    max_el_rad: float
    peak_power_w: float
    aperture_m2: float  # effective aperture Ae
    frequency_hz: float
    system_temp_k: float
    losses_db: float
    dwell_s: float  # coherent integration time per look
    snr_detect_db: float  # detection threshold
    max_range_m: float  # instrumented range
    sigma_range_m: float
    sigma_angle_rad: float
    scan_period_s: float  # revisit period on a target


@_jit
def snr_constant(rd: Radar) -> float:
    """``Pt tau G^2 lambda^2 / ((4 pi)^3 k Ts L)``: multiply by ``sigma / R^4`` for the SNR."""
    lam = C_MPS / rd.frequency_hz
    gain = 4.0 * math.pi * rd.aperture_m2 / (lam * lam)
    loss = 10.0 ** (rd.losses_db / 10.0)
    num = rd.peak_power_w * rd.dwell_s * gain * gain * lam * lam
    return num / ((4.0 * math.pi) ** 3 * BOLTZMANN_JPK * rd.system_temp_k * loss)


@_jit
def snr_db(rd: Radar, rcs_m2: float, range_m: float) -> float:
    """Single-dwell signal-to-noise ratio (dB) of a target of cross-section ``rcs_m2``."""
    return 10.0 * math.log10(snr_constant(rd) * rcs_m2 / range_m**4)


@_jit
def detection_range_m(rd: Radar, rcs_m2: float) -> float:
    """Range at which the SNR equals the detection threshold: ``(C sigma / SNR_min)^(1/4)``."""
    return (snr_constant(rd) * rcs_m2 / 10.0 ** (rd.snr_detect_db / 10.0)) ** 0.25


@_jit
def horizon_ground_range_m(radar_alt_m: float, target_alt_m: float) -> float:
    """Ground range to the radio horizon (4/3 Earth) for a target at ``target_alt_m``."""
    kr = K_REFRACTION * R_MEAN_M
    return math.sqrt(2.0 * kr * max(radar_alt_m, 0.0)) + math.sqrt(
        2.0 * kr * max(target_alt_m, 0.0)
    )


@_jit
def visible(
    rd: Radar, site_ecef: np.ndarray, site_enu: np.ndarray, r: np.ndarray, rcs_m2: float,
    earth: int,
):  # fmt: skip
    """Whether the radar detects an object at ECEF ``r``; also returns ``(az, el, range)``.

    All limits apply: field of view, elevation limits, radio horizon, instrumented range and
    the SNR threshold (a deterministic detection when the SNR clears it).
    """
    az, el, rng = ecef_to_aer(site_ecef, site_enu, r)
    ok = True
    d_az = (az - rd.boresight_az_rad + math.pi) % (2.0 * math.pi) - math.pi
    if abs(d_az) > rd.half_fov_rad or el < rd.min_el_rad or el > rd.max_el_rad:
        ok = False
    elif rng > rd.max_range_m:
        ok = False
    else:
        lat, lon, h = ecef_to_geodetic(r[0], r[1], r[2], earth)
        ground = great_circle(rd.lat_rad, rd.lon_rad, lat, lon)[0] * R_MEAN_M
        if ground > horizon_ground_range_m(rd.alt_m, h):
            ok = False
        elif snr_db(rd, rcs_m2, rng) < rd.snr_detect_db:
            ok = False
    return ok, az, el, rng
