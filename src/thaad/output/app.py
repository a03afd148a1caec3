"""``thaad app``: an interactive explorer of one scenario, served on 127.0.0.1 only.

The page (``thaad/web/app.html`` + ``app.js``) draws the Natural Earth coastlines and borders
that ship with thaad (:mod:`thaad.model.geo`) in plain SVG -- no map library, no tile server,
nothing fetched from outside -- with the battery and the launch point draggable, and asks
this server for the kinematic defended footprint, the radar's coverage and single
engagements. Its state lives in the query string, so a view can be shared and reloaded.

Framework: the standard library's :class:`http.server.ThreadingHTTPServer`, as ``thaad view``
uses. The API is four GET endpoints with query strings and JSON answers; a framework
(Starlette + uvicorn) would add two dependencies and an event loop for no capability the
explorer needs, since the work is CPU-bound numba code that runs in worker threads anyway.

Endpoints (every one validates its query: a bad value is HTTP 400 with a one-line reason
naming the parameter, never a traceback; values go through the scenario schema by
:func:`thaad.model.scenario.load_scenario` overrides):

- ``GET /api/defaults``: the scenario's values of every control and the choices;
- ``GET /api/geo``: coastlines and land borders around the scenario (GeoJSON);
- ``GET /api/footprint?battery=LAT,LON&launch=LAT,LON&threat=CLASS&grid=N`` (+ ``shape``,
  ``apogee``, ``burnout_angle``, ``lift_to_drag``, ``manoeuvre_start``, ``load_factor``,
  ``dive_angle``, ``radar``, ``face``, ``rcs``, ``doctrine``, ``shots``, ``sspk``,
  ``extent``, ``threshold``): GeoJSON with the P(kill) contour at the threshold, the
  battery, the launch point and the named assets with their kill probability; the raster
  of P(kill) (``raster``), the footprint's summary (``summary``) and the shape flown with
  its parameters (``shape``) as foreign members. The footprint flies the threat on the
  chosen shape (:func:`thaad.analysis.footprint.trajectory_family`); a lofted, depressed or
  pull-up shape given neither ``apogee`` nor ``burnout_angle`` flies its default apogee
  (:func:`thaad.model.shapes.default_apogee_km`: 1.5x / 0.6x the minimum-energy apogee to
  the scenario's aim point, 50 km), and the shape is checked against the shot to that aim
  point as ``thaad run`` checks it;
- ``GET /api/coverage?...`` (+ ``alt``, the object's altitude in km): the radar's covered
  region (:func:`thaad.analysis.coverage.coverage`, :func:`~thaad.analysis.coverage.to_geojson`);
- ``GET /api/engage?...&aim=LAT,LON``: one full engagement at the aim point
  (:func:`thaad.analysis.engagement.run`), written as a run directory like
  ``thaad run --out`` does; its timeline and altitude profiles, and the link to it in the
  3-D viewer (``/view/ID/``, served here when CesiumJS is installed);
- ``GET /api/export?...``: the scenario YAML that reproduces the view (a download).

Responsiveness: each kind of computation has one worker thread holding at most one queued
job; a newer request replaces the queued one (whose request is answered 409, superseded), so
a burst of drags runs at most the current job and the newest one. The page aborts its
previous fetch when a newer one starts.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from thaad.errors import ThaadInputError
from thaad.output.viewer import TYPES, _inside

__all__ = ["AppServer", "LatestOnly", "Superseded", "make_app_server", "parse_query"]

HOST = "127.0.0.1"
WEB_PACKAGE = "thaad.web"
APP_FILES = ("app.html", "app.js", "app.css")
VIEWER_FILES = ("index.html", "viewer.js", "viewer.css")

GRID_MAX = 150
"""Largest footprint grid the explorer computes (cells per side); more is not interactive."""

EXTENT_MAX_KM = 3000.0
GEO_MARGIN_DEG = 25.0
"""Half-width of the coastline box served around the scenario's battery and launch point."""

# query parameter -> (scenario key path, kind); kinds: latlon, float, int, str
SCENARIO_PARAMS: dict[str, tuple[str, str]] = {
    "battery": ("battery.site", "latlon"),
    "launch": ("threat.launch", "latlon"),
    "aim": ("threat.aim", "latlon"),
    "threat": ("threat.class", "str"),
    "shape": ("threat.shape", "str"),
    "apogee": ("threat.apogee_km", "float"),
    "burnout_angle": ("threat.burnout_angle_deg", "float"),
    "lift_to_drag": ("threat.lift_to_drag", "float"),
    "manoeuvre_start": ("threat.manoeuvre_start_km", "float"),
    "load_factor": ("threat.load_factor_max", "float"),
    "dive_angle": ("threat.dive_angle_deg", "float"),
    "radar": ("battery.radar.mode", "str"),
    "face": ("battery.radar.boresight_az_deg", "float"),
    "rcs": ("threat.rcs_rv_m2", "float"),
    "doctrine": ("doctrine.mode", "str"),
    "shots": ("doctrine.shots", "int"),
    "sspk": ("lethality.sspk", "float"),
    "seed": ("seed", "int"),
}
SHAPE_NAMES = {"aim": "aim", "shape": "shape", "apogee": "apogee", "angle": "burnout_angle"}
"""The query's names of the shape's parameters, for :func:`thaad.model.shapes.check_shape`."""
RENAMES = {key: name for name, (key, _) in SCENARIO_PARAMS.items()}
"""Scenario key -> query parameter, for the errors the computations raise."""
VIEW_PARAMS = {"grid": "int", "extent": "float", "threshold": "float", "alt": "float"}
VIEW_DEFAULTS = {"grid": 40, "extent": 400.0, "threshold": 0.5, "alt": 100.0}


def _number(name: str, text: str, kind: str) -> float | int:
    try:
        v: float | int = int(text) if kind == "int" else float(text)
    except ValueError:
        what = "an integer" if kind == "int" else "a number"
        raise ThaadInputError(f"{name}: '{text}' is not {what}") from None
    if not math.isfinite(v):
        raise ThaadInputError(f"{name}: '{text}' is not a finite number")
    return v


def _latlon(name: str, text: str) -> tuple[float, float]:
    parts = text.split(",")
    if len(parts) != 2:
        raise ThaadInputError(f"{name}: '{text}' is not LAT,LON")
    lat, lon = (_number(name, p.strip(), "float") for p in parts)
    if not -90.0 <= lat <= 90.0:
        raise ThaadInputError(f"{name}: latitude {lat} is outside [-90, 90]")
    if not -180.0 <= lon <= 180.0:
        raise ThaadInputError(f"{name}: longitude {lon} is outside [-180, 180]")
    return float(lat), float(lon)


def parse_query(
    query: str, scenario: str | Path | None = None, allowed: set[str] | None = None
) -> tuple[Any, dict[str, Any]]:
    """The scenario with the query's overrides, and the view options (grid, extent, ...).

    Every value is checked; the scenario's own through its schema. Raises
    :class:`~thaad.errors.ThaadInputError` with a one-line reason naming the parameter.
    """
    try:
        q = parse_qs(query, keep_blank_values=True, strict_parsing=False, errors="strict")
    except (ValueError, UnicodeDecodeError):
        raise ThaadInputError("the query string is not valid") from None
    known = set(SCENARIO_PARAMS) | set(VIEW_PARAMS)
    if allowed is not None:
        known &= allowed
    overrides: list[str] = []
    keymap: dict[str, str] = {}
    view: dict[str, Any] = dict(VIEW_DEFAULTS)
    for name, values in q.items():
        if name not in known:
            raise ThaadInputError(f"{name}: unknown parameter (known: {', '.join(sorted(known))})")
        if len(values) != 1:
            raise ThaadInputError(f"{name}: given {len(values)} times")
        text = values[0].strip()
        if name in VIEW_PARAMS:
            view[name] = _number(name, text, VIEW_PARAMS[name])
            continue
        key, kind = SCENARIO_PARAMS[name]
        if kind == "latlon":
            lat, lon = _latlon(name, text)
            overrides += [f"{key}.lat_deg={lat!r}", f"{key}.lon_deg={lon!r}"]
            keymap[f"{key}.lat_deg"] = keymap[f"{key}.lon_deg"] = name
            if name != "battery":  # the site's name no longer fits a moved point
                overrides.append(f"{key}.name={name} point")
            continue
        if kind in ("int", "float"):
            v = _number(name, text, kind)
            overrides.append(f"{key}={v!r}")
        else:
            if not text or any(c in text for c in "\n\r'\"[]{}:#,&*!|>%@`"):
                raise ThaadInputError(f"{name}: {text!r} is not a valid choice")
            overrides.append(f"{key}='{text}'")
        keymap[key] = name
    sc = _load(scenario, overrides, keymap)
    view["apogee_default"] = False
    sc = _shape_defaults(sc, scenario, overrides, keymap, view)
    grid, extent, thr, alt = view["grid"], view["extent"], view["threshold"], view["alt"]
    if not 2 <= grid <= GRID_MAX:
        raise ThaadInputError(f"grid: {grid} is outside [2, {GRID_MAX}]")
    if not 0.0 < extent <= EXTENT_MAX_KM:
        raise ThaadInputError(f"extent: {extent} km is outside (0, {EXTENT_MAX_KM:g}]")
    if not 0.0 < thr <= 1.0:
        raise ThaadInputError(f"threshold: {thr} is outside (0, 1]")
    if not 0.0 <= alt <= 5000.0:
        raise ThaadInputError(f"alt: {alt} km is outside [0, 5000]")
    return sc, view


def _load(scenario: str | Path | None, overrides: list[str], keymap: dict[str, str]) -> Any:
    from thaad.model.scenario import load_scenario

    try:
        return load_scenario(scenario, overrides=overrides)
    except ThaadInputError as exc:
        raise ThaadInputError(_rename(str(exc), keymap)) from None


def _shape_defaults(sc: Any, scenario: str | Path | None, overrides: list[str],
                    keymap: dict[str, str], view: dict[str, Any]) -> Any:  # fmt: skip
    """The scenario with the shape's default apogee when it needs one and has none, checked
    (:func:`thaad.model.shapes.check_shape`) against the shot to the scenario's aim point,
    as ``thaad run`` checks it, with the errors naming the query's parameters."""
    from thaad.core.earth import great_circle
    from thaad.model.shapes import check_shape, default_apogee_km

    th = sc.threat
    d = math.radians
    lo, la = th.launch, th.aim
    psi = great_circle(d(lo.lat_deg), d(lo.lon_deg), d(la.lat_deg), d(la.lon_deg))[0]
    if th.apogee_km is None and th.burnout_angle_deg is None:
        apogee = default_apogee_km(th.shape, psi)
        if apogee is not None:
            overrides = [*overrides, f"threat.apogee_km={apogee!r}"]
            keymap = {**keymap, "threat.apogee_km": "apogee"}
            sc = _load(scenario, overrides, keymap)
            view["apogee_default"] = True
    th = sc.threat
    check_shape(th.shape, psi, th.apogee_km, th.burnout_angle_deg, SHAPE_NAMES)
    return sc


def _rename(msg: str, keymap: dict[str, str]) -> str:
    """The schema's message with the scenario key replaced by the query parameter's name."""
    msg = msg.removeprefix("--set ")
    for key, name in sorted(keymap.items(), key=lambda kv: -len(kv[0])):
        if msg.startswith(key + ":") or msg.startswith(key + " "):
            return name + msg[len(key) :]
    return msg


# ----------------------------------------------------------------------------- worker


class Superseded(Exception):
    """A queued job replaced by a newer request before it started."""


class _Box:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None

    def set(self, value: Any = None, error: BaseException | None = None) -> None:
        self.value, self.error = value, error
        self.done.set()


class LatestOnly:
    """One worker thread with a queue of one: a newer job supersedes the queued one.

    ``generation`` counts submissions; ``ran`` and ``superseded`` count what became of them.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._cv = threading.Condition()
        self._pending: tuple[Callable[[], Any], _Box] | None = None
        self._closed = False
        self.generation = 0
        self.ran = 0
        self.superseded = 0
        self._thread = threading.Thread(target=self._loop, name=f"thaad-app-{name}", daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[[], Any], timeout_s: float = 600.0) -> Any:
        """Run ``fn`` on the worker and return its value (or raise its error, or
        :class:`Superseded` when a newer job took its place before it started)."""
        box = _Box()
        with self._cv:
            self.generation += 1
            if self._pending is not None:
                self.superseded += 1
                self._pending[1].set(error=Superseded())
            self._pending = (fn, box)
            self._cv.notify()
        if not box.done.wait(timeout_s):
            raise TimeoutError(f"{self.name}: no answer in {timeout_s:g} s")
        if box.error is not None:
            raise box.error
        return box.value

    def _loop(self) -> None:
        while True:
            with self._cv:
                while self._pending is None and not self._closed:
                    self._cv.wait()
                if self._closed:
                    return
                assert self._pending is not None
                fn, box = self._pending
                self._pending = None
                self.ran += 1
            try:
                box.set(fn())
            except BaseException as exc:  # handed to the request's thread
                box.set(error=exc)

    def close(self) -> None:
        with self._cv:
            self._closed = True
            if self._pending is not None:
                self._pending[1].set(error=Superseded())
                self._pending = None
            self._cv.notify_all()


# ----------------------------------------------------------------------------- computations


def _clean(x: Any) -> Any:
    """JSON-safe: NaN and infinities to None, numpy scalars to Python."""
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    if hasattr(x, "item") and not hasattr(x, "__len__"):
        return _clean(x.item())
    return x


def _point(kind: str, lat: float, lon: float, **props: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"kind": kind, **props},
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }


def footprint_geojson(sc: Any, view: dict[str, Any]) -> dict[str, Any]:
    """The kinematic footprint of ``sc`` as the explorer's GeoJSON (see the module docstring)."""
    import numpy as np

    from thaad.analysis.footprint import compute_footprint, contour_geojson

    launch = (sc.threat.launch.lat_deg, sc.threat.launch.lon_deg)
    t0 = time.perf_counter()
    res = compute_footprint(sc, launch, grid=int(view["grid"]), extent_km=float(view["extent"]),
                            mode="kinematic", threshold=float(view["threshold"]),
                            progress=False)  # fmt: skip
    contour = contour_geojson(res.lats, res.lons, res.p_kill, float(view["threshold"]))
    features = contour["features"]
    features[0]["properties"]["kind"] = "contour"
    site = sc.battery.site
    features.append(_point("battery", site.lat_deg, site.lon_deg, name=sc.battery.name))
    features.append(_point("launch", *launch, name=sc.threat.launch.name))
    for name, a in res.summary["assets"].items():
        features.append(_point("asset", a["lat_deg"], a["lon_deg"], name=name, **a))
    pk = np.round(res.p_kill, 4)
    return _clean(
        {
            "type": "FeatureCollection",
            "features": features,
            "raster": {
                "lats": res.lats.tolist(),
                "lons": res.lons.tolist(),
                "p_kill": [[None if math.isnan(v) else float(v) for v in row] for row in pk],
            },
            "summary": res.summary,
            "shape": shape_info(sc, view),
            "compute_s": time.perf_counter() - t0,
        }
    )


def shape_info(sc: Any, view: dict[str, Any]) -> dict[str, Any]:
    """The trajectory shape the footprint flew, with its parameters (``apogee_default``: the
    apogee is the shape's default, :func:`thaad.model.shapes.default_apogee_km`)."""
    th = sc.threat
    out: dict[str, Any] = {"shape": th.shape, "apogee_km": th.apogee_km,
                           "burnout_angle_deg": th.burnout_angle_deg,
                           "apogee_default": bool(view.get("apogee_default"))}  # fmt: skip
    if th.shape == "pull-up":
        out |= {
            "lift_to_drag": th.lift_to_drag,
            "manoeuvre_start_km": th.manoeuvre_start_km,
            "load_factor_max": th.load_factor_max,
            "dive_angle_deg": th.dive_angle_deg,
        }
    return out


def coverage_geojson(sc: Any, view: dict[str, Any]) -> dict[str, Any]:
    """The radar's coverage of the threat's reentry vehicle at ``view['alt']`` km."""
    from thaad.analysis.coverage import coverage, to_geojson

    site = sc.battery.site
    res = coverage((site.lat_deg, site.lon_deg, site.alt_m), sc.battery.radar.mode,
                   sc.threat_rcs()[1], float(view["alt"]), scenario=sc)  # fmt: skip
    return _clean(to_geojson(res))


def _dump_yaml(sc: Any) -> str:
    import yaml

    return yaml.safe_dump(sc.model_dump(mode="json", by_alias=True), sort_keys=False)


def engage(sc: Any, runs_dir: Path, viewer: bool) -> dict[str, Any]:
    """Fly one engagement of ``sc``, write its run directory, return what the page shows."""
    from thaad.analysis.engagement import run as run_engagement
    from thaad.io import output_dir, write_json, write_provenance
    from thaad.output.rundir import load_run
    from thaad.output.text import format_event

    res = run_engagement(sc)
    run_id = hashlib.sha256(f"{sc.digest()}".encode()).hexdigest()[:12]
    out = output_dir(runs_dir / run_id, "--runs")
    write_json(out / "result.json", res.to_dict())
    write_json(out / "history.json", res.history)
    write_provenance(out, "app", argv=None, overrides=[], scenario_yaml=_dump_yaml(sc),
                     scenario_sha256=sc.digest(), seed=sc.seed,
                     files=["result.json", "history.json"])  # fmt: skip
    run = load_run(out)

    def profile(p: Any) -> dict[str, Any]:
        step = max(1, len(p.t_s) // 400)
        return {
            "name": p.name,
            "t_s": [round(float(v), 2) for v in p.t_s[::step]],
            "alt_km": [round(float(v) / 1e3, 3) for v in p.alt_m[::step]],
        }

    d = res.to_dict()
    return _clean(
        {
            "id": run_id,
            "dir": str(out),
            "result": d,
            "timeline": [format_event(e).strip() for e in d["events"]],
            "profiles": [profile(run.threat_path.until(run.threat_end_s))]
            + [profile(p) for p in run.interceptor_paths],
            "viewer": f"/view/{run_id}/" if viewer else None,
            "viewer_hint": None
            if viewer
            else "the 3-D viewer needs CesiumJS: run the set-up (make test or make demo), "
            f"then: thaad view {out}",
        }
    )


def geo_geojson(lat_deg: float, lon_deg: float, margin_deg: float) -> dict[str, Any]:
    """Natural Earth coastlines and land borders inside a box around a point (simplified to
    about 2 km, ample at the explorer's scales)."""
    from shapely.geometry import box, mapping

    from thaad.model.geo import _coast_and_borders

    b = box(lon_deg - margin_deg, max(lat_deg - margin_deg, -90.0),
            lon_deg + margin_deg, min(lat_deg + margin_deg, 90.0))  # fmt: skip
    feats = []
    for kind, geom in zip(("coast", "border"), _coast_and_borders(), strict=True):
        g = geom.intersection(b).simplify(0.02, preserve_topology=False)
        feats.append({"type": "Feature", "properties": {"kind": kind},
                      "geometry": mapping(g) if not g.is_empty else None})  # fmt: skip
    return {"type": "FeatureCollection", "features": feats, "bbox": list(b.bounds)}


# ----------------------------------------------------------------------------- server


class AppServer(ThreadingHTTPServer):
    """The explorer's HTTP server: its page, its API, and the 3-D viewer of its runs."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, scenario: str | Path | None, port: int = 0,
                 runs_dir: str | Path | None = None) -> None:  # fmt: skip
        from thaad.model.scenario import load_scenario

        base = load_scenario(scenario)  # fails early on a bad file
        self.note = ""
        self.web_dir = Path(str(resources.files(WEB_PACKAGE))).resolve()
        if runs_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="thaad-app-")
            runs_dir = self._tmp.name
        from thaad.io import atomic_write_text, output_dir

        self.runs_dir = output_dir(runs_dir, "--runs").resolve()
        if base.is_battle:  # the explorer is one battery against one threat entry
            b, t = base.battery_list()[0], base.threat_list()[0]
            self.note = (
                f"the explorer shows one battery against one threat: {b.name} and the first "
                f"threat entry ({t.threat_class}) of the scenario's {len(base.battery_list())} "
                f"batteries and {len(base.threat_list())} threat entries; thaad run and "
                "thaad footprint fight the whole battle"
            )
            base = base.single(b, t)
            # every request loads its scenario from a file with its overrides: this one
            scenario = self.runs_dir / "explored-scenario.yaml"
            atomic_write_text(scenario, _dump_yaml(base))
        self.scenario = scenario
        self.base = base
        self.workers = {k: LatestOnly(k) for k in ("footprint", "coverage", "engage")}
        self.quiet = False
        self._czml: dict[str, bytes] = {}
        self._geo: bytes | None = None
        super().__init__((HOST, port), AppHandler)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"

    def cesium(self) -> Path | None:
        from thaad.output.viewer import find_cesium

        try:
            return find_cesium()
        except ThaadInputError:
            return None

    def defaults(self) -> dict[str, Any]:
        from thaad.model.catalog import RADAR_MODES, THREATS
        from thaad.model.shapes import (
            DEPRESSED_APOGEE_FACTOR,
            LOFTED_APOGEE_FACTOR,
            PULLUP_APOGEE_KM,
            SHAPES,
        )

        sc = self.base
        site, launch = sc.battery.site, sc.threat.launch
        return {
            "scenario": sc.name,
            "note": self.note,
            "battery": [site.lat_deg, site.lon_deg],
            "launch": [launch.lat_deg, launch.lon_deg],
            "aim": [sc.threat.aim.lat_deg, sc.threat.aim.lon_deg],
            "threat": sc.threat.threat_class,
            "shape": sc.threat.shape,
            "apogee": sc.threat.apogee_km,
            "burnout_angle": sc.threat.burnout_angle_deg,
            "lift_to_drag": sc.threat.lift_to_drag,
            "manoeuvre_start": sc.threat.manoeuvre_start_km,
            "load_factor": sc.threat.load_factor_max,
            "dive_angle": sc.threat.dive_angle_deg,
            "radar": sc.battery.radar.mode,
            "face": sc.battery.radar.boresight_az_deg,
            "rcs": sc.threat_rcs()[1],
            "doctrine": sc.doctrine.mode,
            "shots": sc.doctrine.shots,
            "sspk": sc.lethality.sspk,
            **VIEW_DEFAULTS,
            "choices": {
                "threat": {k: THREATS[k].rcs_rv_m2 for k in THREATS},
                "shape": list(SHAPES),
                "radar": list(RADAR_MODES),
                "doctrine": ["shoot-look-shoot", "salvo"],
            },
            "shape_defaults": {
                "lofted_apogee_factor": LOFTED_APOGEE_FACTOR,
                "depressed_apogee_factor": DEPRESSED_APOGEE_FACTOR,
                "pullup_apogee_km": PULLUP_APOGEE_KM,
            },
            "grid_max": GRID_MAX,
            "assets": [
                {"name": a.name, "lat_deg": a.lat_deg, "lon_deg": a.lon_deg} for a in sc.assets
            ],
        }

    def geo(self) -> bytes:
        if self._geo is None:
            sc = self.base
            lat = 0.5 * (sc.battery.site.lat_deg + sc.threat.launch.lat_deg)
            lon = 0.5 * (sc.battery.site.lon_deg + sc.threat.launch.lon_deg)
            self._geo = json.dumps(geo_geojson(lat, lon, GEO_MARGIN_DEG)).encode()
        return self._geo

    def czml(self, run_id: str) -> bytes:
        if run_id not in self._czml:
            from thaad.output.export import czml_text
            from thaad.output.rundir import load_run

            self._czml[run_id] = czml_text(load_run(self.runs_dir / run_id)).encode()
        return self._czml[run_id]

    def server_close(self) -> None:
        for w in self.workers.values():
            w.close()
        super().server_close()


class AppHandler(BaseHTTPRequestHandler):
    server: AppServer
    server_version = "thaad-app"
    sys_version = ""

    def log_message(self, format: str, *args) -> None:
        if not self.server.quiet:
            sys.stderr.write(f"thaad app: {self.address_string()} {format % args}\n")

    def _send(self, status: int, body: bytes, ctype: str, extra: dict | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Cache-Control", "no-cache")
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the page aborted the request
            pass

    def _text(self, status: HTTPStatus, line: str) -> None:
        self._send(status, (line.splitlines() or [""])[0].encode() + b"\n",
                   "text/plain; charset=utf-8")  # fmt: skip

    def _json(self, obj: Any) -> None:
        self._send(HTTPStatus.OK, json.dumps(obj, allow_nan=False).encode(), "application/json")

    def _file(self, path: Path) -> None:
        ctype = TYPES.get(path.suffix.lower(), "application/octet-stream")
        self._send(HTTPStatus.OK, path.read_bytes(), ctype)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        try:
            self._get()
        except ThaadInputError as exc:
            self._text(HTTPStatus.BAD_REQUEST, str(exc))
        except Superseded:
            self._text(HTTPStatus.CONFLICT, "superseded by a newer request")
        except Exception as exc:  # a bug: one line, no traceback to the page
            if not self.server.quiet:
                import traceback

                traceback.print_exc()
            self._text(HTTPStatus.INTERNAL_SERVER_ERROR, f"internal error: {type(exc).__name__}")

    def _get(self) -> None:
        host = (self.headers.get("Host") or "").lower()
        port = self.server.server_address[1]
        if host not in (f"{HOST}:{port}", f"localhost:{port}"):
            return self._text(HTTPStatus.FORBIDDEN, "403 Forbidden")
        parts = urlsplit(self.path)
        try:
            path = unquote(parts.path, errors="strict")
        except UnicodeDecodeError:
            return self._text(HTTPStatus.NOT_FOUND, "404 Not Found")
        query = parts.query
        srv = self.server
        if path in ("/", "/app.html"):
            return self._file(srv.web_dir / "app.html")
        if path.lstrip("/") in APP_FILES:
            return self._file(srv.web_dir / path.lstrip("/"))
        if path == "/api/defaults":
            return self._json(srv.defaults())
        if path == "/api/geo":
            return self._send(HTTPStatus.OK, srv.geo(), "application/json")
        if path in ("/api/footprint", "/api/coverage", "/api/engage", "/api/export"):
            kind = path.rsplit("/", 1)[1]
            sc, view = parse_query(query, srv.scenario)
            if kind == "export":
                name = f"thaad-{hashlib.sha256(sc.digest().encode()).hexdigest()[:8]}.yaml"
                head = f"# thaad app view: ?{query}\n" if query.isprintable() else ""
                disp = {"Content-Disposition": f'attachment; filename="{name}"'}
                body = (head + _dump_yaml(sc)).encode()
                return self._send(HTTPStatus.OK, body, "application/x-yaml; charset=utf-8", disp)
            if kind == "engage" and "aim" not in parse_qs(query):
                raise ThaadInputError("aim: the aim point LAT,LON is required")
            if kind == "footprint":
                fn = lambda: footprint_geojson(sc, view)  # noqa: E731
            elif kind == "coverage":
                fn = lambda: coverage_geojson(sc, view)  # noqa: E731
            else:
                cesium = srv.cesium() is not None
                fn = lambda: engage(sc, srv.runs_dir, cesium)  # noqa: E731
            try:
                return self._json(srv.workers[kind].submit(fn))
            except ThaadInputError as exc:  # name the query's parameter, not the scenario key
                raise ThaadInputError(_rename(str(exc), RENAMES)) from None
        if path.startswith("/view/"):
            return self._view(path)
        return self._text(HTTPStatus.NOT_FOUND, "404 Not Found")

    def _view(self, path: str) -> None:
        """``/view/ID/...``: the 3-D viewer (``thaad view``'s page) of run ``ID``."""
        srv = self.server
        parts = path.split("/")[2:]
        if "\\" in path or "\x00" in path or any(p in (".", "..") for p in parts):
            return self._text(HTTPStatus.FORBIDDEN, "403 Forbidden")
        run_id, rest = parts[0], "/".join(parts[1:])
        if not (len(run_id) == 12 and all(c in "0123456789abcdef" for c in run_id)):
            return self._text(HTTPStatus.NOT_FOUND, "404 Not Found")
        if not (srv.runs_dir / run_id / "result.json").is_file():
            return self._text(HTTPStatus.NOT_FOUND, "404 Not Found")
        if rest in ("", "index.html") or rest in VIEWER_FILES:
            return self._file(srv.web_dir / (rest or "index.html"))
        root, _, rel = rest.partition("/")
        if root == "run" and rel == "engagement.czml":
            return self._send(HTTPStatus.OK, srv.czml(run_id), TYPES[".czml"])
        roots = {"run": lambda: srv.runs_dir / run_id, "cesium": srv.cesium}
        base = roots[root]() if root in roots else None
        if base is None or not rel:
            return self._text(HTTPStatus.NOT_FOUND, "404 Not Found")
        what = _inside(base.resolve(), rel)
        if isinstance(what, HTTPStatus):
            return self._text(what, f"{what.value} {what.phrase}")
        return self._file(what)


def make_app_server(scenario: str | Path | None = None, port: int = 0,
                    runs_dir: str | Path | None = None) -> AppServer:  # fmt: skip
    """Load the scenario and bind the explorer's server on 127.0.0.1."""
    try:
        return AppServer(scenario, port, runs_dir)
    except OSError as exc:
        raise ThaadInputError(
            f"--port {port}: cannot listen on {HOST}:{port} ({exc.strerror})"
        ) from None
