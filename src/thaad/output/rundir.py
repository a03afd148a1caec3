"""A run's output directory read back: what ``thaad run`` wrote, and what the analysis
commands add (Monte Carlo, footprint, coverage), checked and turned into plain arrays.

``thaad run --out DIR`` writes ``DIR/result.json`` (summary, events, threat, seed, scenario
hash, version), ``DIR/history.json`` (truth, track, measurements, interceptor paths, battery)
and ``DIR/scenario.yaml`` (the resolved scenario). ``thaad montecarlo`` and ``thaad footprint``
write ``DIR/summary.json`` with per-draw Parquet files and ``DIR/footprint.nc``; ``thaad
coverage`` writes GeoJSON. :func:`load_run` reads whichever of these are there; the report,
the exporters and the viewer use it. Every problem is a :class:`~thaad.errors.ThaadInputError`
naming the file and what is wrong with it.

Positions come back as geodetic latitude, longitude and height on the run's own Earth model
(``models.earth``), so a spherical-Earth run is drawn at the heights it was flown at.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from thaad.errors import ThaadInputError

__all__ = ["FlightPath", "Run", "load_run"]

RESULT_FILE = "result.json"
HISTORY_FILE = "history.json"
SCENARIO_FILE = "scenario.yaml"
SUMMARY_FILE = "summary.json"
FOOTPRINT_FILE = "footprint.nc"
COVERAGE_FILE = "coverage.json"

RESULT_KEYS = (
    "intercepted",
    "interceptors_fired",
    "seed",
    "events",
    "threat",
    "scenario_name",
    "scenario_sha256",
    "version",
)
THREAT_KEYS = ("class", "launch", "aim", "impact_time_s", "apogee_alt_m")
HISTORY_SERIES = {
    "threat": ("t_s", "ecef_m", "ecef_mps"),
    "track": ("t_s", "ecef_m", "sigma_pos_m", "nis"),
    "battery": ("radar_ecef_m", "launchers_deg"),
}


@dataclass
class FlightPath:
    """One object's flight: time (s), geodetic position (deg, m) and Earth-fixed speed (m/s).

    Where the path's ECEF states are known (``ecef_m``, ``ecef_mps``, on Earth model
    ``earth``), a point between samples is the truth interpolator's
    (:func:`thaad.core.flight.path_at`); otherwise the samples are joined linearly.
    """

    name: str
    t_s: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    alt_m: np.ndarray
    speed_mps: np.ndarray
    ecef_m: np.ndarray | None = None
    ecef_mps: np.ndarray | None = None
    earth: int = 1

    def until(self, t_end_s: float) -> FlightPath:
        """The path cut at ``t_end_s`` (the last point interpolated onto that time)."""
        if t_end_s >= self.t_s[-1]:
            return self
        k = int(np.searchsorted(self.t_s, t_end_s, side="right"))
        if self.ecef_m is not None and self.ecef_mps is not None:
            from thaad.core.earth import ecef_to_geodetic
            from thaad.core.flight import path_at

            y = path_at(self.t_s, self.ecef_m, self.ecef_mps, np.array([float(t_end_s)]))[0]
            lat, lon, h = ecef_to_geodetic(y[0], y[1], y[2], self.earth)
            ends = [t_end_s, math.degrees(lat), math.degrees(lon), h, np.linalg.norm(y[3:])]
            return FlightPath(
                self.name,
                *(np.append(a[:k], e) for a, e in zip(self._cols(), ends, strict=True)),
                np.vstack([self.ecef_m[:k], y[:3]]),
                np.vstack([self.ecef_mps[:k], y[3:]]),
                self.earth,
            )
        cols = [np.append(a[:k], np.interp(t_end_s, self.t_s, a)) for a in self._cols()]
        return FlightPath(self.name, *cols)

    def _cols(self) -> tuple[np.ndarray, ...]:
        return (self.t_s, self.lat_deg, self.lon_deg, self.alt_m, self.speed_mps)


# ----------------------------------------------------------------------------- reading


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ThaadInputError(f"{path}: not a UTF-8 text file") from None
    except OSError as exc:
        raise ThaadInputError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ThaadInputError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None


def _array(path: Path, key: str, value: Any, cols: int | None) -> np.ndarray:
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ThaadInputError(f"{path}: {key} is not a list of numbers") from None
    if (cols is None and a.ndim != 1) or (cols is not None and (a.ndim != 2 or a.shape[1] != cols)):
        shape = "a list of numbers" if cols is None else f"a list of [{cols} numbers]"
        raise ThaadInputError(f"{path}: {key} is not {shape}")
    return a


def _check_result(path: Path, d: Any) -> dict[str, Any]:
    if not isinstance(d, dict):
        raise ThaadInputError(f"{path}: the top level is not an object")
    for k in RESULT_KEYS:
        if k not in d:
            raise ThaadInputError(f"{path}: key '{k}' is missing")
    if not isinstance(d["events"], list) or not all(
        isinstance(e, dict) and isinstance(e.get("t_s"), int | float) and "kind" in e
        for e in d["events"]
    ):
        raise ThaadInputError(f"{path}: events is not a list of {{t_s, kind, ...}} objects")
    if not isinstance(d["threat"], dict):
        raise ThaadInputError(f"{path}: threat is not an object")
    for k in THREAT_KEYS:
        if k not in d["threat"]:
            raise ThaadInputError(f"{path}: key 'threat.{k}' is missing")
    if d["intercepted"]:
        for k in ("intercept_time_s", "intercept_lat_deg", "intercept_lon_deg", "intercept_alt_m"):
            if not isinstance(d.get(k), int | float):
                raise ThaadInputError(f"{path}: '{k}' is missing for an intercept")
    return d


def _check_history(path: Path, d: Any) -> dict[str, Any]:
    if not isinstance(d, dict):
        raise ThaadInputError(f"{path}: the top level is not an object")
    for sec, keys in HISTORY_SERIES.items():
        if not isinstance(d.get(sec), dict):
            raise ThaadInputError(f"{path}: section '{sec}' is missing")
        for k in keys:
            if k not in d[sec]:
                raise ThaadInputError(f"{path}: key '{sec}.{k}' is missing")
    if not isinstance(d.get("interceptors"), list):
        raise ThaadInputError(f"{path}: section 'interceptors' is missing")
    th = d["threat"]
    t = _array(path, "threat.t_s", th["t_s"], None)
    for k in ("ecef_m", "ecef_mps"):
        if len(_array(path, f"threat.{k}", th[k], 3)) != len(t):
            raise ThaadInputError(f"{path}: threat.{k} and threat.t_s differ in length")
    if len(t) < 2 or np.any(np.diff(t) < 0.0):
        raise ThaadInputError(f"{path}: threat.t_s needs 2 or more increasing times")
    tr = d["track"]
    n = len(_array(path, "track.t_s", tr["t_s"], None))
    if len(_array(path, "track.ecef_m", tr["ecef_m"], 3)) != n or len(tr["sigma_pos_m"]) != n:
        raise ThaadInputError(f"{path}: the track's series differ in length")
    for j, itc in enumerate(d["interceptors"]):
        if not isinstance(itc, dict) or not {"t_s", "ecef_m", "speed_mps"} <= itc.keys():
            raise ThaadInputError(f"{path}: interceptors[{j}] lacks t_s, ecef_m or speed_mps")
        m = len(_array(path, f"interceptors[{j}].t_s", itc["t_s"], None))
        if len(_array(path, f"interceptors[{j}].ecef_m", itc["ecef_m"], 3)) != m:
            raise ThaadInputError(f"{path}: interceptors[{j}]'s series differ in length")
    _array(path, "battery.radar_ecef_m", [d["battery"]["radar_ecef_m"]], 3)
    _array(path, "battery.launchers_deg", d["battery"]["launchers_deg"], 3)
    return d


@dataclass
class Run:
    """What one output directory holds. ``result``/``history``/``scenario`` are those of
    ``thaad run`` (``None`` where the directory holds only analysis outputs)."""

    path: Path
    result: dict[str, Any] | None = None
    history: dict[str, Any] | None = None
    scenario: Any = None  # thaad.model.scenario.Scenario
    scenario_text: str = ""
    summary: dict[str, Any] | None = None
    coverage: dict[str, Any] | None = None
    footprint_file: Path | None = None
    parquet_files: list[Path] = field(default_factory=list)
    geojson_files: list[Path] = field(default_factory=list)

    @property
    def has_engagement(self) -> bool:
        return self.result is not None

    # -- the engagement, in geodetic coordinates on the run's Earth model ------------------

    @functools.cached_property
    def earth(self) -> int:
        from thaad.core.constants import EARTH_SPHERICAL, EARTH_WGS84

        if self.scenario is None:
            return EARTH_WGS84
        return EARTH_SPHERICAL if self.scenario.models.earth == "spherical" else EARTH_WGS84

    def geodetic(self, ecef_m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Latitude (deg), longitude (deg) and height (m) of ECEF points (n, 3)."""
        from thaad.core.earth import ecef_to_geodetic

        out = np.empty((len(ecef_m), 3))
        for i, r in enumerate(ecef_m):
            out[i] = ecef_to_geodetic(float(r[0]), float(r[1]), float(r[2]), self.earth)
        return np.degrees(out[:, 0]), np.degrees(out[:, 1]), out[:, 2]

    @functools.cached_property
    def threat_path(self) -> FlightPath:
        """The threat's whole flight, launch to impact (it ends earlier if intercepted:
        cut it with :meth:`FlightPath.until` at :attr:`threat_end_s`)."""
        th = self.history["threat"]
        r = np.asarray(th["ecef_m"], dtype=float)
        v = np.asarray(th["ecef_mps"], dtype=float)
        lat, lon, alt = self.geodetic(r)
        name = f"threat ({self.result['threat']['class']})"
        t = np.asarray(th["t_s"], dtype=float)
        return FlightPath(name, t, lat, lon, alt, np.linalg.norm(v, axis=1), r, v, self.earth)

    @property
    def threat_end_s(self) -> float:
        """When the threat stops flying: the intercept, or its impact."""
        if self.result["intercepted"]:
            return float(self.result["intercept_time_s"])
        return float(self.threat_path.t_s[-1])

    @functools.cached_property
    def interceptor_paths(self) -> list[FlightPath]:
        out = []
        for j, itc in enumerate(self.history["interceptors"]):
            r = np.asarray(itc["ecef_m"], dtype=float).reshape(-1, 3)
            lat, lon, alt = self.geodetic(r)
            t = np.asarray(itc["t_s"], dtype=float)
            speed = np.asarray(itc["speed_mps"], dtype=float)
            out.append(FlightPath(f"interceptor #{j + 1}", t, lat, lon, alt, speed))
        return out

    @property
    def end_time_s(self) -> float:
        """The last time anything flies."""
        ends = [self.threat_end_s] + [
            float(p.t_s[-1]) for p in self.interceptor_paths if len(p.t_s)
        ]
        return max(ends)

    @functools.cached_property
    def tracking(self) -> dict[str, np.ndarray]:
        """The radar track against the truth: ``t_s``, ``error_m`` (|track - truth|, the truth
        by :func:`thaad.core.flight.path_at`), ``sigma_m`` (``sqrt(trace P_pos)``, the RMS of the
        error magnitude for a consistent filter) and ``nis`` (NaN on looks with no update)."""
        th, tr = self.history["threat"], self.history["track"]
        t = np.asarray(tr["t_s"], dtype=float)
        if len(t) == 0:
            e = np.empty(0)
            return {"t_s": e, "error_m": e, "sigma_m": e, "nis": e}
        from thaad.core.flight import path_at

        truth = path_at(
            np.asarray(th["t_s"], dtype=float),
            np.asarray(th["ecef_m"], dtype=float),
            np.asarray(th["ecef_mps"], dtype=float),
            t,
        )[:, :3]
        err = np.linalg.norm(np.asarray(tr["ecef_m"], dtype=float) - truth, axis=1)
        nis = np.array([np.nan if v is None else float(v) for v in tr["nis"]])
        return {
            "t_s": t,
            "error_m": err,
            "sigma_m": np.asarray(tr["sigma_pos_m"], dtype=float),
            "nis": nis,
        }

    # -- the battery and its radar ------------------------------------------------------

    @property
    def site(self) -> tuple[float, float, float]:
        s = self.scenario.battery.site
        return s.lat_deg, s.lon_deg, s.alt_m

    @property
    def launchers_deg(self) -> list[tuple[float, float, float]]:
        return [tuple(x) for x in self.history["battery"]["launchers_deg"]]

    @functools.cached_property
    def radar_coverage(self) -> dict[str, Any]:
        """The radar face's field of view as a ground sector out to the range at which it
        detects the threat's reentry vehicle (radar equation, capped at the instrumented
        range): ``range_m``, ``rcs_m2``, ``boresight_az_deg``, ``half_fov_deg`` and the sector
        ``polygon`` (shapely, lon/lat)."""
        from thaad.core.radar import detection_range_m
        from thaad.model.geo import sector_polygon

        sc = self.scenario
        rd = sc.battery.radar_core()
        _, rcs_rv = sc.threat_rcs()
        rng = min(float(detection_range_m(rd, rcs_rv)), rd.max_range_m)
        r = sc.battery.radar
        lat, lon, _ = self.site
        poly = sector_polygon(lat, lon, rng, r.boresight_az_deg, r.half_fov_deg)
        return {
            "range_m": rng,
            "rcs_m2": rcs_rv,
            "boresight_az_deg": r.boresight_az_deg,
            "half_fov_deg": r.half_fov_deg,
            "min_elevation_deg": r.min_elevation_deg,
            "polygon": poly,
        }

    def event_times(self, kind: str) -> list[float]:
        return [float(e["t_s"]) for e in self.result["events"] if e["kind"] == kind]


def load_run(path: str | Path, need_engagement: bool = True) -> Run:
    """Read and check an output directory.

    With ``need_engagement`` the directory must hold a complete ``thaad run`` output
    (result, history and scenario); without it, any of the known outputs will do. A
    ``result.json`` without its ``history.json`` and ``scenario.yaml`` is always an error,
    as is a ``scenario.yaml`` that does not hash to the result's ``scenario_sha256``.
    """
    from thaad.model.scenario import load_scenario

    p = Path(path)
    if not p.exists():
        raise ThaadInputError(f"run directory '{p}' does not exist")
    if not p.is_dir():
        raise ThaadInputError(f"'{p}' is not a directory (give the --out DIR of a run)")
    run = Run(path=p)
    res = p / RESULT_FILE
    if res.exists():
        run.result = _check_result(res, _read_json(res))
        for name in (HISTORY_FILE, SCENARIO_FILE):
            if not (p / name).exists():
                raise ThaadInputError(f"run directory '{p}' is incomplete: {name} is missing")
        run.history = _check_history(p / HISTORY_FILE, _read_json(p / HISTORY_FILE))
    elif need_engagement:
        raise ThaadInputError(
            f"run directory '{p}' has no {RESULT_FILE} (make one with: thaad run --out {p})"
        )
    if (p / SCENARIO_FILE).exists():
        run.scenario = load_scenario(p / SCENARIO_FILE)
        run.scenario_text = (p / SCENARIO_FILE).read_text(encoding="utf-8")
        want = run.result["scenario_sha256"] if run.result else None
        if want is not None and run.scenario.digest() != want:
            raise ThaadInputError(
                f"{p / SCENARIO_FILE}: does not match {RESULT_FILE} (scenario_sha256 differs; "
                "was it edited after the run?)"
            )
    if (p / SUMMARY_FILE).exists():
        s = _read_json(p / SUMMARY_FILE)
        if not isinstance(s, dict):
            raise ThaadInputError(f"{p / SUMMARY_FILE}: the top level is not an object")
        run.summary = s
    if (p / COVERAGE_FILE).exists():
        c = _read_json(p / COVERAGE_FILE)
        if not isinstance(c, dict):
            raise ThaadInputError(f"{p / COVERAGE_FILE}: the top level is not an object")
        run.coverage = c
    if (p / FOOTPRINT_FILE).exists():
        run.footprint_file = p / FOOTPRINT_FILE
    run.parquet_files = sorted(p.glob("*.parquet")) + sorted(p.glob("*/*.parquet"))
    run.geojson_files = sorted(p.glob("*.geojson"))
    if not (
        run.result
        or run.summary
        or run.coverage
        or run.footprint_file
        or run.parquet_files
        or run.geojson_files
    ):
        raise ThaadInputError(
            f"'{p}' holds no thaad outputs (result.json, summary.json, footprint.nc, "
            "*.parquet or *.geojson)"
        )
    return run


def finite(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
