"""``thaad report``: one self-contained HTML file from a run's output directory.

The file opens offline: the figures are PNGs drawn with matplotlib and inlined as base64
``data:`` URIs, the style sheet is inline, nothing is linked from outside. Sections:

- the outcome, the software version, seed and scenario hash, and the command that
  reproduces the run;
- the engagement timeline as a chart and a table of events;
- altitude against time; ground tracks on a map with coastlines and borders
  (:func:`thaad.output.maps.plot_base_map`) and the radar's field of view;
- the radar track's error against the truth with the filter's 3-sigma bound, and its
  normalised innovations (NIS) with their 95 % chi-square bounds;
- Monte Carlo, footprint and coverage results where ``thaad montecarlo``, ``thaad footprint``
  or ``thaad coverage`` left them in the directory (``montecarlo.json`` and Parquet,
  ``footprint.json`` and ``footprint.nc``, GeoJSON, ``coverage.json``);
- every scenario parameter with its value (from ``scenario.yaml``) and its source (from
  ``thaad/data/parameter_sources.yaml``, which points to ``docs/parameters.md``).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import html
import io
import json
import math
import re
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from thaad.errors import ThaadInputError
from thaad.output.rundir import Run, finite, load_run
from thaad.version import __version__

__all__ = ["build_report", "parameter_rows", "parameter_sources", "write_report"]

REPORT_FILE = "report.html"
SOURCES_FILE = "parameter_sources.yaml"
THREAT_COLOR = "#c0392b"
TRACK_COLOR = "#e67e22"
RADAR_COLOR = "#1e8449"
ITC_COLORS = ("#1f5fa8", "#7d3c98", "#117a65", "#2e86c1", "#a04000", "#5d6d7e")
CHI2_3DOF_95 = (0.2158, 9.3484)  # chi-square, 3 dof: 2.5 % and 97.5 % points (NIST tables)
DPI = 110

UNITS = (
    ("_m2ps3", "m²/s³"),
    ("_kgpm2", "kg/m²"),
    ("_mps2", "m/s²"),
    ("_mps", "m/s"),
    ("_m2", "m²"),
    ("_km", "km"),
    ("_deg", "°"),
    ("_mrad", "mrad"),
    ("_urad", "µrad"),
    ("_hz", "Hz"),
    ("_db", "dB"),
    ("_kg", "kg"),
    ("_w", "W"),
    ("_k", "K"),
    ("_s", "s"),
    ("_m", "m"),
)


# ----------------------------------------------------------------------------- parameters


@functools.cache
def parameter_sources() -> dict[str, dict[str, str]]:
    """The shipped table ``scenario key -> {row, section, source}`` (see the file's header)."""
    import yaml

    text = resources.files("thaad.data").joinpath(SOURCES_FILE).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def source_of(key: str) -> dict[str, str] | None:
    """The source entry of a dotted key, or of the nearest section above it."""
    table = parameter_sources()
    parts = key.split(".")
    for n in range(len(parts), 0, -1):
        k = ".".join(parts[:n])
        if k in table:
            return table[k]
    return None


def _unit(key: str) -> str:
    last = key.rsplit(".", 1)[-1]
    for suffix, unit in UNITS:
        if last.endswith(suffix):
            return unit
    return ""


def _fmt_num(v: float) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if v != 0.0 and (abs(v) >= 1e6 or abs(v) < 1e-3):
        return f"{v:.6g}"
    return f"{v:,.10g}"


def _fmt_site(d: dict[str, Any]) -> str:
    lat, lon = d.get("lat_deg"), d.get("lon_deg")
    text = f"{abs(lat):.4f}°{'N' if lat >= 0 else 'S'}, {abs(lon):.4f}°{'E' if lon >= 0 else 'W'}"
    if d.get("alt_m"):
        text += f", {_fmt_num(d['alt_m'])} m"
    if d.get("name"):
        text = f"{d['name']}: {text}"
    return text


def _is_site(v: Any) -> bool:
    return isinstance(v, dict) and {"lat_deg", "lon_deg"} <= v.keys()


def parameter_rows(scenario: Any) -> list[tuple[str, str, dict[str, str] | None]]:
    """``(key, value as text, source entry)`` for every value of a scenario, in file order.

    Sites (latitude, longitude, height, name) are one row each; a threat cross-section left
    to the class default says so and gives the default.
    """
    data = scenario.model_dump(mode="json", by_alias=True)
    rcs = dict(zip(("rcs_boost_m2", "rcs_rv_m2"), scenario.threat_rcs(), strict=True))
    rows: list[tuple[str, str, dict[str, str] | None]] = []

    def walk(prefix: str, v: Any) -> None:
        if _is_site(v):
            rows.append((prefix, _fmt_site(v), source_of(prefix)))
        elif isinstance(v, dict):
            for k, sub in v.items():
                walk(f"{prefix}.{k}" if prefix else k, sub)
        elif isinstance(v, list):
            if not v:
                rows.append((prefix, "(none)", source_of(prefix)))
            for i, sub in enumerate(v):
                walk(f"{prefix}.{i}", sub)
        else:
            unit = _unit(prefix)
            last = prefix.rsplit(".", 1)[-1]
            if v is None and last in rcs:
                text = f"class default: {_fmt_num(rcs[last])} {unit}"
            elif v is None:
                text = "(default)"
            elif isinstance(v, int | float):
                text = f"{_fmt_num(v)} {unit}".strip()
            else:
                text = str(v)
            rows.append((prefix, text, source_of(prefix)))

    walk("", data)
    return rows


# ----------------------------------------------------------------------------- figures


def _figure(w: float, h: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(w, h), dpi=DPI, layout="constrained")
    return fig


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _extent(lons: list[float], lats: list[float], pad_deg: float = 0.8) -> list[float]:
    lo0, lo1 = min(lons) - pad_deg, max(lons) + pad_deg
    la0, la1 = min(lats) - pad_deg, max(lats) + pad_deg
    # at least a 4:3 window on the ground, so a short track is not drawn as a sliver
    mid = math.cos(math.radians(0.5 * (la0 + la1)))
    w, h = (lo1 - lo0) * mid, la1 - la0
    if w < 1.33 * h:
        extra = (1.33 * h - w) / mid / 2
        lo0, lo1 = lo0 - extra, lo1 + extra
    elif h < 0.75 * w:
        extra = (0.75 * w - h) / 2
        la0, la1 = la0 - extra, la1 + extra
    return [lo0, lo1, max(la0, -89.0), min(la1, 89.0)]


def _poly_lonlat(geom: Any) -> list[np.ndarray]:
    from thaad.model.geo import _polygons

    return [np.asarray(p.exterior.coords) for p in _polygons(geom)]


def timeline_figure(run: Run) -> str:
    """Gantt chart of the engagement: threat boost and flight, radar track, each
    interceptor's boost and flight, with the numbered events of the table."""
    res = run.result
    th = res["threat"]
    rows: list[tuple[str, list[tuple[float, float, str, str]]]] = []
    cut = float(th.get("cutoff_s") or 0.0)
    t_end = run.threat_end_s
    rows.append(
        ("threat", [(0.0, cut, THREAT_COLOR, "boost"), (cut, t_end, "#e6b0aa", "free flight")])
    )
    tk = run.tracking["t_s"]
    det = run.event_times("first_detection")
    radar = []
    if det:
        firm = run.event_times("track_firm")
        t_firm = firm[0] if firm else det[0]
        radar.append((det[0], t_firm, "#a9dfbf", "initiation"))
        if len(tk):
            radar.append((t_firm, float(tk[-1]), RADAR_COLOR, "firm track"))
    rows.append(("radar", radar))
    burnouts = {
        e.get("interceptor"): e["t_s"] for e in res["events"] if e["kind"] == "interceptor_burnout"
    }
    for j, p in enumerate(run.interceptor_paths):
        if not len(p.t_s):
            continue
        c = ITC_COLORS[j % len(ITC_COLORS)]
        t0, t1 = float(p.t_s[0]), float(p.t_s[-1])
        tb = min(float(burnouts.get(j, t0)), t1)
        rows.append((f"interceptor #{j + 1}", [(t0, tb, c, "boost"), (tb, t1, c + "80", "flight")]))
    fig = _figure(9.5, 1.2 + 0.55 * len(rows))
    ax = fig.add_subplot()
    for i, (_, bars) in enumerate(rows):
        y = len(rows) - 1 - i
        for a, b, color, _label in bars:
            if b > a:
                ax.barh(y, b - a, left=a, height=0.5, color=color, edgecolor="none")
    for n, e in enumerate(res["events"], start=1):
        kind = e["kind"]
        if kind.startswith("threat"):
            y = len(rows) - 1
        elif kind in ("first_detection", "track_firm"):
            y = len(rows) - 2
        elif "interceptor" in e and isinstance(e["interceptor"], int):
            y = len(rows) - 3 - e["interceptor"]
        else:
            y = len(rows) - 1
        y = max(y, 0)
        marker = "*" if kind == "intercept" else "X" if kind in ("miss", "threat_impact") else "D"
        ax.plot(e["t_s"], y, marker=marker, color="black", ms=9 if marker == "*" else 5, zorder=3)
        ax.annotate(
            str(n),
            (e["t_s"], y),
            xytext=(0, 9 + 7 * (n % 2)),
            textcoords="offset points",
            ha="center",
            fontsize=8,
        )
    ax.set_yticks(range(len(rows)), [r[0] for r in rows][::-1])
    ax.set_ylim(-0.7, len(rows) - 0.2)
    ax.set_xlim(0.0, max(run.end_time_s, t_end) * 1.02)
    ax.set_xlabel("time after threat launch (s)")
    ax.grid(True, axis="x", color="0.85")
    ax.set_axisbelow(True)
    ax.set_title("Engagement timeline (numbers: the events in the table below)", fontsize=10)
    return _png(fig)


def altitude_figure(run: Run) -> str:
    """Altitude against time: the threat (dashed past the intercept: where it would have
    flown), each interceptor, the intercept, and the battery's intercept-altitude envelope."""
    fig = _figure(9.5, 4.4)
    ax = fig.add_subplot()
    fc = run.scenario.battery.fire_control
    ax.axhspan(
        fc.min_intercept_alt_km,
        fc.max_intercept_alt_km,
        color="#d6eaf8",
        alpha=0.6,
        label="intercept altitude envelope",
    )
    full = run.threat_path
    flown = full.until(run.threat_end_s)
    ax.plot(flown.t_s, flown.alt_m / 1e3, color=THREAT_COLOR, lw=2, label=full.name)
    if run.result["intercepted"]:
        rest = full.t_s >= run.threat_end_s
        ax.plot(
            full.t_s[rest],
            full.alt_m[rest] / 1e3,
            color=THREAT_COLOR,
            lw=1,
            ls="--",
            alpha=0.6,
            label="threat, had it not been intercepted",
        )
    for j, p in enumerate(run.interceptor_paths):
        ax.plot(p.t_s, p.alt_m / 1e3, color=ITC_COLORS[j % len(ITC_COLORS)], lw=1.8, label=p.name)
    res = run.result
    if res["intercepted"]:
        ax.plot(
            res["intercept_time_s"],
            res["intercept_alt_m"] / 1e3,
            marker="*",
            ms=16,
            color="gold",
            mec="black",
            ls="none",
            zorder=5,
            label=f"intercept, {res['intercept_alt_m'] / 1e3:.1f} km",
        )
    for t in run.event_times("first_detection")[:1]:
        ax.axvline(t, color=RADAR_COLOR, lw=1, ls=":", label=f"first detection, T+{t:.1f} s")
    ax.set_xlabel("time after threat launch (s)")
    ax.set_ylabel("altitude (km)")
    ax.set_xlim(0.0, float(full.t_s[-1]))
    ax.set_ylim(0.0, max(float(full.alt_m.max()) / 1e3, fc.max_intercept_alt_km) * 1.1)
    ax.grid(True, color="0.88")
    ax.legend(fontsize=8, loc="upper right")
    return _png(fig)


def map_figure(run: Run) -> str:
    """Ground tracks over coastlines and borders, with the radar's field of view."""
    from thaad.output.maps import plot_base_map

    full = run.threat_path
    flown = full.until(run.threat_end_s)
    lat_s, lon_s, _ = run.site
    lons = [*full.lon_deg, lon_s]
    lats = [*full.lat_deg, lat_s]
    for p in run.interceptor_paths:
        lons += list(p.lon_deg)
        lats += list(p.lat_deg)
    ext = _extent(lons, lats)
    fig = _figure(8.0, 7.0)
    ax = fig.add_subplot()
    plot_base_map(ax, ext)
    cov = run.radar_coverage
    for ring in _poly_lonlat(cov["polygon"]):
        ax.fill(ring[:, 0], ring[:, 1], color=RADAR_COLOR, alpha=0.12, zorder=2, lw=0)
        ax.plot(
            ring[:, 0],
            ring[:, 1],
            color=RADAR_COLOR,
            lw=0.8,
            zorder=2,
            label=f"radar field of view to {cov['range_m'] / 1e3:,.0f} km",
        )
    ax.plot(flown.lon_deg, flown.lat_deg, color=THREAT_COLOR, lw=2, zorder=3, label=full.name)
    if run.result["intercepted"]:
        rest = full.t_s >= run.threat_end_s
        ax.plot(
            full.lon_deg[rest],
            full.lat_deg[rest],
            color=THREAT_COLOR,
            lw=1,
            ls="--",
            alpha=0.6,
            zorder=3,
            label="threat, had it not been intercepted",
        )
    for j, p in enumerate(run.interceptor_paths):
        ax.plot(
            p.lon_deg,
            p.lat_deg,
            color=ITC_COLORS[j % len(ITC_COLORS)],
            lw=1.8,
            zorder=4,
            label=p.name,
        )
    th = run.result["threat"]
    ax.plot(
        th["launch"]["lon_deg"],
        th["launch"]["lat_deg"],
        "^",
        color=THREAT_COLOR,
        ms=9,
        mec="black",
        zorder=5,
        label="launch point",
    )
    ax.plot(
        th["aim"]["lon_deg"],
        th["aim"]["lat_deg"],
        "X",
        color=THREAT_COLOR,
        ms=9,
        mec="black",
        zorder=5,
        label=f"aim point ({th['aim'].get('name') or 'aim'})",
    )
    ax.plot(
        lon_s,
        lat_s,
        "s",
        color=RADAR_COLOR,
        ms=8,
        mec="black",
        zorder=5,
        label=f"battery ({run.scenario.battery.name})",
    )
    res = run.result
    if res["intercepted"]:
        ax.plot(
            res["intercept_lon_deg"],
            res["intercept_lat_deg"],
            "*",
            color="gold",
            ms=16,
            mec="black",
            zorder=6,
            label="intercept point",
        )
    for a in run.scenario.assets:
        if ext[0] <= a.lon_deg <= ext[1] and ext[2] <= a.lat_deg <= ext[3]:
            ax.plot(a.lon_deg, a.lat_deg, "o", color="black", ms=4, zorder=5)
            ax.annotate(
                a.name,
                (a.lon_deg, a.lat_deg),
                xytext=(4, 3),
                textcoords="offset points",
                fontsize=8,
                zorder=5,
            )
    ax.legend(fontsize=8, loc="lower left", framealpha=0.9)
    ax.set_title("Ground tracks", fontsize=10)
    return _png(fig)


def tracking_figure(run: Run) -> str:
    """The track's position error against the truth with the filter's 1- and 3-sigma
    bounds, and the NIS of each update with its 95 % chi-square (3 dof) bounds."""
    tk = run.tracking
    fig = _figure(9.5, 5.6)
    ax, ax2 = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
    t = tk["t_s"]
    ax.fill_between(t, 0.0, 3 * tk["sigma_m"], color="#fdebd0", label="3σ bound (3 √tr P)")
    ax.plot(t, tk["sigma_m"], color=TRACK_COLOR, lw=1, ls="--", label="σ = √tr P (position)")
    ax.plot(t, 3 * tk["sigma_m"], color=TRACK_COLOR, lw=1.2, label="3σ")
    ax.plot(t, tk["error_m"], color="black", lw=0.9, label="|track − truth|")
    ax.set_yscale("log")
    ax.set_ylabel("position error (m)")
    ax.grid(True, which="both", color="0.9")
    ax.legend(fontsize=8, loc="upper right")
    ok = np.isfinite(tk["nis"])
    ax2.axhspan(*CHI2_3DOF_95, color="#e8f8f5", label="95 % χ² bounds (3 dof)")
    ax2.axhline(3.0, color=RADAR_COLOR, lw=1, ls="--", label="expected mean (3)")
    ax2.plot(t[ok], tk["nis"][ok], ".", ms=2.5, color="#34495e", label="NIS per update")
    ax2.set_yscale("log")
    ax2.set_ylabel("NIS")
    ax2.set_xlabel("time after threat launch (s)")
    ax2.grid(True, which="both", color="0.9")
    ax2.legend(fontsize=8, loc="upper right", ncols=3)
    return _png(fig)


def _site_marker(ax, run: Run) -> None:
    """The battery and the named assets: from scenario.yaml, else the footprint summary's."""
    assets: list[tuple[str, float, float]] = []
    if run.scenario is not None:
        lat, lon, _ = run.site
        ax.plot(lon, lat, "s", color=RADAR_COLOR, ms=8, mec="black", zorder=6, label="battery")
        assets = [(a.name, a.lat_deg, a.lon_deg) for a in run.scenario.assets]
    elif isinstance((run.footprint or {}).get("assets"), dict):
        for name, a in run.footprint["assets"].items():
            if isinstance(a, dict) and finite(a.get("lat_deg")) and finite(a.get("lon_deg")):
                assets.append((name, a["lat_deg"], a["lon_deg"]))
    for name, a_lat, a_lon in assets:
        ax.plot(a_lon, a_lat, "o", color="black", ms=4, zorder=6)
        ax.annotate(
            name,
            (a_lon, a_lat),
            xytext=(4, 3),
            textcoords="offset points",
            fontsize=8,
            zorder=6,
        )


def footprint_figure(
    path: Path, run: Run, threshold: float = 0.5, launch: Any = None
) -> tuple[str, dict[str, Any]]:
    """Map of ``p_kill`` over latitude and longitude from ``footprint.nc`` (xarray), with the
    contour at the kill-probability ``threshold``, the battery, the assets and the launch."""
    from thaad.output.maps import plot_base_map
    from thaad.output.rundir import read_footprint_grid

    lat, lon, pk = read_footprint_grid(path)
    fig = _figure(8.0, 7.0)
    ax = fig.add_subplot()
    plot_base_map(ax, [lon.min(), lon.max(), lat.min(), lat.max()])
    mesh = ax.pcolormesh(
        lon,
        lat,
        np.ma.masked_invalid(pk),
        cmap="RdYlGn",
        vmin=0.0,
        vmax=1.0,
        shading="nearest",
        alpha=0.75,
        zorder=2,
    )
    finite_pk = pk[np.isfinite(pk)]
    if finite_pk.size and finite_pk.max() >= threshold > finite_pk.min():
        cs = ax.contour(lon, lat, np.nan_to_num(pk, nan=0.0), levels=[threshold],
                        colors=["#145a32"], linewidths=1.5, zorder=3)  # fmt: skip
        ax.clabel(cs, fmt="P(kill) %.2g", fontsize=8)
    fig.colorbar(mesh, ax=ax, shrink=0.75, label="kill probability (blank: not threatened)")
    _site_marker(ax, run)
    if launch is not None:
        ax.plot(launch[1], launch[0], "^", color=THREAT_COLOR, ms=9, mec="black", zorder=6,
                label="launch point", clip_on=True)  # fmt: skip
    ax.set_title("Defended footprint: kill probability by aim point", fontsize=10)
    stats = {
        "cells": int(pk.size),
        "latitude range": f"{lat.min():.3f} to {lat.max():.3f}°",
        "longitude range": f"{lon.min():.3f} to {lon.max():.3f}°",
        f"cells with p_kill ≥ {threshold:g}": int(np.sum(finite_pk >= threshold)),
        "cells not threatened (no p_kill)": int(pk.size - finite_pk.size),
        "max p_kill": float(finite_pk.max()) if finite_pk.size else None,
    }
    return _png(fig), stats


def _geojson_geometries(path: Path) -> list[tuple[Any, dict[str, Any]]]:
    from shapely.geometry import shape

    d = json.loads(path.read_text(encoding="utf-8"))
    try:
        if d.get("type") == "FeatureCollection":
            feats = d["features"]
        elif d.get("type") == "Feature":
            feats = [d]
        else:
            feats = [{"type": "Feature", "geometry": d, "properties": {}}]
        return [(shape(f["geometry"]), f.get("properties") or {}) for f in feats]
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise ThaadInputError(f"{path}: not a GeoJSON geometry or feature ({exc})") from None


def geojson_figure(paths: list[Path], run: Run) -> tuple[str, list[tuple[str, dict]]]:
    """Map of the regions in the GeoJSON files (coverage polygons, footprint contours)."""
    from thaad.model.geo import _polygons
    from thaad.output.maps import _line_segments, plot_base_map

    layers = []
    for p in paths:
        try:
            layers.append((p, _geojson_geometries(p)))
        except json.JSONDecodeError as exc:
            raise ThaadInputError(f"{p}: not valid JSON (line {exc.lineno})") from None
    bounds = [g.bounds for _, feats in layers for g, _ in feats if not g.is_empty]
    if not bounds:
        raise ThaadInputError(f"{paths[0]}: holds no geometry")
    b = np.array(bounds)
    ext = _extent([b[:, 0].min(), b[:, 2].max()], [b[:, 1].min(), b[:, 3].max()], 0.5)
    fig = _figure(8.0, 7.0)
    ax = fig.add_subplot()
    plot_base_map(ax, ext)
    props = []
    for i, (p, feats) in enumerate(layers):
        c = ("#1e8449", "#7d3c98", "#1f5fa8", "#a04000")[i % 4]
        for k, (g, pr) in enumerate(feats):
            label = p.name if k == 0 else None
            for poly in _polygons(g):
                ring = np.asarray(poly.exterior.coords)
                ax.fill(ring[:, 0], ring[:, 1], color=c, alpha=0.18, lw=0, zorder=2)
                ax.plot(ring[:, 0], ring[:, 1], color=c, lw=1, zorder=2, label=label)
                label = None
            for seg in _line_segments(g):
                s = np.asarray(seg)
                ax.plot(s[:, 0], s[:, 1], color=c, lw=1.2, zorder=2, label=label)
                label = None
            if pr:
                props.append((f"{p.name} #{k + 1}", pr))
    _site_marker(ax, run)
    ax.legend(fontsize=8, loc="lower left", framealpha=0.9)
    ax.set_title("Regions from GeoJSON", fontsize=10)
    return _png(fig), props


PARQUET_PREFERRED = (
    "intercept_alt_m",
    "interceptors_fired",
    "miss_distance_m",
    "intercept_time_s",
    "intercept_ground_range_m",
)


def parquet_figure(paths: list[Path]) -> tuple[str | None, int, list[str]]:
    """Histograms of the per-draw results (preferring intercept altitude, interceptors
    fired and miss distance). Returns the figure (or ``None``), the row count, the columns."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ThaadInputError(
            f"{paths[0]}: reading it needs pyarrow (pip install pyarrow)"
        ) from None
    cols: dict[str, list[np.ndarray]] = {}
    n = 0
    names: list[str] = []
    for p in paths:
        try:
            tab = pq.read_table(p)
        except Exception as exc:  # pyarrow raises several types for a damaged file
            raise ThaadInputError(
                f"{p}: cannot be read as Parquet ({type(exc).__name__})"
            ) from None
        n += tab.num_rows
        names = names or tab.column_names
        for name in tab.column_names:
            try:
                a = np.asarray(tab.column(name).to_numpy(zero_copy_only=False), dtype=float)
            except (TypeError, ValueError):
                continue
            cols.setdefault(name, []).append(a)
    numeric = {k: np.concatenate(v) for k, v in cols.items()}
    pick = [k for k in PARQUET_PREFERRED if k in numeric]
    pick += [k for k in numeric if k not in pick and k not in ("draw", "seed", "chunk")]
    pick = pick[:3]
    if not pick or n == 0:
        return None, n, names
    fig = _figure(9.5, 3.2)
    axes = fig.subplots(1, len(pick), squeeze=False)[0]
    for ax, k in zip(axes, pick, strict=True):
        v = numeric[k]
        v = v[np.isfinite(v)]
        scale, unit = (1.0, "")
        if k.endswith(("_alt_m", "range_m")):
            scale, unit = (1e3, "km")
        elif k.endswith(("_m", "_s")):
            unit = k.rsplit("_", 1)[1]
        if len(v) and np.all(v == np.round(v)) and v.max() - v.min() <= 20:
            lo, hi = int(v.min()), int(v.max())
            ax.hist(v, bins=np.arange(lo - 0.5, hi + 1.5), color="#5d6d7e", rwidth=0.85)
        elif len(v):
            ax.hist(v / scale, bins=30, color="#5d6d7e")
        name = (k.rsplit("_", 1)[0] if unit else k).replace("_", " ")
        ax.set_xlabel(f"{name} ({unit})" if unit else name)
        ax.set_ylabel("draws")
        ax.grid(True, color="0.9")
    return _png(fig), n, names


# ----------------------------------------------------------------------------- HTML

CSS = """
:root { --ink:#1c2833; --muted:#5d6d7e; --rule:#d5dbdb; --accent:#1f5fa8; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", sans-serif;
  color: var(--ink); margin: 0; background: #f4f6f7; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 28px 60px; background: white; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 10px; padding-top: 8px; border-top: 2px solid var(--rule); }
.sub { color: var(--muted); margin: 0 0 16px; }
.outcome { font-size: 18px; font-weight: 600; padding: 10px 14px; border-radius: 6px;
  margin: 12px 0; }
.outcome.ok { background: #e9f7ef; border-left: 5px solid #1e8449; }
.outcome.bad { background: #fdedec; border-left: 5px solid #c0392b; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 10px; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: 8px 12px; }
.card b { display: block; font-size: 18px; }
.card span { color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; margin: 8px 0; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px;
  border-bottom: 1px solid var(--rule); }
th { background: #eaf0f6; }
tr:nth-child(even) td { background: #fafbfc; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; }
pre { background: #f8f9f9; border: 1px solid var(--rule); padding: 10px; overflow-x: auto; }
figure { margin: 12px 0; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { color: var(--muted); font-size: 13px; }
nav { font-size: 14px; margin: 8px 0 0; }
nav a { margin-right: 12px; color: var(--accent); }
.missing { color: #a04000; }
#parameters td:nth-child(1) { width: 30%; } #parameters td:nth-child(2) { width: 22%; }
footer { color: var(--muted); font-size: 13px; margin-top: 40px; }
"""


def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _md(text: str) -> str:
    """Escape text and render the inline Markdown of docs/parameters.md (*italic*, `code`)."""
    s = _e(text)
    s = re.sub(r"`([^`]+)`", r"<code>\1</code>", s)
    return re.sub(r"\*([^*]+)\*", r"<i>\1</i>", s)


def _figure_html(uri: str, alt: str, caption: str, fig_id: str) -> str:
    return (
        f'<figure id="{fig_id}"><img src="{uri}" alt="{_e(alt)}">'
        f"<figcaption>{caption}</figcaption></figure>"
    )


def _flatten(d: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(d, dict):
        out = []
        for k, v in d.items():
            out += _flatten(v, f"{prefix}.{k}" if prefix else str(k))
        return out
    if isinstance(d, list) and d and all(isinstance(v, dict) for v in d):
        out = []
        for i, v in enumerate(d):
            label = v.get("name", i) if isinstance(v, dict) else i
            out += _flatten({kk: vv for kk, vv in v.items() if kk != "name"}, f"{prefix}.{label}")
        return out
    return [(prefix, d)]


def _kv_table(pairs: list[tuple[str, Any]], cls: str = "") -> str:
    rows = []
    for k, v in pairs:
        if isinstance(v, float):
            text = _fmt_num(v)
        elif isinstance(v, list) and all(isinstance(x, int | float) for x in v):
            text = ", ".join(_fmt_num(x) for x in v)
        else:
            text = str(v)
        rows.append(f'<tr><td><code>{_e(k)}</code></td><td class="num">{_e(text)}</td></tr>')
    return f'<table class="{cls}"><tr><th>key</th><th>value</th></tr>{"".join(rows)}</table>'


def _engagement_html(run: Run, nav: list[tuple[str, str]]) -> list[str]:
    from thaad.output.text import event_details

    res = run.result
    th = res["threat"]
    out = []
    if res["intercepted"]:
        headline = (
            f"INTERCEPT at {res['intercept_alt_m'] / 1e3:.1f} km altitude, "
            f"{res['intercept_ground_range_m'] / 1e3:.1f} km from the battery, miss distance "
            f"{res['miss_distance_m']:.3f} m; {res['interceptors_fired']} interceptor(s) fired"
        )
    else:
        miss = res.get("miss_distance_m")
        extra = f" (closest miss {miss:.2f} m)" if finite(miss) else ""
        headline = f"NO INTERCEPT{extra}; {res['interceptors_fired']} interceptor(s) fired"
    cls = "ok" if res["intercepted"] else "bad"
    out.append(f'<p class="outcome {cls}" id="outcome">{_e(headline)}</p>')
    cards = [
        (f"{th['apogee_alt_m'] / 1e3:.1f} km", "threat apogee"),
        (f"{th['impact_time_s']:.1f} s", "threat flight time (unopposed)"),
    ]
    if finite(th.get("burnout_speed_mps")):
        cards.append((f"{th['burnout_speed_mps']:,.0f} m/s", "threat burnout speed"))
    det = [e for e in res["events"] if e["kind"] == "first_detection"]
    if det and finite(det[0].get("range_m")):
        cards.append(
            (f"{det[0]['range_m'] / 1e3:.0f} km at T+{det[0]['t_s']:.1f} s", "first detection")
        )
    if res["intercepted"]:
        cards.append((f"T+{res['intercept_time_s']:.2f} s", "intercept time"))
        cards.append(
            (
                f"{res['intercept_lat_deg']:.3f}°N {res['intercept_lon_deg']:.3f}°E",
                "intercept point",
            )
        )
    out.append(
        '<div class="cards">'
        + "".join(f'<div class="card"><b>{_e(a)}</b><span>{_e(b)}</span></div>' for a, b in cards)
        + "</div>"
    )
    if th.get("file"):  # a user's threat file: name it and its sources
        body = "" if th.get("separates", True) else " (the payload does not separate)"
        out.append(
            f'<p class="threat-file">Threat <b>{_e(th["class"])}</b> from the threat file '
            f"<code>{_e(th['file'])}</code>{_e(body)}. Source: {_e(th.get('source', ''))}</p>"
        )

    nav.append(("timeline", "Timeline"))
    out.append('<h2 id="timeline">Engagement timeline</h2>')
    out.append(
        _figure_html(
            timeline_figure(run),
            "engagement timeline chart",
            "Bars: the threat's boost and free flight, the radar's track "
            "initiation and firm track, each interceptor's boost and flight. "
            "Markers: the events below.",
            "fig-timeline",
        )
    )
    rows = []
    for n, e in enumerate(res["events"], start=1):
        try:
            detail = event_details(e)
        except (KeyError, TypeError, ValueError):
            detail = ", ".join(f"{k}={v}" for k, v in e.items() if k not in ("t_s", "kind"))
        rows.append(
            f'<tr><td class="num">{n}</td><td class="num">{e["t_s"]:.2f}</td>'
            f"<td>{_e(str(e['kind']).replace('_', ' '))}</td><td>{_e(detail)}</td></tr>"
        )
    out.append(
        '<table id="events"><tr><th>#</th><th>T+ (s)</th><th>event</th><th>details</th>'
        f"</tr>{''.join(rows)}</table>"
    )

    nav.append(("trajectories", "Trajectories"))
    out.append('<h2 id="trajectories">Altitude and ground tracks</h2>')
    out.append(
        _figure_html(
            altitude_figure(run),
            "altitude against time",
            "Altitude above the Earth model of the run "
            f"({_e(run.scenario.models.earth)}) against time. The shaded band "
            "is the fire control's intercept-altitude envelope.",
            "fig-altitude",
        )
    )
    cov = run.radar_coverage
    out.append(
        _figure_html(
            map_figure(run),
            "ground tracks on a map",
            f"Ground tracks over Natural Earth coastlines and borders. Green: the radar face's "
            f"field of view, ±{cov['half_fov_deg']:g}° about {cov['boresight_az_deg']:g}°, out to "
            f"{cov['range_m'] / 1e3:,.0f} km, the range at which the radar equation detects the "
            f"reentry vehicle's {cov['rcs_m2']:g} m² (minimum elevation "
            f"{cov['min_elevation_deg']:g}° and the horizon limit it further at low altitude).",
            "fig-map",
        )
    )

    tk = run.tracking
    if len(tk["t_s"]):
        nav.append(("tracking", "Tracking"))
        inside = float(np.mean(tk["error_m"] <= 3 * tk["sigma_m"]))
        ok = np.isfinite(tk["nis"])
        mean_nis = float(np.mean(tk["nis"][ok])) if ok.any() else float("nan")
        ratio = float(np.mean((tk["error_m"] / tk["sigma_m"]) ** 2))
        out.append('<h2 id="tracking">Tracking error</h2>')
        out.append(
            _figure_html(
                tracking_figure(run),
                "tracking error with 3-sigma bounds",
                f"Top: the distance between the radar track and the true threat position "
                f"(truth interpolated with cubic Hermite polynomials), with the filter's own "
                f"σ = √(trace of the position covariance), the RMS of that distance if the filter "
                f"is consistent. {inside:.1%} of the {len(tk['t_s'])} track points lie inside 3σ; "
                f"the mean of (error/σ)² is {ratio:.2f} (1 for a consistent filter). Bottom: "
                f"normalised innovation squared of each update, mean {mean_nis:.2f} (3 expected).",
                "fig-tracking",
            )
        )
    return out


def _assets_table(assets: dict[str, Any]) -> str:
    """The footprint summary's per-asset kill probabilities as a table."""
    rows = []
    for name, a in assets.items():
        if not isinstance(a, dict):
            continue
        pk = a.get("p_kill")
        alt = a.get("first_intercept_alt_m")
        verdict = (
            "defended"
            if a.get("defended")
            else ("not threatened" if a.get("threatened") is False else "not defended")
        )
        rows.append(
            f'<tr><td>{_e(name)}</td><td class="num">{"–" if pk is None else f"{pk:.3f}"}</td>'
            f'<td>{_e(verdict)}</td><td class="num">'
            f"{'–' if not finite(alt) else f'{alt / 1e3:.1f} km'}</td></tr>"
        )
    return ('<table id="assets"><tr><th>asset</th><th>P(kill)</th><th>verdict</th>'
            f"<th>first intercept altitude</th></tr>{''.join(rows)}</table>")  # fmt: skip


def _analysis_html(run: Run, nav: list[tuple[str, str]]) -> list[str]:
    """Monte Carlo (montecarlo.json with p_kill, draws/*.parquet), footprint (footprint.nc,
    footprint.json with defended_area_km2, footprint.geojson) and coverage (other GeoJSON,
    coverage.json) sections, each only when its files are in the directory."""
    out: list[str] = []
    mc = run.montecarlo
    fp = run.footprint or {}
    is_fp = run.footprint_file is not None or run.footprint is not None
    if run.parquet_files or mc is not None:
        s = mc or {}
        nav.append(("montecarlo", "Monte Carlo"))
        out.append('<h2 id="montecarlo">Monte Carlo</h2>')
        if finite(s.get("p_kill")):
            ci = s.get("p_kill_ci95")
            ci_text = (f" (95 % interval {ci[0]:.3f} to {ci[1]:.3f})"
                       if isinstance(ci, list) and len(ci) == 2 and all(map(finite, ci))
                       else "")  # fmt: skip
            draws = f" over {s['draws']:,} draws" if isinstance(s.get("draws"), int) else ""
            out.append(f'<p class="outcome ok">Kill probability {s["p_kill"]:.3f}'
                       f"{_e(ci_text)}{_e(draws)}</p>")  # fmt: skip
        if mc is not None:
            out.append(f"<p>From <code>{_e(run.summary_files['montecarlo'])}</code>:</p>")
            out.append(_kv_table(_flatten(s), "summary"))
        if run.parquet_files:
            uri, n, names = parquet_figure(run.parquet_files)
            files = run.parquet_files[0].relative_to(run.path).as_posix()
            more = f" and {len(run.parquet_files) - 1} more" if len(run.parquet_files) > 1 else ""
            out.append(f"<p>Per-draw results: {n:,} rows in {_e(files)}{_e(more)}; columns "
                       f"{_e(', '.join(names))}.</p>")  # fmt: skip
            if uri:
                out.append(_figure_html(uri, "per-draw histograms",
                                        "Distributions over the draws.", "fig-draws"))  # fmt: skip
    s = fp
    fp_geojson = [p for p in run.geojson_files if p.name.startswith("footprint")]
    if is_fp:
        nav.append(("footprint", "Footprint"))
        out.append('<h2 id="footprint">Defended footprint</h2>')
        thr = s.get("threshold") if finite(s.get("threshold")) else 0.5
        if finite(s.get("defended_area_km2")):
            out.append(f'<p class="outcome ok">Defended area {s["defended_area_km2"]:,.0f} km² '
                       f"(kill probability ≥ {thr:g})</p>")  # fmt: skip
        if run.footprint_file is not None:
            launch = s.get("launch_deg")
            launch = launch if isinstance(launch, list) and len(launch) == 2 else None
            uri, stats = footprint_figure(run.footprint_file, run, thr, launch)
            out.append(_figure_html(
                uri, "defended footprint map",
                f"Kill probability for each aim point of the grid in footprint.nc over "
                f"coastlines and borders; the contour is the threshold {thr:g}.",
                "fig-footprint"))  # fmt: skip
            out.append(_kv_table(list(stats.items())))
        if isinstance(s.get("assets"), dict) and s["assets"]:
            out.append("<p>Named assets:</p>" + _assets_table(s["assets"]))
        if run.footprint is not None:
            rest = {k: v for k, v in s.items() if k != "assets"}
            out.append(f"<p>From <code>{_e(run.summary_files['footprint'])}</code>:</p>")
            out.append(_kv_table(_flatten(rest), "summary"))
        if fp_geojson:
            names = ", ".join(p.name for p in fp_geojson)
            out.append(f"<p>The threshold contour as GeoJSON: <code>{_e(names)}</code>.</p>")
    regions = [p for p in run.geojson_files if p not in fp_geojson or not is_fp]
    if regions or run.coverage is not None:
        nav.append(("coverage", "Coverage"))
        out.append('<h2 id="coverage">Coverage and regions</h2>')
        if run.coverage is not None:
            out.append("<p>From <code>coverage.json</code>:</p>")
            out.append(_kv_table(_flatten(run.coverage), "coverage"))
        if regions:
            uri, props = geojson_figure(regions, run)
            names = ", ".join(p.name for p in regions)
            out.append(_figure_html(uri, "coverage map", f"Regions in {_e(names)}.",
                                    "fig-coverage"))  # fmt: skip
            for label, pr in props:
                out.append(f"<p>{_e(label)}:</p>" + _kv_table(_flatten(pr)))
    return out


def _parameters_html(run: Run) -> str:
    rows = []
    for key, value, src in parameter_rows(run.scenario):
        if src is None:
            s = '<span class="missing">no source recorded (add it to docs/parameters.md)</span>'
        else:
            where = f"docs/parameters.md, {src['section']}: “{src['row']}”" if "row" in src else ""
            s = _md(src["source"]) + (f'<br><span class="sub">{_md(where)}</span>' if where else "")
        rows.append(f"<tr><td><code>{_e(key)}</code></td><td>{_e(value)}</td><td>{s}</td></tr>")
    return (
        '<table id="parameters"><tr><th>parameter (<code>--set</code> key)</th>'
        f"<th>value</th><th>source</th></tr>{''.join(rows)}</table>"
    )


def build_report(run: Run) -> str:
    """The report of a loaded output directory as one HTML document."""
    nav: list[tuple[str, str]] = []
    body: list[str] = []
    res = run.result
    sc = run.scenario
    title = (
        (res or {}).get("scenario_name")
        or (sc.name if sc else None)
        or (run.summary or {}).get("scenario")
        or run.path.name
    )
    if res is not None:
        body += _engagement_html(run, nav)
    body += _analysis_html(run, nav)
    if sc is not None:
        nav.append(("parameters", "Parameters"))
        body.append('<h2 id="parameters-h">Scenario and parameters</h2>')
        nav[-1] = ("parameters-h", "Parameters")
        body.append(f"<p><b>{_e(sc.name)}</b>. {_e(sc.description)}</p>")
        body.append(
            "<p>Every value of the run's <code>scenario.yaml</code>, with its public "
            "source or derivation. Change any of them with "
            "<code>thaad run --set KEY=VALUE</code>.</p>"
        )
        body.append(_parameters_html(run))
        body.append(
            "<details><summary>scenario.yaml as run</summary>"
            f"<pre>{_e(run.scenario_text)}</pre></details>"
        )
    nav.append(("reproduce", "Reproduce"))
    repro = ['<h2 id="reproduce">Reproduce</h2>', '<table id="provenance">']
    info = []
    if res is not None:
        info += [
            ("software version", f"thaad {res['version']}"),
            ("seed", res["seed"]),
            ("scenario hash (SHA-256)", res["scenario_sha256"]),
        ]
    elif run.summary is not None:
        for k in ("version", "seed", "scenario_sha256"):
            if k in run.summary:
                info.append((k, run.summary[k]))
    info.append(("report made by", f"thaad {__version__}"))
    commands = (run.provenance or {}).get("commands")
    if isinstance(commands, dict):
        for name, entry in commands.items():
            if isinstance(entry, dict) and isinstance(entry.get("command_line"), str):
                info.append((f"thaad {name} was run as", entry["command_line"]))
    repro += [f"<tr><th>{_e(k)}</th><td><code>{_e(v)}</code></td></tr>" for k, v in info]
    repro.append("</table>")
    if res is not None:
        repro.append(
            "<pre>thaad run scenario.yaml --seed "
            f"{_e(res['seed'])} --out DIR --report</pre>"
            "<p>with the <code>scenario.yaml</code> of this directory gives the same "
            "result (the same scenario hash and seed give identical numbers).</p>"
        )
    body += repro
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    links = "".join(f'<a href="#{a}">{_e(b)}</a>' for a, b in nav)
    sub = f"Run directory <code>{_e(run.path.name)}</code>"
    if res is not None:
        sub += f" · seed {_e(res['seed'])} · thaad {_e(res['version'])}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>thaad report: {_e(title)}</title>
<style>{CSS}</style></head>
<body><main>
<h1>thaad report: {_e(title)}</h1>
<p class="sub">{sub}</p>
<nav>{links}</nav>
{chr(10).join(body)}
<footer>Made by thaad {_e(__version__)} on {when}. All figures are public and unclassified
and many are uncertain: results say what follows from these assumptions, not what any real
system does.</footer>
</main></body></html>
"""


def write_report(run_dir: str | Path, out: str | Path | None = None) -> Path:
    """Read ``run_dir`` and write its report (default ``run_dir/report.html``) atomically."""
    from thaad.io import atomic_write_text

    run = load_run(run_dir, need_engagement=False)
    text = build_report(run)
    target = Path(out) if out is not None else run.path / REPORT_FILE
    return atomic_write_text(target, text, label="--out" if out is not None else None)
