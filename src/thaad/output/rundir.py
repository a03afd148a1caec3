"""A run's output directory read back: what ``thaad run`` wrote, and what the analysis
commands add (Monte Carlo, footprint, coverage), checked and turned into plain arrays.

``thaad run --out DIR`` writes ``DIR/result.json`` (summary, events, threat, seed, scenario
hash, version), ``DIR/history.json`` (truth, track, measurements, interceptor paths, battery)
and ``DIR/scenario.yaml`` (the resolved scenario). ``thaad montecarlo`` and ``thaad footprint``
write ``DIR/montecarlo.json`` with per-draw Parquet files and ``DIR/footprint.json`` with
``DIR/footprint.nc`` (an older ``summary.json`` is read too); ``thaad coverage`` writes
GeoJSON. :func:`load_run` reads whichever of these are there; the report,
the exporters and the viewer use it. Every problem is a :class:`~thaad.errors.ThaadInputError`
naming the file and what is wrong with it.

Positions come back as geodetic latitude, longitude and height on the run's own Earth model
(``models.earth``), so a spherical-Earth run is drawn at the heights it was flown at.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from thaad.errors import ThaadInputError
from thaad.io import read_json, read_text

__all__ = ["FlightPath", "Run", "load_run"]

RESULT_FILE = "result.json"
HISTORY_FILE = "history.json"
SCENARIO_FILE = "scenario.yaml"
SUMMARY_FILE = "summary.json"  # montecarlo and footprint before they had their own names
MONTECARLO_FILE = "montecarlo.json"
FOOTPRINT_SUMMARY_FILE = "footprint.json"
PROVENANCE_FILE = "provenance.json"
FOOTPRINT_FILE = "footprint.nc"
COVERAGE_FILE = "coverage.json"


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
#
# result.json and history.json are checked by pydantic models: a field of the wrong type, a
# NaN or infinity where a number belongs, a missing key or series of mismatched lengths is
# one line naming the file and the field (``history.json: threat.ecef_m[12][1]: ...``).

Num = Annotated[float, Field(strict=True, allow_inf_nan=False)]
"""A finite JSON number (an integer is accepted; a string, bool, NaN or null is not)."""
Int = Annotated[int, Field(strict=True)]
Vec3 = Annotated[list[Num], Field(min_length=3, max_length=3)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class EventModel(_Model):
    t_s: Num
    kind: str
    interceptor: Int | None = None
    launcher: Int | None = None
    track: Int | None = None
    object: str | None = None
    threat_alt_m: Num | None = None
    range_m: Num | None = None
    speed_mps: Num | None = None
    miss_distance_m: Num | None = None
    alt_m: Num | None = None
    ground_range_m: Num | None = None
    lat_deg: Num | None = None
    lon_deg: Num | None = None

    @model_validator(mode="after")
    def _pairs(self) -> EventModel:
        if (self.lat_deg is None) != (self.lon_deg is None):
            raise ValueError("lat_deg and lon_deg come together")
        if self.track is not None and self.object is None:
            raise ValueError("a track event names its object")
        return self


class PointModel(_Model):
    lat_deg: Annotated[Num, Field(ge=-90.0, le=90.0)]
    lon_deg: Annotated[Num, Field(ge=-180.0, le=180.0)]
    alt_m: Num = 0.0
    name: str | None = None


class ThreatModel(_Model):
    threat_class: str = Field(alias="class")
    launch: PointModel
    aim: PointModel
    impact_time_s: Num
    apogee_alt_m: Num
    azimuth_deg: Num | None = None
    cutoff_s: Num | None = None
    burnout_speed_mps: Num | None = None
    burnout_alt_m: Num | None = None
    impact_lat_deg: Num | None = None
    impact_lon_deg: Num | None = None


class ResultModel(_Model):
    """``result.json`` of ``thaad run``."""

    intercepted: bool = Field(strict=True)
    interceptors_fired: Annotated[int, Field(strict=True, ge=0)]
    seed: Int
    events: list[EventModel]
    threat: ThreatModel
    scenario_name: str
    scenario_sha256: str
    version: str
    miss_distance_m: Num | None = None
    intercept_time_s: Num | None = None
    intercept_alt_m: Num | None = None
    intercept_ground_range_m: Num | None = None
    intercept_lat_deg: Num | None = None
    intercept_lon_deg: Num | None = None

    @model_validator(mode="after")
    def _intercept(self) -> ResultModel:
        if self.intercepted:
            for k in INTERCEPT_KEYS:
                if getattr(self, k) is None:
                    raise ValueError(f"'{k}' is missing for an intercept")
        return self


INTERCEPT_KEYS = (
    "intercept_time_s",
    "intercept_lat_deg",
    "intercept_lon_deg",
    "intercept_alt_m",
    "intercept_ground_range_m",
    "miss_distance_m",
)


def _increasing(t: list[float], what: str, at_least: int) -> None:
    if len(t) < at_least:
        raise ValueError(f"{what} needs {at_least} or more times (has {len(t)})")
    if any(b < a for a, b in itertools.pairwise(t)):
        raise ValueError(f"{what} is not in increasing order")


def _same_length(what: str, **series: list) -> None:
    lengths = {k: len(v) for k, v in series.items()}
    if len(set(lengths.values())) > 1:
        text = ", ".join(f"{k} {n}" for k, n in lengths.items())
        raise ValueError(f"{what}'s series differ in length ({text})")


class ThreatSeries(_Model):
    t_s: list[Num]
    ecef_m: list[Vec3]
    ecef_mps: list[Vec3]

    @model_validator(mode="after")
    def _shape(self) -> ThreatSeries:
        _same_length("threat", t_s=self.t_s, ecef_m=self.ecef_m, ecef_mps=self.ecef_mps)
        _increasing(self.t_s, "threat.t_s", 2)
        return self


class TrackSeries(_Model):
    t_s: list[Num]
    ecef_m: list[Vec3]
    sigma_pos_m: list[Annotated[Num, Field(ge=0.0)]]
    nis: list[Num | None]

    @model_validator(mode="after")
    def _shape(self) -> TrackSeries:
        _same_length("track", t_s=self.t_s, ecef_m=self.ecef_m, sigma_pos_m=self.sigma_pos_m,
                     nis=self.nis)  # fmt: skip
        _increasing(self.t_s, "track.t_s", 0)
        return self


class InterceptorSeries(_Model):
    t_s: list[Num]
    ecef_m: list[Vec3]
    speed_mps: list[Num]

    @model_validator(mode="after")
    def _shape(self) -> InterceptorSeries:
        _same_length("interceptor", t_s=self.t_s, ecef_m=self.ecef_m, speed_mps=self.speed_mps)
        _increasing(self.t_s, "interceptor t_s", 0)
        return self


class BatteryModel(_Model):
    radar_ecef_m: Vec3
    launchers_deg: list[Vec3]


class HistoryModel(_Model):
    """``history.json`` of ``thaad run``."""

    threat: ThreatSeries
    track: TrackSeries
    interceptors: list[InterceptorSeries]
    battery: BatteryModel


class BattleThreatResult(_Model):
    id: str
    threat_class: str = Field(alias="class")
    aim: str
    intercepted: bool = Field(strict=True)
    interceptors_fired: Annotated[int, Field(strict=True, ge=0)]
    intercept_alt_m: Num | None = None
    battery: str | None = None
    tier: str | None = None


class BattleBatteryResult(_Model):
    name: str
    tier: str
    rounds: Annotated[int, Field(strict=True, ge=0)]
    interceptors_fired: Annotated[int, Field(strict=True, ge=0)]
    interceptors_left: Annotated[int, Field(strict=True, ge=0)]


class BattleResultModel(_Model):
    """``result.json`` of ``thaad run`` on a battle (``battle: true``)."""

    battle: bool = Field(strict=True)
    intercepted: bool = Field(strict=True)
    leakers: Annotated[int, Field(strict=True, ge=0)]
    interceptors_fired: Annotated[int, Field(strict=True, ge=0)]
    seed: Int
    events: list[EventModel]
    threats: Annotated[list[BattleThreatResult], Field(min_length=1)]
    batteries: Annotated[list[BattleBatteryResult], Field(min_length=1)]
    scenario_name: str
    scenario_sha256: str
    version: str
    model: str = "kinematic battle model"


class BattleThreatPath(_Model):
    id: str
    t_s: list[Num]
    lat_deg: list[Annotated[Num, Field(ge=-90.0, le=90.0)]]
    lon_deg: list[Num]
    alt_m: list[Num]
    speed_mps: list[Num]
    end_s: Num

    @model_validator(mode="after")
    def _shape(self) -> BattleThreatPath:
        _same_length("threat", t_s=self.t_s, lat_deg=self.lat_deg, lon_deg=self.lon_deg,
                     alt_m=self.alt_m, speed_mps=self.speed_mps)  # fmt: skip
        _increasing(self.t_s, "threat t_s", 2)
        return self


class BattleShot(_Model):
    threat: str
    battery: str
    launch_time_s: Num
    intercept_time_s: Num
    outcome: str
    launcher_deg: Vec3
    intercept_lat_deg: Annotated[Num, Field(ge=-90.0, le=90.0)]
    intercept_lon_deg: Num
    intercept_alt_m: Num


class BattleSite(_Model):
    name: str
    tier: str
    site_deg: Vec3
    launcher_deg: Vec3


class BattleHistoryModel(_Model):
    """``history.json`` of ``thaad run`` on a battle."""

    battle: bool = Field(strict=True)
    batteries: Annotated[list[BattleSite], Field(min_length=1)]
    threats: Annotated[list[BattleThreatPath], Field(min_length=1)]
    shots: list[BattleShot]


def _loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("function-after", "nullable"):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out


def validate_file(path: Path, model: type[BaseModel], data: Any) -> Any:
    """``data`` checked against ``model``; the first problem as one line naming the file and
    the field."""
    try:
        model.model_validate(data)
    except ValidationError as err:
        e = err.errors(include_url=False)[0]
        where = _loc(e["loc"])
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "missing":
            msg = "is missing"
        elif e["type"] == "model_type":
            msg = "is not an object" if where else "the top level is not an object"
        elif e["type"] in ("float_type", "int_type", "bool_type"):
            msg = f"{msg} (got {_short(e.get('input'))})"
        elif e["type"] == "finite_number":
            msg = "is not a finite number"
        raise ThaadInputError(f"{path}: {where + ': ' if where else ''}{msg}") from None
    return data


def _short(v: Any) -> str:
    text = json.dumps(v) if not isinstance(v, float) else repr(v)
    return text if len(text) <= 30 else text[:27] + "..."


def _read_json(path: Path) -> Any:
    return read_json(path, "run file")


def _check_result(path: Path, d: Any) -> dict[str, Any]:
    return validate_file(path, ResultModel, d)


def _check_history(path: Path, d: Any) -> dict[str, Any]:
    return validate_file(path, HistoryModel, d)


class SummaryModel(_Model):
    """``montecarlo.json`` or ``footprint.json`` (and an older ``summary.json``): an object
    whose headline numbers, where present, are finite."""

    scenario: str | None = None
    scenario_sha256: str | None = None
    version: str | None = None
    seed: Int | None = None
    draws: Annotated[int, Field(strict=True, ge=0)] | None = None
    p_kill: Annotated[Num, Field(ge=0.0, le=1.0)] | None = None
    p_kill_ci95: Annotated[list[Annotated[Num, Field(ge=0.0, le=1.0)]],
                           Field(min_length=2, max_length=2)] | None = None  # fmt: skip
    defended_area_km2: Annotated[Num, Field(ge=0.0)] | None = None
    threshold: Annotated[Num, Field(gt=0.0, le=1.0)] | None = None
    launch_deg: Annotated[list[Num], Field(min_length=2, max_length=2)] | None = None
    assets: dict[str, dict[str, Any]] | None = None


@dataclass
class Run:
    """What one output directory holds. ``result``/``history``/``scenario`` are those of
    ``thaad run`` (``None`` where the directory holds only analysis outputs)."""

    path: Path
    result: dict[str, Any] | None = None
    history: dict[str, Any] | None = None
    scenario: Any = None  # thaad.model.scenario.Scenario
    scenario_text: str = ""
    montecarlo: dict[str, Any] | None = None
    footprint: dict[str, Any] | None = None
    summary_files: dict[str, str] = field(default_factory=dict)
    coverage: dict[str, Any] | None = None
    provenance: dict[str, Any] | None = None
    footprint_file: Path | None = None
    parquet_files: list[Path] = field(default_factory=list)
    geojson_files: list[Path] = field(default_factory=list)

    @property
    def has_engagement(self) -> bool:
        return self.result is not None

    @property
    def is_battle(self) -> bool:
        """Whether the run is a battle (``result.json`` has ``battle: true``): its history
        holds every threat's path and every shot (:mod:`thaad.analysis.battle`)."""
        return bool(self.result is not None and self.result.get("battle"))

    @functools.cached_property
    def battle_paths(self) -> list[FlightPath]:
        """Each threat of a battle, launch to impact (cut it at the threat's ``end_s``)."""
        out = []
        for th in self.history["threats"]:
            cols = [np.asarray(th[k], dtype=float)
                    for k in ("t_s", "lat_deg", "lon_deg", "alt_m", "speed_mps")]  # fmt: skip
            out.append(FlightPath(f"{th['id']} ({th.get('class', 'threat')})", *cols))
        return out

    @property
    def summary(self) -> dict[str, Any] | None:
        """The Monte Carlo summary, else the footprint's (what one ``summary.json`` held)."""
        return self.montecarlo if self.montecarlo is not None else self.footprint

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
        d = _read_json(res)
        battle = isinstance(d, dict) and d.get("battle") is True
        run.result = validate_file(res, BattleResultModel if battle else ResultModel, d)
        for name in (HISTORY_FILE, SCENARIO_FILE):
            if not (p / name).exists():
                raise ThaadInputError(f"run directory '{p}' is incomplete: {name} is missing")
        h = _read_json(p / HISTORY_FILE)
        run.history = (validate_file(p / HISTORY_FILE, BattleHistoryModel, h) if battle
                       else _check_history(p / HISTORY_FILE, h))  # fmt: skip
    elif need_engagement:
        raise ThaadInputError(
            f"run directory '{p}' has no {RESULT_FILE} (make one with: thaad run --out {p})"
        )
    if (p / SCENARIO_FILE).exists():
        from thaad.io import MAX_SCENARIO_BYTES

        run.scenario = load_scenario(p / SCENARIO_FILE)
        run.scenario_text = read_text(p / SCENARIO_FILE, "scenario file", MAX_SCENARIO_BYTES)
        want = run.result["scenario_sha256"] if run.result else None
        if want is not None and run.scenario.digest() != want:
            raise ThaadInputError(
                f"{p / SCENARIO_FILE}: does not match {RESULT_FILE} (scenario_sha256 differs; "
                "was it edited after the run?)"
            )
    for name, attr in ((MONTECARLO_FILE, "montecarlo"), (FOOTPRINT_SUMMARY_FILE, "footprint")):
        if (p / name).exists():
            setattr(run, attr, validate_file(p / name, SummaryModel, _read_json(p / name)))
            run.summary_files[attr] = name
    if (p / SUMMARY_FILE).exists():  # written by both commands before they had their own names
        s = validate_file(p / SUMMARY_FILE, SummaryModel, _read_json(p / SUMMARY_FILE))
        attr = "footprint" if "defended_area_km2" in s else "montecarlo"
        if getattr(run, attr) is None:
            setattr(run, attr, s)
            run.summary_files[attr] = SUMMARY_FILE
    if (p / COVERAGE_FILE).exists():
        c = _read_json(p / COVERAGE_FILE)
        if not isinstance(c, dict):
            raise ThaadInputError(f"{p / COVERAGE_FILE}: the top level is not an object")
        run.coverage = c
    if (p / PROVENANCE_FILE).exists():
        prov = _read_json(p / PROVENANCE_FILE)
        if isinstance(prov, dict):
            run.provenance = prov
    if (p / FOOTPRINT_FILE).exists():
        run.footprint_file = p / FOOTPRINT_FILE
    from thaad.analysis.montecarlo import run_chunk_files

    mc = run_chunk_files(p)
    run.parquet_files = (
        mc if mc is not None else sorted(p.glob("*.parquet")) + sorted(p.glob("*/*.parquet"))
    )
    run.geojson_files = sorted(p.glob("*.geojson"))
    if not (
        run.result
        or run.montecarlo
        or run.footprint
        or run.coverage
        or run.footprint_file
        or run.parquet_files
        or run.geojson_files
    ):
        raise ThaadInputError(
            f"'{p}' holds no thaad outputs (result.json, montecarlo.json, footprint.json, "
            "footprint.nc, *.parquet or *.geojson)"
        )
    return run


def read_footprint_grid(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Latitudes, longitudes (deg) and ``p_kill`` (lat x lon) of a ``footprint.nc``; a file
    that is not one is one line naming it."""
    try:
        import xarray as xr
    except ImportError:
        raise ThaadInputError(f"{path}: reading it needs xarray (pip install xarray)") from None
    try:
        with xr.open_dataset(path) as ds:
            if "p_kill" not in ds:
                raise ThaadInputError(f"{path}: has no variable 'p_kill'")
            da = ds["p_kill"].load()
    except ThaadInputError:
        raise
    except Exception as exc:  # netCDF back ends raise many kinds: all are one line
        text = " ".join(str(exc).split())
        text = text if len(text) <= 100 else text[:97] + "..."
        raise ThaadInputError(
            f"{path}: cannot be read as netCDF ({type(exc).__name__}: {text})"
        ) from None
    names = {d.lower(): d for d in da.dims}
    lat_name = names.get("latitude") or names.get("lat")
    lon_name = names.get("longitude") or names.get("lon")
    if lat_name is None or lon_name is None or da.ndim != 2:
        raise ThaadInputError(f"{path}: p_kill is not a grid over latitude and longitude")
    da = da.transpose(lat_name, lon_name)
    try:
        lat = np.asarray(da[lat_name], dtype=float)
        lon = np.asarray(da[lon_name], dtype=float)
        pk = np.asarray(da.values, dtype=float)
    except (TypeError, ValueError):
        raise ThaadInputError(f"{path}: p_kill or its coordinates are not numbers") from None
    if lat.size < 2 or lon.size < 2:
        raise ThaadInputError(f"{path}: p_kill needs at least 2 x 2 cells")
    if not (np.all(np.isfinite(lat)) and np.all(np.isfinite(lon))):
        raise ThaadInputError(f"{path}: latitude or longitude is not finite")
    return lat, lon, pk


def finite(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
