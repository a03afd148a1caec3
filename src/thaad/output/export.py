"""Export an engagement for 3-D viewers: time-dynamic CZML (CesiumJS) and KML (Google Earth).

Both carry the threat's and every interceptor's path with time, the battery and its
launchers, the radar face's field of view out to its detection range for the threat's
reentry vehicle, the intercept point, the launch and aim points and the defended assets.

The simulation has no calendar date: time zero (threat launch) is placed at
:data:`EPOCH`, a nominal date, and every time is seconds after it. Positions are geodetic on
the run's own Earth model (:mod:`thaad.output.rundir`), so heights are the ones the run flew.

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

import numpy as np

from thaad.output.rundir import FlightPath, Run

__all__ = ["EPOCH", "czml_document", "czml_text", "kml_text"]

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


def _samples(path: FlightPath) -> list[float]:
    out: list[float] = []
    for t, lon, lat, h in zip(path.t_s, path.lon_deg, path.lat_deg, path.alt_m, strict=True):
        out += [round(float(t), 4), round(float(lon), 7), round(float(lat), 7), round(float(h), 2)]
    return out


def _number_samples(t_s: np.ndarray, v: np.ndarray) -> list[float]:
    out: list[float] = []
    for t, x in zip(t_s, v, strict=True):
        out += [round(float(t), 4), round(float(x), 2)]
    return out


def _dedupe(path: FlightPath) -> FlightPath:
    """Drop repeated sample times (an event can be logged twice at one instant): CZML
    interpolation needs strictly increasing times."""
    keep = np.concatenate([[True], np.diff(path.t_s) > 1e-9])
    return FlightPath(
        path.name,
        *(a[keep] for a in (path.t_s, path.lat_deg, path.lon_deg, path.alt_m, path.speed_mps)),
    )


def _description(rows: list[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f"<table>{cells}</table>"


def _paths(run: Run) -> tuple[FlightPath, list[FlightPath]]:
    threat = _dedupe(run.threat_path.until(run.threat_end_s))
    return threat, [_dedupe(p) for p in run.interceptor_paths if len(p.t_s) >= 2]


def czml_document(run: Run):
    """The engagement as a ``czml3.Document`` (entity ids: ``threat``, ``threat-unopposed``,
    ``interceptor-1``..., ``battery``, ``launcher-1``..., ``radar-fov``, ``radar-boresight``,
    ``radar-track``, ``intercept``, ``launch-point``, ``aim-point``, ``asset-<name>``)."""
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
    th = res["threat"]
    threat, interceptors = _paths(run)
    t_end = run.end_time_s
    if not res["intercepted"]:
        t_end = max(t_end, float(run.threat_path.t_s[-1]))
    t_end += 30.0  # a short aftermath: the intercept point and trails stay on show
    whole = TimeInterval(start=_iso(0.0), end=_iso(t_end))

    def color(rgba, alpha=None):
        r, g, b, a = rgba
        return Color(rgba=[r, g, b, a if alpha is None else alpha])

    def label(text, rgba=WHITE, scale=0.55):
        return Label(
            text=text,
            font="20px sans-serif",
            scale=scale,
            fillColor=color(rgba),
            outlineColor=color((0, 0, 0, 255)),
            outlineWidth=2,
            style=LabelStyles.FILL_AND_OUTLINE,
            pixelOffset=Cartesian2Value(values=[12, -6]),
        )

    def flying(pid, name, path, rgba, desc):
        return Packet(
            id=pid,
            name=name,
            description=desc,
            # available all along, so the trail stays on the globe after the flight ends;
            # the object itself shows only while it has samples (no extrapolation)
            availability=whole,
            position=Position(
                epoch=EPOCH_ISO,
                cartographicDegrees=_samples(path),
                interpolationAlgorithm=InterpolationAlgorithms.LAGRANGE,
                interpolationDegree=3,
            ),
            point=Point(
                pixelSize=9, color=color(rgba), outlineColor=color(WHITE), outlineWidth=1.5
            ),
            path=Path(
                leadTime=0,
                trailTime=1e5,
                width=2.5,
                resolution=1,
                material=PolylineMaterial(solidColor=SolidColorMaterial(color=color(rgba))),
            ),
            label=label(name, rgba),
            properties={
                "speed_mps": {
                    "epoch": EPOCH_ISO,
                    "number": _number_samples(path.t_s, path.speed_mps),
                }
            },
        )

    cov = run.radar_coverage
    site_lat, site_lon, site_alt = run.site
    packets = [
        Packet(
            id="document",
            name=f"thaad: {res['scenario_name']} (seed {res['seed']})",
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
    packets.append(
        flying(
            "threat",
            threat.name,
            threat,
            THREAT_RGBA,
            _description(
                [
                    ("class", th["class"]),
                    ("launch", th["launch"].get("name") or ""),
                    ("aim", th["aim"].get("name") or ""),
                    ("apogee", f"{th['apogee_alt_m'] / 1e3:.1f} km"),
                    ("outcome", "intercepted" if res["intercepted"] else "not intercepted"),
                ]
            ),
        )
    )
    if res["intercepted"]:
        full = run.threat_path
        rest = full.t_s >= run.threat_end_s
        lonlath: list[float] = []
        for lon, lat, h in zip(
            full.lon_deg[rest], full.lat_deg[rest], full.alt_m[rest], strict=True
        ):
            lonlath += [round(float(lon), 7), round(float(lat), 7), round(float(h), 2)]
        if len(lonlath) >= 6:
            packets.append(
                Packet(
                    id="threat-unopposed",
                    name="threat, had it not been intercepted",
                    availability=TimeInterval(start=_iso(run.threat_end_s), end=_iso(t_end)),
                    polyline=Polyline(
                        positions=PositionList(cartographicDegrees=lonlath),
                        width=1.5,
                        material=PolylineMaterial(
                            polylineDash=PolylineDashMaterial(color=color(THREAT_RGBA, 140))
                        ),
                    ),
                )
            )
    for j, p in enumerate(interceptors):
        rgba = INTERCEPTOR_RGBA[j % len(INTERCEPTOR_RGBA)]
        packets.append(
            flying(
                f"interceptor-{j + 1}",
                p.name,
                p,
                rgba,
                _description(
                    [
                        ("launched", f"T+{p.t_s[0]:.2f} s"),
                        ("flight ends", f"T+{p.t_s[-1]:.2f} s"),
                        ("peak speed", f"{np.max(p.speed_mps):,.0f} m/s"),
                    ]
                ),
            )
        )
    r = run.scenario.battery.radar
    packets.append(
        Packet(
            id="battery",
            name=f"THAAD battery ({run.scenario.battery.name})",
            description=_description(
                [
                    ("site", f"{site_lat:.4f}N {site_lon:.4f}E, {site_alt:.0f} m"),
                    (
                        "radar",
                        f"{r.mode} mode, boresight {r.boresight_az_deg:g} deg, "
                        f"+/-{r.half_fov_deg:g} deg",
                    ),
                    ("detection range", f"{cov['range_m'] / 1e3:,.0f} km for {cov['rcs_m2']:g} m2"),
                    (
                        "launchers",
                        f"{run.scenario.battery.launchers.count} x "
                        f"{run.scenario.battery.launchers.rounds} interceptors",
                    ),
                ]
            ),
            position=Position(cartographicDegrees=[site_lon, site_lat, site_alt]),
            point=Point(
                pixelSize=12, color=color(RADAR_RGBA), outlineColor=color(WHITE), outlineWidth=2
            ),
            label=label(f"THAAD {run.scenario.battery.name}", (200, 255, 200, 255), 0.6),
        )
    )
    for k, (lat, lon, alt) in enumerate(run.launchers_deg):
        packets.append(
            Packet(
                id=f"launcher-{k + 1}",
                name=f"launcher {k + 1}",
                position=Position(cartographicDegrees=[lon, lat, alt]),
                point=Point(
                    pixelSize=5, color=color(RADAR_RGBA), outlineColor=color(WHITE), outlineWidth=1
                ),
            )
        )
    ring: list[float] = []
    for lon, lat in list(cov["polygon"].exterior.coords)[:-1]:
        ring += [round(lon, 6), round(lat, 6), 0.0]
    packets.append(
        Packet(
            id="radar-fov",
            name=f"radar field of view (to {cov['range_m'] / 1e3:,.0f} km)",
            description=_description(
                [
                    ("azimuth", f"{cov['boresight_az_deg']:g} +/- {cov['half_fov_deg']:g} deg"),
                    (
                        "range",
                        f"{cov['range_m'] / 1e3:,.0f} km: detection of a {cov['rcs_m2']:g} m2 RV",
                    ),
                    ("minimum elevation", f"{cov['min_elevation_deg']:g} deg"),
                ]
            ),
            polygon=Polygon(
                positions=PositionList(cartographicDegrees=ring),
                height=0,
                material=Material(solidColor=SolidColorMaterial(color=color(RADAR_RGBA, 50))),
                outline=True,
                outlineColor=color(RADAR_RGBA, 220),
            ),
        )
    )
    from thaad.model.geo import _fwd

    blon, blat = _fwd(site_lat, site_lon, [cov["boresight_az_deg"]], cov["range_m"])
    packets.append(
        Packet(
            id="radar-boresight",
            name="radar boresight",
            polyline=Polyline(
                positions=PositionList(
                    cartographicDegrees=[
                        site_lon,
                        site_lat,
                        site_alt,
                        float(blon[0]),
                        float(blat[0]),
                        0.0,
                    ]
                ),
                width=1.5,
                material=PolylineMaterial(
                    polylineDash=PolylineDashMaterial(color=color(RADAR_RGBA))
                ),
            ),
        )
    )
    tk = run.tracking["t_s"]
    if len(tk):
        packets.append(
            Packet(
                id="radar-track",
                name="radar track (line of sight while the threat is tracked)",
                availability=TimeInterval(start=_iso(tk[0]), end=_iso(min(tk[-1], threat.t_s[-1]))),
                polyline=Polyline(
                    positions=PositionList(references=["battery#position", "threat#position"]),
                    width=2,
                    arcType="NONE",
                    material=PolylineMaterial(
                        solidColor=SolidColorMaterial(color=color((88, 214, 141, 255), 200))
                    ),
                ),
            )
        )
    if res["intercepted"]:
        packets.append(
            Packet(
                id="intercept",
                name="intercept",
                description=_description(
                    [
                        ("time", f"T+{res['intercept_time_s']:.2f} s"),
                        ("altitude", f"{res['intercept_alt_m'] / 1e3:.1f} km"),
                        ("from the battery", f"{res['intercept_ground_range_m'] / 1e3:.1f} km"),
                        ("miss distance", f"{res['miss_distance_m']:.3f} m"),
                    ]
                ),
                availability=TimeInterval(start=_iso(res["intercept_time_s"]), end=_iso(t_end)),
                position=Position(
                    cartographicDegrees=[
                        res["intercept_lon_deg"],
                        res["intercept_lat_deg"],
                        res["intercept_alt_m"],
                    ]
                ),
                point=Point(
                    pixelSize=16,
                    color=color(INTERCEPT_RGBA),
                    outlineColor=color((0, 0, 0, 255)),
                    outlineWidth=2,
                ),
                label=label(
                    f"intercept {res['intercept_alt_m'] / 1e3:.1f} km", INTERCEPT_RGBA, 0.65
                ),
            )
        )
    for pid, key, rgba in (
        ("launch-point", "launch", THREAT_RGBA),
        ("aim-point", "aim", THREAT_RGBA),
    ):
        s = th[key]
        packets.append(
            Packet(
                id=pid,
                name=f"{key} point" + (f" ({s['name']})" if s.get("name") else ""),
                position=Position(
                    cartographicDegrees=[s["lon_deg"], s["lat_deg"], s.get("alt_m", 0.0)]
                ),
                point=Point(
                    pixelSize=7, color=color(rgba), outlineColor=color(WHITE), outlineWidth=1
                ),
                label=label(s.get("name") or key, (255, 220, 220, 255), 0.5),
            )
        )
    for a in run.scenario.assets:
        if a.name == th["aim"].get("name"):
            continue
        packets.append(
            Packet(
                id=f"asset-{_slug(a.name)}",
                name=a.name,
                position=Position(cartographicDegrees=[a.lon_deg, a.lat_deg, a.alt_m]),
                point=Point(pixelSize=6, color=color(WHITE)),
                label=label(a.name, WHITE, 0.5),
            )
        )
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
    """The engagement as a KML 2.2 document (text)."""
    ET.register_namespace("", KML_NS)
    ET.register_namespace("gx", GX_NS)
    k = f"{{{KML_NS}}}"
    gx = f"{{{GX_NS}}}"
    res = run.result
    th = res["threat"]
    threat, interceptors = _paths(run)

    root = ET.Element(k + "kml")
    doc = ET.SubElement(root, k + "Document")
    ET.SubElement(doc, k + "name").text = f"thaad: {res['scenario_name']} (seed {res['seed']})"
    ET.SubElement(doc, k + "description").text = (
        f"thaad {res['version']}, scenario hash {res['scenario_sha256']}. Times are seconds "
        f"after threat launch, placed at the nominal epoch {EPOCH_ISO}."
    )

    def style(sid: str, rgba, width=2.5, scale=1.0, poly_alpha=None):
        s = ET.SubElement(doc, k + "Style", id=sid)
        ls = ET.SubElement(s, k + "LineStyle")
        ET.SubElement(ls, k + "color").text = _kml_color(rgba)
        ET.SubElement(ls, k + "width").text = f"{width:g}"
        ic = ET.SubElement(s, k + "IconStyle")
        ET.SubElement(ic, k + "color").text = _kml_color(rgba)
        ET.SubElement(ic, k + "scale").text = f"{scale:g}"
        if poly_alpha is not None:
            ps = ET.SubElement(s, k + "PolyStyle")
            ET.SubElement(ps, k + "color").text = _kml_color(rgba, poly_alpha)

    style("threat", THREAT_RGBA, 3.0)
    for j in range(len(interceptors)):
        style(f"interceptor-{j + 1}", INTERCEPTOR_RGBA[j % len(INTERCEPTOR_RGBA)], 2.5)
    style("radar", RADAR_RGBA, 1.5, 1.2, poly_alpha=60)
    style("intercept", INTERCEPT_RGBA, 2.0, 1.5)
    style("site", WHITE, 1.0, 0.8)

    def placemark(parent, name, sid, pid=None, desc=None):
        pm = ET.SubElement(parent, k + "Placemark", **({"id": pid} if pid else {}))
        ET.SubElement(pm, k + "name").text = name
        if desc:
            ET.SubElement(pm, k + "description").text = desc
        ET.SubElement(pm, k + "styleUrl").text = f"#{sid}"
        return pm

    def point(pm, lon, lat, alt, mode="absolute"):
        pt = ET.SubElement(pm, k + "Point")
        ET.SubElement(pt, k + "altitudeMode").text = mode
        ET.SubElement(pt, k + "coordinates").text = f"{lon:.7f},{lat:.7f},{alt:.1f}"

    def track_folder(name: str, path: FlightPath, sid: str, pid: str):
        f = ET.SubElement(doc, k + "Folder")
        ET.SubElement(f, k + "name").text = name
        pm = placemark(f, name, sid, pid)
        trk = ET.SubElement(pm, gx + "Track")
        ET.SubElement(trk, k + "altitudeMode").text = "absolute"
        for t in path.t_s:
            ET.SubElement(trk, k + "when").text = _iso(t)
        for lon, lat, h in zip(path.lon_deg, path.lat_deg, path.alt_m, strict=True):
            ET.SubElement(trk, gx + "coord").text = f"{lon:.7f} {lat:.7f} {h:.1f}"
        line = placemark(f, f"{name}: whole path", sid, f"{pid}-line")
        ls = ET.SubElement(line, k + "LineString")
        ET.SubElement(ls, k + "altitudeMode").text = "absolute"
        ET.SubElement(ls, k + "coordinates").text = " ".join(
            f"{lon:.7f},{lat:.7f},{h:.1f}"
            for lon, lat, h in zip(path.lon_deg, path.lat_deg, path.alt_m, strict=True)
        )

    track_folder(threat.name, threat, "threat", "threat")
    for j, p in enumerate(interceptors):
        track_folder(p.name, p, f"interceptor-{j + 1}", f"interceptor-{j + 1}")

    bat = ET.SubElement(doc, k + "Folder")
    ET.SubElement(bat, k + "name").text = f"THAAD battery ({run.scenario.battery.name})"
    lat_s, lon_s, alt_s = run.site
    point(
        placemark(bat, f"THAAD {run.scenario.battery.name}", "radar", "battery"),
        lon_s,
        lat_s,
        alt_s,
        "clampToGround",
    )
    for n, (lat, lon, alt) in enumerate(run.launchers_deg):
        point(
            placemark(bat, f"launcher {n + 1}", "radar", f"launcher-{n + 1}"),
            lon,
            lat,
            alt,
            "clampToGround",
        )
    cov = run.radar_coverage
    pm = placemark(
        bat,
        f"radar field of view (to {cov['range_m'] / 1e3:,.0f} km)",
        "radar",
        "radar-fov",
        f"{cov['boresight_az_deg']:g} +/- {cov['half_fov_deg']:g} deg azimuth, out to "
        f"the detection range of a {cov['rcs_m2']:g} m2 reentry vehicle",
    )
    poly = ET.SubElement(pm, k + "Polygon")
    ET.SubElement(poly, k + "tessellate").text = "1"
    ET.SubElement(poly, k + "altitudeMode").text = "clampToGround"
    lr = ET.SubElement(ET.SubElement(poly, k + "outerBoundaryIs"), k + "LinearRing")
    ET.SubElement(lr, k + "coordinates").text = " ".join(
        f"{lon:.6f},{lat:.6f},0" for lon, lat in cov["polygon"].exterior.coords
    )

    if res["intercepted"]:
        pm = placemark(
            doc,
            f"intercept, {res['intercept_alt_m'] / 1e3:.1f} km",
            "intercept",
            "intercept",
            f"T+{res['intercept_time_s']:.2f} s, miss distance {res['miss_distance_m']:.3f} m",
        )
        ts = ET.SubElement(pm, k + "TimeSpan")
        ET.SubElement(ts, k + "begin").text = _iso(res["intercept_time_s"])
        point(pm, res["intercept_lon_deg"], res["intercept_lat_deg"], res["intercept_alt_m"])

    sites = ET.SubElement(doc, k + "Folder")
    ET.SubElement(sites, k + "name").text = "launch, aim point and defended assets"
    for key in ("launch", "aim"):
        s = th[key]
        point(
            placemark(
                sites, f"{key} point: {s.get('name') or ''}".strip(": "), "threat", f"{key}-point"
            ),
            s["lon_deg"],
            s["lat_deg"],
            0.0,
            "clampToGround",
        )
    for a in run.scenario.assets:
        point(
            placemark(sites, a.name, "site", f"asset-{_slug(a.name)}"),
            a.lon_deg,
            a.lat_deg,
            0.0,
            "clampToGround",
        )
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
