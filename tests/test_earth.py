"""Earth model reference tests.

Conversions are checked against pymap3d (an independent implementation of the WGS-84
formulas of NIMA TR8350.2); gravity against the analytic gradient of the J2 potential
(Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed., eq. 8-30).
"""

import math

import numpy as np
import pymap3d
import pytest

from thaad.core.constants import (
    EARTH_SPHERICAL,
    EARTH_WGS84,
    J2_EARTH,
    MU_EARTH_M3PS2,
    R_MEAN_M,
    WGS84_A_M,
)
from thaad.core.earth import (
    aer_to_ecef,
    approx_altitude_m,
    ecef_to_aer,
    ecef_to_geodetic,
    enu_basis,
    frame_accel_mps2,
    geodetic_to_ecef,
    gravity_mps2,
    great_circle,
    height_and_ground_angle,
)

POINTS = [(36.0513, 128.2229, 680.0), (-33.9, 18.4, 0.0), (89.9, 10.0, 150e3), (0.0, -70.0, 1e6)]


@pytest.mark.parametrize(("lat", "lon", "alt"), POINTS)
def test_geodetic_to_ecef_matches_pymap3d_to_a_millimetre(lat, lon, alt):
    r = geodetic_to_ecef(math.radians(lat), math.radians(lon), alt, EARTH_WGS84)
    ref = pymap3d.geodetic2ecef(lat, lon, alt)
    assert np.allclose(r, ref, atol=1e-3)
    lat2, _lon2, alt2 = ecef_to_geodetic(*r, EARTH_WGS84)
    assert abs(math.degrees(lat2) - lat) < 1e-9  # ~0.1 mm
    assert abs(alt2 - alt) < 1e-3


@pytest.mark.parametrize("earth", [EARTH_SPHERICAL, EARTH_WGS84])
def test_height_and_ground_angle_match_geodetic_and_great_circle_to_a_micrometre(earth):
    # the radar's fast form against ecef_to_geodetic's height and great_circle's angle
    # (the same formulas on sines and cosines), from a site to points up to 2,000 km high
    rng = np.random.default_rng(3)
    for _ in range(200):
        lat0, lon0 = rng.uniform(-1.5, 1.5), rng.uniform(-3.1, 3.1)
        up = enu_basis(lat0, lon0)[2]
        lat, lon = rng.uniform(-1.57, 1.57), rng.uniform(-3.1, 3.1)
        r = geodetic_to_ecef(lat, lon, rng.uniform(-1e3, 2e6), earth)
        la, lo, h = ecef_to_geodetic(*r, earth)
        ang = great_circle(lat0, lon0, la, lo)[0]
        h2, ang2 = height_and_ground_angle(*r, earth, up)
        assert abs(h2 - h) < 1e-6
        assert abs(ang2 - ang) * R_MEAN_M < 1e-6


def test_spherical_model_is_a_sphere_of_mean_radius():
    r = geodetic_to_ecef(0.3, 1.2, 1000.0, 0)
    assert abs(np.linalg.norm(r) - (R_MEAN_M + 1000.0)) < 1e-6


def test_aer_matches_pymap3d_and_round_trips():
    lat, lon, h = 36.0513, 128.2229, 680.0
    site = geodetic_to_ecef(math.radians(lat), math.radians(lon), h, EARTH_WGS84)
    basis = enu_basis(math.radians(lat), math.radians(lon))
    tgt = geodetic_to_ecef(math.radians(38.5), math.radians(126.0), 120e3, EARTH_WGS84)
    az, el, rng = ecef_to_aer(site, basis, tgt)
    az_r, el_r, rng_r = pymap3d.ecef2aer(*tgt, lat, lon, h)
    assert abs(math.degrees(az) - az_r) < 1e-8
    assert abs(math.degrees(el) - el_r) < 1e-8
    assert abs(rng - rng_r) < 1e-3
    back = aer_to_ecef(site, basis, az, el, rng)
    assert np.allclose(back, tgt, atol=1e-4)


def test_point_gravity_at_the_surface_is_mu_over_r_squared():
    r = np.array([R_MEAN_M, 0.0, 0.0])
    g = gravity_mps2(r, 0)
    assert abs(np.linalg.norm(g) - MU_EARTH_M3PS2 / R_MEAN_M**2) < 1e-12
    assert abs(np.linalg.norm(g) - 9.82) < 0.01


def test_j2_gravity_is_the_gradient_of_the_j2_potential():
    def potential(r):
        rn = np.linalg.norm(r)
        s = r[2] / rn
        return -MU_EARTH_M3PS2 / rn * (1 - J2_EARTH * (WGS84_A_M / rn) ** 2 * (1.5 * s * s - 0.5))

    r = np.array([3.1e6, -4.2e6, 3.9e6])
    h = 1.0
    grad = np.array([(potential(r + h * e) - potential(r - h * e)) / (2 * h) for e in np.eye(3)])
    assert np.allclose(gravity_mps2(r, 1), -grad, rtol=0, atol=1e-7)
    # J2 changes gravity by about 1e-3 relative: measurable, not dominant
    d = np.linalg.norm(gravity_mps2(r, 1) - gravity_mps2(r, 0)) / np.linalg.norm(gravity_mps2(r, 0))
    assert 1e-4 < d < 3e-3


def test_frame_acceleration_is_coriolis_plus_centrifugal():
    w = 7.292115e-5
    r = np.array([6.4e6, 0.0, 0.0])
    v = np.array([0.0, 1000.0, 0.0])
    a = frame_accel_mps2(r, v, 1)
    expected = -2 * np.cross([0, 0, w], v) - np.cross([0, 0, w], np.cross([0, 0, w], r))
    assert np.allclose(a, expected, atol=1e-12)
    assert np.allclose(frame_accel_mps2(r, v, 0), 0.0)


@pytest.mark.parametrize("alt", [0.0, 40e3, 120e3, 1e6])
def test_fast_altitude_within_50_m_of_geodetic(alt):
    for lat in (0.0, 30.0, 45.0, 60.0, 89.0):
        r = geodetic_to_ecef(math.radians(lat), 0.4, alt, EARTH_WGS84)
        assert abs(approx_altitude_m(r[0], r[1], r[2], EARTH_WGS84) - alt) < 50.0
