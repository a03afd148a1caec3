"""Radar reference tests: the radar range equation (Skolnik, *Radar Handbook* 3rd ed.,
eq. 1.2) and the 4/3-Earth radio horizon (Skolnik, *Introduction to Radar Systems*, eq. 8.9).
"""

import math

import pytest

import thaad
from thaad.core.earth import enu_basis, geodetic_to_ecef
from thaad.core.radar import (
    BOLTZMANN_JPK,
    C_MPS,
    detection_range_m,
    horizon_ground_range_m,
    snr_db,
    visible,
)


@pytest.fixture(scope="module")
def radar():
    return thaad.load_scenario().battery.radar_core()


def test_snr_matches_the_range_equation_by_hand(radar):
    lam = C_MPS / radar.frequency_hz
    g = 4 * math.pi * radar.aperture_m2 / lam**2
    snr = (radar.peak_power_w * radar.dwell_s * g**2 * lam**2 * 0.1) / (
        (4 * math.pi) ** 3 * BOLTZMANN_JPK * radar.system_temp_k * 10.0 * (500e3) ** 4
    )
    assert snr_db(radar, 0.1, 500e3) == pytest.approx(10 * math.log10(snr), abs=1e-9)


def test_detection_range_scales_as_rcs_to_the_quarter(radar):
    r1 = detection_range_m(radar, 0.01)
    r2 = detection_range_m(radar, 1.0)
    assert r2 / r1 == pytest.approx(100**0.25, rel=1e-12)
    assert snr_db(radar, 0.01, r1) == pytest.approx(radar.snr_detect_db, abs=1e-9)
    # terminal-mode figures quoted publicly (600-1,000 km) bracket a 0.01-0.1 m2 target
    assert 400e3 < r1 < 800e3
    assert 800e3 < detection_range_m(radar, 0.1) < 1300e3


def test_four_thirds_earth_horizon():
    # d = sqrt(2 k R h): a 100 km object seen from sea level is 1,303 km away
    assert horizon_ground_range_m(0.0, 100e3) == pytest.approx(
        math.sqrt(2 * 4 / 3 * 6371e3 * 100e3), rel=1e-12
    )
    assert horizon_ground_range_m(0.0, 100e3) == pytest.approx(1303e3, rel=1e-3)


def test_field_of_view_and_minimum_elevation(radar):
    site = geodetic_to_ecef(radar.lat_rad, radar.lon_rad, radar.alt_m, 1)
    basis = enu_basis(radar.lat_rad, radar.lon_rad)
    d = math.radians
    # 300 km north-west at 100 km: inside the face, above 5 deg -> seen
    ok, az, el, rng = visible(radar, site, basis,
                              geodetic_to_ecef(d(37.95), d(125.8), 100e3, 1), 1.0, 1)  # fmt: skip
    assert ok and math.degrees(el) > 5
    # same distance south-east (behind the face): not seen
    ok2, *_ = visible(radar, site, basis, geodetic_to_ecef(d(34.15), d(130.6), 100e3, 1), 1.0, 1)
    assert not ok2
    # low and far: under the minimum elevation
    ok3, _, el3, _ = visible(radar, site, basis,
                             geodetic_to_ecef(d(38.9), d(125.0), 10e3, 1), 1.0, 1)  # fmt: skip
    assert not ok3 and math.degrees(el3) < 5
    assert 290e3 < rng < 330e3 and 250 < math.degrees(az) < 360
