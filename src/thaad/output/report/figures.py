"""The report's figures: matplotlib PNGs returned as base64 ``data:`` URIs (timeline, altitude,
ground tracks, tracking error, footprint, GeoJSON regions, Monte Carlo histograms)."""

from __future__ import annotations

import base64
import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from thaad.errors import ThaadInputError
from thaad.output.rundir import Run, finite

THREAT_COLOR = "#c0392b"
TRACK_COLOR = "#e67e22"
RADAR_COLOR = "#1e8449"
ITC_COLORS = ("#1f5fa8", "#7d3c98", "#117a65", "#2e86c1", "#a04000", "#5d6d7e")
CHI2_3DOF_95 = (0.2158, 9.3484)  # chi-square, 3 dof: 2.5 % and 97.5 % points (NIST tables)
DPI = 110


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
        tb = min(float(burnouts.get(j + 1, t0)), t1)  # events number interceptors from 1
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
            y = len(rows) - 2 - e["interceptor"]
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


def altitude_figure(run: Run, why: Any = None) -> str:
    """Altitude against time: the threat (dashed past the intercept: where it would have
    flown), each interceptor, the intercept, and the battery's intercept-altitude envelope;
    with no intercept (``why``, :class:`thaad.analysis.diagnosis.NoInterceptReason`), the
    stretch when the threat is inside the envelope and the earliest launch."""
    fig = _figure(9.5, 4.4)
    ax = fig.add_subplot()
    if why is not None and why.envelope_from_s is not None:
        ax.axvspan(why.envelope_from_s, why.envelope_to_s, color="#fcf3cf", alpha=0.8,
                   label="threat inside the envelope (altitude and range)")  # fmt: skip
    if why is not None and why.earliest_launch_s is not None:
        ax.axvline(why.earliest_launch_s, color="#7d3c98", lw=1.2, ls="--",
                   label=f"earliest launch, T+{why.earliest_launch_s:.1f} s")  # fmt: skip
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
) -> tuple[str, list[tuple[str, str]]]:
    """The map of ``thaad footprint`` (:func:`thaad.output.maps.draw_footprint`) from
    ``footprint.nc``: ``p_kill`` over latitude and longitude, the contour at ``threshold``, the
    battery, the assets of ``footprint.json`` and the launch point. Returns the figure and
    labelled rows about the grid."""
    from thaad.output.maps import draw_footprint
    from thaad.output.rundir import read_footprint_grid

    lat, lon, pk = read_footprint_grid(path)
    summary = dict(run.footprint or {})
    if run.scenario is not None and not isinstance(summary.get("assets"), dict):
        summary["assets"] = {a.name: {"lat_deg": a.lat_deg, "lon_deg": a.lon_deg, "p_kill": None}
                             for a in run.scenario.assets}  # fmt: skip
    battery = None
    b = summary.get("battery")
    if run.scenario is not None:
        site = run.scenario.battery.site
        battery = (run.scenario.battery.name, site.lat_deg, site.lon_deg)
    elif isinstance(b, dict) and finite(b.get("lat_deg")) and finite(b.get("lon_deg")):
        battery = (str(b.get("name") or "battery"), b["lat_deg"], b["lon_deg"])
    fig = _figure(8.0, 8.0)
    ax = fig.add_subplot()
    draw_footprint(fig, ax, lat, lon, pk, threshold, summary, launch, battery)
    finite_pk = pk[np.isfinite(pk)]
    stats = [
        ("grid cells", f"{pk.size:,} ({lat.size} latitudes × {lon.size} longitudes)"),
        ("latitudes", f"{lat.min():.2f}° to {lat.max():.2f}°"),
        ("longitudes", f"{lon.min():.2f}° to {lon.max():.2f}°"),
        (
            f"cells with kill probability ≥ {threshold:g}",
            f"{int(np.sum(finite_pk >= threshold)):,}",
        ),
        ("cells out of reach of the threat", f"{pk.size - finite_pk.size:,}"),
    ]
    if finite_pk.size:
        stats.append(("highest kill probability", f"{finite_pk.max():.3f}"))
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


def battle_map_figure(run: Run) -> str:
    """A battle's threat ground tracks (solid until intercept or impact; leakers thicker),
    each shot as the straight segment from its launcher to its planned intercept point (the
    kinematic battle model flies no interceptor), intercept points, batteries and assets."""
    from thaad.output.maps import plot_base_map

    h = run.history
    paths = run.battle_paths
    lons = [v for p in paths for v in p.lon_deg] + [b["site_deg"][1] for b in h["batteries"]]
    lats = [v for p in paths for v in p.lat_deg] + [b["site_deg"][0] for b in h["batteries"]]
    ext = _extent(lons, lats)
    fig = _figure(8.0, 7.0)
    ax = fig.add_subplot()
    plot_base_map(ax, ext)
    leak_label = kill_label = False
    for p, th in zip(paths, h["threats"], strict=True):
        flown = p.until(float(th["end_s"]))
        leaked = not th.get("intercepted", False)
        label = None
        if leaked and not leak_label:
            label, leak_label = "leaker (to impact)", True
        elif not leaked and not kill_label:
            label, kill_label = "intercepted threat (to intercept)", True
        ax.plot(flown.lon_deg, flown.lat_deg, color=THREAT_COLOR, lw=2.0 if leaked else 1.0,
                alpha=1.0 if leaked else 0.55, zorder=3, label=label)  # fmt: skip
        if leaked:
            ax.plot(flown.lon_deg[-1], flown.lat_deg[-1], "X", color=THREAT_COLOR, ms=8,
                    mec="black", zorder=5)  # fmt: skip
    first = {"intercept": True, "miss": True}
    for k in h["shots"]:
        la = k["launcher_deg"]
        ax.plot([la[1], k["intercept_lon_deg"]], [la[0], k["intercept_lat_deg"]], ls="--",
                lw=0.8, color=ITC_COLORS[0], alpha=0.6, zorder=4)  # fmt: skip
        key = "intercept" if k["outcome"] == "intercept" else "miss"
        label = None
        if first[key]:
            first[key] = False
            label = "intercept point" if key == "intercept" else "shot that missed (planned point)"
        ax.plot(k["intercept_lon_deg"], k["intercept_lat_deg"], "*" if key == "intercept" else "o",
                color="gold" if key == "intercept" else "white", ms=11 if key == "intercept" else 5,
                mec="black", zorder=6, label=label)  # fmt: skip
    ax.plot([], [], ls="--", lw=0.8, color=ITC_COLORS[0],
            label="interceptor: launcher to planned intercept point (not flown)")  # fmt: skip
    for b in h["batteries"]:
        lat, lon, _ = b["site_deg"]
        ax.plot(lon, lat, "s" if b["tier"] == "upper" else "D", color=RADAR_COLOR, ms=8,
                mec="black", zorder=5)  # fmt: skip
        ax.annotate(f"{b['name']} ({b['tier']})", (lon, lat), xytext=(5, -10),
                    textcoords="offset points", fontsize=8, zorder=5)  # fmt: skip
    for a in run.scenario.assets:
        if ext[0] <= a.lon_deg <= ext[1] and ext[2] <= a.lat_deg <= ext[3]:
            ax.plot(a.lon_deg, a.lat_deg, "o", color="black", ms=4, zorder=5)
            ax.annotate(a.name, (a.lon_deg, a.lat_deg), xytext=(4, 3),
                        textcoords="offset points", fontsize=8, zorder=5)  # fmt: skip
    ax.legend(fontsize=8, loc="lower left", framealpha=0.9)
    ax.set_title("Battle: threat ground tracks, shots and intercepts (kinematic battle model)",
                 fontsize=10)  # fmt: skip
    return _png(fig)


def battle_altitude_figure(run: Run) -> str:
    """Each threat's altitude against time until intercept or impact, with each shot's
    planned intercept point."""
    h = run.history
    fig = _figure(8.0, 4.2)
    ax = fig.add_subplot()
    for p, th in zip(run.battle_paths, h["threats"], strict=True):
        flown = p.until(float(th["end_s"]))
        leaked = not th.get("intercepted", False)
        ax.plot(flown.t_s, flown.alt_m / 1e3, color=THREAT_COLOR, lw=1.8 if leaked else 0.9,
                alpha=1.0 if leaked else 0.55)  # fmt: skip
    for k in h["shots"]:
        hit = k["outcome"] == "intercept"
        ax.plot(k["intercept_time_s"], k["intercept_alt_m"] / 1e3, "*" if hit else "o",
                color="gold" if hit else "white", mec="black", ms=10 if hit else 5)  # fmt: skip
    ax.set_xlabel("time after the first launch (s)")
    ax.set_ylabel("altitude (km)")
    ax.grid(alpha=0.3)
    ax.set_title("Threat altitudes; stars: intercepts, circles: misses (planned points)",
                 fontsize=10)  # fmt: skip
    return _png(fig)
