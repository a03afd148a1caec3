"""Physical constants and model-switch codes, all SI.

Sources
-------
WGS-84: NIMA TR8350.2, *Department of Defense World Geodetic System 1984*, 3rd ed. (2000),
tables 3.1-3.3 (a, 1/f, GM, omega) and the EGM96 J2 (C20 = -4.84165371736e-4, J2 = -sqrt(5) C20).
Standard gravity: CGPM 1901 (g0 = 9.80665 m/s^2).
"""

# WGS-84 ellipsoid and Earth constants
WGS84_A_M = 6378137.0
WGS84_F = 1.0 / 298.257223563
WGS84_B_M = WGS84_A_M * (1.0 - WGS84_F)
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
MU_EARTH_M3PS2 = 3.986004418e14
OMEGA_EARTH_RADPS = 7.292115e-5
J2_EARTH = 1.08262668e-3
# Mean Earth radius used by the spherical model and the textbook ("ideal") cases.
R_MEAN_M = 6371000.0
G0_MPS2 = 9.80665

# Model switches (plain ints so numba can branch on them).
EARTH_SPHERICAL = 0
EARTH_WGS84 = 1
GRAVITY_POINT = 0
GRAVITY_J2 = 1
ATMOSPHERE_NONE = 0
ATMOSPHERE_US76 = 1
