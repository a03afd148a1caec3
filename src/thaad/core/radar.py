"""The AN/TPY-2-like radar: range equation, detection, accuracy, field of view, horizon.

Track form of the radar range equation (Skolnik, *Radar Handbook*, 3rd ed., eq. 1.2;
Richards, *Fundamentals of Radar Signal Processing* (FRSP), ch. 2) for one dwell of energy
``E = P * t_dwell``:

    SNR = P t_dwell G^2 lambda^2 sigma / ((4 pi)^3 k Ts L R^4),  G = 4 pi Ae / lambda^2.

Search form (Skolnik, *Introduction to Radar Systems*, 3rd ed., sec. 2.11; Richards FRSP,
sec. 2.9): a search of solid angle ``Omega`` every frame time ``t_f`` with the power ``P``
gives each beam position the SNR

    SNR = P Ae t_f sigma / (4 pi Omega k Ts L R^4),

which is the track form with ``t_dwell = t_f Omega_beam / Omega`` and ``Omega_beam = 4 pi / G``
(tested). ``P`` is the radiated power averaged over a dwell (the power-aperture product
``P Ae`` is what sets search performance).

Detection of a fluctuating target (square-law detector, one coherent dwell, threshold set
for a false-alarm probability ``Pfa``): Swerling 0 (steady) by the Marcum Q function,
computed as a Poisson mixture of Erlang tails; Swerling 1/2 ``Pd = Pfa^(1/(1+SNR))``;
Swerling 3/4 ``Pd = (1 + 2 SNR T / (2 + SNR)^2) Pfa^(2/(2+SNR))`` with ``T = -ln Pfa``
(Richards FRSP, sec. 6.3-6.4; Skolnik *Introduction*, sec. 2.8). With one coherent dwell per
look, cases 2 and 4 equal 1 and 3.

Accuracy (Richards FRSP, ch. 7; Barton, *Radar System Analysis and Modeling*, ch. 11):
``sigma_R = (c / 2B) / sqrt(2 SNR)`` and ``sigma_angle = theta_3dB / (k_m sqrt(2 SNR))``
(monopulse slope ``k_m``), each added in quadrature to a floor (bias and jitter left after
calibration).

The horizon uses the 4/3-Earth model of standard refraction (Skolnik, *Introduction to Radar
Systems*, 3rd ed., sec. 8.2): on a sphere of radius ``ae = 4/3 R`` rays are straight, so the
ground range to the radio horizon of an object at height ``ht`` from a radar at ``hr`` is
``ae (acos(ae / (ae + hr)) + acos(ae / (ae + ht)))``, about ``sqrt(2 ae hr) + sqrt(2 ae ht)``.
Every elevation limit and the search sector's elevation band apply to the apparent elevation
on that same 4/3 Earth (:func:`apparent_elevation_rad`), so the engagement, the footprint,
the battle, ``thaad visibility`` and ``thaad coverage`` mask and search alike; the measured
angles themselves are geometric (refraction corrected).
"""

import math
from typing import NamedTuple

import numpy as np

from thaad.core.constants import BOLTZMANN_JPK, C_MPS, K_REFRACTION, R_MEAN_M
from thaad.core.earth import ecef_to_aer, ecef_to_geodetic, great_circle
from thaad.core.jit import jit

AE_M = K_REFRACTION * R_MEAN_M  # effective Earth radius


class Radar(NamedTuple):
    """Radar parameters (SI; angles in rad). Fields after ``scan_period_s`` have defaults."""

    lat_rad: float
    lon_rad: float
    alt_m: float
    boresight_az_rad: float
    half_fov_rad: float  # half-width of the face's azimuth field of view
    min_el_rad: float
    max_el_rad: float
    peak_power_w: float  # radiated power averaged over a dwell (energy per dwell / dwell)
    aperture_m2: float  # effective aperture Ae
    frequency_hz: float
    system_temp_k: float
    losses_db: float
    dwell_s: float  # coherent integration time per track look
    snr_detect_db: float  # detection threshold
    max_range_m: float  # instrumented range
    sigma_range_m: float  # range error floor
    sigma_angle_rad: float  # angle error floor
    scan_period_s: float  # revisit period on a target
    search_half_az_rad: float = math.radians(60.0)  # search sector half-width
    search_el_span_rad: float = math.radians(10.0)  # search band above the minimum elevation
    search_frame_s: float = 10.0  # time to search the sector once
    pfa: float = 1.0e-6  # false-alarm probability per detection cell
    swerling: int = 1
    bandwidth_hz: float = 10.0e6  # track waveform bandwidth
    monopulse_slope: float = 1.6
    track_fraction_max: float = 0.5  # most of the radar's time that tracks may take


# ----------------------------------------------------------------------------- range equation


@jit
def wavelength_m(rd: Radar) -> float:
    return C_MPS / rd.frequency_hz


@jit
def beamwidth_rad(rd: Radar) -> float:
    """Half-power beamwidth ``lambda / D`` with ``D = sqrt(Ae)`` (broadside)."""
    return wavelength_m(rd) / math.sqrt(rd.aperture_m2)


@jit
def _noise_density(rd: Radar) -> float:
    """``k Ts L`` (J): noise spectral density times losses."""
    return BOLTZMANN_JPK * rd.system_temp_k * 10.0 ** (rd.losses_db / 10.0)


@jit
def snr_constant(rd: Radar) -> float:
    """``Pt tau G^2 lambda^2 / ((4 pi)^3 k Ts L)``: multiply by ``sigma / R^4`` for the SNR."""
    return snr_constant_dwell(rd, rd.dwell_s)


@jit
def snr_constant_dwell(rd: Radar, dwell_s: float) -> float:
    """Track-form constant for a dwell of ``dwell_s`` seconds."""
    lam = wavelength_m(rd)
    gain = 4.0 * math.pi * rd.aperture_m2 / (lam * lam)
    num = rd.peak_power_w * dwell_s * gain * gain * lam * lam
    return num / ((4.0 * math.pi) ** 3 * _noise_density(rd))


@jit
def snr_db(rd: Radar, rcs_m2: float, range_m: float) -> float:
    """Single-dwell signal-to-noise ratio (dB) of a target of cross-section ``rcs_m2``."""
    return 10.0 * math.log10(snr_constant(rd) * rcs_m2 / range_m**4)


@jit
def detection_range_m(rd: Radar, rcs_m2: float) -> float:
    """Range at which the track-dwell SNR equals the threshold: ``(C sigma / SNR_min)^(1/4)``."""
    return (snr_constant(rd) * rcs_m2 / 10.0 ** (rd.snr_detect_db / 10.0)) ** 0.25


@jit
def search_solid_angle_sr(half_az_rad: float, el_lo_rad: float, el_span_rad: float) -> float:
    """Solid angle of an azimuth-elevation sector: ``2 h_az (sin el_hi - sin el_lo)``."""
    return 2.0 * half_az_rad * (math.sin(el_lo_rad + el_span_rad) - math.sin(el_lo_rad))


@jit
def search_snr_constant(rd: Radar, search_fraction: float) -> float:
    """Search-form constant ``P Ae t_f f / (4 pi Omega k Ts L)`` (times ``sigma / R^4``).

    ``search_fraction`` is the share of the radar's time left to search (see
    :func:`time_budget`); the sector is ``+-search_half_az`` wide and ``search_el_span`` tall
    from the minimum elevation.
    """
    omega = search_solid_angle_sr(rd.search_half_az_rad, rd.min_el_rad, rd.search_el_span_rad)
    num = rd.peak_power_w * rd.aperture_m2 * rd.search_frame_s * search_fraction
    return num / (4.0 * math.pi * omega * _noise_density(rd))


@jit
def search_snr_db(rd: Radar, rcs_m2: float, range_m: float, search_fraction: float) -> float:
    return 10.0 * math.log10(search_snr_constant(rd, search_fraction) * rcs_m2 / range_m**4)


@jit
def search_range_m(rd: Radar, rcs_m2: float, search_fraction: float) -> float:
    """Range at which the search SNR equals the detection threshold."""
    c = search_snr_constant(rd, search_fraction)
    return (c * rcs_m2 / 10.0 ** (rd.snr_detect_db / 10.0)) ** 0.25


@jit
def search_dwell_s(rd: Radar, search_fraction: float) -> float:
    """Dwell per beam position in search: ``t_f f Omega_beam / Omega``."""
    lam = wavelength_m(rd)
    omega_beam = lam * lam / rd.aperture_m2
    omega = search_solid_angle_sr(rd.search_half_az_rad, rd.min_el_rad, rd.search_el_span_rad)
    return rd.search_frame_s * search_fraction * omega_beam / omega


@jit
def time_budget(rd: Radar, n_tracks: int) -> tuple[float, float]:
    """Share the radar's time between tracks and search.

    Each track wants a dwell of ``dwell_s`` every ``scan_period_s``; together the tracks may
    take at most ``track_fraction_max`` of the time, beyond which each track's dwell
    shrinks. Returns ``(search_fraction, dwell_per_track_s)``.
    """
    if n_tracks <= 0:
        return 1.0, rd.dwell_s
    want = n_tracks * rd.dwell_s / rd.scan_period_s
    frac = min(want, rd.track_fraction_max)
    dwell = frac * rd.scan_period_s / n_tracks
    return 1.0 - frac, dwell


# ----------------------------------------------------------------------------- detection


@jit
def _pd_steady(snr: float, thr: float) -> float:
    """Marcum Q: ``P(y > T)`` for ``y`` the square-law output (unit noise) of a steady target.

    ``y`` is a Poisson(``snr``) mixture of Erlang(k + 1) variables, and an Erlang tail is a
    Poisson CDF: ``Pd = sum_k Pois(k; snr) P(Pois(T) <= k)``, summed in log space over the
    Poisson weights' +-12-sigma span.
    """
    if snr <= 0.0:
        return math.exp(-thr)
    if snr > 1.0e4:
        return 1.0
    sd = math.sqrt(snr)
    k_lo = max(0, int(snr - 12.0 * sd - 10.0))
    k_hi = int(snr + 12.0 * sd + 10.0)
    log_snr = math.log(snr)
    log_thr = math.log(thr)
    cdf = 0.0
    pd = 0.0
    for k in range(k_hi + 1):
        cdf += math.exp(-thr + k * log_thr - math.lgamma(k + 1.0))
        if k >= k_lo:
            w = math.exp(-snr + k * log_snr - math.lgamma(k + 1.0))
            pd += w * min(cdf, 1.0)
    return min(max(pd, 0.0), 1.0)


@jit
def pd_swerling(snr: float, pfa: float, case: int) -> float:
    """Single-look detection probability of a Swerling ``case`` target (SNR as a ratio)."""
    thr = -math.log(pfa)
    if case == 0:
        return _pd_steady(snr, thr)
    if case == 1 or case == 2:
        return pfa ** (1.0 / (1.0 + snr))
    return (1.0 + 2.0 * snr * thr / (2.0 + snr) ** 2) * pfa ** (2.0 / (2.0 + snr))


@jit
def required_snr_db(pd: float, pfa: float, case: int) -> float:
    """SNR (dB) at which :func:`pd_swerling` reaches ``pd`` (bisection to 1e-9 dB)."""
    lo = -20.0
    hi = 80.0
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        if pd_swerling(10.0 ** (mid / 10.0), pfa, case) < pd:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


@jit
def sigma_range_m(rd: Radar, snr: float) -> float:
    """Range error: ``(c / 2B) / sqrt(2 SNR)`` in quadrature with the floor (SNR a ratio)."""
    res = C_MPS / (2.0 * rd.bandwidth_hz)
    thermal = res / math.sqrt(2.0 * max(snr, 1e-12))
    return math.sqrt(rd.sigma_range_m**2 + thermal**2)


@jit
def sigma_angle_rad(rd: Radar, snr: float) -> float:
    """Angle error: ``theta_3dB / (k_m sqrt(2 SNR))`` in quadrature with the floor."""
    thermal = beamwidth_rad(rd) / (rd.monopulse_slope * math.sqrt(2.0 * max(snr, 1e-12)))
    return math.sqrt(rd.sigma_angle_rad**2 + thermal**2)


# ----------------------------------------------------------------------------- geometry


@jit
def horizon_ground_range_m(radar_alt_m: float, target_alt_m: float) -> float:
    """Ground range to the radio horizon (4/3 Earth) for a target at ``target_alt_m``."""
    a = AE_M
    hr = max(radar_alt_m, 0.0)
    ht = max(target_alt_m, 0.0)
    return a * (math.acos(a / (a + hr)) + math.acos(a / (a + ht)))


@jit
def ground_range_from_slant_m(radar_alt_m: float, target_alt_m: float, slant_m: float) -> float:
    """Ground range (4/3 Earth) of an object at ``target_alt_m`` seen at ``slant_m``.

    ``cos(theta) = (ar^2 + at^2 - R^2) / (2 ar at)``, ground range ``ae theta``; NaN when the
    slant range is shorter than the height difference.
    """
    ar = AE_M + radar_alt_m
    at = AE_M + target_alt_m
    if slant_m < abs(at - ar):
        return math.nan
    c = (ar * ar + at * at - slant_m * slant_m) / (2.0 * ar * at)
    return AE_M * math.acos(min(max(c, -1.0), 1.0))


@jit
def apparent_elevation_rad(radar_alt_m: float, target_alt_m: float, ground_m: float) -> float:
    """Apparent elevation (4/3 Earth) of an object at ``target_alt_m`` and a ground range.

    The elevation convention of every mask and of the search sector (the engagement's, the
    footprint's, the tracker's and ``thaad coverage``'s): on the sphere of radius
    ``ae = 4/3 R`` the refracted ray is straight, so with ``ar = ae + hr``, ``at = ae + ht``
    and ``theta = ground / ae``, ``sin(el) = (at cos(theta) - ar) / slant`` and
    ``slant^2 = ar^2 + at^2 - 2 ar at cos(theta)`` (Skolnik, *Introduction to Radar Systems*,
    3rd ed., sec. 8.2; Blake, *Radar Range-Performance Analysis*, ch. 5). It is the
    elevation the radar sees (and its elevation limits and search band apply to), a few
    tenths of a degree above the geometric one at long range.
    """
    ar = AE_M + radar_alt_m
    at = AE_M + target_alt_m
    th = ground_m / AE_M
    slant = math.sqrt(ar * ar + at * at - 2.0 * ar * at * math.cos(th))
    s = (at * math.cos(th) - ar) / max(slant, 1e-9)
    return math.asin(min(max(s, -1.0), 1.0))


@jit
def ground_range_at_elevation_m(radar_alt_m: float, target_alt_m: float, el_rad: float) -> float:
    """Ground range (4/3 Earth) at which an object at ``target_alt_m`` is at elevation ``el``.

    The ray ``at^2 = ar^2 + R^2 + 2 ar R sin(el)`` gives the slant range, then the ground
    range follows from :func:`ground_range_from_slant_m`. NaN if the ray never reaches it.
    """
    ar = AE_M + radar_alt_m
    at = AE_M + target_alt_m
    s = math.sin(el_rad)
    disc = ar * ar * s * s + at * at - ar * ar
    if disc < 0.0:
        return math.nan
    slant = -ar * s + math.sqrt(disc)
    if slant < 0.0:
        return math.nan
    return ground_range_from_slant_m(radar_alt_m, target_alt_m, slant)


# ----------------------------------------------------------------------------- visibility


@jit
def in_view(rd: Radar, az: float, el_app: float, rng: float, alt_m: float, ground_m: float) -> bool:
    """Field of view, elevation limits, instrumented range and radio horizon (no SNR).

    The elevation limits apply to ``el_app``, the apparent elevation
    (:func:`apparent_elevation_rad`) of the object at height ``alt_m`` and ground range
    ``ground_m``, which the callers have for the search sector too.
    """
    d_az = (az - rd.boresight_az_rad + math.pi) % (2.0 * math.pi) - math.pi
    if abs(d_az) > rd.half_fov_rad:
        return False
    if el_app < rd.min_el_rad or el_app > rd.max_el_rad:
        return False
    if rng > rd.max_range_m:
        return False
    return ground_m <= horizon_ground_range_m(rd.alt_m, alt_m)


@jit
def visible(
    rd: Radar, site_ecef: np.ndarray, site_enu: np.ndarray, r: np.ndarray, rcs_m2: float,
    earth: int,
):  # fmt: skip
    """Whether the radar detects an object at ECEF ``r``; also returns ``(az, el, range)``.

    All limits apply: field of view, elevation limits (on the apparent elevation, see
    :func:`in_view`), radio horizon, instrumented range and the SNR threshold (a
    deterministic detection when the SNR clears it). The returned ``el`` is the geometric
    elevation (the measurement, refraction corrected).
    """
    az, el, rng = ecef_to_aer(site_ecef, site_enu, r)
    lat, lon, h = ecef_to_geodetic(r[0], r[1], r[2], earth)
    ground = great_circle(rd.lat_rad, rd.lon_rad, lat, lon)[0] * R_MEAN_M
    ok = in_view(rd, az, apparent_elevation_rad(rd.alt_m, h, ground), rng, h, ground)
    if ok and snr_db(rd, rcs_m2, rng) < rd.snr_detect_db:
        ok = False
    return ok, az, el, rng


# ----------------------------------------------------------------------------- search pattern


@jit
def in_search_sector(rd: Radar, az: float, el: float) -> bool:
    """Whether a direction lies in the mode's search pattern: ``+-search_half_az`` about the
    boresight, from the minimum elevation up ``search_el_span`` (a low fence for the
    forward-based mode, the face's volume for the terminal mode).

    ``el`` is the apparent elevation (4/3 Earth, :func:`apparent_elevation_rad`), the
    convention of the elevation limits: every caller passes it, not the geometric one.
    """
    d_az = (az - rd.boresight_az_rad + math.pi) % (2.0 * math.pi) - math.pi
    if abs(d_az) > rd.search_half_az_rad:
        return False
    return rd.min_el_rad <= el <= rd.min_el_rad + rd.search_el_span_rad


@jit
def search_visit_fraction(rd: Radar, az: float, el: float) -> float:
    """When, as a fraction of the frame, the search raster's beam covers a direction.

    The raster steps through rows of one beamwidth in elevation, from the lowest up, each row
    swept in azimuth from left to right: row ``i`` of ``n`` is covered from ``i / n`` to
    ``(i + 1) / n`` of the frame, and inside the row the beam reaches the direction in
    proportion to its azimuth offset.
    """
    bw = beamwidth_rad(rd)
    n_rows = max(1, int(math.ceil(rd.search_el_span_rad / bw)))
    row = min(max(int((el - rd.min_el_rad) / bw), 0), n_rows - 1)
    d_az = (az - rd.boresight_az_rad + math.pi) % (2.0 * math.pi) - math.pi
    col = min(max((d_az + rd.search_half_az_rad) / (2.0 * rd.search_half_az_rad), 0.0), 1.0)
    return (row + min(col, 1.0 - 1e-12)) / n_rows


@jit
def search_visited(rd: Radar, t0_s: float, t1_s: float, az: float, el: float) -> bool:
    """Whether a search beam covers direction ``(az, el)`` in the interval ``(t0, t1]``.

    ``el`` is the apparent elevation (:func:`in_search_sector`), on which the raster's rows
    are laid.

    Frame ``k`` starts at ``k * search_frame_s``; the beam covers the direction at
    ``(k + f) * search_frame_s`` with ``f`` from :func:`search_visit_fraction`.
    """
    if not in_search_sector(rd, az, el):
        return False
    tf = rd.search_frame_s
    f = search_visit_fraction(rd, az, el)
    k = math.floor(t1_s / tf - f)  # the last visit at or before t1
    return (k + f) * tf > t0_s and k >= 0.0
