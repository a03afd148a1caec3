"""The allocation-free hot paths agree with the plain reference implementations."""

import math

import numpy as np
import pytest
from reference_tracking import ekf_predict, ekf_update

import thaad
from thaad.analysis.engagement import (
    GRID_D_ALT_M,
    GRID_D_RHO_M,
    TABLE_DT_S,
    flyout_grid,
    flyout_table,
)
from thaad.core.earth import enu_basis, geodetic_to_ecef
from thaad.core.flight import Env
from thaad.core.interceptor import flyout_grid_query, flyout_query
from thaad.core.tracking import ekf_predict_into, ekf_update_into


def _state():
    r = geodetic_to_ecef(math.radians(38.0), math.radians(126.5), 90e3, 1)
    v = np.array([1500.0, -800.0, -900.0])
    x = np.concatenate([r, v])
    a = np.random.default_rng(3).standard_normal((6, 6))
    P = a @ a.T + np.diag([400.0, 400.0, 400.0, 25.0, 25.0, 25.0])
    return x, P


def _embed(x, P, inv_beta):
    """The 6-state with its ballistic coefficient fixed, as a 7-state (b's variance 0)."""
    P7 = np.zeros((7, 7))
    P7[:6, :6] = P
    return np.append(x, inv_beta), P7


@pytest.mark.parametrize("rotation", [0, 1])
def test_in_place_predict_matches_the_reference(rotation):
    """The engagement's 6-state prediction is the 7-state reference with b held fixed."""
    env = Env(1, rotation, 1, 1)
    x, P = _state()
    xr, Pr = ekf_predict(*_embed(x, P, 1e-4), 0.2, env, 1.0, 0.0)
    xi, Pi = x.copy(), P.copy()
    ekf_predict_into(xi, Pi, 0.2, env, 1e-4, 1.0, np.empty((5, 7, 7)))
    assert np.allclose(xi, xr[:6], rtol=0, atol=1e-9)
    assert np.allclose(Pi, Pr[:6, :6], rtol=1e-9, atol=1e-9)
    assert xr[6] == 1e-4 and np.all(Pr[6] == 0.0)


def test_in_place_update_matches_the_joseph_form():
    x, P = _state()
    site = geodetic_to_ecef(math.radians(36.05), math.radians(128.22), 680.0, 1)
    basis = enu_basis(math.radians(36.05), math.radians(128.22))
    R = np.diag([100.0, 9e-8, 9e-8])
    from thaad.core.earth import ecef_to_aer

    az, el, rng = ecef_to_aer(site, basis, x[:3])
    z = np.array([rng + 12.0, az - 2e-4, el + 1e-4])
    xr, Pr, nis_r = ekf_update(x, P, z, R, site, basis)
    xi, Pi = x.copy(), P.copy()
    nis_i = ekf_update_into(xi, Pi, z, R, site, basis, np.empty((5, 7, 7)))
    assert np.allclose(xi, xr, rtol=0, atol=1e-6)
    assert np.allclose(Pi, Pr, rtol=1e-6, atol=1e-6)
    assert nis_i == pytest.approx(nis_r, rel=1e-9)


def test_gridded_flyout_matches_the_table_within_a_grid_cell():
    sc = thaad.load_scenario()
    itc, env = sc.interceptor_core(), sc.models.env()
    els, rho, alt, _ = flyout_table(itc, env)
    el_g, tof_g = flyout_grid(itc, env)
    # (150 km, 61 km) left the envelope when the KV got its shroud's drag (issue 9)
    for r_km, h_km in [(50.5, 100.2), (150.3, 80.7), (180.0, 140.0), (100.0, 40.0)]:
        e1, t1 = flyout_query(els, rho, alt, TABLE_DT_S, r_km * 1e3, h_km * 1e3)
        e2, t2 = flyout_grid_query(el_g, tof_g, GRID_D_RHO_M, GRID_D_ALT_M, r_km * 1e3,
                                   h_km * 1e3)  # fmt: skip
        assert e2 == pytest.approx(e1, abs=math.radians(0.2))
        assert t2 == pytest.approx(t1, abs=0.5)


def test_in_place_predict_matches_with_strong_drag():
    # 30 km and beta 500 kg/m^2: the drag terms of F are large, so a scratch-buffer mix-up
    # of the unit mass or of the drag Jacobian would show here (it does not at 90 km)
    env = Env(1, 1, 1, 1)
    r = geodetic_to_ecef(math.radians(38.0), math.radians(126.5), 30e3, 1)
    x = np.concatenate([r, [1500.0, -800.0, -900.0]])
    P = np.eye(6) * 100.0
    xr, Pr = ekf_predict(*_embed(x, P, 1.0 / 500.0), 0.5, env, 1.0, 0.0)
    xi, Pi = x.copy(), P.copy()
    ekf_predict_into(xi, Pi, 0.5, env, 1.0 / 500.0, 1.0, np.empty((5, 7, 7)))
    assert np.allclose(xi, xr[:6], rtol=0, atol=1e-9)
    assert np.allclose(Pi, Pr[:6, :6], rtol=1e-9, atol=1e-9)
    with pytest.raises(ValueError, match="at least"):
        ekf_predict_into(xi, Pi, 0.5, env, 1e-4, 1.0, np.empty((3, 6, 6)))


def test_seven_state_sandwich_is_the_general_one_bit_for_bit():
    # b held over the step makes F's last row (0, ..., 0, 1); the 7-state product leaves
    # out its exact zero terms, so P <- F P F^T must come out with the very same bits
    from thaad.core.tracking import _sandwich7_into, _sandwich_into

    g = np.random.default_rng(5)
    for last_row_unit in (True, False):
        F = np.eye(7) + 0.3 * g.standard_normal((7, 7))
        if last_row_unit:
            F[6] = 0.0
            F[6, 6] = 1.0
        a = g.standard_normal((7, 7))
        P = a @ a.T + np.diag([400.0, 400.0, 400.0, 25.0, 25.0, 25.0, 1e-8])
        P1, P2 = P.copy(), P.copy()
        _sandwich_into(F, P1, np.empty((7, 7)), 7)
        _sandwich7_into(F, P2, np.empty((7, 7)))
        assert np.array_equal(P1, P2)
        assert not np.array_equal(P1, P)
