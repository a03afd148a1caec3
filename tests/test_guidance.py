"""Guidance and endgame stages: PN against Zarchan's heading-error closed form, the
closest approach inside a step, and the divert budget from the rocket equation.

Sources: Zarchan, *Tactical and Strategic Missile Guidance*, 6th ed., ch. 2 (heading error:
``n_c = -V_M eps N / t_F (1 - t/t_F)^(N-2)``, whose integral is the lateral velocity
``N/(N-1) V_c eps``); Sutton and Biblarz, *Rocket Propulsion Elements*, 9th ed., eq. 4-7.
"""

import math

import numpy as np
import pytest

import thaad
from thaad.core.guidance import closest_approach
from thaad.core.interceptor import divert_delta_v_mps
from thaad.core.seeker import pn_accel


@pytest.mark.parametrize("nav_gain", [3.0, 4.0, 5.0])
def test_pn_heading_error_needs_n_over_n_minus_1_vc_eps(nav_gain):
    """A missile at 3 km/s with a 5-mrad heading error against a fixed target 30 km away,
    true PN on the exact LOS rate, no lag: it hits, and the lateral velocity it spends is
    N/(N-1) Vc eps (within 1%)."""
    v, eps, r0 = 3000.0, 5e-3, 30e3
    pos = np.zeros(3)
    vel = v * np.array([math.cos(eps), math.sin(eps), 0.0])
    tgt = np.array([r0, 0.0, 0.0])
    a = np.zeros(3)
    dt = 1e-3
    spent = 0.0
    miss = math.inf
    for _ in range(int(r0 / v / dt) + 100):
        r = tgt - pos
        rn = np.linalg.norm(r)
        miss = min(miss, rn)
        vr = -vel
        if np.dot(r, vr) >= 0.0:  # past closest approach
            break
        u = r / rn
        u_dot = (vr - np.dot(vr, u) * u) / rn
        vc = -np.dot(r, vr) / rn
        pn_accel(u, u_dot, vc, nav_gain, vel, 1e9, a)
        spent += np.linalg.norm(a) * dt
        vel = vel + a * dt
        pos = pos + vel * dt
    assert miss < 0.5
    assert spent == pytest.approx(nav_gain / (nav_gain - 1.0) * v * eps, rel=0.01)


def test_closest_approach_is_the_analytic_minimum_of_linear_relative_motion():
    dr = np.array([100.0, 0.0, 0.0])
    dv = np.array([-1000.0, 10.0, 0.0])
    s, d = closest_approach(dr, dv, 1.0)
    vv = 1000.0**2 + 10.0**2
    assert s == pytest.approx(1e5 / vv, rel=1e-12)
    assert d == pytest.approx(100.0 * 10.0 / math.sqrt(vv), rel=1e-12)  # |dr x dv| / |dv|
    # a minimum beyond the step is clipped to the step's end
    s, d = closest_approach(dr, dv, 0.05)
    assert s == 0.05
    assert d == pytest.approx(math.hypot(100.0 - 50.0, 0.5), rel=1e-12)


def test_divert_budget_follows_the_rocket_equation():
    assert divert_delta_v_mps(60.0, 10.0, 290.0) == pytest.approx(
        290.0 * 9.80665 * math.log(60.0 / 50.0), rel=1e-12
    )
    itc = thaad.load_scenario().interceptor_core()
    assert itc.divert_dv_mps == pytest.approx(518.5, abs=0.1)


def test_a_spent_divert_budget_stops_guidance_and_the_kv_misses():
    """With 10 g of divert propellant (0.5 m/s) the KV cannot take out its launch pointing
    error: guidance stops when the budget is spent, and it misses by far more than the
    lethal radius."""
    sc = thaad.load_scenario(overrides=["battery.interceptor.divert_propellant_kg=0.01",
                                        "doctrine.shots=1"])  # fmt: skip
    r = thaad.run(sc)
    kinds = [e["kind"] for e in r.events]
    assert "divert_exhausted" in kinds
    ex = next(e for e in r.events if e["kind"] == "divert_exhausted")
    assert ex["dv_used_mps"] == pytest.approx(0.49, abs=0.02)
    assert not r.intercepted and r.miss_distance_m > 10.0


def test_the_shroud_comes_off_before_the_seeker_looks(default_result):
    ev = {e["kind"]: e["t_s"] for e in default_result.events}
    sc = thaad.load_scenario()
    it = sc.battery.interceptor
    t_launch = ev["interceptor_launch"]
    assert ev["interceptor_burnout"] < ev["shroud_separation"] <= t_launch + it.shroud_sep_s
    assert ev["shroud_separation"] < ev["seeker_acquisition"]
