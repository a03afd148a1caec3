"""Export an engagement for 3-D viewers: time-dynamic CZML (CesiumJS) and KML (Google Earth).

Both carry the threat's and every interceptor's path with time, the battery and its
launchers, the radar face's field of view out to its detection range for the threat's
reentry vehicle, the intercept point, the launch and aim points and the defended assets.

The simulation has no calendar date: time zero (threat launch) is placed at
:data:`EPOCH`, a nominal date, and every time is seconds after it. Positions are geodetic on
the run's own Earth model (:mod:`thaad.output.rundir`), so heights are the ones the run flew.

:func:`entities` turns a run into one flat list of :class:`Entity` (kind, id, name, times,
positions, style); :func:`czml_text` and :func:`kml_text` are two small renderers of that list.
CZML is written with the ``czml3`` package (validated pydantic models of the CZML schema);
KML with the standard library's ElementTree, using the ``gx:Track`` extension of KML 2.2
for time-tagged paths (Google Earth plays them with its time slider).

References
----------
- CZML Structure and Packet reference, github.com/AnalyticalGraphicsInc/czml-writer/wiki.
- OGC KML 2.2 (OGC 07-147r2); Google's KML extensions (gx:Track), developers.google.com/kml.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import numpy as np

from thaad.output.rundir import FlightPath, Run

__all__ = ["EPOCH", "Entity", "Style", "czml_document", "czml_text", "entities", "kml_text"]

EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
"""Nominal calendar time of threat launch (T+0) in exports."""

EPOCH_ISO = "2000-01-01T00:00:00Z"

# RGBA colours (0-255)
THREAT_RGBA = (192, 57, 43, 255)
INTERCEPTOR_RGBA = (
    (52, 152, 219, 255),
    (155, 89, 182, 255),
    (26, 188, 156, 255),
    (93, 173, 226, 255),
    (220, 118, 51, 255),
    (171, 178, 185, 255),
)
RADAR_RGBA = (30, 132, 73, 255)
INTERCEPT_RGBA = (241, 196, 15, 255)
WHITE = (255, 255, 255, 255)


def _slug(name: str) -> str:
    """An id made of letters, digits and hyphens (KML ids must be XML names)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "x"


def _iso(t_s: float) -> str:
    return (EPOCH + dt.timedelta(seconds=float(t_s))).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _dedupe(path: FlightPath) -> FlightPath:
    """Drop repeated sample times (an event can be logged twice at one instant): CZML
    interpolation needs strictly increasing times."""
    keep = np.concatenate([[True], np.diff(path.t_s) > 1e-9])
    return FlightPath(
        path.name,
        *(a[keep] for a in (path.t_s, path.lat_deg, path.lon_deg, path.alt_m, path.speed_mps)),
    )


# ----------------------------------------------------------------------------- entities


@dataclass(frozen=True)
class Style:
    """How an entity is drawn: colour (RGBA 0-255), line width (px), point size (px), a dashed
    line, a label (text colour and scale; no label when ``label_rgba`` is None)."""

    rgba: tuple[int, int, int, int]
    width: float = 2.0
    size: float = 7.0
    dashed: bool = False
    fill_alpha: int | None = None
    label_rgba: tuple[int, int, int, int] | None = None
    label_scale: float = 0.55


@dataclass(frozen=True)
class Entity:
    """One object of an export.

    ``kind``: ``"track"`` (a moving object: ``t_s`` and one position per time), ``"point"``,
    ``"line"`` (a polyline), ``"polygon"`` (a ground ring) or ``"link"`` (a line between two
    other entities, ``refs``, shown while ``available``; CZML only). ``positions`` is an
    ``(n, 3)`` array of longitude (deg), latitude (deg), height (m). ``available`` is the
    ``(start, end)`` in seconds after launch, None for always. ``ground``: clamped to the
    ground in KML. ``group``: the KML folder.
    """

    kind: str
    id: str
    name: str
    positions: np.ndarray
    style: Style
    t_s: np.ndarray | None = None
    speed_mps: np.ndarray | None = None
    available: tuple[float, float] | None = None
    description: tuple[tuple[str, str], ...] = ()
    ground: bool = False
    group: str = ""
    refs: tuple[str, str] | None = None
    extra: dict = field(default_factory=dict)


def _lonlath(lon, lat, h) -> np.ndarray:
    return np.column_stack([np.asarray(lon, float), np.asarray(lat, float), np.asarray(h, float)])


def clock_end_s(run: Run) -> float:
    """The end of the export's clock: the engagement (or the unopposed flight) plus 30 s."""
    if run.is_battle:
        h = run.history
        ends = [float(th["end_s"]) for th in h["threats"]]
        ends += [float(k["intercept_time_s"]) for k in h["shots"]]
        return max(ends) + 30.0
    t_end = run.end_time_s
    if not run.result["intercepted"]:
        t_end = max(t_end, float(run.threat_path.t_s[-1]))
    return t_end + 30.0  # a short aftermath: the intercept point and trails stay on show


def entities(run: Run) -> list[Entity]:
    """Every object of the engagement, in drawing order (ids: ``threat``,
    ``threat-unopposed``, ``interceptor-1``..., ``battery``, ``launcher-1``..., ``radar-fov``,
    ``radar-boresight``, ``radar-track``, ``intercept``, ``launch-point``, ``aim-point``,
    ``asset-<name>``)."""
    from thaad.model.geo import _fwd

    if run.is_battle:
        return battle_entities(run)
    res = run.result
    th = res["threat"]
    sc = run.scenario
    t_end = clock_end_s(run)
    out: list[Entity] = []
    threat = _dedupe(run.threat_path.until(run.threat_end_s))
    tracks = "threat and interceptors"
    out.append(
        Entity(
            "track", "threat", threat.name,
            _lonlath(threat.lon_deg, threat.lat_deg, threat.alt_m),
            Style(THREAT_RGBA, 3.0, 9.0, label_rgba=THREAT_RGBA),
            t_s=threat.t_s, speed_mps=threat.speed_mps, group=tracks,
            description=(
                ("class", th["class"]),
                ("launch", th["launch"].get("name") or ""),
                ("aim", th["aim"].get("name") or ""),
                ("apogee", f"{th['apogee_alt_m'] / 1e3:.1f} km"),
                ("outcome", "intercepted" if res["intercepted"] else "not intercepted"),
            ),
        )
    )  # fmt: skip
    if res["intercepted"]:
        full = run.threat_path
        rest = full.t_s >= run.threat_end_s
        if rest.sum() >= 2:
            out.append(
                Entity(
                    "line", "threat-unopposed", "threat, had it not been intercepted",
                    _lonlath(full.lon_deg[rest], full.lat_deg[rest], full.alt_m[rest]),
                    Style((*THREAT_RGBA[:3], 140), 1.5, dashed=True),
                    available=(run.threat_end_s, t_end), group=tracks,
                )
            )  # fmt: skip
    paths = [_dedupe(p) for p in run.interceptor_paths if len(p.t_s) >= 2]
    for j, p in enumerate(paths):
        rgba = INTERCEPTOR_RGBA[j % len(INTERCEPTOR_RGBA)]
        out.append(
            Entity(
                "track", f"interceptor-{j + 1}", p.name,
                _lonlath(p.lon_deg, p.lat_deg, p.alt_m),
                Style(rgba, 2.5, 9.0, label_rgba=rgba),
                t_s=p.t_s, speed_mps=p.speed_mps, group=tracks,
                description=(
                    ("launched", f"T+{p.t_s[0]:.2f} s"),
                    ("flight ends", f"T+{p.t_s[-1]:.2f} s"),
                    ("peak speed", f"{np.max(p.speed_mps):,.0f} m/s"),
                ),
            )
        )  # fmt: skip

    cov = run.radar_coverage
    lat_s, lon_s, alt_s = run.site
    r = sc.battery.radar
    bat = f"THAAD battery ({sc.battery.name})"
    out.append(
        Entity(
            "point", "battery", f"THAAD {sc.battery.name}", _lonlath([lon_s], [lat_s], [alt_s]),
            Style(RADAR_RGBA, 1.5, 12.0, label_rgba=(200, 255, 200, 255), label_scale=0.6),
            ground=True, group=bat,
            description=(
                ("site", f"{lat_s:.4f}N {lon_s:.4f}E, {alt_s:.0f} m"),
                ("radar", f"{r.mode} mode, boresight {r.boresight_az_deg:g} deg, "
                          f"+/-{r.half_fov_deg:g} deg"),
                ("detection range", f"{cov['range_m'] / 1e3:,.0f} km for {cov['rcs_m2']:g} m2"),
                ("launchers", f"{sc.battery.launchers.count} x "
                              f"{sc.battery.launchers.rounds} interceptors"),
            ),
        )
    )  # fmt: skip
    for k, (lat, lon, alt) in enumerate(run.launchers_deg):
        out.append(
            Entity("point", f"launcher-{k + 1}", f"launcher {k + 1}",
                   _lonlath([lon], [lat], [alt]), Style(RADAR_RGBA, 1.0, 5.0),
                   ground=True, group=bat)
        )  # fmt: skip
    ring = np.asarray(cov["polygon"].exterior.coords)[:-1]
    out.append(
        Entity(
            "polygon", "radar-fov", f"radar field of view (to {cov['range_m'] / 1e3:,.0f} km)",
            _lonlath(ring[:, 0], ring[:, 1], np.zeros(len(ring))),
            Style(RADAR_RGBA, 1.5, fill_alpha=50), ground=True, group=bat,
            description=(
                ("azimuth", f"{cov['boresight_az_deg']:g} +/- {cov['half_fov_deg']:g} deg"),
                ("range", f"{cov['range_m'] / 1e3:,.0f} km: detection of a "
                          f"{cov['rcs_m2']:g} m2 RV"),
                ("minimum elevation", f"{cov['min_elevation_deg']:g} deg"),
            ),
        )
    )  # fmt: skip
    blon, blat = _fwd(lat_s, lon_s, [cov["boresight_az_deg"]], cov["range_m"])
    out.append(
        Entity(
            "line", "radar-boresight", "radar boresight",
            _lonlath([lon_s, float(blon[0])], [lat_s, float(blat[0])], [alt_s, 0.0]),
            Style(RADAR_RGBA, 1.5, dashed=True), group=bat,
        )
    )  # fmt: skip
    tk = run.tracking["t_s"]
    if len(tk):
        out.append(
            Entity(
                "link", "radar-track", "radar track (line of sight while the threat is tracked)",
                np.empty((0, 3)), Style((88, 214, 141, 200), 2.0),
                available=(float(tk[0]), float(min(tk[-1], threat.t_s[-1]))),
                refs=("battery", "threat"), group=bat,
            )
        )  # fmt: skip
    if res["intercepted"]:
        alt_km = res["intercept_alt_m"] / 1e3
        out.append(
            Entity(
                "point", "intercept", f"intercept, {alt_km:.1f} km",
                _lonlath([res["intercept_lon_deg"]], [res["intercept_lat_deg"]],
                         [res["intercept_alt_m"]]),
                Style(INTERCEPT_RGBA, 2.0, 16.0, label_rgba=INTERCEPT_RGBA, label_scale=0.65),
                available=(res["intercept_time_s"], t_end),
                description=(
                    ("time", f"T+{res['intercept_time_s']:.2f} s"),
                    ("altitude", f"{alt_km:.1f} km"),
                    ("from the battery", f"{res['intercept_ground_range_m'] / 1e3:.1f} km"),
                    ("miss distance", f"{res['miss_distance_m']:.3f} m"),
                ),
            )
        )  # fmt: skip
    sites = "launch, aim point and defended assets"
    for key in ("launch", "aim"):
        s = th[key]
        out.append(_site_point(key, f"{key}-point", f"{key} point", s["lat_deg"], s["lon_deg"],
                               s.get("alt_m", 0.0), s.get("name"), sites))  # fmt: skip
    # the aim point's asset is already shown as the aim point
    out += _asset_points(sc.assets, {th["aim"].get("name")}, sites)
    return out


def _site_point(key: str, ident: str, label: str, lat_deg: float, lon_deg: float,
                alt_m: float, name: str | None, group: str) -> Entity:  # fmt: skip
    """A launch or aim point's marker (``key`` is ``launch`` or ``aim``)."""
    return Entity(
        "point", ident, label + (f" ({name})" if name else ""),
        _lonlath([lon_deg], [lat_deg], [alt_m]),
        Style(THREAT_RGBA, 1.0, 7.0, label_rgba=(255, 220, 220, 255), label_scale=0.5),
        ground=True, group=group, extra={"label": name or key},
    )  # fmt: skip


def _asset_points(assets: list, skip: set, group: str) -> list[Entity]:
    """The defended assets' markers, but those named in ``skip`` (shown as aim points)."""
    return [
        Entity(
            "point", f"asset-{_slug(a.name)}", a.name,
            _lonlath([a.lon_deg], [a.lat_deg], [a.alt_m]),
            Style(WHITE, 1.0, 6.0, label_rgba=WHITE, label_scale=0.5),
            ground=True, group=group,
        )
        for a in assets
        if a.name not in skip
    ]  # fmt: skip


PLANNED = "planned (kinematic battle model)"
"""The label of a battle's interceptors: the battle flies none (:mod:`thaad.analysis.battle`)."""
INTERCEPTOR_SAMPLES = 11
"""Samples of a battle interceptor's straight segment (evenly spaced in time and in ECEF)."""


def battle_entities(run: Run) -> list[Entity]:
    """Every object of a battle run (ids: ``threat-<id>`` for each threat, flown to its
    intercept or impact; ``interceptor-<n>`` for each shot, the straight segment from its
    launcher to its planned intercept point over its flight time, labelled
    :data:`PLANNED`; ``intercept-<id>``; ``battery-<name>``; ``launch-point-<k>`` and
    ``aim-point-<k>`` of each threat entry; ``asset-<name>``)."""
    from thaad.core.earth import ecef_to_geodetic, geodetic_to_ecef

    h, res, sc = run.history, run.result, run.scenario
    by_id = {t["id"]: t for t in res["threats"]}
    t_end = clock_end_s(run)
    out: list[Entity] = []
    tracks = "threats and interceptors (kinematic battle model)"
    for p, th in zip(run.battle_paths, h["threats"], strict=True):
        flown = _dedupe(p.until(float(th["end_s"])))
        r = by_id.get(th["id"], {})
        hit = bool(r.get("intercepted"))
        out.append(
            Entity(
                "track", f"threat-{_slug(th['id'])}", flown.name,
                _lonlath(flown.lon_deg, flown.lat_deg, flown.alt_m),
                Style(THREAT_RGBA, 2.5 if not hit else 1.5, 8.0, label_rgba=THREAT_RGBA),
                t_s=flown.t_s, speed_mps=flown.speed_mps, group=tracks,
                extra={"label": th["id"]},
                description=(
                    ("class", str(th.get("class", ""))), ("aim", str(th.get("aim", ""))),
                    ("asset", str(th.get("asset", ""))),
                    ("outcome", f"intercepted by {r.get('battery')}" if hit else "leaker"),
                    ("interceptors fired", str(r.get("interceptors_fired", ""))),
                ),
            )
        )  # fmt: skip
    for j, k in enumerate(h["shots"]):
        la = k["launcher_deg"]
        a = geodetic_to_ecef(np.radians(la[0]), np.radians(la[1]), la[2], run.earth)
        b = geodetic_to_ecef(np.radians(k["intercept_lat_deg"]), np.radians(k["intercept_lon_deg"]),
                             k["intercept_alt_m"], run.earth)  # fmt: skip
        f = np.linspace(0.0, 1.0, INTERCEPTOR_SAMPLES)
        pts = np.array([ecef_to_geodetic(*(a + (b - a) * x), run.earth) for x in f])
        t0, t1 = float(k["launch_time_s"]), float(k["intercept_time_s"])
        speed = float(np.linalg.norm(b - a)) / max(t1 - t0, 1e-9)
        rgba = INTERCEPTOR_RGBA[j % len(INTERCEPTOR_RGBA)]
        out.append(
            Entity(
                "track", f"interceptor-{j + 1}",
                f"interceptor {j + 1} at {k['threat']} from {k['battery']}, {PLANNED}",
                _lonlath(np.degrees(pts[:, 1]), np.degrees(pts[:, 0]), pts[:, 2]),
                Style(rgba, 1.5, 6.0, dashed=True, label_rgba=rgba, label_scale=0.45),
                t_s=t0 + (t1 - t0) * f, speed_mps=np.full(INTERCEPTOR_SAMPLES, speed),
                group=tracks, extra={"label": PLANNED},
                description=(
                    ("battery", f"{k['battery']} ({k.get('tier', '')} tier)"),
                    ("launched", f"T+{t0:.1f} s"), ("planned intercept", f"T+{t1:.1f} s"),
                    (f"outcome (drawn at Pk {k['pk']:.3f})" if "pk" in k
                     else "outcome (drawn at sspk)", str(k["outcome"])),
                    ("model", "straight segment to the planned intercept point: not flown"),
                ),
            )
        )  # fmt: skip
    for k in h["shots"]:
        if k["outcome"] != "intercept":
            continue
        alt_km = k["intercept_alt_m"] / 1e3
        out.append(
            Entity(
                "point", f"intercept-{_slug(k['threat'])}",
                f"{k['threat']} intercept, {alt_km:.1f} km ({PLANNED})",
                _lonlath([k["intercept_lon_deg"]], [k["intercept_lat_deg"]],
                         [k["intercept_alt_m"]]),
                Style(INTERCEPT_RGBA, 2.0, 12.0, label_rgba=INTERCEPT_RGBA, label_scale=0.5),
                available=(float(k["intercept_time_s"]), t_end),
                extra={"label": f"{k['threat']} intercept"},
                description=(("time", f"T+{k['intercept_time_s']:.1f} s"),
                             ("altitude", f"{alt_km:.1f} km"), ("battery", k["battery"])),
            )
        )  # fmt: skip
    for b in h["batteries"]:
        lat, lon, alt = b["site_deg"]
        out.append(
            Entity(
                "point", f"battery-{_slug(b['name'])}", f"{b['name']} ({b['tier']} tier)",
                _lonlath([lon], [lat], [alt]),
                Style(RADAR_RGBA, 1.5, 12.0, label_rgba=(200, 255, 200, 255), label_scale=0.6),
                ground=True, group="batteries",
            )
        )  # fmt: skip
    sites = "launch, aim points and defended assets"
    aims = set()
    for n, e in enumerate(sc.threat_list(), start=1):
        for key, p in (("launch", e.launch), ("aim", e.aim)):
            out.append(_site_point(key, f"{key}-point-{n}", f"{key} point {n}", p.lat_deg,
                                   p.lon_deg, p.alt_m, p.name, sites))  # fmt: skip
        aims.add(e.aim.name)
    out += _asset_points(sc.assets, aims, sites)
    return out


def _description(rows: tuple[tuple[str, str], ...]) -> str:
    cells = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f"<table>{cells}</table>"


# ----------------------------------------------------------------------------- CZML


def _flat(a: np.ndarray, digits: tuple[int, ...]) -> list[float]:
    return [round(float(v), digits[i % len(digits)]) for i, v in enumerate(a.ravel())]


def czml_document(run: Run):
    """The engagement as a ``czml3.Document``: one packet per :func:`entities` entry after
    the ``document`` packet that holds the clock."""
    from czml3 import Document, Packet
    from czml3.enums import ClockRanges, ClockSteps, InterpolationAlgorithms, LabelStyles
    from czml3.properties import (
        Clock,
        Color,
        Label,
        Material,
        Path,
        Point,
        Polygon,
        Polyline,
        PolylineDashMaterial,
        PolylineMaterial,
        Position,
        PositionList,
        SolidColorMaterial,
    )
    from czml3.types import Cartesian2Value, TimeInterval

    res = run.result
    whole = TimeInterval(start=_iso(0.0), end=_iso(clock_end_s(run)))

    def color(rgba, alpha=None):
        r, g, b, a = rgba
        return Color(rgba=[r, g, b, a if alpha is None else alpha])

    def label(text, st: Style):
        return Label(
            text=text,
            font="20px sans-serif",
            scale=st.label_scale,
            fillColor=color(st.label_rgba),
            outlineColor=color((0, 0, 0, 255)),
            outlineWidth=2,
            style=LabelStyles.FILL_AND_OUTLINE,
            pixelOffset=Cartesian2Value(values=[12, -6]),
        )

    def line_material(st: Style):
        if st.dashed:
            return PolylineMaterial(polylineDash=PolylineDashMaterial(color=color(st.rgba)))
        return PolylineMaterial(solidColor=SolidColorMaterial(color=color(st.rgba)))

    packets = [
        Packet(
            id="document",
            name=f"thaad: {res['scenario_name']} (seed {res['seed']})"
            + ("; interceptors planned (kinematic battle model)" if run.is_battle else ""),
            version="1.0",
            clock=Clock(
                interval=whole,
                currentTime=_iso(0.0),
                multiplier=10,
                range=ClockRanges.LOOP_STOP,
                step=ClockSteps.SYSTEM_CLOCK_MULTIPLIER,
            ),
        )
    ]
    for e in entities(run):
        st = e.style
        kw: dict = {"id": e.id, "name": e.name}
        if e.description:
            kw["description"] = _description(e.description)
        if e.available is not None:
            kw["availability"] = TimeInterval(start=_iso(e.available[0]), end=_iso(e.available[1]))
        if st.label_rgba is not None:
            kw["label"] = label(e.extra.get("label", e.name), st)
        if e.kind == "track":
            samples = np.column_stack([e.t_s, e.positions])
            # available all along, so the trail stays on the globe after the flight ends;
            # the object itself shows only while it has samples (no extrapolation)
            kw["availability"] = whole
            kw["position"] = Position(
                epoch=EPOCH_ISO,
                cartographicDegrees=_flat(samples, (4, 7, 7, 2)),
                interpolationAlgorithm=InterpolationAlgorithms.LAGRANGE,
                interpolationDegree=3,
            )
            kw["point"] = Point(
                pixelSize=st.size, color=color(st.rgba), outlineColor=color(WHITE), outlineWidth=1.5
            )
            kw["path"] = Path(
                leadTime=0, trailTime=1e5, width=st.width, resolution=1,
                material=line_material(st),
            )  # fmt: skip
            speed = np.column_stack([e.t_s, e.speed_mps])
            kw["properties"] = {"speed_mps": {"epoch": EPOCH_ISO, "number": _flat(speed, (4, 2))}}
        elif e.kind == "point":
            kw["position"] = Position(cartographicDegrees=[float(v) for v in e.positions[0]])
            kw["point"] = Point(
                pixelSize=st.size,
                color=color(st.rgba),
                outlineColor=color((0, 0, 0, 255) if e.id == "intercept" else WHITE),
                outlineWidth=st.width,
            )
        elif e.kind == "line":
            kw["polyline"] = Polyline(
                positions=PositionList(cartographicDegrees=_flat(e.positions, (7, 7, 2))),
                width=st.width,
                material=line_material(st),
            )
        elif e.kind == "polygon":
            kw["polygon"] = Polygon(
                positions=PositionList(cartographicDegrees=_flat(e.positions, (6, 6, 2))),
                height=0,
                material=Material(
                    solidColor=SolidColorMaterial(color=color(st.rgba, st.fill_alpha))
                ),
                outline=True,
                outlineColor=color(st.rgba, 220),
            )
        elif e.kind == "link":
            kw["polyline"] = Polyline(
                positions=PositionList(references=[f"{r}#position" for r in e.refs]),
                width=st.width,
                arcType="NONE",
                material=line_material(st),
            )
        packets.append(Packet(**kw))
    return Document(packets=packets)


def czml_text(run: Run) -> str:
    """The CZML document as compact JSON text."""
    return czml_document(run).model_dump_json(exclude_none=True)


# ----------------------------------------------------------------------------- KML

KML_NS = "http://www.opengis.net/kml/2.2"
GX_NS = "http://www.google.com/kml/ext/2.2"


def _kml_color(rgba: tuple[int, int, int, int], alpha: int | None = None) -> str:
    r, g, b, a = rgba
    return f"{alpha if alpha is not None else a:02x}{b:02x}{g:02x}{r:02x}"  # aabbggrr


def kml_text(run: Run) -> str:
    """The engagement as a KML 2.2 document (text): one folder per entity group, one
    placemark per entity (a moving object as a ``gx:Track`` and its whole path as a line;
    lines between entities are left out: KML has none)."""
    ET.register_namespace("", KML_NS)
    ET.register_namespace("gx", GX_NS)
    k = f"{{{KML_NS}}}"
    gx = f"{{{GX_NS}}}"
    res = run.result

    root = ET.Element(k + "kml")
    doc = ET.SubElement(root, k + "Document")
    ET.SubElement(doc, k + "name").text = f"thaad: {res['scenario_name']} (seed {res['seed']})"
    ET.SubElement(doc, k + "description").text = (
        f"thaad {res['version']}, scenario hash {res['scenario_sha256']}. Times are seconds "
        f"after threat launch, placed at the nominal epoch {EPOCH_ISO}."
    )
    ents = [e for e in entities(run) if e.kind != "link"]
    for e in ents:
        st = e.style
        s = ET.SubElement(doc, k + "Style", id=e.id)
        ls = ET.SubElement(s, k + "LineStyle")
        ET.SubElement(ls, k + "color").text = _kml_color(st.rgba)
        ET.SubElement(ls, k + "width").text = f"{st.width:g}"
        ic = ET.SubElement(s, k + "IconStyle")
        ET.SubElement(ic, k + "color").text = _kml_color(st.rgba)
        ET.SubElement(ic, k + "scale").text = f"{st.size / 8.0:g}"
        if st.fill_alpha is not None:
            ps = ET.SubElement(s, k + "PolyStyle")
            ET.SubElement(ps, k + "color").text = _kml_color(st.rgba, st.fill_alpha)

    folders: dict[str, ET.Element] = {}

    def folder(name: str) -> ET.Element:
        if not name:
            return doc
        if name not in folders:
            folders[name] = ET.SubElement(doc, k + "Folder")
            ET.SubElement(folders[name], k + "name").text = name
        return folders[name]

    def placemark(parent, e: Entity, pid: str, name: str) -> ET.Element:
        pm = ET.SubElement(parent, k + "Placemark", id=pid)
        ET.SubElement(pm, k + "name").text = name
        if e.description:
            ET.SubElement(pm, k + "description").text = ", ".join(
                f"{a}: {b}" for a, b in e.description
            )
        ET.SubElement(pm, k + "styleUrl").text = f"#{e.id}"
        if e.available is not None and e.kind == "point":
            ts = ET.SubElement(pm, k + "TimeSpan")
            ET.SubElement(ts, k + "begin").text = _iso(e.available[0])
        return pm

    def coords(pos: np.ndarray, sep: str = ",") -> str:
        return " ".join(f"{lon:.7f}{sep}{lat:.7f}{sep}{h:.1f}" for lon, lat, h in pos)

    for e in ents:
        parent = folder(e.group)
        mode = "clampToGround" if e.ground else "absolute"
        if e.kind == "track":
            pm = placemark(parent, e, e.id, e.name)
            trk = ET.SubElement(pm, gx + "Track")
            ET.SubElement(trk, k + "altitudeMode").text = "absolute"
            for t in e.t_s:
                ET.SubElement(trk, k + "when").text = _iso(t)
            for lon, lat, h in e.positions:
                ET.SubElement(trk, gx + "coord").text = f"{lon:.7f} {lat:.7f} {h:.1f}"
            pm = placemark(parent, e, f"{e.id}-line", f"{e.name}: whole path")
            ls = ET.SubElement(pm, k + "LineString")
            ET.SubElement(ls, k + "altitudeMode").text = "absolute"
            ET.SubElement(ls, k + "coordinates").text = coords(e.positions)
        elif e.kind == "point":
            pm = placemark(parent, e, e.id, e.name)
            pt = ET.SubElement(pm, k + "Point")
            ET.SubElement(pt, k + "altitudeMode").text = mode
            ET.SubElement(pt, k + "coordinates").text = coords(e.positions[:1])
        elif e.kind == "line":
            pm = placemark(parent, e, e.id, e.name)
            ls = ET.SubElement(pm, k + "LineString")
            ET.SubElement(ls, k + "altitudeMode").text = mode
            ET.SubElement(ls, k + "coordinates").text = coords(e.positions)
        elif e.kind == "polygon":
            pm = placemark(parent, e, e.id, e.name)
            poly = ET.SubElement(pm, k + "Polygon")
            ET.SubElement(poly, k + "tessellate").text = "1"
            ET.SubElement(poly, k + "altitudeMode").text = mode
            lr = ET.SubElement(ET.SubElement(poly, k + "outerBoundaryIs"), k + "LinearRing")
            ring = np.vstack([e.positions, e.positions[:1]])  # closed, as KML requires
            ET.SubElement(lr, k + "coordinates").text = coords(ring)
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
