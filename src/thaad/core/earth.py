"""Earth models: frames, conversions and gravity, as numba-compiled pure functions.

Angles in radians, distances in metres, ECEF coordinates as float64 arrays of shape (3,).
``earth`` selects the figure: ``EARTH_SPHERICAL`` (sphere of radius ``R_MEAN_M``; geodetic
latitude equals geocentric) or ``EARTH_WGS84`` (the WGS-84 ellipsoid).

References
----------
- NIMA TR8350.2 (WGS-84), sec. 4 (geodetic to ECEF).
- Bowring, B. R., "Transformation from spatial to geographical coordinates",
  Survey Review 23(181), 1976 (ECEF to geodetic, iterated here to machine precision).
- Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed., sec. 8.6.1 (J2 acceleration).
"""

import math

import numpy as np

from thaad.core.constants import (
    EARTH_SPHERICAL,
    GRAVITY_J2,
    J2_EARTH,
    MU_EARTH_M3PS2,
    OMEGA_EARTH_RADPS,
    R_MEAN_M,
    WGS84_A_M,
    WGS84_B_M,
    WGS84_E2,
    WGS84_F,
)
from thaad.core.jit import jit, leaf


@jit
def geodetic_to_ecef(lat_rad: float, lon_rad: float, alt_m: float, earth: int) -> np.ndarray:
    """ECEF position of a point given by geodetic latitude, longitude and height.

    WGS-84: ``N = a / sqrt(1 - e^2 sin^2 lat)``, ``x = (N + h) cos lat cos lon``,
    ``y = (N + h) cos lat sin lon``, ``z = (N (1 - e^2) + h) sin lat`` (TR8350.2 eq. 4-14).
    """
    out = np.empty(3)
    clat = math.cos(lat_rad)
    slat = math.sin(lat_rad)
    if earth == EARTH_SPHERICAL:
        r = R_MEAN_M + alt_m
        out[0] = r * clat * math.cos(lon_rad)
        out[1] = r * clat * math.sin(lon_rad)
        out[2] = r * slat
        return out
    n = WGS84_A_M / math.sqrt(1.0 - WGS84_E2 * slat * slat)
    out[0] = (n + alt_m) * clat * math.cos(lon_rad)
    out[1] = (n + alt_m) * clat * math.sin(lon_rad)
    out[2] = (n * (1.0 - WGS84_E2) + alt_m) * slat
    return out


@jit
def ecef_to_geodetic(x: float, y: float, z: float, earth: int) -> tuple[float, float, float]:
    """Geodetic latitude, longitude (rad) and height (m) of an ECEF point.

    WGS-84 uses Bowring's parametric-latitude iteration (3 passes reach < 1 um for
    heights up to 10,000 km).
    """
    lon = math.atan2(y, x)
    p = math.hypot(x, y)
    if earth == EARTH_SPHERICAL:
        r = math.sqrt(p * p + z * z)
        return math.atan2(z, p), lon, r - R_MEAN_M
    a = WGS84_A_M
    b = WGS84_B_M
    ep2 = (a * a - b * b) / (b * b)
    beta = math.atan2(a * z, b * p)
    lat = 0.0
    for _ in range(4):
        sb = math.sin(beta)
        cb = math.cos(beta)
        lat = math.atan2(z + ep2 * b * sb * sb * sb, p - WGS84_E2 * a * cb * cb * cb)
        beta = math.atan2(b * math.sin(lat), a * math.cos(lat))
    slat = math.sin(lat)
    n = a / math.sqrt(1.0 - WGS84_E2 * slat * slat)
    clat = math.cos(lat)
    if abs(clat) > 1e-10:
        alt = p / clat - n
    else:
        alt = abs(z) - b
    return lat, lon, alt


@jit
def height_and_ground_angle(
    x: float, y: float, z: float, earth: int, up: np.ndarray
) -> tuple[float, float]:
    """Geodetic height (m) of an ECEF point and the central angle (rad) from a site to it.

    The same quantities as ``h`` of :func:`ecef_to_geodetic` and the first value of
    :func:`great_circle` from the site's (lat, lon) to the point's, with ``up`` the site's
    geodetic unit normal (row 2 of :func:`enu_basis`). The same Bowring iteration, carried
    on the sine and cosine of the latitudes rather than the angles (a normalised vector
    instead of ``atan2`` then ``sin``/``cos``: equal in exact arithmetic), and the central
    angle as ``atan2(|n1 x n2|, n1 . n2)`` of the two unit normals (the vector form of the
    same formula): square roots and one ``atan2`` in place of some thirty trigonometric
    calls, for the radar's per-object visibility test.
    """
    p = math.sqrt(x * x + y * y)
    if earth == EARTH_SPHERICAL:
        rn = math.sqrt(p * p + z * z)
        h = rn - R_MEAN_M
        n0 = x / rn
        n1 = y / rn
        n2 = z / rn
    else:
        a = WGS84_A_M
        b = WGS84_B_M
        ep2 = (a * a - b * b) / (b * b)
        cb = b * p  # beta = atan2(a z, b p), as (cos, sin) up to a common factor
        sb = a * z
        m = 1.0 / math.sqrt(cb * cb + sb * sb)
        cb *= m
        sb *= m
        slat = 0.0
        clat = 1.0
        for _ in range(4):
            num = z + ep2 * b * sb * sb * sb
            den = p - WGS84_E2 * a * cb * cb * cb
            m = 1.0 / math.sqrt(num * num + den * den)
            slat = num * m
            clat = den * m
            cb = a * clat
            sb = b * slat
            m = 1.0 / math.sqrt(cb * cb + sb * sb)
            cb *= m
            sb *= m
        nn = a / math.sqrt(1.0 - WGS84_E2 * slat * slat)
        h = p / clat - nn if abs(clat) > 1e-10 else abs(z) - b
        if p > 0.0:
            c = clat / p
            n0 = c * x
            n1 = c * y
        else:
            n0 = clat
            n1 = 0.0
        n2 = slat
    c0 = up[1] * n2 - up[2] * n1
    c1 = up[2] * n0 - up[0] * n2
    c2 = up[0] * n1 - up[1] * n0
    ang = math.atan2(math.sqrt(c0 * c0 + c1 * c1 + c2 * c2), up[0] * n0 + up[1] * n1 + up[2] * n2)
    return h, ang


@jit
def altitude_m(r: np.ndarray, earth: int) -> float:
    """Height above the Earth model of ECEF point ``r``."""
    if earth == EARTH_SPHERICAL:
        return math.sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]) - R_MEAN_M
    return ecef_to_geodetic(r[0], r[1], r[2], earth)[2]


@jit
def approx_altitude_m(x: float, y: float, z: float, earth: int) -> float:
    """Fast height for atmosphere look-ups: ``|r| - a (1 - f sin^2 lat_c)``.

    On WGS-84 it differs from the geodetic height by under 50 m up to 1,000 km, far below
    the scale height of the air; on the sphere it is exact.
    """
    rn = math.sqrt(x * x + y * y + z * z)
    if earth == EARTH_SPHERICAL:
        return rn - R_MEAN_M
    s = z / rn
    return rn - WGS84_A_M * (1.0 - WGS84_F * s * s)


@jit
def enu_basis(lat_rad: float, lon_rad: float) -> np.ndarray:
    """Rows are the East, North and Up unit vectors in ECEF at (lat, lon)."""
    sl = math.sin(lat_rad)
    cl = math.cos(lat_rad)
    so = math.sin(lon_rad)
    co = math.cos(lon_rad)
    m = np.empty((3, 3))
    m[0, 0] = -so
    m[0, 1] = co
    m[0, 2] = 0.0
    m[1, 0] = -sl * co
    m[1, 1] = -sl * so
    m[1, 2] = cl
    m[2, 0] = cl * co
    m[2, 1] = cl * so
    m[2, 2] = sl
    return m


@jit
def ecef_to_aer(
    site_ecef: np.ndarray, site_enu: np.ndarray, r: np.ndarray
) -> tuple[float, float, float]:
    """Azimuth (clockwise from north), elevation above the local horizontal, slant range."""
    dx = r[0] - site_ecef[0]
    dy = r[1] - site_ecef[1]
    dz = r[2] - site_ecef[2]
    e = site_enu[0, 0] * dx + site_enu[0, 1] * dy + site_enu[0, 2] * dz
    n = site_enu[1, 0] * dx + site_enu[1, 1] * dy + site_enu[1, 2] * dz
    u = site_enu[2, 0] * dx + site_enu[2, 1] * dy + site_enu[2, 2] * dz
    rng = math.sqrt(e * e + n * n + u * u)
    az = math.atan2(e, n)
    if az < 0.0:
        az += 2.0 * math.pi
    el = math.asin(u / rng) if rng > 0.0 else 0.5 * math.pi
    return az, el, rng


@jit
def aer_to_ecef(
    site_ecef: np.ndarray, site_enu: np.ndarray, az_rad: float, el_rad: float, range_m: float
) -> np.ndarray:
    """ECEF point at azimuth, elevation and slant range from a site."""
    out = np.empty(3)
    aer_to_ecef_into(site_ecef, site_enu, az_rad, el_rad, range_m, out)
    return out


@leaf
def aer_to_ecef_into(
    site_ecef: np.ndarray, site_enu: np.ndarray, az_rad: float, el_rad: float, range_m: float,
    out: np.ndarray,
) -> None:  # fmt: skip
    """:func:`aer_to_ecef` into ``out[:3]``."""
    ce = math.cos(el_rad)
    e = range_m * ce * math.sin(az_rad)
    n = range_m * ce * math.cos(az_rad)
    u = range_m * math.sin(el_rad)
    for i in range(3):
        out[i] = site_ecef[i] + e * site_enu[0, i] + n * site_enu[1, i] + u * site_enu[2, i]


@jit
def gravity_xyz(x: float, y: float, z: float, gravity: int) -> tuple[float, float, float]:
    """Gravitational acceleration components at ECEF (x, y, z); see :func:`gravity_mps2`."""
    r2 = x * x + y * y + z * z
    k = -MU_EARTH_M3PS2 / (r2 * math.sqrt(r2))
    if gravity == GRAVITY_J2:
        f = 1.5 * J2_EARTH * WGS84_A_M * WGS84_A_M / r2
        zz = 5.0 * z * z / r2
        kxy = k * (1.0 - f * (zz - 1.0))
        return kxy * x, kxy * y, k * z * (1.0 - f * (zz - 3.0))
    return k * x, k * y, k * z


@jit
def gravity_mps2(r: np.ndarray, gravity: int) -> np.ndarray:
    """Gravitational acceleration (no centrifugal term) at ECEF ``r``.

    Point mass: ``a = -mu r / |r|^3``. With J2 (Vallado eq. 8-30):
    ``a_x = -mu x / r^3 [1 - 1.5 J2 (R/r)^2 (5 z^2/r^2 - 1)]``, likewise y, and
    ``a_z = -mu z / r^3 [1 - 1.5 J2 (R/r)^2 (5 z^2/r^2 - 3)]`` with R the equatorial radius.
    """
    out = np.empty(3)
    out[0], out[1], out[2] = gravity_xyz(r[0], r[1], r[2], gravity)
    return out


@jit
def gravity_gradient_into(r: np.ndarray, out: np.ndarray) -> None:
    """Jacobian d(a)/d(r) of point-mass gravity, ``mu/r^3 (3 r r^T / r^2 - I)``, into ``out``
    (3x3; ``r`` needs only its first three components)."""
    r2 = r[0] * r[0] + r[1] * r[1] + r[2] * r[2]
    rn = math.sqrt(r2)
    k = MU_EARTH_M3PS2 / (r2 * rn)
    for i in range(3):
        for j in range(3):
            out[i, j] = k * 3.0 * r[i] * r[j] / r2
        out[i, i] -= k


@jit
def frame_accel_mps2(r: np.ndarray, v: np.ndarray, rotation: int) -> np.ndarray:
    """Coriolis and centrifugal acceleration in the Earth-fixed frame.

    ``a = -2 w x v - w x (w x r)`` with ``w = (0, 0, omega)``; zero when rotation is off.
    """
    out = np.zeros(3)
    if rotation == 0:
        return out
    w = OMEGA_EARTH_RADPS
    out[0] = 2.0 * w * v[1] + w * w * r[0]
    out[1] = -2.0 * w * v[0] + w * w * r[1]
    return out


@jit
def ecef_to_eci_velocity(r: np.ndarray, v: np.ndarray, rotation: int) -> np.ndarray:
    """Inertial velocity of an Earth-fixed state at the instant the frames coincide."""
    out = v.copy()
    if rotation != 0:
        out[0] -= OMEGA_EARTH_RADPS * r[1]
        out[1] += OMEGA_EARTH_RADPS * r[0]
    return out


@jit
def great_circle(lat1_rad: float, lon1_rad: float, lat2_rad: float, lon2_rad: float):
    """Central angle (rad) and initial azimuth (rad) between two points on a sphere."""
    dlon = lon2_rad - lon1_rad
    s1 = math.sin(lat1_rad)
    c1 = math.cos(lat1_rad)
    s2 = math.sin(lat2_rad)
    c2 = math.cos(lat2_rad)
    y = math.sqrt((c2 * math.sin(dlon)) ** 2 + (c1 * s2 - s1 * c2 * math.cos(dlon)) ** 2)
    x = s1 * s2 + c1 * c2 * math.cos(dlon)
    ang = math.atan2(y, x)
    az = math.atan2(math.sin(dlon) * c2, c1 * s2 - s1 * c2 * math.cos(dlon))
    return ang, az


@jit
def destination(lat_rad: float, lon_rad: float, az_rad: float, ang_rad: float):
    """Point reached on a sphere from (lat, lon) along azimuth ``az`` over central angle ``ang``."""
    s1 = math.sin(lat_rad)
    c1 = math.cos(lat_rad)
    lat2 = math.asin(s1 * math.cos(ang_rad) + c1 * math.sin(ang_rad) * math.cos(az_rad))
    lon2 = lon_rad + math.atan2(
        math.sin(az_rad) * math.sin(ang_rad) * c1, math.cos(ang_rad) - s1 * math.sin(lat2)
    )
    lon2 = (lon2 + math.pi) % (2.0 * math.pi) - math.pi
    return lat2, lon2
