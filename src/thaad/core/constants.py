"""Physical constants and model-switch codes, all SI.

Sources
-------
WGS-84: NIMA TR8350.2, *Department of Defense World Geodetic System 1984*, 3rd ed. (2000),
tables 3.1-3.3 (a, 1/f, GM, omega) and the EGM96 J2 (C20 = -4.84165371736e-4, J2 = -sqrt(5) C20).
Standard gravity: CGPM 1901 (g0 = 9.80665 m/s^2).
Speed of light and Boltzmann constant: exact in the SI since 2019 (BIPM, *The International
System of Units*, 9th ed., 2019, table 1).
Refraction: the 4/3 effective Earth radius of standard refraction (Skolnik, *Introduction to
Radar Systems*, 3rd ed., sec. 8.2; Blake, *Radar Range-Performance Analysis*, ch. 5).
U.S. Standard Atmosphere 1976: its defining constants (NOAA-S/T 76-1562, Part 1).

No other module writes a physical constant as a literal (tests/test_architecture.py).
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

# Radar physics
C_MPS = 299792458.0  # speed of light in vacuum
BOLTZMANN_JPK = 1.380649e-23
K_REFRACTION = 4.0 / 3.0  # effective Earth radius factor of standard refraction

# Defining constants of the U.S. Standard Atmosphere 1976
US76_R_STAR_JPKMOLK = 8.31432e3  # universal gas constant as adopted by the standard
US76_M0_KGPKMOL = 28.9644  # sea-level mean molecular weight of air
US76_G0_MPS2 = G0_MPS2  # g0 (geopotential metre definition)
US76_R0_M = 6356766.0  # effective Earth radius for the geopotential conversion
US76_P0_PA = 101325.0
US76_T0_K = 288.15
US76_GAMMA = 1.4  # ratio of specific heats of air

# Model switches (plain ints so numba can branch on them).
EARTH_SPHERICAL = 0
EARTH_WGS84 = 1
GRAVITY_POINT = 0
GRAVITY_J2 = 1
ATMOSPHERE_NONE = 0
ATMOSPHERE_US76 = 1
