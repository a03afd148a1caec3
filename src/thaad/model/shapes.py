"""Trajectory shapes: check the user's choice and set up the core's targeting.

Four shapes, in both models:

- ``min-energy``: the least burnout energy that reaches the aim point;
- ``lofted`` / ``depressed``: steeper / flatter than minimum energy, set by the burnout
  flight-path angle or by the apogee altitude (one of the two). The branch is the side of
  the textbook minimum-energy trajectory (Bate, Mueller and White, sec. 6.2): a lofted
  angle is above ``(pi - psi)/4`` and a lofted apogee above that trajectory's apogee;
- ``pull-up`` (full model only): a quasi-ballistic, manoeuvring flight. The booster burns
  to the end (a solid motor) at the final pitch that gives the apogee asked for
  (``apogee``, e.g. 50 km); after apogee, below the manoeuvre start altitude, the body
  pulls up with aerodynamic lift and glides level, then dives onto the aim point when it
  lies ``dive_angle_deg`` below the horizontal (:func:`thaad.core.flight.glide_lift_accel`).
  The azimuth is corrected for the Earth's rotation; the range is the glide's: an aim
  point beyond it is missed short, and the miss is stated (:func:`solve_pullup`);
- ``max-range``: the class's longest shot toward the aim point. In the full model the
  booster burns to the end at the range-maximising pitch; in the ideal model the class's
  full-model burnout speed is given impulsively on the surface at the maximum-range angle,
  ``sin(psi/2) = Q/(2 - Q)``, ``gamma = (pi - psi)/4`` (BMW eq. 6.2-20 and 6.2-18): the
  aim point then sets the direction only.

Errors are one line naming the option (``names`` maps ``aim``, ``shape``, ``apogee``,
``angle`` to the option or scenario key the user wrote).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from thaad.core.constants import MU_EARTH_M3PS2, R_MEAN_M
from thaad.core.earth import geodetic_to_ecef, great_circle
from thaad.core.flight import Env
from thaad.core.kepler import (
    ballistic_solution,
    gamma_for_apogee,
    max_range_angle_rad,
    min_energy_gamma_rad,
)
from thaad.core.threat import (
    SHAPE_APOGEE,
    SHAPE_GAMMA,
    SHAPE_MIN_ENERGY,
    TARGET_NO_CONVERGENCE,
    TARGET_OK,
    TARGET_OUT_OF_RANGE,
    TARGET_TOO_CLOSE,
    Aim,
    Missile,
    apogee_and_impact,
    fly_to_impact,
    max_range_aim,
    solve_aim,
    stage_ignition_s,
)
from thaad.errors import ThaadInputError
from thaad.model.catalog import ThreatClass, burnout_speed_mps

SHAPES = ("min-energy", "lofted", "depressed", "max-range", "pull-up")


@dataclass(frozen=True)
class Glide:
    """The pull-up shape's aerodynamic parameters (docs/parameters.md, *Pull-up flight*)."""

    lift_to_drag: float = 2.0
    manoeuvre_start_km: float = 50.0
    load_factor_max: float = 20.0
    dive_angle_deg: float = 30.0


LOFTED_APOGEE_FACTOR = 1.5
"""Default apogee of a lofted shot, as a multiple of the minimum-energy apogee to the same
point (``thaad app``, when neither the apogee nor the burnout angle is given). An
assumption: a moderate loft that keeps most of the class's reach (published lofted tests
peak far higher); docs/parameters.md, *Default shape parameters (thaad app)*."""
DEPRESSED_APOGEE_FACTOR = 0.6
"""Default apogee of a depressed shot, as a multiple of the minimum-energy apogee. An
assumption: a moderate depression (a depressed shot costs energy, so a deeper one shortens
the reach further); docs/parameters.md, as above."""
PULLUP_APOGEE_KM = 50.0
"""Default apogee of the pull-up shape: the KN-23's reported 50 km (docs/parameters.md)."""

CLI_NAMES = {
    "aim": "--aim",
    "shape": "--shape",
    "apogee": "--apogee-km",
    "angle": "--burnout-angle-deg",
}


def min_energy_apogee_km(psi_rad: float) -> float:
    """Apogee altitude (km) of the textbook minimum-energy conic over range angle ``psi_rad``
    (Bate, Mueller and White sec. 6.2; the reference :func:`check_shape` measures against)."""
    g_me = min_energy_gamma_rad(psi_rad)
    return (ballistic_solution(psi_rad, g_me, R_MEAN_M)[2] - R_MEAN_M) / 1e3


def default_apogee_km(shape: str, psi_rad: float) -> float | None:
    """The apogee (km) a shape flies when neither apogee nor burnout angle is given, or None
    (min-energy, max-range: they take neither). Lofted and depressed: 1.5x and 0.6x the
    minimum-energy apogee over ``psi_rad`` (rounded to 0.1 km), so on the right side of it by
    construction; pull-up: 50 km."""
    if shape == "pull-up":
        return PULLUP_APOGEE_KM
    factor = {"lofted": LOFTED_APOGEE_FACTOR, "depressed": DEPRESSED_APOGEE_FACTOR}.get(shape)
    if factor is None:
        return None
    return round(factor * min_energy_apogee_km(psi_rad), 1)


def check_shape(
    shape: str,
    psi_rad: float,
    apogee_km: float | None,
    burnout_angle_deg: float | None,
    names: dict[str, str] = CLI_NAMES,
) -> None:
    """Validate a shape and its parameter against the textbook branch (one-line errors)."""
    if shape not in SHAPES:
        raise ThaadInputError(f"{names['shape']}: '{shape}' is not one of {', '.join(SHAPES)}")
    given = [n for n, v in (("apogee", apogee_km), ("angle", burnout_angle_deg)) if v is not None]
    if shape == "pull-up":
        if burnout_angle_deg is not None:
            raise ThaadInputError(f"{names['angle']}: the pull-up shape takes {names['apogee']}")
        if apogee_km is None:
            raise ThaadInputError(f"{names['shape']}: pull-up needs {names['apogee']}")
        if not (math.isfinite(apogee_km) and 10.0 <= apogee_km <= 300.0):
            raise ThaadInputError(
                f"{names['apogee']}: {apogee_km:g} km is outside 10-300 km for a pull-up flight"
            )
        return
    if shape in ("min-energy", "max-range"):
        if given:
            raise ThaadInputError(
                f"{names[given[0]]}: applies to the lofted and depressed shapes, not {shape}"
            )
        return
    if not given:
        raise ThaadInputError(
            f"{names['shape']}: {shape} needs {names['apogee']} or {names['angle']}"
        )
    if len(given) == 2:
        raise ThaadInputError(f"{names['apogee']}: give it or {names['angle']}, not both")
    lofted = shape == "lofted"
    g_me = min_energy_gamma_rad(psi_rad)
    if burnout_angle_deg is not None:
        a = burnout_angle_deg
        if not (math.isfinite(a) and 0.0 < a < 90.0):
            raise ThaadInputError(f"{names['angle']}: {a:g} deg is outside (0, 90)")
        if lofted != (math.radians(a) > g_me):
            side = "above" if lofted else "below"
            raise ThaadInputError(
                f"{names['angle']}: a {shape} trajectory needs an angle {side} the "
                f"minimum-energy angle of {math.degrees(g_me):.2f} deg"
            )
        return
    h = float(apogee_km)  # type: ignore[arg-type]
    if not (math.isfinite(h) and h > 0.0):
        raise ThaadInputError(f"{names['apogee']}: {h:g} km is not a positive altitude")
    h_me = min_energy_apogee_km(psi_rad)
    if lofted != (h > h_me):
        side = "above" if lofted else "below"
        raise ThaadInputError(
            f"{names['apogee']}: a {shape} trajectory to {psi_rad * R_MEAN_M / 1e3:,.0f} km "
            f"must peak {side} the minimum-energy apogee of {h_me:,.0f} km"
        )


def ideal_conic(
    tc: ThreatClass,
    psi_rad: float,
    shape: str,
    apogee_km: float | None,
    burnout_angle_deg: float | None,
    names: dict[str, str] = CLI_NAMES,
) -> tuple[float, float]:
    """Range angle and flight-path angle of the textbook conic of a shape (after checks)."""
    if shape == "min-energy":
        return psi_rad, min_energy_gamma_rad(psi_rad)
    if shape == "pull-up":
        raise ThaadInputError(f"{names['shape']}: pull-up needs the full model (lift, air)")
    if shape == "max-range":
        q = burnout_speed_mps(tc) ** 2 * R_MEAN_M / MU_EARTH_M3PS2
        psi = max_range_angle_rad(q)
        return psi, min_energy_gamma_rad(psi)
    if burnout_angle_deg is not None:
        g = math.radians(burnout_angle_deg)
        if g >= 0.5 * math.pi - 0.25 * psi_rad:
            raise ThaadInputError(
                f"{names['angle']}: {burnout_angle_deg:g} deg needs escape speed to cover "
                f"{psi_rad * R_MEAN_M / 1e3:,.0f} km (below "
                f"{90.0 - math.degrees(psi_rad) / 4.0:.2f} deg it does not)"
            )
        return psi_rad, g
    r_apo = R_MEAN_M + float(apogee_km) * 1e3  # type: ignore[arg-type]
    g = gamma_for_apogee(psi_rad, r_apo, R_MEAN_M, shape == "lofted")
    if math.isnan(g):
        raise ThaadInputError(
            f"{names['apogee']}: no {shape} conic to {psi_rad * R_MEAN_M / 1e3:,.0f} km "
            f"peaks at {apogee_km:g} km"
        )
    return psi_rad, g


def reach_m(
    tc: ThreatClass, env: Env, launch: tuple[float, float, float], aim: tuple[float, float, float]
) -> float:
    """How far the class reaches from ``launch`` toward ``aim`` ((lat, lon, alt) in rad, rad,
    m): the maximum-range shot, its azimuth corrected so the impact lies on the great circle
    through the aim point. The one computation behind every direction-dependent maximum range
    (the error for an aim point out of reach, ``--shape max-range``); the class's single
    catalogue figure (``ThreatClass.max_range_km``) is this due north from 40 N."""
    return float(max_range_aim(tc.missile(), *launch, aim[0], aim[1], env)[1])


def solve_full(
    tc: ThreatClass,
    env: Env,
    launch: tuple[float, float, float],
    aim: tuple[float, float, float],
    shape: str,
    apogee_km: float | None,
    burnout_angle_deg: float | None,
    names: dict[str, str] = CLI_NAMES,
) -> Aim:
    """Targeting in the full model; ``launch`` and ``aim`` are (lat, lon, alt) in rad, rad, m.

    Raises a one-line :class:`ThaadInputError` when the class cannot fly the shape to the
    aim point; a range beyond reach states the class's maximum range along that azimuth.
    """
    mis = tc.missile()
    lat0, lon0, alt0 = launch
    lat1, lon1, alt1 = aim
    if shape == "max-range":
        return max_range_aim(mis, lat0, lon0, alt0, lat1, lon1, env)[0]
    code, value, what = SHAPE_MIN_ENERGY, 0.0, "a minimum-energy trajectory"
    if shape != "min-energy" and burnout_angle_deg is not None:
        code, value = SHAPE_GAMMA, math.radians(burnout_angle_deg)
        what = f"a {shape} trajectory with a burnout angle of {burnout_angle_deg:g} deg"
    elif shape != "min-energy":
        code, value = SHAPE_APOGEE, float(apogee_km) * 1e3  # type: ignore[arg-type]
        what = f"a {shape} trajectory with an apogee of {apogee_km:g} km"
    try:
        sol, status, miss = solve_aim(mis, lat0, lon0, alt0, lat1, lon1, alt1, env, code, value,
                                      1.0)  # fmt: skip
    except np.linalg.LinAlgError:  # a singular Jacobian: the shape cannot steer to the point
        sol, status, miss = None, TARGET_NO_CONVERGENCE, math.inf
    if status == TARGET_OK:
        return sol
    from thaad.core.earth import great_circle

    psi, _ = great_circle(lat0, lon0, lat1, lon1)
    dist_km = psi * R_MEAN_M / 1e3
    mr = reach_m(tc, env, launch, aim)
    ref = (f"{mr / 1e3:,.0f} km toward it from this launch point; the class's maximum range "
           f"is {tc.max_range_km:,.0f} km due north from 40 N")  # fmt: skip
    if status == TARGET_OUT_OF_RANGE or dist_km * 1e3 > mr:
        if dist_km * 1e3 > mr or code == SHAPE_MIN_ENERGY:
            raise ThaadInputError(
                f"{names['aim']}: {dist_km:,.0f} km from the launch point is beyond the reach "
                f"of {tc.name} ({ref})"
            )
        key = names["apogee"] if code == SHAPE_APOGEE else names["angle"]
        raise ThaadInputError(
            f"{key}: {tc.name} cannot reach the aim point {dist_km:,.0f} km away on {what} "
            f"(only on the maximum-range trajectory: {ref})"
        )
    if status == TARGET_TOO_CLOSE:
        raise ThaadInputError(
            f"{names['aim']}: {dist_km:,.0f} km is too close for {tc.name} on {what} "
            f"(its last stage must burn; a lofted {names['shape']} spends the energy)"
        )
    if code == SHAPE_MIN_ENERGY:
        raise ThaadInputError(
            f"{names['aim']}: the targeting solver did not converge (miss {miss:,.0f} m)"
        )
    key = names["apogee"] if code == SHAPE_APOGEE else names["angle"]
    raise ThaadInputError(
        f"{key}: {tc.name} cannot hit the aim point {dist_km:,.0f} km away on {what}"
    )


def solve_pullup(
    tc: ThreatClass,
    env: Env,
    launch: tuple[float, float, float],
    aim: tuple[float, float, float],
    apogee_km: float,
    glide: Glide,
    names: dict[str, str] = CLI_NAMES,
) -> tuple[Missile, Aim, float]:
    """Targeting of the pull-up shape; ``launch`` and ``aim`` (lat, lon, alt) in rad, rad, m.

    Full burn; the final pitch is bisected until the (ballistic) apogee is ``apogee_km``;
    the lift is armed at that apogee's time. The glide's guidance then homes on the aim
    point, so within the glide's reach the aim is hit; beyond it the shot falls short and
    the miss is returned. An aim point so close that the full-burn shot passes over it
    before the manoeuvre (the glide cannot turn back) is reached by cutting the thrust
    earlier (bisection on the cutoff time: range control by thrust termination, a
    modelling choice). The azimuth is corrected (secant, on the glided impact's
    cross-range) for the Earth's rotation. Returns ``(missile, aim, miss_m)``: the class's
    missile with the glide's fields set, the steering, and the glided impact's distance
    from the aim point.
    """
    mis0 = tc.missile()
    lat0, lon0, alt0 = launch
    lat1, lon1, alt1 = aim
    ang_t, az_t = great_circle(lat0, lon0, lat1, lon1)
    h_want = apogee_km * 1e3
    tgt = geodetic_to_ecef(lat1, lon1, alt1, env.earth)

    def apogee(t_cut: float, p: float) -> tuple[float, float]:
        t_ap, h_ap, _, _, _ = apogee_and_impact(mis0, Aim(lat0, lon0, alt0, az_t, t_cut, p), env,
                                                1e-9)  # fmt: skip
        return float(t_ap), float(h_ap)

    def shot(t_cut: float, az: float):
        """(missile, aim, signed downrange error m, cross-range m, miss m) or None when
        this cutoff cannot peak at the apogee asked for."""
        lo, hi = math.radians(2.0), math.radians(80.0)
        if apogee(t_cut, lo)[1] > h_want or apogee(t_cut, hi)[1] < h_want:
            return None
        for _ in range(40):
            mid = 0.5 * (lo + hi)
            if apogee(t_cut, mid)[1] < h_want:
                lo = mid
            else:
                hi = mid
        pitch = 0.5 * (lo + hi)
        t_arm, _ = apogee(t_cut, pitch)
        mis = mis0._replace(
            glide_ld=glide.lift_to_drag, glide_h_start_m=glide.manoeuvre_start_km * 1e3,
            glide_n_max=glide.load_factor_max,
            glide_dive_rad=math.radians(glide.dive_angle_deg), glide_t_arm_s=t_arm,
            glide_tgt_x_m=float(tgt[0]), glide_tgt_y_m=float(tgt[1]),
            glide_tgt_z_m=float(tgt[2]),
        )  # fmt: skip
        a = Aim(lat0, lon0, alt0, az, t_cut, pitch)
        _, lat, lon, _ = fly_to_impact(mis, a, env, 1e-9)
        ang, az_i = great_circle(lat0, lon0, lat, lon)
        miss = great_circle(lat, lon, lat1, lon1)[0] * R_MEAN_M
        down = R_MEAN_M * (ang * math.cos(az_i - az_t) - ang_t)
        return mis, a, down, R_MEAN_M * ang * math.sin(az_i - az_t), miss

    t_hi = mis0.burn_s
    best = shot(t_hi, az_t)
    if best is None:
        raise ThaadInputError(
            f"{names['apogee']}: {tc.name} at full burn cannot peak at {apogee_km:g} km"
        )
    if best[2] > PULLUP_TOL_M:  # passes over the aim point: cut the thrust earlier
        t_lo = max(mis0.t_vert_s, stage_ignition_s(mis0, mis0.n_stages - 1)) + 1.0
        for _ in range(30):
            t_mid = 0.5 * (t_lo + t_hi)
            sm = shot(t_mid, az_t)
            if sm is not None and sm[2] > PULLUP_TOL_M:
                t_hi = t_mid
            else:
                t_lo = t_mid
                if sm is not None:
                    best = sm
                    if abs(sm[2]) < PULLUP_TOL_M:
                        break
    mis, a, _, c_a, miss = best
    t_cut, az_a = a.t_cutoff_s, az_t
    az_b = az_t + 1e-4
    for _ in range(8):
        sb = shot(t_cut, az_b)
        if sb is None:
            break
        mis, a, _, c_b, miss = sb
        if abs(c_b) < 1.0 or c_b == c_a:
            break
        az_a, az_b, c_a = az_b, az_b - c_b * (az_b - az_a) / (c_b - c_a), c_b
    return mis, a, float(miss)


PULLUP_TOL_M = 100.0  # the pull-up targeting's downrange tolerance (the dive homes closer)
