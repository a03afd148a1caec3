"""Why an engagement has no intercept, from what its result already holds.

The threat's flown trajectory, the battery's intercept envelope (altitude band and ground
range from a launcher, ``battery.fire_control``), the interceptor's fly-out times (the
engagement's own fly-out grid) and the track-firm time give one of:

- ``never-in-envelope``: no point of the threat's path lies inside the altitude band while
  within range of a launcher;
- ``no-track``: the radar never formed a firm track;
- ``track-too-late``: the track was firm (or, with the reaction time, the earliest launch came)
  only after the threat had left the envelope;
- ``too-late-to-reach``: the threat is inside the envelope only at times an interceptor
  launched at the earliest cannot reach (it arrives after the threat has passed);
- ``engaged``: an intercept was feasible on the nominal path; fire control did not fire or
  every interceptor missed (track quality, rounds, the end game).

This is a shell-side reading of the engagement, not the fire control's own decision: the fire
control plans on the track's prediction, this on the true path.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

__all__ = ["NoInterceptReason", "explain_no_intercept"]


@dataclass
class NoInterceptReason:
    """One reason, one sentence (``text``), and the times behind it (s after launch)."""

    code: str
    text: str
    envelope_from_s: float | None = None
    envelope_to_s: float | None = None
    track_firm_s: float | None = None
    earliest_launch_s: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _geodetic(ecef: np.ndarray, earth: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from thaad.core.earth import ecef_to_geodetic

    out = np.array([ecef_to_geodetic(float(x), float(y), float(z), earth) for x, y, z in ecef])
    return out[:, 0], out[:, 1], out[:, 2]


def _ground_m(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float) -> np.ndarray:
    from thaad.core.constants import R_MEAN_M

    h = (np.sin(0.5 * (lat - lat0)) ** 2
         + np.cos(lat) * math.cos(lat0) * np.sin(0.5 * (lon - lon0)) ** 2)  # fmt: skip
    return 2.0 * R_MEAN_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def explain_no_intercept(
    sc: Any, result: dict[str, Any], history: dict[str, Any]
) -> NoInterceptReason | None:
    """Why ``result`` (``result.json``) has no intercept, or None when it has one.

    ``history`` is the run's ``history.json`` (the threat's path and the launchers).
    """
    if result.get("intercepted"):
        return None
    from thaad.analysis.engagement import GRID_D_ALT_M, GRID_D_RHO_M, flyout_grid

    fc = sc.battery.fire_control
    alt_lo, alt_hi = fc.min_intercept_alt_km * 1e3, fc.max_intercept_alt_km * 1e3
    r_max = fc.max_intercept_range_km * 1e3
    env = sc.models.env()
    t = np.asarray(history["threat"]["t_s"], dtype=float)
    lat, lon, alt = _geodetic(np.asarray(history["threat"]["ecef_m"], dtype=float), env.earth)
    launchers = np.radians(np.asarray(history["battery"]["launchers_deg"], dtype=float))
    ground = np.min([_ground_m(lat, lon, la, lo) for la, lo, _ in launchers], axis=0)
    in_band = (alt >= alt_lo) & (alt <= alt_hi)
    in_range = ground <= r_max
    inside = in_band & in_range
    band = f"{fc.min_intercept_alt_km:g}-{fc.max_intercept_alt_km:g} km altitude"
    env_text = f"the envelope ({band} within {fc.max_intercept_range_km:g} km of a launcher)"
    if not inside.any():
        km = 1e-3
        if in_band.any():
            why = (f"while between {alt_lo * km:g} and {alt_hi * km:g} km altitude it comes no "
                   f"closer than {ground[in_band].min() * km:,.0f} km")  # fmt: skip
        elif in_range.any():
            lo, hi = alt[in_range].min() * km, alt[in_range].max() * km
            why = f"while within {r_max * km:g} km its altitude is {lo:,.0f} to {hi:,.0f} km"
        else:
            why = (f"it peaks at {alt.max() / 1e3:,.0f} km and passes no closer than "
                   f"{ground.min() / 1e3:,.0f} km")  # fmt: skip
        return NoInterceptReason(
            "never-in-envelope", f"the threat is never inside {env_text}: {why}"
        )
    t_in, t_out = float(t[inside][0]), float(t[inside][-1])
    window = f"inside {env_text} from T+{t_in:.1f} to T+{t_out:.1f} s"
    firm = [e["t_s"] for e in result.get("events", []) if e.get("kind") == "track_firm"]
    if not firm:
        det = [e["t_s"] for e in result.get("events", []) if e.get("kind") == "first_detection"]
        seen = f"first detection at T+{det[0]:.1f} s" if det else "never detected"
        return NoInterceptReason(
            "no-track", f"no track: the radar never formed a firm track ({seen}); the threat "
            f"was {window}", t_in, t_out,
        )  # fmt: skip
    t_firm = float(firm[0])
    t_launch = t_firm + fc.reaction_s
    timing = (f"the track was firm at T+{t_firm:.1f} s and the earliest launch "
              f"({fc.reaction_s:g} s reaction) is T+{t_launch:.1f} s")  # fmt: skip
    if t_out <= t_firm:
        return NoInterceptReason(
            "track-too-late", f"no track in time: the threat was {window}, but {timing}",
            t_in, t_out, t_firm, t_launch,
        )  # fmt: skip
    if t_out <= t_launch:
        return NoInterceptReason(
            "track-too-late", f"no launch in time: the threat was {window}, but {timing}",
            t_in, t_out, t_firm, t_launch,
        )  # fmt: skip
    _, tof_g = flyout_grid(sc.interceptor_core(), env)
    i = np.rint(ground / GRID_D_RHO_M).astype(int)
    j = np.rint(alt / GRID_D_ALT_M).astype(int)
    ok = inside & (i < tof_g.shape[0]) & (j >= 0) & (j < tof_g.shape[1])
    tof = np.full(len(t), np.nan)
    tof[ok] = tof_g[i[ok], j[ok]]
    late = t_launch + tof - t  # > 0: the interceptor arrives after the threat has passed
    reachable = ok & np.isfinite(tof) & (late <= 0.0)
    if not reachable.any():
        finite = ok & np.isfinite(tof)
        by = f" by at least {np.min(late[finite]):.0f} s" if finite.any() else ""
        return NoInterceptReason(
            "too-late-to-reach", f"inside only too late: the threat was {window}; {timing}, and an "
            f"interceptor reaches no point of that stretch in time (late{by})",
            t_in, t_out, t_firm, t_launch,
        )  # fmt: skip
    fired = int(result.get("interceptors_fired") or 0)
    miss = result.get("miss_distance_m")
    if fired:
        m = (
            f", closest miss {miss:.2f} m"
            if isinstance(miss, float) and math.isfinite(miss)
            else ""
        )
        what = f"{fired} interceptor(s) fired and missed{m}"
    else:
        what = ("fire control did not fire (track accuracy, rounds left or doctrine: "
                "see battery.fire_control and doctrine)")  # fmt: skip
    return NoInterceptReason(
        "engaged", f"an intercept was feasible (the threat was {window}; {timing}), but {what}",
        t_in, t_out, t_firm, t_launch,
    )  # fmt: skip
