"""What the radar sees of a missile in flight: ``thaad visibility``.

One trajectory: the threat flies from a launch point at an aim point (the engagement's
targeting, :func:`thaad.analysis.engagement._solve_threat`) and the radar of the scenario
(``battery.radar_core()``, with the site, mode and face given) runs its search and track
against the threat cloud (:func:`thaad.core.visibility.observe`: the engagement's own
sensing and tracking functions, no interceptors). Reported: when and at what range search
first detects the missile and in which phase of flight, how long a confirmed track on it
lasts, the SNR and the track's position error over time, and whether a track of
fire-control quality (position sigma below ``fc_sigma_m``) exists while the missile is in
the field of view.

"After cutoff" figures (``tracked_after_cutoff_s``, ``fire_control_quality_after_cutoff``)
start one label memory after the cutoff (``scan_period_s / RCS_EWMA``, 5 s): a track is the
missile's while most of its recent detections were (:data:`thaad.core.scene.RCS_EWMA`), so
the booster's track carried through separation is not counted as a track of the RV.

Phases: boost (before the last stage's cutoff), ascent (after cutoff, before apogee, below
``MIDCOURSE_ALT_M``), midcourse (after cutoff, at or above it), descent (after apogee, below
it).

Families of trajectories (every launch point at every aim point) run through
:func:`thaad.analysis.montecarlo.run_tasks`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from thaad.errors import ThaadInputError

__all__ = [
    "FC_SIGMA_M",
    "MIDCOURSE_ALT_M",
    "VisibilityResult",
    "family",
    "phase_of",
    "visibility",
]

MIDCOURSE_ALT_M = 100.0e3  # above it after cutoff: midcourse (the edge of the atmosphere)
FC_SIGMA_M = 1000.0  # fire-control quality: 1-sigma position (root trace) below this, m


@dataclass
class VisibilityResult:
    """What one radar saw of one flight (SI units, angles in degrees)."""

    radar_lat_deg: float
    radar_lon_deg: float
    radar_alt_m: float
    mode: str
    boresight_az_deg: float
    search_elevation_deg: list[float]
    launch_deg: list[float]
    aim_deg: list[float]
    threat: str
    shape: str
    rcs_boost_m2: float
    rcs_rv_m2: float
    seed: int
    flight_time_s: float
    cutoff_s: float
    apogee_s: float | None
    apogee_alt_m: float
    in_view_s: float
    in_search_sector_s: float
    first_detection_t_s: float | None
    first_detection_range_m: float | None
    first_detection_alt_m: float | None
    first_detection_phase: str | None
    first_track_t_s: float | None
    tracked_s: float
    tracked_fraction: float
    fc_sigma_m: float
    fire_control_quality: bool
    fire_control_t_s: float | None
    min_sigma_pos_m: float | None
    tracked_after_cutoff_s: float  # the RV (or the whole body) after the boost
    fire_control_quality_after_cutoff: bool
    min_sigma_pos_after_cutoff_m: float | None
    history: dict[str, list[float]] = field(default_factory=dict, repr=False)

    def to_dict(self, history: bool = True) -> dict[str, Any]:
        d = asdict(self)
        if not history:
            d.pop("history")
        return d

    def summary_row(self) -> dict[str, Any]:
        """The family table's row."""
        return {
            "launch_deg": self.launch_deg, "aim_deg": self.aim_deg,
            "boresight_az_deg": self.boresight_az_deg,
            "first_detection_t_s": self.first_detection_t_s,
            "first_detection_range_m": self.first_detection_range_m,
            "first_detection_phase": self.first_detection_phase,
            "tracked_s": self.tracked_s, "tracked_fraction": self.tracked_fraction,
            "fire_control_quality": self.fire_control_quality,
            "min_sigma_pos_m": self.min_sigma_pos_m, "flight_time_s": self.flight_time_s,
            "in_view_s": self.in_view_s, "tracked_after_cutoff_s": self.tracked_after_cutoff_s,
            "fire_control_quality_after_cutoff": self.fire_control_quality_after_cutoff,
            "min_sigma_pos_after_cutoff_m": self.min_sigma_pos_after_cutoff_m,
            "threat": self.threat, "rcs_rv_m2": self.rcs_rv_m2, "mode": self.mode,
        }  # fmt: skip


def phase_of(t_s: float, alt_m: float, cutoff_s: float, apogee_s: float | None) -> str:
    """The flight phase at ``t_s`` (see the module's docstring)."""
    if t_s < cutoff_s:
        return "boost"
    if alt_m >= MIDCOURSE_ALT_M:
        return "midcourse"
    if apogee_s is None or t_s < apogee_s:
        return "ascent"
    return "descent"


def _check_ll(name: str, ll: tuple[float, float]) -> tuple[float, float]:
    lat, lon = (float(v) for v in ll)
    if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
        raise ThaadInputError(f"{name}: latitude {lat} is outside [-90, 90]")
    if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
        raise ThaadInputError(f"{name}: longitude {lon} is outside [-180, 180]")
    return lat, lon


def _scenario(radar_lla, mode, launch, aim, threat, threat_file, shape, rcs_m2,
              boresight_az_deg, scenario, apogee_km, burnout_angle_deg):  # fmt: skip
    from thaad.model.catalog import radar_mode, threat_class
    from thaad.model.scenario import load_scenario

    lat, lon, alt = (float(v) for v in radar_lla)
    _check_ll("--radar", (lat, lon))
    if not -500.0 <= alt <= 10000.0:
        raise ThaadInputError(f"--radar: altitude {alt} m is outside [-500, 10000]")
    radar_mode(mode)
    if rcs_m2 is not None and not (math.isfinite(rcs_m2) and rcs_m2 > 0.0):
        raise ThaadInputError(f"--rcs: {rcs_m2} is not a positive cross-section in m2")
    if boresight_az_deg is not None and not math.isfinite(boresight_az_deg):
        raise ThaadInputError("--boresight-az-deg: not a number")
    la = _check_ll("--launch", launch)
    ai = _check_ll("--aim", aim)
    sc = scenario if scenario is not None else load_scenario()
    bat = sc.battery.model_copy(deep=True)
    bat.site = bat.site.model_copy(update={"lat_deg": lat, "lon_deg": lon, "alt_m": alt})
    bat.radar.mode = mode
    if boresight_az_deg is not None:
        bat.radar.boresight_az_deg = boresight_az_deg % 360.0
    th = sc.threat.model_copy(deep=True)
    if threat_file:
        th.file = threat_file
    elif threat:
        threat_class(threat)  # a one-line error for an unknown class
        th.file = None
        th.threat_class = threat
    th.launch = th.launch.model_copy(update={"lat_deg": la[0], "lon_deg": la[1], "alt_m": 0.0})
    th.aim = th.aim.model_copy(update={"lat_deg": ai[0], "lon_deg": ai[1], "alt_m": 0.0})
    th.shape = shape
    th.apogee_km = apogee_km
    th.burnout_angle_deg = burnout_angle_deg
    if rcs_m2 is not None:
        th.rcs_rv_m2 = rcs_m2
    return sc.model_copy(update={"battery": bat, "threat": th})


def visibility(
    radar_lla: tuple[float, float, float],
    mode: str,
    launch: tuple[float, float],
    aim: tuple[float, float],
    threat: str | None = None,
    threat_file: str | None = None,
    shape: str = "min-energy",
    rcs_m2: float | None = None,
    boresight_az_deg: float | None = None,
    scenario: Any = None,
    seed: int | None = None,
    fc_sigma_m: float = FC_SIGMA_M,
    apogee_km: float | None = None,
    burnout_angle_deg: float | None = None,
) -> VisibilityResult:
    """Fly one threat from ``launch`` at ``aim`` (degrees) and run the radar at
    ``radar_lla`` (degrees, degrees, metres) in ``mode`` against it.

    The radar's hardware, the sensing scene (stage, debris, tracker) and the physics
    switches come from ``scenario`` (the default Seongju one when None); ``threat`` (a
    catalogue class) or ``threat_file`` and ``shape`` set the threat; ``rcs_m2`` replaces
    its RV's cross-section. ``seed`` (default: the scenario's) seeds the numpy Generator of
    every draw.
    """
    from thaad.analysis.engagement import _solve_threat
    from thaad.core.scene import RCS_EWMA
    from thaad.core.visibility import (
        H_ALT_M,
        H_DETECTED,
        H_IN_SEARCH,
        H_IN_VIEW,
        H_LAT_RAD,
        H_LON_RAD,
        H_POS_ERR_M,
        H_RANGE_M,
        H_SIGMA_M,
        H_SNR_DB,
        H_T,
        H_TRACKED,
        observe,
    )

    if not (math.isfinite(fc_sigma_m) and fc_sigma_m > 0.0):
        raise ThaadInputError(f"--fc-sigma-m: {fc_sigma_m} is not a positive length in m")
    sc = _scenario(radar_lla, mode, launch, aim, threat, threat_file, shape, rcs_m2,
                   boresight_az_deg, scenario, apogee_km, burnout_angle_deg)  # fmt: skip
    env = sc.models.env()
    tc, mis, aim_c = _solve_threat(sc, env)
    rcs_b, rcs_rv = sc.threat_rcs()
    rd = sc.battery.radar_core()
    scene = sc.sensing.core(sc)
    seed = sc.seed if seed is None else int(seed)
    rng = np.random.default_rng(seed)
    hist, tb, t_ap, t_imp = observe(mis, aim_c, rcs_b, rcs_rv, rd, scene, env, rng)
    dt = rd.scan_period_s
    t = hist[:, H_T]
    apogee_s = None if math.isnan(t_ap) else float(t_ap)
    det = np.flatnonzero(hist[:, H_DETECTED] > 0.5)
    trk = hist[:, H_TRACKED] > 0.5
    view = hist[:, H_IN_VIEW] > 0.5
    fc = trk & view & (hist[:, H_SIGMA_M] < fc_sigma_m)
    first = int(det[0]) if det.size else None
    sig = hist[trk, H_SIGMA_M]
    # after cutoff: from one label memory on (the track's record of which object it holds
    # is a running mean over about 1 / RCS_EWMA looks), so that a booster track carried
    # through separation does not count as a track of the RV
    post = t >= tb + rd.scan_period_s / RCS_EWMA
    sig_post = hist[trk & post, H_SIGMA_M]

    def opt(a: np.ndarray) -> list[float | None]:
        return [None if not math.isfinite(v) else float(v) for v in a]

    rb = sc.battery.radar
    el_lo = math.degrees(rd.min_el_rad)
    return VisibilityResult(
        radar_lat_deg=sc.battery.site.lat_deg, radar_lon_deg=sc.battery.site.lon_deg,
        radar_alt_m=sc.battery.site.alt_m, mode=rb.mode, boresight_az_deg=rb.boresight_az_deg,
        search_elevation_deg=[el_lo, el_lo + math.degrees(rd.search_el_span_rad)],
        launch_deg=[sc.threat.launch.lat_deg, sc.threat.launch.lon_deg],
        aim_deg=[sc.threat.aim.lat_deg, sc.threat.aim.lon_deg], threat=tc.name,
        shape=sc.threat.shape, rcs_boost_m2=rcs_b, rcs_rv_m2=rcs_rv, seed=seed,
        flight_time_s=float(t_imp), cutoff_s=float(tb), apogee_s=apogee_s,
        apogee_alt_m=float(np.nanmax(hist[:, H_ALT_M])),
        in_view_s=float(view.sum() * dt),
        in_search_sector_s=float((hist[:, H_IN_SEARCH] > 0.5).sum() * dt),
        first_detection_t_s=None if first is None else float(t[first]),
        first_detection_range_m=None if first is None else float(hist[first, H_RANGE_M]),
        first_detection_alt_m=None if first is None else float(hist[first, H_ALT_M]),
        first_detection_phase=None if first is None else phase_of(
            float(t[first]), float(hist[first, H_ALT_M]), float(tb), apogee_s),
        first_track_t_s=float(t[np.argmax(trk)]) if trk.any() else None,
        tracked_s=float(trk.sum() * dt), tracked_fraction=float(trk.sum() * dt / t_imp),
        fc_sigma_m=fc_sigma_m, fire_control_quality=bool(fc.any()),
        fire_control_t_s=float(t[np.argmax(fc)]) if fc.any() else None,
        min_sigma_pos_m=float(sig.min()) if sig.size else None,
        tracked_after_cutoff_s=float((trk & post).sum() * dt),
        fire_control_quality_after_cutoff=bool((fc & post).any()),
        min_sigma_pos_after_cutoff_m=float(sig_post.min()) if sig_post.size else None,
        history={
            "t_s": opt(t), "snr_db": opt(hist[:, H_SNR_DB]),
            "pos_err_m": opt(hist[:, H_POS_ERR_M]), "sigma_pos_m": opt(hist[:, H_SIGMA_M]),
            "range_m": opt(hist[:, H_RANGE_M]), "alt_m": opt(hist[:, H_ALT_M]),
            "lat_deg": opt(np.degrees(hist[:, H_LAT_RAD])),
            "lon_deg": opt(np.degrees(hist[:, H_LON_RAD])),
            "in_view": [bool(v) for v in view],
            "in_search": [bool(v > 0.5) for v in hist[:, H_IN_SEARCH]],
            "detected": [bool(v > 0.5) for v in hist[:, H_DETECTED]],
            "tracked": [bool(v) for v in trk],
        },
    )  # fmt: skip


def _one(kw: dict[str, Any]) -> dict[str, Any]:
    """One family member (module level: pickled for the process pool)."""
    try:
        res = visibility(**kw)
    except ThaadInputError as exc:
        return {"launch_deg": list(kw["launch"]), "aim_deg": list(kw["aim"]),
                "boresight_az_deg": kw.get("boresight_az_deg"), "error": str(exc)}  # fmt: skip
    row = res.summary_row()
    row["ground_track"], row["tracked_arc"] = arcs(res)
    return row


def arcs(res: VisibilityResult, every_s: float = 10.0):
    """The ground track and its tracked scans as ``[lat, lon]`` pairs (about every
    ``every_s``); a break in the track is a ``None``."""
    h = res.history
    t = h["t_s"]
    step = max(1, round(every_s / max(t[1] - t[0], 1e-9))) if len(t) > 1 else 1
    ground = [[h["lat_deg"][i], h["lon_deg"][i]] for i in range(0, len(t), step)]
    tracked: list[Any] = []
    for i in range(0, len(t), step):
        if h["tracked"][i]:
            tracked.append([h["lat_deg"][i], h["lon_deg"][i]])
        elif tracked and tracked[-1] is not None:
            tracked.append(None)
    return ground, tracked


def family(
    radar_lla: tuple[float, float, float],
    mode: str,
    launches: list[tuple[float, float]],
    aims: list[tuple[float, float]],
    boresights: list[float | None] | None = None,
    workers: int = 1,
    client: Any = None,
    **kw: Any,
) -> list[dict[str, Any]]:
    """Every launch point at every aim point (and every face in ``boresights``): one
    :func:`visibility` each through :func:`thaad.analysis.montecarlo.run_tasks`; rows in
    task order (a row with ``error`` where the threat cannot fly that path)."""
    from thaad.analysis.montecarlo import run_tasks

    tasks = []
    for b in boresights or [None]:
        for la in launches:
            for ai in aims:
                tasks.append(({**kw, "radar_lla": radar_lla, "mode": mode, "launch": la,
                               "aim": ai, "boresight_az_deg": b},))  # fmt: skip
    rows: list[dict[str, Any]] = [{} for _ in tasks]
    for k, row in run_tasks(tasks, workers, client, fn=_one):
        rows[k] = row
    return rows
