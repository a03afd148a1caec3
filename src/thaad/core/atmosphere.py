"""U.S. Standard Atmosphere 1976: density, temperature, pressure and speed of sound.

All functions take the geometric altitude ``alt_m`` (m above mean sea level) as a scalar
float64 and return a float64 in SI units. They are numba ``njit`` compiled, allocate nothing
per call and never raise for a finite altitude.

Source
------
NOAA, NASA, USAF, *U.S. Standard Atmosphere, 1976*, NOAA-S/T 76-1562, U.S. Government
Printing Office, Washington D.C., October 1976. Part 1 gives the defining constants and
equations; Table I gives the tabulated properties against geometric altitude.

Model
-----
Below 86 km the standard is defined by seven layers that are linear in geopotential
altitude ``H`` (m'), with geopotential obtained from geometric altitude ``Z`` by

    H = r0 Z / (r0 + Z),                          r0 = 6 356 766 m,

and a molecular-scale temperature

    Tm(H) = Tm_b + Lm_b (H - H_b)

in layer ``b`` with base ``H_b`` (0, 11, 20, 32, 47, 51, 71 km') and gradient ``Lm_b``
(-6.5, 0, +1.0, +2.8, 0, -2.8, -2.0 K/km'). The hydrostatic equation integrates exactly to

    P = P_b [Tm_b / Tm(H)] ** (g0 M0 / (R* Lm_b))       (Lm_b != 0)
    P = P_b exp(-g0 M0 (H - H_b) / (R* Tm_b))           (Lm_b == 0)

with g0 = 9.80665 m/s^2, M0 = 28.9644 kg/kmol, R* = 8314.32 J/(kmol K), P_0 = 101 325 Pa,
Tm_0 = 288.15 K, and the layer-base pressures P_b follow from these formulas (they are
computed here at import, not rounded copies). Then

    rho = P M0 / (R* Tm),        T = Tm M / M0,        a = sqrt(gamma R* Tm / M0),

with gamma = 1.4. The molecular-weight ratio M/M0 is 1 below 80 km and is interpolated
linearly from the standard's 0.5 km table between 80 and 86 km (it only changes the
kinetic temperature ``T``; ``rho`` and ``P`` depend on ``Tm`` alone). Below 0 km the lowest
layer is extended downward (the standard's own tables start at -5 km); altitudes below
-5 km are clamped to -5 km.

From 86 to 1000 km the standard defines the kinetic temperature in closed form (isothermal
to 91 km, elliptical to 110 km, linear +12 K/km to 120 km, exponential approach to
T_inf = 1000 K above), which is implemented exactly, while density and pressure come from
integrating the diffusion equations of six species (N2, O, O2, Ar, He, H). Those are not
recomputed per call: ``log(rho)`` and ``log(P)`` are tabulated at nodes every 1 km from 86 to
150 km, every 5 km from 150 to 300 km and every 10 km from 300 to 1000 km, and
interpolated linearly in the logarithm (continuous; relative interpolation error below
0.3 %). The node values are the standard's profile to five significant figures, reproduced by
integrating its defining equations; they agree with the four-figure values printed in
Table I to within 0.04 % (the printed rounding). The 86 km node is replaced by the value
of the lower-atmosphere formulas so that both branches meet exactly.

Above 1000 km, where the standard ends, ``log(rho)`` and ``log(P)`` are continued linearly
with the slope of the last table interval (an exponential with a scale height of about
218 km for density), so they stay positive, decrease monotonically and reach 0.0 only at
infinity. A NaN altitude gives NaN.
"""

import math

import numpy as np

from thaad.core.constants import (  # the model codes and the standard's defining constants
    ATMOSPHERE_NONE,
    ATMOSPHERE_US76,
    US76_G0_MPS2,
    US76_GAMMA,
    US76_M0_KGPKMOL,
    US76_P0_PA,
    US76_R0_M,
    US76_R_STAR_JPKMOLK,
    US76_T0_K,
)
from thaad.core.jit import jit

_GMR_KPM = US76_G0_MPS2 * US76_M0_KGPKMOL / US76_R_STAR_JPKMOLK  # g0 M0 / R*, K per m'
_M0_OVER_RSTAR = US76_M0_KGPKMOL / US76_R_STAR_JPKMOLK

_Z_MIN_M = -5000.0  # lowest altitude of the standard's tables; lower inputs are clamped
_Z86_M = 86000.0

# Layer bases (geopotential m'), molecular-scale temperature gradients (K/m'). The last
# layer is the isothermal continuation above H7 = 84 852 m' (Z = 86 km is H = 84 852.05 m').
_H_BASE_M = np.array([0.0, 11000.0, 20000.0, 32000.0, 47000.0, 51000.0, 71000.0, 84852.0])
_LM_BASE_KPM = np.array([-0.0065, 0.0, 0.0010, 0.0028, 0.0, -0.0028, -0.0020, 0.0])


def _layer_bases() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Base molecular-scale temperature, pressure and pressure exponent of each layer."""
    n = _H_BASE_M.size
    tm = np.empty(n)
    p = np.empty(n)
    expo = np.zeros(n)
    tm[0] = US76_T0_K
    p[0] = US76_P0_PA
    for b in range(n):
        if _LM_BASE_KPM[b] != 0.0:
            expo[b] = _GMR_KPM / _LM_BASE_KPM[b]
        if b + 1 < n:
            dh = _H_BASE_M[b + 1] - _H_BASE_M[b]
            tm[b + 1] = tm[b] + _LM_BASE_KPM[b] * dh
            if _LM_BASE_KPM[b] == 0.0:
                p[b + 1] = p[b] * math.exp(-_GMR_KPM * dh / tm[b])
            else:
                p[b + 1] = p[b] * (tm[b] / tm[b + 1]) ** expo[b]
    return tm, p, expo


_TM_BASE_K, _P_BASE_PA, _P_EXPO = _layer_bases()

# M/M0 from 80 to 86 km every 0.5 km, as tabulated in NOAA-S/T 76-1562, Part 1.
# fmt: off
_M_RATIO_80_86 = np.array(
    [
        1.000000, 0.999996, 0.999989, 0.999971, 0.999941, 0.999909, 0.999870,
        0.999829, 0.999786, 0.999741, 0.999694, 0.999641, 0.999579,
    ]
)
# fmt: on

# Upper-atmosphere kinetic temperature (NOAA-S/T 76-1562, Part 1).
_T7_K = 186.8673  # 86 to 91 km
_Z8_M = 91000.0
_TC_K = 263.1905  # elliptical segment 91 to 110 km
_A_ELL_K = -76.3232
_A_ELL_M = -19942.9
_Z9_M = 110000.0
_T9_K = 240.0
_LK9_KPM = 0.012  # 110 to 120 km
_Z10_M = 120000.0
_T10_K = 360.0
_T_INF_K = 1000.0
_LAMBDA_PM = 1.875e-5

# Upper-table node layout: three uniform segments.
_SEG1_Z0_M, _SEG1_DZ_M, _SEG1_I0 = 86000.0, 1000.0, 0  # 86 to 150 km, nodes 0..64
_SEG2_Z0_M, _SEG2_DZ_M, _SEG2_I0 = 150000.0, 5000.0, 64  # 150 to 300 km, nodes 64..94
_SEG3_Z0_M, _SEG3_DZ_M, _SEG3_I0 = 300000.0, 10000.0, 94  # 300 to 1000 km, nodes 94..164
_Z_TOP_M = 1000000.0

# Total mass density (kg/m^3) at the nodes.
# fmt: off
_RHO_UP_KGPM3 = np.array(
    [
        6.9579e-06, 5.8239e-06, 4.8751e-06, 4.0810e-06, 3.4163e-06, 2.8598e-06, 2.3926e-06,
        1.9997e-06, 1.6699e-06, 1.3934e-06, 1.1620e-06, 9.6853e-07, 8.0708e-07, 6.7250e-07,
        5.6041e-07, 4.6954e-07, 3.9353e-07, 3.2999e-07, 2.7688e-07, 2.3248e-07, 1.9535e-07,
        1.6426e-07, 1.3814e-07, 1.1607e-07, 9.7077e-08, 8.1113e-08, 6.8377e-08, 5.8110e-08,
        4.9752e-08, 4.2887e-08, 3.7202e-08, 3.2457e-08, 2.8468e-08, 2.5094e-08, 2.2222e-08,
        1.9768e-08, 1.7665e-08, 1.5852e-08, 1.4279e-08, 1.2908e-08, 1.1707e-08, 1.0651e-08,
        9.7173e-09, 8.8894e-09, 8.1525e-09, 7.4943e-09, 6.9045e-09, 6.3745e-09, 5.8969e-09,
        5.4652e-09, 5.0742e-09, 4.7190e-09, 4.3958e-09, 4.1009e-09, 3.8313e-09, 3.5845e-09,
        3.3579e-09, 3.1497e-09, 2.9579e-09, 2.7811e-09, 2.6177e-09, 2.4665e-09, 2.3264e-09,
        2.1965e-09, 2.0757e-09, 1.5849e-09, 1.2332e-09, 9.7507e-10, 7.8155e-10, 6.3388e-10,
        5.1944e-10, 4.2955e-10, 3.5808e-10, 3.0066e-10, 2.5408e-10, 2.1598e-10, 1.8457e-10,
        1.5850e-10, 1.3671e-10, 1.1840e-10, 1.0293e-10, 8.9793e-11, 7.8588e-11, 6.8988e-11,
        6.0731e-11, 5.3604e-11, 4.7429e-11, 4.2063e-11, 3.7385e-11, 3.3295e-11, 2.9709e-11,
        2.6558e-11, 2.3782e-11, 2.1330e-11, 1.9160e-11, 1.5526e-11, 1.2646e-11, 1.0349e-11,
        8.5039e-12, 7.0145e-12, 5.8057e-12, 4.8202e-12, 4.0133e-12, 3.3500e-12, 2.8030e-12,
        2.3505e-12, 1.9750e-12, 1.6626e-12, 1.4022e-12, 1.1845e-12, 1.0023e-12, 8.4936e-13,
        7.2088e-13, 6.1275e-13, 5.2160e-13, 4.4467e-13, 3.7965e-13, 3.2463e-13, 2.7801e-13,
        2.3847e-13, 2.0489e-13, 1.7634e-13, 1.5204e-13, 1.3134e-13, 1.1369e-13, 9.8610e-14,
        8.5721e-14, 7.4690e-14, 6.5237e-14, 5.7127e-14, 5.0160e-14, 4.4167e-14, 3.9004e-14,
        3.4550e-14, 3.0702e-14, 2.7370e-14, 2.4482e-14, 2.1974e-14, 1.9790e-14, 1.7886e-14,
        1.6222e-14, 1.4764e-14, 1.3483e-14, 1.2356e-14, 1.1361e-14, 1.0481e-14, 9.6991e-15,
        9.0033e-15, 8.3820e-15, 7.8255e-15, 7.3255e-15, 6.8748e-15, 6.4672e-15, 6.0974e-15,
        5.7608e-15, 5.4534e-15, 5.1718e-15, 4.9131e-15, 4.6746e-15, 4.4541e-15, 4.2497e-15,
        4.0596e-15, 3.8824e-15, 3.7169e-15, 3.5618e-15,
    ]
)
# Pressure (Pa) at the nodes.
_P_UP_PA = np.array(
    [
        3.7338e-01, 3.1259e-01, 2.6173e-01, 2.1919e-01, 1.8359e-01, 1.5381e-01, 1.2887e-01,
        1.0801e-01, 9.0560e-02, 7.5966e-02, 6.3765e-02, 5.3570e-02, 4.5057e-02, 3.7948e-02,
        3.2011e-02, 2.7192e-02, 2.3144e-02, 1.9742e-02, 1.6882e-02, 1.4477e-02, 1.2454e-02,
        1.0751e-02, 9.3188e-03, 8.1142e-03, 7.1041e-03, 6.2614e-03, 5.5547e-03, 4.9570e-03,
        4.4473e-03, 4.0096e-03, 3.6313e-03, 3.3022e-03, 3.0145e-03, 2.7616e-03, 2.5383e-03,
        2.3401e-03, 2.1636e-03, 2.0056e-03, 1.8635e-03, 1.7354e-03, 1.6195e-03, 1.5142e-03,
        1.4183e-03, 1.3307e-03, 1.2505e-03, 1.1769e-03, 1.1092e-03, 1.0468e-03, 9.8911e-04,
        9.3572e-04, 8.8621e-04, 8.4021e-04, 7.9742e-04, 7.5753e-04, 7.2031e-04, 6.8552e-04,
        6.5297e-04, 6.2246e-04, 5.9383e-04, 5.6694e-04, 5.4165e-04, 5.1784e-04, 4.9540e-04,
        4.7423e-04, 4.5425e-04, 3.6932e-04, 3.0397e-04, 2.5279e-04, 2.1212e-04, 1.7938e-04,
        1.5273e-04, 1.3082e-04, 1.1267e-04, 9.7499e-05, 8.4743e-05, 7.3948e-05, 6.4762e-05,
        5.6906e-05, 5.0154e-05, 4.4328e-05, 3.9280e-05, 3.4891e-05, 3.1062e-05, 2.7711e-05,
        2.4770e-05, 2.2181e-05, 1.9896e-05, 1.7876e-05, 1.6085e-05, 1.4493e-05, 1.3077e-05,
        1.1814e-05, 1.0686e-05, 9.6764e-06, 8.7716e-06, 7.2294e-06, 5.9804e-06, 4.9637e-06,
        4.1325e-06, 3.4503e-06, 2.8883e-06, 2.4238e-06, 2.0387e-06, 1.7187e-06, 1.4520e-06,
        1.2293e-06, 1.0429e-06, 8.8660e-07, 7.5529e-07, 6.4479e-07, 5.5164e-07, 4.7300e-07,
        4.0649e-07, 3.5018e-07, 3.0241e-07, 2.6184e-07, 2.2733e-07, 1.9793e-07, 1.7284e-07,
        1.5140e-07, 1.3305e-07, 1.1732e-07, 1.0380e-07, 9.2174e-08, 8.2147e-08, 7.3484e-08,
        6.5983e-08, 5.9475e-08, 5.3813e-08, 4.8876e-08, 4.4559e-08, 4.0774e-08, 3.7447e-08,
        3.4512e-08, 3.1916e-08, 2.9611e-08, 2.7560e-08, 2.5727e-08, 2.4083e-08, 2.2605e-08,
        2.1270e-08, 2.0061e-08, 1.8962e-08, 1.7959e-08, 1.7041e-08, 1.6198e-08, 1.5421e-08,
        1.4703e-08, 1.4037e-08, 1.3419e-08, 1.2842e-08, 1.2303e-08, 1.1797e-08, 1.1323e-08,
        1.0876e-08, 1.0455e-08, 1.0057e-08, 9.6804e-09, 9.3232e-09, 8.9841e-09, 8.6616e-09,
        8.3545e-09, 8.0619e-09, 7.7826e-09, 7.5158e-09,
    ]
)
# fmt: on

_LOG_RHO_UP = np.log(_RHO_UP_KGPM3)
_LOG_P_UP = np.log(_P_UP_PA)


@jit
def _lower_tm_p(alt_m: float) -> tuple[float, float]:
    """Molecular-scale temperature (K) and pressure (Pa) below 86 km, hydrostatic layers.

    Self-contained (no calls to other compiled functions) so that its ``py_func`` can be
    evaluated at import to seed the 86 km table node.
    """
    z = alt_m
    if z < _Z_MIN_M:
        z = _Z_MIN_M
    h = US76_R0_M * z / (US76_R0_M + z)
    b = _H_BASE_M.size - 1
    while b > 0 and h < _H_BASE_M[b]:
        b -= 1
    dh = h - _H_BASE_M[b]
    tm_b = _TM_BASE_K[b]
    lm = _LM_BASE_KPM[b]
    if lm == 0.0:
        return tm_b, _P_BASE_PA[b] * math.exp(-_GMR_KPM * dh / tm_b)
    tm = tm_b + lm * dh
    return tm, _P_BASE_PA[b] * math.exp(_P_EXPO[b] * math.log(tm_b / tm))


_TM86_K, _P86_PA = _lower_tm_p.py_func(_Z86_M)
_RHO86_KGPM3 = _P86_PA * _M0_OVER_RSTAR / _TM86_K
# Seed the 86 km node from the lower formulas so the two branches join exactly.
_LOG_RHO_UP[0] = math.log(_RHO86_KGPM3)
_LOG_P_UP[0] = math.log(_P86_PA)
_CS86_MPS = math.sqrt(US76_GAMMA * _TM86_K / _M0_OVER_RSTAR)


@jit
def _upper_log_interp(log_table: np.ndarray, alt_m: float) -> float:
    """Linear interpolation of a log-table above 86 km; linear extrapolation above 1000 km.

    NaN falls through every comparison to the extrapolation branch and comes out NaN
    without ever being converted to an index.
    """
    if alt_m < _SEG2_Z0_M:
        x = (alt_m - _SEG1_Z0_M) / _SEG1_DZ_M
        i0 = _SEG1_I0
    elif alt_m < _SEG3_Z0_M:
        x = (alt_m - _SEG2_Z0_M) / _SEG2_DZ_M
        i0 = _SEG2_I0
    elif alt_m < _Z_TOP_M:
        x = (alt_m - _SEG3_Z0_M) / _SEG3_DZ_M
        i0 = _SEG3_I0
    else:
        n = log_table.size
        slope = (log_table[n - 1] - log_table[n - 2]) / _SEG3_DZ_M
        return log_table[n - 1] + slope * (alt_m - _Z_TOP_M)
    if x < 0.0:  # defensive: callers pass alt_m >= 86 km; never index below the segment
        x = 0.0
    k = int(x)
    f = x - k
    i = i0 + k
    return log_table[i] + f * (log_table[i + 1] - log_table[i])


@jit
def us76_density_kgpm3(alt_m: float) -> float:
    """Mass density of the U.S. Standard Atmosphere 1976.

    Parameters
    ----------
    alt_m : float
        Geometric altitude above mean sea level (m). Values below -5 km are clamped to
        -5 km; there is no upper limit.

    Returns
    -------
    float
        Mass density (kg/m^3), positive for every finite altitude (NaN for NaN input).

    Notes
    -----
    Below 86 km (NOAA-S/T 76-1562, Part 1):

        H = r0 Z / (r0 + Z),   Tm = Tm_b + Lm_b (H - H_b),
        P = P_b (Tm_b / Tm) ** (g0 M0 / (R* Lm_b))  or  P_b exp(-g0 M0 (H - H_b) / (R* Tm_b)),
        rho = P M0 / (R* Tm).

    From 86 to 1000 km: linear interpolation of ``log(rho)`` in the tabulated profile of
    Table I (nodes every 1/5/10 km). Above 1000 km: exponential continuation with the
    last interval's scale height (about 218 km).
    """
    if alt_m < _Z86_M:
        tm, p = _lower_tm_p(alt_m)
        return p * _M0_OVER_RSTAR / tm
    return math.exp(_upper_log_interp(_LOG_RHO_UP, alt_m))


@jit
def us76_pressure_pa(alt_m: float) -> float:
    """Pressure of the U.S. Standard Atmosphere 1976.

    Parameters
    ----------
    alt_m : float
        Geometric altitude above mean sea level (m); clamped below at -5 km.

    Returns
    -------
    float
        Pressure (Pa).

    Notes
    -----
    Below 86 km the exact hydrostatic layer formulas (see ``us76_density_kgpm3``). From 86
    to 1000 km linear interpolation of ``log(P)`` in the tabulated profile of
    NOAA-S/T 76-1562 Table I, on the same nodes as the density; above 1000 km exponential
    continuation with the last interval's scale height.
    """
    if alt_m < _Z86_M:
        return _lower_tm_p(alt_m)[1]
    return math.exp(_upper_log_interp(_LOG_P_UP, alt_m))


@jit
def us76_temperature_k(alt_m: float) -> float:
    """Kinetic temperature of the U.S. Standard Atmosphere 1976.

    Parameters
    ----------
    alt_m : float
        Geometric altitude above mean sea level (m); clamped below at -5 km.

    Returns
    -------
    float
        Kinetic temperature T (K).

    Notes
    -----
    Below 86 km ``T = Tm M / M0`` with ``Tm`` from the geopotential layers and ``M / M0``
    equal to 1 below 80 km and linearly interpolated in the standard's 0.5 km table from
    80 to 86 km. Above 86 km the standard's closed-form profile in geometric altitude Z
    (NOAA-S/T 76-1562, Part 1), used exactly:

        86-91 km:    T = 186.8673 K
        91-110 km:   T = Tc + A sqrt(1 - ((Z - Z8) / a) ** 2),
                     Tc = 263.1905 K, A = -76.3232 K, a = -19.9429 km, Z8 = 91 km
        110-120 km:  T = 240 K + 12 K/km (Z - 110 km)
        above:       T = T_inf - (T_inf - T10) exp(-lambda xi),
                     xi = (Z - Z10) (r0 + Z10) / (r0 + Z), T_inf = 1000 K, T10 = 360 K,
                     lambda = 0.01875 / km, Z10 = 120 km.

    The last formula is also used above 1000 km, where it tends to 1000 K.
    """
    if alt_m < _Z86_M:
        tm = _lower_tm_p(alt_m)[0]
        if alt_m <= 80000.0:
            return tm
        x = (alt_m - 80000.0) / 500.0
        k = int(x)
        if k > _M_RATIO_80_86.size - 2:
            k = _M_RATIO_80_86.size - 2
        f = x - k
        ratio = _M_RATIO_80_86[k] + f * (_M_RATIO_80_86[k + 1] - _M_RATIO_80_86[k])
        return tm * ratio
    if alt_m < _Z8_M:
        return _T7_K
    if alt_m < _Z9_M:
        u = (alt_m - _Z8_M) / _A_ELL_M
        return _TC_K + _A_ELL_K * math.sqrt(1.0 - u * u)
    if alt_m < _Z10_M:
        return _T9_K + _LK9_KPM * (alt_m - _Z9_M)
    if alt_m > 1.0e9:  # T is 1000 K to double precision; avoids inf/inf at alt_m = inf
        return _T_INF_K
    xi = (alt_m - _Z10_M) * (US76_R0_M + _Z10_M) / (US76_R0_M + alt_m)
    return _T_INF_K - (_T_INF_K - _T10_K) * math.exp(-_LAMBDA_PM * xi)


@jit
def speed_of_sound_mps(alt_m: float) -> float:
    """Speed of sound of the U.S. Standard Atmosphere 1976.

    Parameters
    ----------
    alt_m : float
        Geometric altitude above mean sea level (m); clamped below at -5 km.

    Returns
    -------
    float
        Speed of sound (m/s).

    Notes
    -----
    ``a = sqrt(gamma R* T / M) = sqrt(gamma R* Tm / M0)`` with gamma = 1.4
    (NOAA-S/T 76-1562, Part 1). The standard defines it only up to 86 km
    (the continuum assumption fails above), so the 86 km value (about 274.10 m/s) is held
    at all higher altitudes.
    """
    if alt_m < _Z86_M:
        tm = _lower_tm_p(alt_m)[0]
        return math.sqrt(US76_GAMMA * tm / _M0_OVER_RSTAR)
    if alt_m >= _Z86_M:
        return _CS86_MPS
    return alt_m  # NaN input


@jit
def density_kgpm3(alt_m: float, model: int) -> float:
    """Atmospheric mass density for the selected model.

    Parameters
    ----------
    alt_m : float
        Geometric altitude above mean sea level (m).
    model : int
        ``ATMOSPHERE_NONE`` (0): vacuum, returns 0.0. ``ATMOSPHERE_US76`` (1): U.S.
        Standard Atmosphere 1976 (``us76_density_kgpm3``).

    Returns
    -------
    float
        Mass density (kg/m^3).

    Raises
    ------
    ValueError
        For an unknown model code.
    """
    if model == ATMOSPHERE_US76:
        return us76_density_kgpm3(alt_m)
    if model == ATMOSPHERE_NONE:
        return 0.0
    raise ValueError("unknown atmosphere model code")
