"""Maps: the base map (land, coastlines, borders, graticule) and the footprint and coverage
figures drawn on it. Geometry and boundary data come from :mod:`thaad.model.geo`; matplotlib is
imported lazily, inside the functions that draw.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from thaad.core.constants import R_MEAN_M
from thaad.model.geo import _coast_and_borders, _countries, _polygons, _tree, _wrap_lon

# a name in a script the map font lacks (an asset called 名前) draws as boxes: not worth a
# warning on stderr for every run
warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry
    from shapely.geometry.polygon import Polygon

    from thaad.analysis.coverage import CoverageResult

__all__ = [
    "draw_footprint",
    "plot_base_map",
    "plot_coverage",
    "plot_footprint",
    "plot_footprint_dir",
    "plot_track_arcs",
]

LAND_COLOR = "#efe9d8"
SEA_COLOR = "#d4e6f1"
COAST_COLOR = "#3a5a78"
BORDER_COLOR = "#7a6a58"


# ----------------------------------------------------------------------------- maps


def _tick_step(span_deg: float, max_ticks: int) -> float:
    for step in (0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0):
        if span_deg / step <= max_ticks:
            return step
    return 90.0


def _fmt_deg(value: float, pos: str, neg: str) -> str:
    v = round(value, 6)
    hemi = "" if v == 0.0 or abs(v) == 180.0 else pos if v > 0 else neg
    text = f"{abs(v):g}"
    return f"{text}°{hemi}"


def _ring_path_parts(poly: Polygon) -> tuple[list[tuple[float, float]], list[int]]:
    from matplotlib.path import Path
    from shapely.geometry.polygon import orient

    poly = orient(poly, sign=1.0)  # holes wound opposite to shells: nonzero fill leaves them open
    verts: list[tuple[float, float]] = []
    codes: list[int] = []
    for ring in (poly.exterior, *poly.interiors):
        c = list(ring.coords)
        verts += [(x, y) for x, y, *_ in c]
        codes += [Path.MOVETO] + [Path.LINETO] * (len(c) - 2) + [Path.CLOSEPOLY]
    return verts, codes


def _line_segments(geom: BaseGeometry) -> list[list[tuple[float, float]]]:
    if geom.is_empty:
        return []
    if geom.geom_type == "LineString":
        return [[(x, y) for x, y, *_ in geom.coords]]
    if hasattr(geom, "geoms"):
        return [s for part in geom.geoms for s in _line_segments(part)]
    return []


def plot_base_map(
    ax: Any,
    extent_lonlat: Sequence[float],
    *,
    land_color: str = LAND_COLOR,
    sea_color: str = SEA_COLOR,
    coast_color: str = COAST_COLOR,
    border_color: str = BORDER_COLOR,
    grid_step_deg: float | None = None,
) -> Any:
    """Draw land, coastlines, borders and a lon/lat graticule on a matplotlib axes.

    ``extent_lonlat`` is ``(lon_min, lon_max, lat_min, lat_max)`` in degrees. The map is plain
    equirectangular (x = lon, y = lat) with aspect ``1/cos(mid-latitude)``, so shapes are
    locally true near the middle of the map and overlays are drawn in lon/lat directly. Land
    sits at ``zorder`` 0.5, coastlines and borders at 1.5, the graticule at 1.8; draw coverage
    on top (zorder >= 2).
    Returns ``ax``.
    """
    from matplotlib.collections import LineCollection
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path
    from matplotlib.ticker import FuncFormatter, MultipleLocator
    from shapely import affinity
    from shapely.geometry import box

    lon_min, lon_max, lat_min, lat_max = (float(v) for v in extent_lonlat)
    if not (lon_max > lon_min and lat_max > lat_min):
        raise ValueError("extent_lonlat must be (lon_min, lon_max, lat_min, lat_max), increasing")
    pad = 0.02 * max(lon_max - lon_min, lat_max - lat_min) + 0.1
    view = box(lon_min - pad, max(lat_min - pad, -90.0), lon_max + pad, min(lat_max + pad, 90.0))

    ax.set_facecolor(sea_color)
    countries = _countries()
    coast, border = _coast_and_borders()
    verts: list[tuple[float, float]] = []
    codes: list[int] = []
    lines: dict[str, list[list[tuple[float, float]]]] = {"coast": [], "border": []}
    # Extents past +-180 show the data again, shifted by whole turns.
    lo, hi = view.bounds[0], view.bounds[2]
    for k in range(math.floor((lo + 180.0) / 360.0), math.floor((hi + 180.0) / 360.0) + 1):
        shift = 360.0 * k
        sub = affinity.translate(view, -shift).intersection(box(-180.0, -90.0, 180.0, 90.0))
        if sub.is_empty:
            continue
        for i in _tree().query(sub, predicate="intersects"):
            for poly in _polygons(countries[int(i)][2].intersection(sub)):
                v, c = _ring_path_parts(affinity.translate(poly, shift))
                verts += v
                codes += c
        for name, geom in (("coast", coast), ("border", border)):
            lines[name] += _line_segments(affinity.translate(geom.intersection(sub), shift))
    if verts:
        patch = PathPatch(Path(verts, codes), facecolor=land_color, edgecolor="none", zorder=0.5)
        ax.add_patch(patch)
    for name, color, width in (("border", border_color, 0.6), ("coast", coast_color, 0.8)):
        if lines[name]:
            ax.add_collection(
                LineCollection(
                    lines[name], colors=color, linewidths=width, zorder=1.5, capstyle="round"
                )
            )

    ax.set_xlim(lon_min, lon_max)
    ax.set_ylim(lat_min, lat_max)
    mid = math.radians(0.5 * (lat_min + lat_max))
    ax.set_aspect(1.0 / max(math.cos(mid), 1e-3))
    # Ticks sized to the axis's drawn length: a degree of longitude is cos(lat) as long.
    lat_step = grid_step_deg or _tick_step(lat_max - lat_min, 7)
    lon_ticks = max(3, round(7 * (lon_max - lon_min) * math.cos(mid) / (lat_max - lat_min)))
    lon_step = grid_step_deg or _tick_step(lon_max - lon_min, min(lon_ticks, 9))
    ax.xaxis.set_major_locator(MultipleLocator(lon_step))
    ax.yaxis.set_major_locator(MultipleLocator(lat_step))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _fmt_deg(_wrap_lon(v), "E", "W")))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _fmt_deg(v, "N", "S")))
    ax.grid(True, color="0.45", linewidth=0.4, linestyle=":", alpha=0.8, zorder=1.8)
    ax.set_axisbelow(False)
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    return ax


def draw_footprint(
    fig: Any,
    ax: Any,
    lats: np.ndarray,
    lons: np.ndarray,
    pk: np.ndarray,
    threshold: float,
    summary: dict,
    launch: Sequence[float] | None = None,
    battery: tuple[str, float, float] | None = None,
) -> None:
    """Kill probability over the map, the threshold contour, the battery
    (``(name, lat, lon)``), the named assets of ``summary`` with their kill probability, the
    launch point, a legend and a title naming the threat, the mode and the launch point.
    Shared by ``thaad footprint`` (:func:`plot_footprint`) and the report."""
    lon_min, lon_max = float(np.min(lons)), float(np.max(lons))
    lat_min, lat_max = float(np.min(lats)), float(np.max(lats))
    if launch is not None:
        lon_min, lon_max = min(lon_min, launch[1]), max(lon_max, launch[1])
        lat_min, lat_max = min(lat_min, launch[0]), max(lat_max, launch[0])
    plot_base_map(ax, (lon_min - 0.5, lon_max + 0.5, lat_min - 0.5, lat_max + 0.5))
    m = np.ma.masked_invalid(pk)
    mesh = ax.pcolormesh(lons, lats, m, shading="nearest", cmap="RdYlGn", vmin=0, vmax=1,
                         alpha=0.55, zorder=3)  # fmt: skip
    finite = pk[np.isfinite(pk)]
    if finite.size and finite.max() >= threshold > finite.min():
        ax.contour(lons, lats, np.nan_to_num(pk, nan=0.0), levels=[threshold], colors="k",
                   linewidths=1.2, zorder=4)  # fmt: skip
        ax.plot([], [], color="k", lw=1.2, label=f"P(kill) = {threshold:g}")
    if battery is not None:
        name, b_lat, b_lon = battery
        ax.plot(b_lon, b_lat, "b^", ms=10, zorder=5, label=f"battery ({name})")
    if launch is not None:
        ax.plot(launch[1], launch[0], "rx", ms=10, mew=2, zorder=5, label="threat launch point")
    for name, a in (summary.get("assets") or {}).items():
        if not isinstance(a, dict) or a.get("lat_deg") is None or a.get("lon_deg") is None:
            continue
        p = a.get("p_kill")
        txt = f"{name}\n" + ("not reachable" if p is None else f"P(kill) {p:.2f}")
        ax.plot(a["lon_deg"], a["lat_deg"], "ko", ms=4, zorder=6)
        ax.annotate(txt, (a["lon_deg"], a["lat_deg"]), xytext=(4, 4),
                    textcoords="offset points", fontsize=8, zorder=6)  # fmt: skip
    fig.colorbar(mesh, ax=ax, shrink=0.7, label="kill probability (blank: not threatened)")
    where = f" from {launch[0]:.2f}N {launch[1]:.2f}E" if launch is not None else ""
    area = summary.get("defended_area_km2")
    area_text = f"\ndefended area (P>={threshold:g}) {area:,.0f} km$^2$" if area is not None else ""
    ax.set_title(f"Defended footprint, {summary.get('mode', '')}: {summary.get('threat', 'threat')}"
                 f"{where}{area_text}", fontsize=10)  # fmt: skip
    ax.legend(loc="lower right", fontsize=8)


def plot_footprint(path: Path, sc, launch, lats, lons, pk, threshold, summary) -> None:
    """``path`` (PNG): :func:`draw_footprint` with the scenario's battery."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 8), dpi=110, layout="constrained")
    ax = fig.add_subplot()
    s = sc.battery.site
    draw_footprint(fig, ax, lats, lons, pk, threshold, summary, launch,
                   (sc.battery.name, s.lat_deg, s.lon_deg))  # fmt: skip
    from thaad.io import atomic_write_via

    atomic_write_via(path, lambda tmp: fig.savefig(tmp, format="png"))


def plot_footprint_dir(
    out: str | Path, sc: Any, launch: tuple[float, float], summary: dict
) -> Path:
    """``out/footprint.png`` from the ``footprint.nc`` that :func:`run_footprint` wrote there."""
    import xarray as xr

    out = Path(out)
    with xr.open_dataset(out / "footprint.nc", engine="h5netcdf") as ds:
        lats, lons, pk = ds["latitude"].values, ds["longitude"].values, ds["p_kill"].values
    path = out / "footprint.png"
    plot_footprint(path, sc, launch, lats, lons, pk, summary["threshold"], summary)
    return path


def _iv_km(iv: list[float] | None) -> str:
    return "none" if iv is None else f"{iv[0] / 1e3:.0f}-{iv[1] / 1e3:.0f} km"


def plot_coverage(res: CoverageResult) -> bytes:
    """PNG of the covered region over coastlines and borders."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure
    from matplotlib.patches import Polygon as MplPolygon

    trk_out = (res.track_ground_range_m or [0.0, 0.0])[1]
    reach_deg = math.degrees(max(res.coverage_range_m, trk_out, 200e3) / R_MEAN_M)
    clat = math.cos(math.radians(res.radar_lat_deg))
    minx, miny, maxx, maxy = (res.radar_lon_deg, res.radar_lat_deg, res.radar_lon_deg,
                              res.radar_lat_deg)  # fmt: skip
    for pg in (res.polygon, res.track_polygon, res.detection_polygon):
        if pg is not None and not pg.is_empty:
            b = pg.bounds
            minx, miny, maxx, maxy = (
                min(minx, b[0]),
                min(miny, b[1]),
                max(maxx, b[2]),
                max(maxy, b[3]),
            )
    pad = 0.15 * reach_deg
    lon0 = min(minx, res.radar_lon_deg - 0.3 * reach_deg / clat) - pad / clat
    lon1 = max(maxx, res.radar_lon_deg + 0.3 * reach_deg / clat) + pad / clat
    lat0 = max(min(miny, res.radar_lat_deg - 0.3 * reach_deg) - pad, -89.0)
    lat1 = min(max(maxy, res.radar_lat_deg + 0.3 * reach_deg) + pad, 89.0)
    fig = Figure(figsize=(8.5, 7.5), dpi=110)
    ax = fig.add_subplot(1, 1, 1)
    plot_base_map(ax, (lon0, lon1, lat0, lat1))
    from matplotlib.patches import Patch

    handles = []
    for pg, face, edge, style, label in (
        (res.polygon, "none", "0.35", ":", "range-only region (search range, any elevation)"),
        (res.track_polygon, "#5b8fd9", "#2c4fa0", "-", "track: an object in track stays in track"),
        (res.detection_polygon, "#d9534f", "#a02c2c", "-", "detection: search finds a new object"),
    ):  # fmt: skip
        if pg is None or pg.is_empty:
            continue
        for poly in getattr(pg, "geoms", [pg]):
            ax.add_patch(MplPolygon(list(poly.exterior.coords), closed=True, facecolor=face,
                                    alpha=0.3 if face != "none" else 1.0, edgecolor=edge,
                                    linewidth=1.4, linestyle=style, zorder=2))  # fmt: skip
        handles.append(Patch(facecolor=face, edgecolor=edge, linestyle=style,
                             alpha=0.5 if face != "none" else 1.0, label=label))  # fmt: skip
    if handles:
        ax.legend(handles=handles, loc="upper right", fontsize=7)
    ax.plot(res.radar_lon_deg, res.radar_lat_deg, marker="^", color="k", markersize=8, zorder=3)
    ax.set_title(
        f"{res.mode} mode: {res.rcs_m2:g} m² at {res.target_alt_m / 1e3:g} km, "
        f"boresight {res.boresight_az_deg:g}°, min el {res.min_elevation_deg:g}°\n"
        f"detection {_iv_km(res.detection_ground_range_m)}, {res.detection_area_km2:,.0f} km²; "
        f"track {_iv_km(res.track_ground_range_m)}, {res.track_area_km2:,.0f} km²\n"
        f"(search band {res.search_elevation_deg[0]:g}-{res.search_elevation_deg[1]:g}° "
        f"apparent elevation; range-only region {res.coverage_range_m / 1e3:.0f} km)",
        fontsize=10,
    )
    lines = ["detection / track area:"] + [
        f"{code}: {res.detection_area_by_country_km2.get(code, 0.0):,.0f} / {km2:,.0f} km²"
        for code, km2 in list(res.track_area_by_country_km2.items())[:6]
    ]
    if lines:
        ax.text(0.01, 0.01, "\n".join(lines), transform=ax.transAxes, fontsize=8, va="bottom",
                bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "0.6"},
                zorder=4)  # fmt: skip
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()


def plot_track_arcs(
    rows: list[dict[str, Any]],
    radar_lat_deg: float,
    radar_lon_deg: float,
    title: str = "",
    extent: Sequence[float] | None = None,
    sector: tuple[float, float, float] | None = None,
    dpi: int = 110,
) -> bytes:
    """PNG map of a family of flights: each ground track (grey) and its tracked part (red),
    launch points (x) and the radar (triangle). ``rows`` from
    :func:`thaad.analysis.visibility.family`; longitudes east of 180 are drawn past it.
    ``extent`` (lon_min, lon_max, lat_min, lat_max) fixes the view (default: every track);
    ``sector`` (boresight az, half-width deg, range m) outlines the face's field of view."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    def unwrap(lon: float) -> float:
        return lon + 360.0 if lon < radar_lon_deg - 180.0 else lon

    lats, lons = [radar_lat_deg], [radar_lon_deg]
    for r in rows:
        for p in r.get("ground_track", []):
            lats.append(p[0])
            lons.append(unwrap(p[1]))
    pad = 2.0
    ext = extent or (min(lons) - pad, max(lons) + pad, max(min(lats) - pad, -89.0),
                     min(max(lats) + pad, 89.0))  # fmt: skip
    fig = Figure(figsize=(10.0, 6.5), dpi=dpi)
    ax = fig.add_subplot(1, 1, 1)
    plot_base_map(ax, ext)
    if sector is not None:
        from thaad.model.geo import sector_polygon

        pg = sector_polygon(radar_lat_deg, radar_lon_deg, sector[2], sector[0], sector[1])
        x, y = pg.exterior.xy
        ax.plot([unwrap(v) for v in x], list(y), color="#2c4fa0", lw=1.0, ls="--", zorder=2,
                label="field of view to the instrumented range")  # fmt: skip
    for r in rows:
        g = r.get("ground_track", [])
        if not g:
            continue
        ax.plot([unwrap(p[1]) for p in g], [p[0] for p in g], color="0.4", lw=0.8, zorder=2)
        ax.plot(unwrap(g[0][1]), g[0][0], "kx", ms=5, zorder=3)
        seg: list[list[float]] = []
        for p in [*r.get("tracked_arc", []), None]:
            if p is None:
                if seg:
                    ax.plot([unwrap(q[1]) for q in seg], [q[0] for q in seg], color="#c0392b",
                            lw=2.4, zorder=3, solid_capstyle="round")  # fmt: skip
                seg = []
            else:
                seg.append(p)
    ax.plot(radar_lon_deg, radar_lat_deg, marker="^", color="k", ms=9, zorder=4)
    ax.plot([], [], color="0.4", lw=0.8, label="ground track")
    ax.plot([], [], color="#c0392b", lw=2.4, label="in track")
    ax.legend(loc="upper right", fontsize=8)
    ax.set_xlim(ext[0], ext[1])  # the lines drawn above must not widen the view
    ax.set_ylim(ext[2], ext[3])
    if title:
        ax.set_title(title, fontsize=10)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()
