"""Equations of motion and a compiled adaptive integrator with event location.

State ``y = (x, y, z, vx, vy, vz, m)`` in the Earth-fixed frame (ECEF), SI units. With
rotation on, Coriolis and centrifugal terms are added; with it off the ECEF frame is
inertial. Forces: gravity (point or J2), thrust along a steering program, aerodynamic drag
``a = -0.5 rho |v| v CdA / m`` relative to the rotating atmosphere (the ECEF velocity),
aerodynamic lift in a :class:`GlidePhase` (:func:`glide_lift`), and an optional commanded
acceleration (guidance).

The integrator is the Dormand-Prince 5(4) pair with FSAL, standard step-size control
(Hairer, Norsett and Wanner, *Solving ODEs I*, sec. II.4-II.5), cubic-Hermite event
location refined by an exact step to the located time.
"""

import math
from typing import NamedTuple

import numpy as np
from numba.core import types as nbtypes
from numba.extending import overload

from thaad.core.atmosphere import density_kgpm3, speed_of_sound_mps
from thaad.core.constants import G0_MPS2, OMEGA_EARTH_RADPS
from thaad.core.earth import approx_altitude_m, ecef_to_geodetic, gravity_xyz
from thaad.core.jit import jit, leaf

STEER_NONE = 0  # no thrust direction needed (coasting)
STEER_VELOCITY = 1  # thrust along the Earth-relative velocity (gravity turn)
STEER_PITCH = 2  # vertical rise, linear pitch-over to a final pitch, then hold
STEER_FIXED = 3  # thrust along a fixed ECEF direction (``dr``)

# most steps (accepted or not) one call of fly takes: a hard stop, never reached in practice
MAX_STEPS = 10_000_000

# Event indices reported by :func:`fly`.
EV_IMPACT = 0  # height falls through ``stop_alt_m`` (terminal)
EV_APOGEE = 1  # radial velocity changes sign from + to -
EV_ENTRY = 2  # height falls through ``entry_alt_m``
N_EVENTS = 3


class Env(NamedTuple):
    """Model switches (see :mod:`thaad.core.constants`)."""

    earth: int
    rotation: int
    gravity: int
    atmosphere: int


class Phase(NamedTuple):
    """One flight phase: constant thrust and mass flow, drag area and steering program."""

    thrust_n: float
    mdot_kgps: float
    cda_m2: float
    steer: int
    t0_s: float  # reference time of the steering program (launch)
    up_x: float  # local vertical at launch (unit, ECEF)
    up_y: float
    up_z: float
    dr_x: float  # downrange horizontal at launch, or the fixed thrust direction (unit, ECEF)
    dr_y: float
    dr_z: float
    t_vert_s: float  # end of vertical rise (after t0)
    t_turn_s: float  # end of pitch-over (after t0)
    pitch_final_rad: float  # pitch of thrust above the launch horizontal after pitch-over


class GlidePhase(NamedTuple):
    """A threat's flight phase: a :class:`Phase` with a drag table against Mach number and
    aerodynamic lift (a pull-up, a glide and a dive). One type for every phase of a threat
    (its boost stages, :func:`mach_phase`; its free flight, :func:`glide_phase`), so that
    :func:`fly` is compiled once for all of them.

    The first fields are :class:`Phase`'s, in order. Lift: after ``t_arm_s`` (the ballistic
    apogee) and below ``h_start_m`` the body generates lift perpendicular to its
    Earth-relative velocity in the vertical plane, ``|L| <= (L/D) D`` and
    ``|L| <= n_max g0`` (see :func:`glide_lift_accel`). ``ld <= 0`` is a body without lift.
    Drag: with ``n_cd > 0`` the drag area is ``Cd(M) ref_area_m2``, ``Cd`` linear in Mach
    between the first ``n_cd`` nodes of ``cd_mach`` and held beyond the ends (Mach: the
    speed relative to the rotating atmosphere over the US76 speed of sound), and ``cda_m2``
    is only the switch (drag is on when it is positive); with ``n_cd == 0`` it is
    ``cda_m2``.
    """

    thrust_n: float
    mdot_kgps: float
    cda_m2: float
    steer: int
    t0_s: float
    up_x: float
    up_y: float
    up_z: float
    dr_x: float
    dr_y: float
    dr_z: float
    t_vert_s: float
    t_turn_s: float
    pitch_final_rad: float
    ld: float  # lift-to-drag ratio available
    h_start_m: float  # manoeuvre start altitude (on the way down)
    n_max: float  # load-factor limit (lift acceleration over g0)
    t_arm_s: float  # no lift before this time (the ballistic apogee)
    tgt_x: float  # aim point, ECEF (m)
    tgt_y: float
    tgt_z: float
    dive_rad: float  # the dive begins when the aim point lies this far below the horizontal
    tau_s: float  # time constant of the flight-path-angle loop
    ref_area_m2: float  # reference area of the Mach table
    n_cd: int  # nodes of the Mach table in use (0: constant drag area cda_m2)
    cd_mach: np.ndarray  # (k,) Mach nodes, strictly increasing
    cd_value: np.ndarray  # (k,) drag coefficient at the nodes


GLIDE_TAU_S = 2.0  # flight-path-angle loop time constant (docs/parameters.md)


@jit
def glide_lift_accel(ph: GlidePhase, t: float, x: float, y: float, z: float, vx: float,
                     vy: float, vz: float, h: float, drag_acc: float, g_mag: float):  # fmt: skip
    """Lift acceleration (ECEF components) of a gliding body.

    Guidance law: the flight-path angle ``gamma`` is steered to a command with a first-order
    loop, ``a_n = v (gamma_c - gamma) / tau + g cos(gamma)`` (the second term holds the
    path against gravity); ``gamma_c = 0`` (hold a level glide) until the aim point lies
    more than ``dive_rad`` below the local horizontal, then ``gamma_c`` is the line of
    sight's angle (pursuit: a dive onto the aim point). The command is capped by the lift
    the air gives, ``(L/D) D`` with ``D`` the drag acceleration, and by ``n_max g0``; it
    acts along the unit normal to the velocity in the vertical plane (positive up).
    """
    if ph.ld <= 0.0 or t < ph.t_arm_s or h > ph.h_start_m:
        return 0.0, 0.0, 0.0
    rn = math.sqrt(x * x + y * y + z * z)
    vn = math.sqrt(vx * vx + vy * vy + vz * vz)
    if vn <= 0.0:
        return 0.0, 0.0, 0.0
    ux = x / rn
    uy = y / rn
    uz = z / rn
    sg = (ux * vx + uy * vy + uz * vz) / vn
    sg = min(max(sg, -1.0), 1.0)
    nx = ux - sg * vx / vn
    ny = uy - sg * vy / vn
    nz = uz - sg * vz / vn
    nn = math.sqrt(nx * nx + ny * ny + nz * nz)
    if nn < 1e-9:
        return 0.0, 0.0, 0.0
    gam = math.asin(sg)
    dx = ph.tgt_x - x
    dy = ph.tgt_y - y
    dz = ph.tgt_z - z
    dn = math.sqrt(dx * dx + dy * dy + dz * dz)
    los = math.asin(min(max((ux * dx + uy * dy + uz * dz) / max(dn, 1e-3), -1.0), 1.0))
    gam_c = los if los < -ph.dive_rad else 0.0
    a = vn * (gam_c - gam) / ph.tau_s + g_mag * math.cos(gam)
    a_max = min(ph.ld * drag_acc, ph.n_max * G0_MPS2)
    a = min(max(a, -a_max), a_max)
    return a * nx / nn, a * ny / nn, a * nz / nn


def lift_accel(ph, t, x, y, z, vx, vy, vz, h, drag_acc, g_mag):  # pragma: no cover
    """Lift acceleration of a phase: :func:`glide_lift_accel` for a :class:`GlidePhase`,
    none for the others (compiled away)."""
    raise NotImplementedError


@overload(lift_accel, jit_options={"cache": True})
def _lift_accel(ph, t, x, y, z, vx, vy, vz, h, drag_acc, g_mag):
    if isinstance(ph, nbtypes.BaseNamedTuple) and ph.instance_class is GlidePhase:

        def impl(ph, t, x, y, z, vx, vy, vz, h, drag_acc, g_mag):
            return glide_lift_accel(ph, t, x, y, z, vx, vy, vz, h, drag_acc, g_mag)

        return impl

    def impl_none(ph, t, x, y, z, vx, vy, vz, h, drag_acc, g_mag):
        return 0.0, 0.0, 0.0

    return impl_none


@jit
def cd_at_mach(mach: float, n: int, nodes: np.ndarray, values: np.ndarray) -> float:
    """Drag coefficient linear in Mach between table nodes, held beyond the ends."""
    if n <= 1 or mach <= nodes[0]:
        return values[0]
    if mach >= nodes[n - 1]:
        return values[n - 1]
    k = 1
    while nodes[k] < mach:
        k += 1
    f = (mach - nodes[k - 1]) / (nodes[k] - nodes[k - 1])
    return values[k - 1] + f * (values[k] - values[k - 1])


def drag_area_m2(ph, vn_mps, h_m):  # pragma: no cover - compiled through the overload
    """Drag area of a phase at a speed and height (``Phase``: constant; ``GlidePhase``:
    from its Mach table when it has one)."""
    raise NotImplementedError


@overload(drag_area_m2, jit_options={"cache": True})
def _drag_area_m2(ph, vn_mps, h_m):
    if isinstance(ph, nbtypes.BaseNamedTuple) and ph.instance_class is GlidePhase:

        def impl(ph, vn_mps, h_m):
            if ph.n_cd <= 0:
                return ph.cda_m2
            mach = vn_mps / speed_of_sound_mps(h_m)
            return cd_at_mach(mach, ph.n_cd, ph.cd_mach, ph.cd_value) * ph.ref_area_m2

        return impl

    def impl_const(ph, vn_mps, h_m):
        return ph.cda_m2

    return impl_const


@jit
def coast_phase(cda_m2: float) -> Phase:
    """A phase with no thrust."""
    return Phase(0.0, 0.0, cda_m2, STEER_NONE, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0)


@jit
def glide_phase(cda_m2: float, ld: float, h_start_m: float, n_max: float, t_arm_s: float,
                tgt_x: float, tgt_y: float, tgt_z: float,
                dive_rad: float) -> GlidePhase:  # fmt: skip
    """An unpowered phase with lift (``ld <= 0``: ballistic, the same as :func:`coast_phase`)
    and a constant drag area."""
    return GlidePhase(0.0, 0.0, cda_m2, STEER_NONE, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0,
                      0.0, 0.0, ld, h_start_m, n_max, t_arm_s, tgt_x, tgt_y, tgt_z, dive_rad,
                      GLIDE_TAU_S, 0.0, np.int64(0), np.zeros(1), np.zeros(1))  # fmt: skip


@jit
def mach_phase(
    thrust_n: float, mdot_kgps: float, cda_m2: float, steer: int, t0_s: float, up_x: float,
    up_y: float, up_z: float, dr_x: float, dr_y: float, dr_z: float, t_vert_s: float,
    t_turn_s: float, pitch_final_rad: float, ref_area_m2: float, n_cd: int,
    cd_mach: np.ndarray, cd_value: np.ndarray,
) -> GlidePhase:  # fmt: skip
    """A phase without lift whose drag follows a Mach table (a boost stage): the fields of
    :class:`Phase` and the table (see :class:`GlidePhase`)."""
    return GlidePhase(thrust_n, mdot_kgps, cda_m2, steer, t0_s, up_x, up_y, up_z, dr_x, dr_y,
                      dr_z, t_vert_s, t_turn_s, pitch_final_rad, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                      0.0, 0.0, GLIDE_TAU_S, ref_area_m2, n_cd, cd_mach, cd_value)  # fmt: skip


@jit
def ballistic_phase(cda_m2: float) -> GlidePhase:
    """:func:`coast_phase` as a :class:`GlidePhase` without lift (``ld = 0``): the same
    flight to the last bit (no thrust, the same drag, a lift of exactly zero), in the phase
    type :func:`fly` is compiled for anyway, so that it needs one specialisation fewer."""
    return glide_phase(cda_m2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


@leaf
def deriv(
    t: float, y: np.ndarray, ph: Phase, env: Env, ax_cmd: float, ay_cmd: float, az_cmd: float,
    out: np.ndarray,
) -> None:  # fmt: skip
    """Write ``dy/dt`` into ``out``."""
    d = deriv_xyz(t, y[0], y[1], y[2], y[3], y[4], y[5], y[6], ph, env, ax_cmd, ay_cmd, az_cmd)
    for i in range(7):
        out[i] = d[i]


@jit
def deriv_xyz(
    t: float, x: float, yy: float, z: float, vx: float, vy: float, vz: float, m: float,
    ph: Phase, env: Env, ax_cmd: float, ay_cmd: float, az_cmd: float,
):  # fmt: skip
    """:func:`deriv` on scalars: ``dy/dt`` of the state ``(x, yy, z, vx, vy, vz, m)`` as a
    7-tuple (no arrays: the hot RK4 step keeps its stages in registers)."""
    gx, gy, gz = gravity_xyz(x, yy, z, env.gravity)
    ax = gx + ax_cmd
    ay = gy + ay_cmd
    az = gz + az_cmd
    if env.rotation != 0:
        w = OMEGA_EARTH_RADPS
        ax += 2.0 * w * vy + w * w * x
        ay += -2.0 * w * vx + w * w * yy
    if env.atmosphere != 0 and ph.cda_m2 != 0.0:  # < 0 only in a filter's sigma point
        h = approx_altitude_m(x, yy, z, env.earth)
        if h < 1.0e6:
            rho = density_kgpm3(h, env.atmosphere)
            vn = math.sqrt(vx * vx + vy * vy + vz * vz)
            k = -0.5 * rho * vn * drag_area_m2(ph, vn, h) / m
            ax += k * vx
            ay += k * vy
            az += k * vz
            lx, ly, lz = lift_accel(ph, t, x, yy, z, vx, vy, vz, h, -k * vn,
                                    math.sqrt(gx * gx + gy * gy + gz * gz))  # fmt: skip
            ax += lx
            ay += ly
            az += lz
    mdot = 0.0
    if ph.thrust_n > 0.0:
        tm = ph.thrust_n / m
        if ph.steer == STEER_VELOCITY:
            vn = math.sqrt(vx * vx + vy * vy + vz * vz)
            if vn > 0.0:
                ux = vx / vn
                uy = vy / vn
                uz = vz / vn
            else:  # at rest (no rail phase): the turn starts along the launch direction
                ux = ph.dr_x
                uy = ph.dr_y
                uz = ph.dr_z
        elif ph.steer == STEER_PITCH:
            tt = t - ph.t0_s
            if tt <= ph.t_vert_s:
                th = 0.5 * math.pi
            elif tt >= ph.t_turn_s:
                th = ph.pitch_final_rad
            else:
                f = (tt - ph.t_vert_s) / (ph.t_turn_s - ph.t_vert_s)
                th = 0.5 * math.pi + f * (ph.pitch_final_rad - 0.5 * math.pi)
            c = math.cos(th)
            s = math.sin(th)
            ux = c * ph.dr_x + s * ph.up_x
            uy = c * ph.dr_y + s * ph.up_y
            uz = c * ph.dr_z + s * ph.up_z
        else:
            ux = ph.dr_x
            uy = ph.dr_y
            uz = ph.dr_z
        ax += tm * ux
        ay += tm * uy
        az += tm * uz
        mdot = -ph.mdot_kgps
    return vx, vy, vz, ax, ay, az, mdot


# Dormand-Prince 5(4) tableau.
_C2, _C3, _C4, _C5 = 1.0 / 5.0, 3.0 / 10.0, 4.0 / 5.0, 8.0 / 9.0
_A21 = 1.0 / 5.0
_A31, _A32 = 3.0 / 40.0, 9.0 / 40.0
_A41, _A42, _A43 = 44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0
_A51, _A52, _A53, _A54 = 19372.0 / 6561.0, -25360.0 / 2187.0, 64448.0 / 6561.0, -212.0 / 729.0
_A61, _A62, _A63, _A64, _A65 = (
    9017.0 / 3168.0,
    -355.0 / 33.0,
    46732.0 / 5247.0,
    49.0 / 176.0,
    -5103.0 / 18656.0,
)
_B1, _B3, _B4, _B5, _B6 = 35.0 / 384.0, 500.0 / 1113.0, 125.0 / 192.0, -2187.0 / 6784.0, 11.0 / 84.0
_E1, _E3, _E4, _E5, _E6, _E7 = (
    71.0 / 57600.0,
    -71.0 / 16695.0,
    71.0 / 1920.0,
    -17253.0 / 339200.0,
    22.0 / 525.0,
    -1.0 / 40.0,
)

# Error scales (m for position, m/s for velocity, kg for mass) that multiply rtol to give atol.
_SCALE = np.array([1.0e6, 1.0e6, 1.0e6, 1.0e3, 1.0e3, 1.0e3, 1.0e3])


@leaf
def dp5_step(
    t: float, y: np.ndarray, k1: np.ndarray, h: float, ph: Phase, env: Env, ynew: np.ndarray,
    k7: np.ndarray, work: np.ndarray,
) -> float:  # fmt: skip
    """One Dormand-Prince step of size ``h``; writes ``ynew`` and ``k7 = f(ynew)``.

    ``work`` is a (6, 7) scratch array. Returns the error estimate vector's components
    combined as in Hairer's RMS norm, *unscaled by tolerance*: the caller scales.
    """
    k2 = work[0]
    k3 = work[1]
    k4 = work[2]
    k5 = work[3]
    k6 = work[4]
    tmp = work[5]
    n = 7
    for i in range(n):
        tmp[i] = y[i] + h * _A21 * k1[i]
    deriv(t + _C2 * h, tmp, ph, env, 0.0, 0.0, 0.0, k2)
    for i in range(n):
        tmp[i] = y[i] + h * (_A31 * k1[i] + _A32 * k2[i])
    deriv(t + _C3 * h, tmp, ph, env, 0.0, 0.0, 0.0, k3)
    for i in range(n):
        tmp[i] = y[i] + h * (_A41 * k1[i] + _A42 * k2[i] + _A43 * k3[i])
    deriv(t + _C4 * h, tmp, ph, env, 0.0, 0.0, 0.0, k4)
    for i in range(n):
        tmp[i] = y[i] + h * (_A51 * k1[i] + _A52 * k2[i] + _A53 * k3[i] + _A54 * k4[i])
    deriv(t + _C5 * h, tmp, ph, env, 0.0, 0.0, 0.0, k5)
    for i in range(n):
        tmp[i] = y[i] + h * (
            _A61 * k1[i] + _A62 * k2[i] + _A63 * k3[i] + _A64 * k4[i] + _A65 * k5[i]
        )
    deriv(t + h, tmp, ph, env, 0.0, 0.0, 0.0, k6)
    for i in range(n):
        ynew[i] = y[i] + h * (_B1 * k1[i] + _B3 * k3[i] + _B4 * k4[i] + _B5 * k5[i] + _B6 * k6[i])
    deriv(t + h, ynew, ph, env, 0.0, 0.0, 0.0, k7)
    err2 = 0.0
    for i in range(n):
        e = h * (_E1 * k1[i] + _E3 * k3[i] + _E4 * k4[i] + _E5 * k5[i] + _E6 * k6[i] + _E7 * k7[i])
        sc = _SCALE[i] + max(abs(y[i]), abs(ynew[i]))
        err2 += (e / sc) ** 2
    return math.sqrt(err2 / n)


@leaf
def _event_values(y: np.ndarray, env: Env, stop_alt_m: float, entry_alt_m: float, g: np.ndarray):
    # The fast height is within 50 m of the geodetic one (see approx_altitude_m): it gives
    # the right signs away from the event heights; near them the exact height is used.
    h = approx_altitude_m(y[0], y[1], y[2], env.earth)
    if min(abs(h - stop_alt_m), abs(h - entry_alt_m)) < 1.0e3:
        h = ecef_to_geodetic(y[0], y[1], y[2], env.earth)[2]
    g[EV_IMPACT] = h - stop_alt_m
    g[EV_APOGEE] = y[0] * y[3] + y[1] * y[4] + y[2] * y[5]
    g[EV_ENTRY] = h - entry_alt_m


@leaf
def hermite(
    t0: float, y0: np.ndarray, f0: np.ndarray, t1: float, y1: np.ndarray, f1: np.ndarray,
    t: float, out: np.ndarray,
) -> None:  # fmt: skip
    """Cubic Hermite interpolation of a state between two points with known derivatives."""
    h = t1 - t0
    s = (t - t0) / h
    h00 = (1.0 + 2.0 * s) * (1.0 - s) ** 2
    h10 = s * (1.0 - s) ** 2
    h01 = s * s * (3.0 - 2.0 * s)
    h11 = s * s * (s - 1.0)
    for i in range(y0.shape[0]):
        out[i] = h00 * y0[i] + h10 * h * f0[i] + h01 * y1[i] + h11 * h * f1[i]


@jit
def path_at(t_s: np.ndarray, r_m: np.ndarray, v_mps: np.ndarray, t_new_s: np.ndarray) -> np.ndarray:
    """The truth interpolator: a path sampled in position and velocity, at other times.

    Between samples ``k`` and ``k+1`` the position is the cubic Hermite polynomial
    (:func:`hermite`) that matches both samples' positions and velocities (its basis
    ``h00 = 2s^3 - 3s^2 + 1``, ``h10 = s^3 - 2s^2 + s``, ``h01 = -2s^3 + 3s^2``,
    ``h11 = s^3 - s^2`` with ``s = (t - t_k) / h``); the velocity is that cubic's
    derivative. Exact for a cubic in time; on a ballistic arc sampled every 2 s its error is
    far below a metre, where linear interpolation would be wrong by ``g h^2 / 8``, about
    5 m. ``t_s`` (n,) non-decreasing (a repeated time, a staging instant, keeps the state
    after it from that time on), ``r_m``, ``v_mps`` (n, 3); times outside the samples take
    the end states. Returns ``(m, 6)``: ECEF position and velocity at ``t_new_s`` (m,).
    """
    n = t_s.shape[0]
    m = t_new_s.shape[0]
    out = np.empty((m, 6))
    for i in range(m):
        t = t_new_s[i]
        k = np.searchsorted(t_s, t, side="right")
        k = min(max(k, 1), n - 1)
        h = max(t_s[k] - t_s[k - 1], 1e-12)
        tc = min(max(t, t_s[k - 1]), t_s[k - 1] + h)
        hermite(t_s[k - 1], r_m[k - 1], v_mps[k - 1], t_s[k - 1] + h, r_m[k], v_mps[k], tc,
                out[i, :3])  # fmt: skip
        sv = (tc - t_s[k - 1]) / h
        d00 = 6.0 * sv * (sv - 1.0) / h
        d10 = (1.0 - sv) * (1.0 - 3.0 * sv)
        d11 = sv * (3.0 * sv - 2.0)
        for j in range(3):
            out[i, 3 + j] = (d00 * (r_m[k - 1, j] - r_m[k, j]) + d10 * v_mps[k - 1, j]
                             + d11 * v_mps[k, j])  # fmt: skip
    return out


@jit
def fly(
    t0: float, y0: np.ndarray, t_end: float, ph: Phase, env: Env, rtol: float,
    max_step_s: float, stop_alt_m: float, entry_alt_m: float,
):  # fmt: skip
    """Integrate one phase from ``t0`` until ``t_end`` or impact, whichever comes first.

    Returns ``(ts, ys, ev_t, ev_y)``: accepted step times ``(n,)`` and states ``(n, 7)``
    (first row the initial state, last row the end state), and for each event of
    ``EV_*`` the time of its first occurrence (NaN if none) and the state there.
    The impact event is terminal; the state returned at it has its height equal to
    ``stop_alt_m`` to better than a millimetre.
    """
    n = 7
    cap = 256
    ts = np.empty(cap)
    ys = np.empty((cap, n))
    ev_t = np.full(N_EVENTS, np.nan)
    ev_y = np.full((N_EVENTS, n), np.nan)
    work = np.empty((6, n))
    k1 = np.empty(n)
    k7 = np.empty(n)
    ynew = np.empty(n)
    yev = np.empty(n)
    fev = np.empty(n)
    g_old = np.empty(N_EVENTS)
    g_new = np.empty(N_EVENTS)
    y = y0.copy()
    t = t0
    ts[0] = t
    for c in range(n):  # element loops: no slice assignment (its shape-error routine
        ys[0, c] = y[c]  # costs seconds of compile in every caller)
    cnt = 1
    deriv(t, y, ph, env, 0.0, 0.0, 0.0, k1)
    _event_values(y, env, stop_alt_m, entry_alt_m, g_old)
    # initial step: a fraction of the characteristic time |v|/|a|
    vn = math.sqrt(k1[0] ** 2 + k1[1] ** 2 + k1[2] ** 2)
    an = math.sqrt(k1[3] ** 2 + k1[4] ** 2 + k1[5] ** 2)
    h = 0.01 * max(vn, 100.0) / max(an, 1e-3) * (rtol / 1e-9) ** 0.2
    h = min(max(h, 1e-3), max_step_s)
    done = False
    n_iter = 0
    while not done and n_iter < MAX_STEPS:  # the cap: a step that stops shrinking ends it
        n_iter += 1
        if t + h >= t_end:
            h = t_end - t
        if h <= 0.0:
            break
        err = dp5_step(t, y, k1, h, ph, env, ynew, k7, work) / rtol
        if err > 1.0:
            h *= max(0.2, 0.9 * err**-0.2)
            continue
        tn = t + h
        _event_values(ynew, env, stop_alt_m, entry_alt_m, g_new)
        t_stop = np.inf
        for e in range(N_EVENTS):
            if g_old[e] > 0.0 and g_new[e] <= 0.0 and math.isnan(ev_t[e]):
                # locate the crossing on the Hermite cubic (bisection + secant)
                lo = t
                hi = tn
                glo = g_old[e]
                ghi = g_new[e]
                te = tn
                for _ in range(60):
                    te = hi - ghi * (hi - lo) / (ghi - glo)
                    if not (lo < te < hi):
                        te = 0.5 * (lo + hi)
                    hermite(t, y, k1, tn, ynew, k7, te, yev)
                    gtmp = np.empty(N_EVENTS)
                    _event_values(yev, env, stop_alt_m, entry_alt_m, gtmp)
                    gv = gtmp[e]
                    if abs(gv) < 1e-9 * (1.0 + abs(g_old[e])) or hi - lo < 1e-12:
                        break
                    if gv > 0.0:
                        lo = te
                        glo = gv
                    else:
                        hi = te
                        ghi = gv
                # refine the state with an exact step from t to te
                dp5_step(t, y, k1, te - t, ph, env, yev, fev, work)
                ev_t[e] = te
                for c in range(n):
                    ev_y[e, c] = yev[c]
                if e == EV_IMPACT:
                    t_stop = te
        if t_stop < np.inf:
            # polish the impact state: two Newton corrections on the exact height
            for _ in range(2):
                hgt = ecef_to_geodetic(ev_y[0, 0], ev_y[0, 1], ev_y[0, 2], env.earth)[2]
                deriv(ev_t[0], ev_y[0], ph, env, 0.0, 0.0, 0.0, fev)
                rn = math.sqrt(ev_y[0, 0] ** 2 + ev_y[0, 1] ** 2 + ev_y[0, 2] ** 2)
                hdot = (ev_y[0, 0] * fev[0] + ev_y[0, 1] * fev[1] + ev_y[0, 2] * fev[2]) / rn
                if hdot >= 0.0:
                    break
                dt = -(hgt - stop_alt_m) / hdot
                dp5_step(ev_t[0], ev_y[0].copy(), fev, dt, ph, env, yev, k7, work)
                ev_t[0] += dt
                for c in range(n):
                    ev_y[0, c] = yev[c]
            tn = ev_t[0]
            for c in range(n):
                ynew[c] = ev_y[0, c]
            done = True
        if cnt >= cap:
            cap *= 2
            ts2 = np.empty(cap)
            ys2 = np.empty((cap, n))
            for i in range(cnt):
                ts2[i] = ts[i]
                for c in range(n):
                    ys2[i, c] = ys[i, c]
            ts = ts2
            ys = ys2
        ts[cnt] = tn
        for c in range(n):
            ys[cnt, c] = ynew[c]
        cnt += 1
        if tn >= t_end:
            done = True
        t = tn
        for c in range(n):
            y[c] = ynew[c]
            k1[c] = k7[c]
        for e in range(N_EVENTS):
            g_old[e] = g_new[e]
        h *= min(5.0, max(0.2, 0.9 * max(err, 1e-10) ** -0.2))
        h = min(h, max_step_s)
    return ts[:cnt].copy(), ys[:cnt].copy(), ev_t, ev_y


@leaf
def rk4_step(t: float, y: np.ndarray, h: float, ph: Phase, env: Env, a_cmd: np.ndarray) -> None:
    """Classical fourth-order Runge-Kutta step in place, with a constant commanded accel
    ``a_cmd`` (3,) held over the step (the stages on scalars: :func:`rk4_scalars`)."""
    y[0], y[1], y[2], y[3], y[4], y[5], y[6] = rk4_scalars(
        t, y[0], y[1], y[2], y[3], y[4], y[5], y[6], h, ph, env, a_cmd[0], a_cmd[1], a_cmd[2]
    )


@jit
def rk4_scalars(
    t: float, y0: float, y1: float, y2: float, y3: float, y4: float, y5: float, y6: float,
    h: float, ph: Phase, env: Env, ax: float, ay: float, az: float,
):  # fmt: skip
    """:func:`rk4_step` on scalars: the state after one step of ``h`` as a 7-tuple."""
    k1 = deriv_xyz(t, y0, y1, y2, y3, y4, y5, y6, ph, env, ax, ay, az)
    hh = 0.5 * h
    k2 = deriv_xyz(t + 0.5 * h, y0 + hh * k1[0], y1 + hh * k1[1], y2 + hh * k1[2],
                   y3 + hh * k1[3], y4 + hh * k1[4], y5 + hh * k1[5], y6 + hh * k1[6], ph,
                   env, ax, ay, az)  # fmt: skip
    k3 = deriv_xyz(t + 0.5 * h, y0 + hh * k2[0], y1 + hh * k2[1], y2 + hh * k2[2],
                   y3 + hh * k2[3], y4 + hh * k2[4], y5 + hh * k2[5], y6 + hh * k2[6], ph,
                   env, ax, ay, az)  # fmt: skip
    k4 = deriv_xyz(t + h, y0 + h * k3[0], y1 + h * k3[1], y2 + h * k3[2], y3 + h * k3[3],
                   y4 + h * k3[4], y5 + h * k3[5], y6 + h * k3[6], ph, env, ax, ay,
                   az)  # fmt: skip
    h6 = h / 6.0
    return (
        y0 + h6 * (k1[0] + 2.0 * k2[0] + 2.0 * k3[0] + k4[0]),
        y1 + h6 * (k1[1] + 2.0 * k2[1] + 2.0 * k3[1] + k4[1]),
        y2 + h6 * (k1[2] + 2.0 * k2[2] + 2.0 * k3[2] + k4[2]),
        y3 + h6 * (k1[3] + 2.0 * k2[3] + 2.0 * k3[3] + k4[3]),
        y4 + h6 * (k1[4] + 2.0 * k2[4] + 2.0 * k3[4] + k4[4]),
        y5 + h6 * (k1[5] + 2.0 * k2[5] + 2.0 * k3[5] + k4[5]),
        y6 + h6 * (k1[6] + 2.0 * k2[6] + 2.0 * k3[6] + k4[6]),
    )
