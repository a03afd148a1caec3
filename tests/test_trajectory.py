"""Threat trajectory reference tests: textbook ballistics, Earth's rotation and J2, drag,
and the integrator against SciPy.

Sources: Bate, Mueller and White (BMW), *Fundamentals of Astrodynamics*, Dover 1971,
sec. 6.2 (free-flight range, minimum energy), 6.3 (time of flight), 6.5 (Earth rotation);
Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed., eq. 8-30 (J2);
SciPy's DOP853 (Hairer, Norsett and Wanner, *Solving ODEs I*, sec. II.10) as the
independent integrator. The reference values are computed here, independently of
thaad.core.kepler.
"""

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

import thaad
from thaad.core.constants import J2_EARTH, MU_EARTH_M3PS2, OMEGA_EARTH_RADPS, R_MEAN_M, WGS84_A_M
from thaad.core.earth import ecef_to_geodetic, geodetic_to_ecef, great_circle
from thaad.core.flight import Env, coast_phase, deriv, fly
from thaad.core.kepler import ballistic_solution, min_energy_gamma_rad, q_for_angle
from thaad.core.threat import (
    SHAPE_MIN_ENERGY,
    aim_point_on_sphere,
    fly_threat,
    solve_aim,
    stage_ignition_s,
    stage_mass_kg,
    stage_phase,
)
from thaad.errors import ThaadInputError
from thaad.model.catalog import threat_class

MU = MU_EARTH_M3PS2
R = R_MEAN_M


def conic_from_burnout(v, gamma, mu=MU):
    """Range angle, flight time and apogee radius of a conic from and back to radius R.

    Range: ``tan(psi/2) = Q sin(g) cos(g) / (1 - Q cos^2 g)`` (BMW 6.2); apogee from the
    energy and angular momentum; time from Kepler's equation with the eccentric anomaly
    taken from ``r`` and ``r . v`` (BMW 6.3).
    """
    q = v * v * R / mu
    psi = 2.0 * math.atan2(q * math.sin(gamma) * math.cos(gamma), 1.0 - q * math.cos(gamma) ** 2)
    a = -mu / (2.0 * (0.5 * v * v - mu / R))
    p = (R * v * math.cos(gamma)) ** 2 / mu
    e = math.sqrt(1.0 - p / a)
    ecc = math.atan2(R * v * math.sin(gamma) / (e * math.sqrt(mu * a)), (1.0 - R / a) / e)
    tof = 2.0 * (math.pi - (ecc - e * math.sin(ecc))) / math.sqrt(mu / a**3)
    return psi, tof, a * (1.0 + e)


@pytest.mark.parametrize("range_km", [300.0, 600.0, 1000.0, 1300.0, 3000.0, 5000.0, 10000.0])
def test_ideal_minimum_energy_matches_bmw_within_0p1_percent(range_km):
    """BMW eq. 6.2-18/6.2-19: Q = 2 s/(1 + s), s = sin(psi/2); gamma = (pi - psi)/4."""
    psi = range_km * 1e3 / R
    res = thaad.fly_trajectory((0.0, 0.0), (0.0, math.degrees(psi)), model="ideal")
    s = math.sin(psi / 2)
    v = math.sqrt(2 * s / (1 + s) * MU / R)
    gamma = (math.pi - psi) / 4
    psi_k, tof, r_apo = conic_from_burnout(v, gamma)
    assert psi_k == pytest.approx(psi, rel=1e-12)  # the conic closes on the aim point
    assert res.burnout_speed_mps == pytest.approx(v, rel=1e-3)
    assert res.burnout_flight_path_deg == pytest.approx(math.degrees(gamma), rel=1e-3)
    # what the integrator flew: range, time, apogee
    assert res.ground_range_m == pytest.approx(range_km * 1e3, rel=1e-3)
    assert res.flight_time_s == pytest.approx(tof, rel=1e-3)
    assert res.apogee_alt_m == pytest.approx(r_apo - R, rel=1e-3)
    assert res.aim_miss_m < 1.0


def test_min_energy_q_is_the_minimum_over_angles():
    psi = 0.5
    q_me = q_for_angle(psi, min_energy_gamma_rad(psi))
    for g in np.linspace(0.05, 1.2, 50):
        assert q_for_angle(psi, g) >= q_me - 1e-12


def test_flight_time_of_a_known_case():
    # 90-degree range angle: gamma = 22.5 deg, Q = 2 sin45/(1 + sin45) = 0.828427
    v, tof, ra = ballistic_solution(math.pi / 2, math.pi / 8, R)
    assert v**2 * R / MU == pytest.approx(0.8284271247, rel=1e-9)
    psi, tof_ref, ra_ref = conic_from_burnout(v, math.pi / 8)
    assert psi == pytest.approx(math.pi / 2, rel=1e-12)
    assert tof == pytest.approx(tof_ref, rel=1e-12)
    assert ra == pytest.approx(ra_ref, rel=1e-12)


@pytest.mark.parametrize("model", ["ideal", "full"])
def test_lofted_flight_given_range_and_apogee(model):
    """The Hwasong-12 test of 14 May 2017: 787 km range, 2,111 km apogee, about 30 minutes
    (CSIS Missile Threat, 2017-05). Ideal: the Kepler conic through both (BMW 6.2-6.3);
    full: the irbm class flies it and hits the aim point."""
    launch = (39.0, 125.7)
    lat, lon = aim_point_on_sphere(math.radians(39.0), math.radians(125.7), math.radians(75.0),
                                   787e3)  # fmt: skip
    res = thaad.fly_trajectory(launch, (math.degrees(lat), math.degrees(lon)), threat="irbm",
                               shape="lofted", apogee_km=2111.0, model=model)  # fmt: skip
    assert res.apogee_alt_m == pytest.approx(2111e3, rel=1e-3)
    assert res.ground_range_m == pytest.approx(787e3, rel=1e-3)
    assert res.aim_miss_m < 1000.0
    assert 25 * 60 < res.flight_time_s < 35 * 60  # "about 30 minutes"
    if model == "ideal":
        psi, tof, r_apo = conic_from_burnout(res.burnout_speed_mps,
                                             math.radians(res.burnout_flight_path_deg))  # fmt: skip
        assert psi * R == pytest.approx(787e3, rel=1e-6)
        assert r_apo - R == pytest.approx(2111e3, rel=1e-6)
        assert res.flight_time_s == pytest.approx(tof, rel=1e-3)
        assert res.burnout_flight_path_deg > 90 - math.degrees(787e3 / R) / 4 - 10  # steep


def _fly_equatorial(v, gamma, env, east):
    """Impulsive burnout on the equator, Earth-fixed speed ``v`` at ``gamma``: ground range."""
    y0 = np.array([R, 0.0, 0.0, v * math.sin(gamma), (1 if east else -1) * v * math.cos(gamma),
                   0.0, 1.0])  # fmt: skip
    _, _, ev_t, ev_y = fly(0.0, y0, 1e5, coast_phase(0.0), env, 1e-12, 1e9, 0.0, 1e5)
    lat, lon, _ = ecef_to_geodetic(ev_y[0, 0], ev_y[0, 1], ev_y[0, 2], 0)
    return great_circle(0.0, 0.0, lat, lon)[0] * R, ev_t[0]


def test_earth_rotation_lengthens_eastward_and_shortens_westward_range():
    """BMW sec. 6.5: in the inertial frame the burnout velocity gains omega R eastward; the
    free flight is the Kepler conic of that velocity, and the Earth turns under it for the
    flight time, so the ground range is ``R (psi_i -+ omega t_f)`` (east, west)."""
    psi = 1000e3 / R
    g = min_energy_gamma_rad(psi)
    v = math.sqrt(q_for_angle(psi, g) * MU / R)
    ranges = {}
    for east in (True, False):
        rng, t_f = _fly_equatorial(v, g, Env(0, 1, 0, 0), east)
        h_i = v * math.cos(g) + (1 if east else -1) * OMEGA_EARTH_RADPS * R
        v_i = math.hypot(h_i, v * math.sin(g))
        psi_i, tof_i, _ = conic_from_burnout(v_i, math.atan2(v * math.sin(g), abs(h_i)))
        pred = R * (psi_i - (1 if east else -1) * OMEGA_EARTH_RADPS * tof_i)
        assert rng == pytest.approx(pred, rel=1e-6)
        assert t_f == pytest.approx(tof_i, rel=1e-6)
        ranges[east] = rng
    # sign and size: about +2.8 % east and -2.0 % west for a 1,000 km shot
    assert ranges[True] > 1000e3 > ranges[False]
    assert 0.02 < ranges[True] / 1000e3 - 1 < 0.04
    assert 0.01 < 1 - ranges[False] / 1000e3 < 0.03


def test_j2_shortens_an_equatorial_flight_by_about_its_extra_pull():
    """Vallado eq. 8-30: in the equatorial plane J2 adds 1.5 J2 (a/r)^2 to the radial pull,
    roughly a larger ``mu``; the conic of ``mu (1 + 1.5 J2 (a/R)^2)`` predicts the shortfall
    (first order; the pull weakens with height, so the flight is a little longer than that)."""
    psi = 1000e3 / R
    g = min_energy_gamma_rad(psi)
    v = math.sqrt(q_for_angle(psi, g) * MU / R)
    r_point, _ = _fly_equatorial(v, g, Env(0, 0, 0, 0), True)
    r_j2, _ = _fly_equatorial(v, g, Env(0, 0, 1, 0), True)
    psi_j2, _, _ = conic_from_burnout(v, g, MU * (1 + 1.5 * J2_EARTH * (WGS84_A_M / R) ** 2))
    pred = psi_j2 * R - r_point
    assert r_j2 - r_point < 0.0
    assert r_j2 - r_point == pytest.approx(pred, rel=0.1)  # about -1.7 km of 1,000 km


def test_drag_slows_a_low_beta_reentry_vehicle_more():
    env = Env(1, 0, 0, 1)
    speeds = []
    for beta in (1000.0, 10000.0):
        y0 = np.array([R + 150e3, 0.0, 0.0, -2000.0, 2000.0, 0.0, 500.0])
        _ts, _ys, _ev_t, ev_y = fly(0.0, y0, 2000.0, coast_phase(500.0 / beta), env, 1e-10, 5.0,
                                    0.0, 1e5)  # fmt: skip
        speeds.append(np.linalg.norm(ev_y[0, 3:6]))
    assert speeds[0] < speeds[1] - 200.0


def scipy_flight(mis, aim, env, rtol):
    """The same staged flight with SciPy's DOP853 on thaad's right-hand side, phase by phase."""
    out = np.empty(7)
    atol = rtol * np.array([1e6, 1e6, 1e6, 1e3, 1e3, 1e3, 1e3])
    y = np.zeros(7)
    y[:3] = geodetic_to_ecef(aim.lat0_rad, aim.lon0_rad, aim.alt0_m, env.earth)
    y[6] = mis.m0_kg
    t = 0.0
    for i in range(mis.n_stages):
        t_end = min(stage_ignition_s(mis, i) + mis.stage_burn_s[i], aim.t_cutoff_s)
        if i > 0:
            y[6] = stage_mass_kg(mis, i)
        ph = stage_phase(mis, aim, i)
        sol = solve_ivp(lambda tt, yy, ph=ph: (deriv(tt, yy, ph, env, 0, 0, 0, out), out.copy())[1],
                        (t, t_end), y, method="DOP853", rtol=rtol, atol=atol)  # fmt: skip
        t, y = t_end, sol.y[:, -1].copy()
        if t >= aim.t_cutoff_s:
            break
    y[6] = mis.m_rv_kg
    ph = coast_phase(mis.m_rv_kg / mis.beta_rv_kgpm2)

    def impact(tt, yy):
        return ecef_to_geodetic(yy[0], yy[1], yy[2], env.earth)[2]

    impact.terminal = True
    impact.direction = -1
    sol = solve_ivp(lambda tt, yy: (deriv(tt, yy, ph, env, 0, 0, 0, out), out.copy())[1],
                    (t, t + 2e4), y, method="DOP853", rtol=rtol, atol=atol,
                    events=impact)  # fmt: skip
    return sol.t_events[0][0], sol.y_events[0][0]


@pytest.mark.parametrize(("cls", "range_km"), [("mrbm-1300", 1300.0), ("irbm", 3000.0)])
def test_full_model_impact_within_a_metre_of_scipy_dop853(cls, range_km):
    """Full model (WGS-84, rotation, J2, US76), staged boost, separation and reentry: thaad's
    Dormand-Prince 5(4) at its default rtol 1e-10 against SciPy DOP853 at rtol 1e-12."""
    mis = threat_class(cls).missile()
    env = Env(1, 1, 1, 1)
    lat0, lon0 = math.radians(39.0), math.radians(125.7)
    lat1, lon1 = aim_point_on_sphere(lat0, lon0, math.radians(100.0), range_km * 1e3)
    aim, status, _ = solve_aim(mis, lat0, lon0, 0.0, lat1, lon1, 0.0, env, SHAPE_MIN_ENERGY,
                               0.0, 1.0)  # fmt: skip
    assert status == 0
    out = fly_threat(mis, aim, env, 1e-10, 2.0)
    t_ref, y_ref = scipy_flight(mis, aim, env, 1e-12)
    assert np.linalg.norm(out[6][:3] - y_ref[:3]) < 1.0
    assert out[5] == pytest.approx(t_ref, abs=1e-3)


def test_vacuum_energy_drift_below_1e9_over_10000_km():
    """Specific orbital energy v^2/2 - mu/r is a constant of the vacuum, point-gravity,
    non-rotating flight (BMW sec. 1.4); the 10,000 km minimum-energy conic, flown at a
    loose rtol 1e-9 and at the default 1e-10."""
    psi = 10000e3 / R
    g = min_energy_gamma_rad(psi)
    v = math.sqrt(q_for_angle(psi, g) * MU / R)
    y0 = np.array([R, 0.0, 0.0, v * math.sin(g), v * math.cos(g), 0.0, 1.0])

    def energy(y):
        return 0.5 * np.dot(y[3:6], y[3:6]) - MU / np.linalg.norm(y[:3])

    for rtol in (1e-9, 1e-10):
        _ts, ys, _, ev_y = fly(0.0, y0, 1e5, coast_phase(0.0), Env(0, 0, 0, 0), rtol, 1e9,
                                  0.0, 1e5)  # fmt: skip
        drift = max(abs(energy(y) - energy(y0)) for y in ys) / abs(energy(y0))
        assert drift <= 1e-9
        lat, lon, _ = ecef_to_geodetic(ev_y[0, 0], ev_y[0, 1], ev_y[0, 2], 0)
        assert great_circle(0.0, 0.0, lat, lon)[0] * R == pytest.approx(10000e3, rel=1e-6)


def test_full_model_hits_the_aim_within_1_km():
    res = thaad.fly_trajectory((39.2, 125.67), (35.8714, 128.6014), model="full")
    assert res.aim_miss_m < 1000.0
    assert 300e3 < res.ground_range_m < 600e3
    assert 30e3 < res.apogee_alt_m < 200e3


def test_out_of_reach_aim_is_an_error_naming_the_maximum_range():
    with pytest.raises(ThaadInputError, match="maximum range"):
        thaad.fly_trajectory((39.2, 125.67), (31.0, 131.0), model="full")
