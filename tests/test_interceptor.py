"""Interceptor tests: burnout speed against the public figure, fly-out table consistency,
and proportional navigation (Zarchan, *Tactical and Strategic Missile Guidance*, ch. 2: PN
with N > 2 nulls the miss against a non-manoeuvring target).
"""

import math

import numpy as np
import pytest

import thaad
from thaad.analysis.engagement import TABLE_DT_S, flyout_table
from thaad.core.interceptor import flyout_query, table_burnout_speed, zem_pn_accel


@pytest.fixture(scope="module")
def setup():
    sc = thaad.load_scenario()
    return sc.interceptor_core(), sc.models.env()


def test_burnout_speed_is_the_public_2p8_km_per_s(setup):
    itc, env = setup
    v = table_burnout_speed(itc, env, math.radians(60.0))
    assert v == pytest.approx(2800.0, rel=0.05)  # public figure: about 2.8 km/s (Mach 8.2)


def test_flyout_query_inverts_the_table(setup):
    itc, env = setup
    els, rho, alt, _ = flyout_table(itc, env)
    i, k = 40, 100  # a tabulated elevation and time
    el, tof = flyout_query(els, rho, alt, TABLE_DT_S, rho[i, k], alt[i, k])
    assert el == pytest.approx(els[i], abs=math.radians(0.05))
    assert tof == pytest.approx(k * TABLE_DT_S, abs=0.5)
    # 200 km range at 150 km height is inside the envelope; 600 km is not
    assert not math.isnan(flyout_query(els, rho, alt, TABLE_DT_S, 200e3, 150e3)[0])
    assert math.isnan(flyout_query(els, rho, alt, TABLE_DT_S, 600e3, 100e3)[0])


def test_pn_nulls_the_miss_of_a_straight_line_target():
    # pursuer and target in free space, no gravity: PN with N=4 and a high limit
    rt = np.array([20000.0, 3000.0, 1000.0])
    vt = np.array([-2000.0, 0.0, 0.0])
    rm = np.zeros(3)
    vm = np.array([2500.0, 0.0, 500.0])
    a = np.zeros(3)
    dt = 1e-3
    best = 1e9
    for _ in range(20000):
        r = rt - rm
        v = vt - vm
        best = min(best, np.linalg.norm(r))
        if np.dot(r, v) > 0:
            break
        zem_pn_accel(r, v, vm, 4.0, 1000.0, a)
        vm = vm + a * dt
        rm = rm + vm * dt
        rt = rt + vt * dt
    assert best < 5.0  # one step of closing motion is 4.5 m
