"""Tests of thaad.core.atmosphere against the U.S. Standard Atmosphere 1976.

Reference values: NOAA, NASA, USAF, *U.S. Standard Atmosphere, 1976*, NOAA-S/T 76-1562
(U.S. Government Printing Office, Washington D.C., 1976): Table I (properties against
geometric altitude, as printed: five significant figures below 86 km, four above) and the
layer-base values (geopotential H_b, Tm_b, P_b) tabulated in its Part 1.
"""

import math

import numpy as np
import pytest

from thaad.core import atmosphere as atm
from thaad.core.atmosphere import (
    density_kgpm3,
    speed_of_sound_mps,
    us76_density_kgpm3,
    us76_pressure_pa,
    us76_temperature_k,
)
from thaad.core.constants import ATMOSPHERE_NONE, ATMOSPHERE_US76

R0_M = 6356766.0  # the standard's r0 for the geopotential conversion


def geometric_from_geopotential_m(h_m: float) -> float:
    """Z = r0 H / (r0 - H), inverse of H = r0 Z / (r0 + Z)."""
    return R0_M * h_m / (R0_M - h_m)


def rel_err(value: float, ref: float) -> float:
    return abs(value / ref - 1.0)


# NOAA-S/T 76-1562 Table I, geometric altitude Z (m): rho (kg/m^3), T (K), p (Pa).
TABLE_I_LOWER = [
    (0.0, 1.2250, 288.150, 1.01325e5),
    (11000.0, 3.6480e-1, 216.774, 2.2700e4),
    (20000.0, 8.8910e-2, 216.650, 5.5293e3),
    (32000.0, 1.3555e-2, 228.490, 8.8906e2),
    (47000.0, 1.4965e-3, 269.684, 1.1585e2),
    (50000.0, 1.0269e-3, 270.650, 7.9779e1),
    (51000.0, 9.0690e-4, 270.650, 7.0458e1),
    (71000.0, 7.1965e-5, 216.846, 4.4795),
    (80000.0, 1.8458e-5, 198.639, 1.0525),
    (86000.0, 6.958e-6, 186.87, 3.7338e-1),
]

# NOAA-S/T 76-1562 Part 1, layer bases at geopotential H_b (m'): rho, Tm (K), P_b (Pa).
# Below 80 km the kinetic temperature T equals Tm.
LAYER_BASES = [
    (0.0, 1.2250, 288.15, 101325.0),
    (11000.0, 3.6391e-1, 216.65, 22632.06),
    (20000.0, 8.8035e-2, 216.65, 5474.889),
    (32000.0, 1.3225e-2, 228.65, 868.0187),
    (47000.0, 1.4275e-3, 270.65, 110.9063),
    (51000.0, 8.6160e-4, 270.65, 66.93887),
    (71000.0, 6.4211e-5, 214.65, 3.956420),
]

# NOAA-S/T 76-1562 Table I above 86 km, geometric altitude Z (km): rho, T (K).
TABLE_I_UPPER = [
    (90.0, 3.416e-6, 186.87),
    (100.0, 5.604e-7, 195.08),
    (110.0, 9.708e-8, 240.00),
    (120.0, 2.222e-8, 360.00),
    (130.0, 8.152e-9, 469.27),
    (150.0, 2.076e-9, 634.39),
    (200.0, 2.541e-10, 854.56),
    (250.0, 6.073e-11, 941.33),
    (300.0, 1.916e-11, 976.01),
    (400.0, 2.803e-12, 995.83),
    (500.0, 5.215e-13, 999.24),
    (600.0, 1.137e-13, 999.85),
    (700.0, 3.070e-14, 999.97),
    (800.0, 1.136e-14, 999.99),
    (900.0, 5.759e-15, 1000.00),
    (1000.0, 3.561e-15, 1000.00),
]

# NOAA-S/T 76-1562 Table I pressures above 86 km, Z (km): p (Pa).
TABLE_I_UPPER_P = [
    (90.0, 1.8359e-1),
    (100.0, 3.2011e-2),
    (120.0, 2.5382e-3),
    (150.0, 4.5422e-4),
    (200.0, 8.4736e-5),
    (300.0, 8.7704e-6),
    (500.0, 3.0236e-7),
    (1000.0, 7.5138e-9),
]

TOL_LOWER = 1.0e-3  # 0.1 % below 86 km
TOL_UPPER = 2.0e-2  # 2 % above 86 km


@pytest.mark.parametrize(("z_m", "rho", "t_k", "p_pa"), TABLE_I_LOWER[:8])
def test_model_codes_select_vacuum_and_the_standard(z_m, rho, t_k, p_pa):
    """The scenario's ``models.atmosphere`` codes (thaad.core.constants) select different
    atmospheres: ``ATMOSPHERE_NONE`` is vacuum at every height, ``ATMOSPHERE_US76`` has the
    standard's published Table I density (1.2250 kg/m^3 at sea level ...)."""
    assert ATMOSPHERE_NONE != ATMOSPHERE_US76
    assert density_kgpm3(z_m, ATMOSPHERE_NONE) == 0.0
    assert rel_err(density_kgpm3(z_m, ATMOSPHERE_US76), rho) < TOL_LOWER


def test_layer_base_pressures_follow_the_standard():
    # The module derives P_b from the defining formulas; they must reproduce the tabulated values.
    for (h_m, _rho, tm_k, p_pa), tm_mod, p_mod, h_mod in zip(
        LAYER_BASES, atm._TM_BASE_K, atm._P_BASE_PA, atm._H_BASE_M, strict=False
    ):
        assert h_mod == h_m
        assert tm_mod == pytest.approx(tm_k, abs=1e-9)
        assert rel_err(p_mod, p_pa) < 2e-7
    assert atm._TM_BASE_K[7] == pytest.approx(186.946, abs=1e-9)
    assert rel_err(atm._P_BASE_PA[7], 0.3733836) < 2e-7


@pytest.mark.parametrize(("z_m", "rho", "t_k", "p_pa"), TABLE_I_LOWER)
def test_table_i_below_86km(z_m, rho, t_k, p_pa):
    assert rel_err(us76_density_kgpm3(z_m), rho) < TOL_LOWER
    assert rel_err(us76_pressure_pa(z_m), p_pa) < TOL_LOWER
    assert us76_temperature_k(z_m) == pytest.approx(t_k, abs=0.01)


@pytest.mark.parametrize(("h_m", "rho", "tm_k", "p_pa"), LAYER_BASES)
def test_layer_bases(h_m, rho, tm_k, p_pa):
    z_m = geometric_from_geopotential_m(h_m)
    assert rel_err(us76_density_kgpm3(z_m), rho) < TOL_LOWER
    assert rel_err(us76_pressure_pa(z_m), p_pa) < 1e-6
    assert us76_temperature_k(z_m) == pytest.approx(tm_k, abs=1e-6)


def test_sea_level_exact():
    assert us76_density_kgpm3(0.0) == pytest.approx(1.2250, rel=1e-5)
    assert us76_temperature_k(0.0) == 288.15
    assert us76_pressure_pa(0.0) == 101325.0
    assert speed_of_sound_mps(0.0) == pytest.approx(340.294, abs=1e-3)


@pytest.mark.parametrize(
    ("z_m", "a_mps"),
    [(0.0, 340.294), (11000.0, 295.154), (20000.0, 295.070), (50000.0, 329.799)],
)
def test_speed_of_sound_table_i(z_m, a_mps):
    assert speed_of_sound_mps(z_m) == pytest.approx(a_mps, abs=2e-3)


def test_speed_of_sound_held_above_86km():
    a86 = speed_of_sound_mps(86000.0)
    assert a86 == pytest.approx(274.10, abs=0.01)
    for z_m in (86000.0 - 1e-6, 90e3, 200e3, 1000e3, 5000e3):
        assert speed_of_sound_mps(z_m) == pytest.approx(a86, rel=1e-9)


@pytest.mark.parametrize(("z_km", "rho", "t_k"), TABLE_I_UPPER)
def test_table_i_above_86km(z_km, rho, t_k):
    z_m = z_km * 1000.0
    assert rel_err(us76_density_kgpm3(z_m), rho) < TOL_UPPER
    # The closed-form temperature profile is exact, so it must match the printed value.
    assert us76_temperature_k(z_m) == pytest.approx(t_k, abs=0.01)


@pytest.mark.parametrize(("z_km", "p_pa"), TABLE_I_UPPER_P)
def test_table_i_pressure_above_86km(z_km, p_pa):
    assert rel_err(us76_pressure_pa(z_km * 1000.0), p_pa) < TOL_UPPER


def test_brief_reference_values():
    # Values as commonly quoted; 11, 32, 47, 51 and 71 km are the geopotential layer bases.
    geometric = [
        (0.0, 1.2250),
        (20000.0, 0.088910),
        (86000.0, 6.958e-6),
        (100e3, 5.604e-7),
        (120e3, 2.222e-8),
        (150e3, 2.076e-9),
        (200e3, 2.541e-10),
        (300e3, 1.916e-11),
        (500e3, 5.215e-13),
        (1000e3, 3.561e-15),
    ]
    geopotential = [
        (11000.0, 0.36391),
        (32000.0, 0.013225),
        (47000.0, 1.4275e-3),
        (51000.0, 8.6160e-4),
        (71000.0, 6.4211e-5),
    ]
    for z_m, rho in geometric:
        tol = TOL_LOWER if z_m <= 86000.0 else TOL_UPPER
        assert rel_err(us76_density_kgpm3(z_m), rho) < tol, z_m
    for h_m, rho in geopotential:
        assert rel_err(us76_density_kgpm3(geometric_from_geopotential_m(h_m)), rho) < TOL_LOWER
    assert us76_temperature_k(geometric_from_geopotential_m(11000.0)) == pytest.approx(
        216.65, abs=1e-9
    )


def test_density_and_pressure_decrease_monotonically():
    z = np.linspace(-2000.0, 1_000_000.0, 200_001)  # 5 m steps
    rho = np.array([us76_density_kgpm3(v) for v in z])
    p = np.array([us76_pressure_pa(v) for v in z])
    assert np.all(np.diff(rho) < 0.0)
    assert np.all(np.diff(p) < 0.0)
    z_hi = np.linspace(1_000_000.0, 3_000_000.0, 2001)
    rho_hi = np.array([us76_density_kgpm3(v) for v in z_hi])
    assert np.all(np.diff(rho_hi) < 0.0)


def _jump(f, z_m: float, dz_m: float = 1e-6) -> float:
    lo = f(z_m - dz_m)
    hi = f(z_m + dz_m)
    return abs(hi / lo - 1.0)


def test_continuity_at_layer_boundaries_below_86km():
    boundaries = [geometric_from_geopotential_m(h) for h in atm._H_BASE_M[1:]]
    boundaries += [80000.0, 86000.0]
    for z_m in boundaries:
        for f in (us76_density_kgpm3, us76_pressure_pa, us76_temperature_k, speed_of_sound_mps):
            assert _jump(f, z_m) < 1e-6, (f.__name__, z_m)


def test_continuity_above_86km():
    # Table segment joins and the end of the table: interpolation is continuous.
    for z_m in (87000.0, 150000.0, 300000.0, 1_000_000.0):
        assert _jump(us76_density_kgpm3, z_m) < 1e-9
        assert _jump(us76_pressure_pa, z_m) < 1e-9
    # Temperature joins of the standard's closed-form profile; the standard's rounded
    # constants leave a 5e-4 K step at 110 km.
    for z_m in (91000.0, 110000.0, 120000.0):
        assert _jump(us76_temperature_k, z_m) < 3e-6


def test_interpolation_between_nodes_is_smooth():
    # Away from nodes the log-linear interpolant must lie between its neighbours.
    for z_m in (86500.0, 152500.0, 305000.0, 995000.0):
        rho = us76_density_kgpm3(z_m)
        assert us76_density_kgpm3(z_m - 500.0) > rho > us76_density_kgpm3(z_m + 500.0)


def test_above_1000km_tail():
    rho_1000 = us76_density_kgpm3(1_000_000.0)
    rho_1268 = us76_density_kgpm3(1_268_000.0)
    # Roughly exponential with a scale height of 200-270 km.
    assert math.exp(-268.0 / 200.0) < rho_1268 / rho_1000 < math.exp(-268.0 / 270.0)
    assert 0.0 < us76_density_kgpm3(3_000_000.0) < 1e-17
    assert us76_density_kgpm3(math.inf) == 0.0
    assert us76_temperature_k(math.inf) == 1000.0


def test_finite_and_positive_from_minus_2_to_3000_km():
    z = np.linspace(-2000.0, 3_000_000.0, 300_001)
    for f in (us76_density_kgpm3, us76_pressure_pa, us76_temperature_k, speed_of_sound_mps):
        vals = np.array([f(v) for v in z])
        assert np.all(np.isfinite(vals)), f.__name__
        assert np.all(vals > 0.0), f.__name__


def test_below_minus_5km_is_clamped():
    assert us76_density_kgpm3(-1.0e9) == us76_density_kgpm3(-5000.0)
    assert us76_density_kgpm3(-math.inf) == us76_density_kgpm3(-5000.0)
    assert us76_density_kgpm3(-1000.0) > us76_density_kgpm3(0.0)


def test_dispatcher():
    for z_m in (-1000.0, 0.0, 50e3, 100e3, 1000e3):
        assert density_kgpm3(z_m, ATMOSPHERE_NONE) == 0.0
        assert density_kgpm3(z_m, ATMOSPHERE_US76) == us76_density_kgpm3(z_m)
    with pytest.raises(ValueError):
        density_kgpm3(0.0, 7)
