"""Threat trajectory reference tests.

The ideal model is checked against the closed-form minimum-energy trajectory of Bate,
Mueller and White, *Fundamentals of Astrodynamics* (1971), sec. 6.2-6.3; the integrator
against SciPy's DOP853.
"""

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

import thaad
from thaad.core.constants import MU_EARTH_M3PS2, R_MEAN_M
from thaad.core.flight import Env, coast_phase, deriv, fly
from thaad.core.kepler import ballistic_solution, min_energy_gamma_rad, q_for_angle
from thaad.errors import ThaadInputError


@pytest.mark.parametrize("range_km", [300.0, 1000.0, 3000.0, 10000.0])
def test_ideal_minimum_energy_matches_bmw_within_0p1_percent(range_km):
    psi = range_km * 1e3 / R_MEAN_M
    res = thaad.fly_trajectory((0.0, 0.0), (0.0, math.degrees(psi)), model="ideal")
    s = math.sin(psi / 2)
    v_bmw = math.sqrt(2 * s / (1 + s) * MU_EARTH_M3PS2 / R_MEAN_M)  # BMW eq. 6.2-18
    assert res.burnout_speed_mps == pytest.approx(v_bmw, rel=1e-12)
    assert res.burnout_flight_path_deg == pytest.approx(math.degrees((math.pi - psi) / 4))
    # the numerically flown conic lands where and when Kepler says
    a = res.analytic
    assert res.ground_range_m == pytest.approx(range_km * 1e3, rel=1e-3)
    assert res.flight_time_s == pytest.approx(a["flight_time_s"], rel=1e-3)
    assert res.apogee_alt_m == pytest.approx(a["apogee_alt_m"], rel=1e-3)
    assert res.aim_miss_m < 1e-3 * range_km * 1e3


def test_min_energy_q_is_the_minimum_over_angles():
    psi = 0.5
    q_me = q_for_angle(psi, min_energy_gamma_rad(psi))
    for g in np.linspace(0.05, 1.2, 50):
        assert q_for_angle(psi, g) >= q_me - 1e-12


def test_flight_time_of_a_known_case():
    # 90-degree range angle: gamma = 22.5 deg, Q = 2 sin45/(1 + sin45) = 0.828427
    v, tof, ra = ballistic_solution(math.pi / 2, math.pi / 8, R_MEAN_M)
    assert v**2 * R_MEAN_M / MU_EARTH_M3PS2 == pytest.approx(0.8284271247, rel=1e-9)
    # apogee of the min-energy conic: a(1+e) with a = r/(2-Q), e^2 = 1 + Q(Q-2)cos^2(gamma)
    q = 0.8284271247461903
    e = math.sqrt(1 + q * (q - 2) * math.cos(math.pi / 8) ** 2)
    assert ra == pytest.approx(R_MEAN_M / (2 - q) * (1 + e), rel=1e-12)
    assert 1500 < tof < 2500


def test_full_model_hits_the_aim_within_1_km():
    res = thaad.fly_trajectory((39.2, 125.67), (35.8714, 128.6014), model="full")
    assert res.aim_miss_m < 1000.0
    assert 300e3 < res.ground_range_m < 600e3
    assert 30e3 < res.apogee_alt_m < 200e3


def test_out_of_reach_aim_is_an_error_naming_the_maximum_range():
    with pytest.raises(ThaadInputError, match="maximum range"):
        thaad.fly_trajectory((39.2, 125.67), (31.0, 131.0), model="full")


def test_integrator_agrees_with_scipy_dop853_within_a_metre():
    env = Env(1, 1, 1, 1)
    ph = coast_phase(700.0 / 4880.0)
    y0 = np.array([-3.05e6, 4.05e6, 4.0e6 + 60e3 * 0.63, 1200.0, 500.0, 1600.0, 700.0])
    y0[:3] *= 1.0
    t_end = 120.0
    _ts, ys, _, _ = fly(0.0, y0, t_end, ph, env, 1e-11, 30.0, -1e6, 1e5)
    out = np.empty(7)

    def rhs(t, y):
        deriv(t, y, ph, env, 0.0, 0.0, 0.0, out)
        return out.copy()

    ref = solve_ivp(rhs, (0.0, t_end), y0, method="DOP853", rtol=1e-12, atol=1e-6)
    assert np.linalg.norm(ys[-1, :3] - ref.y[:3, -1]) < 1.0


def test_vacuum_energy_is_conserved():
    env = Env(0, 0, 0, 0)
    r0 = R_MEAN_M
    y0 = np.array([r0, 0.0, 0.0, 3000.0, 5000.0, 0.0, 1.0])
    _ts, ys, ev_t, _ = fly(0.0, y0, 5000.0, coast_phase(0.0), env, 1e-11, 60.0, 0.0, 1e5)

    def energy(y):
        return 0.5 * np.dot(y[3:6], y[3:6]) - MU_EARTH_M3PS2 / np.linalg.norm(y[:3])

    e0 = energy(ys[0])
    drift = max(abs(energy(y) - e0) for y in ys) / abs(e0)
    assert drift < 1e-9
    assert not math.isnan(ev_t[0])  # it lands


def test_drag_slows_a_low_beta_reentry_vehicle_more():
    env = Env(1, 0, 0, 1)
    speeds = []
    for beta in (1000.0, 10000.0):
        y0 = np.array([R_MEAN_M + 150e3, 0.0, 0.0, -2000.0, 2000.0, 0.0, 500.0])
        _ts, _ys, _ev_t, ev_y = fly(0.0, y0, 2000.0, coast_phase(500.0 / beta), env, 1e-10, 5.0,
                                 0.0, 1e5)  # fmt: skip
        speeds.append(np.linalg.norm(ev_y[0, 3:6]))
    assert speeds[0] < speeds[1] - 200.0
