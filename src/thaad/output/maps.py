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

from thaad.model.geo import _coast_and_borders, _countries, _polygons, _tree, _wrap_lon

# a name in a script the map font lacks (an asset called 名前) draws as boxes: not worth a
# warning on stderr for every run
warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry
    from shapely.geometry.polygon import Polygon

    from thaad.analysis.coverage import CoverageResult

__all__ = ["plot_base_map", "plot_coverage", "plot_footprint", "plot_footprint_dir"]

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


def plot_footprint(path: Path, sc, launch, lats, lons, pk, threshold, summary) -> None:
    """Kill probability over the map, the threshold contour, battery, assets and launch."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lon_min = min(lons[0], launch[1]) - 0.5
    lon_max = max(lons[-1], launch[1]) + 0.5
    lat_min = min(lats[0], launch[0]) - 0.5
    lat_max = max(lats[-1], launch[0]) + 0.5
    fig, ax = plt.subplots(figsize=(8, 8), dpi=110)
    plot_base_map(ax, (lon_min, lon_max, lat_min, lat_max))
    m = np.ma.masked_invalid(pk)
    mesh = ax.pcolormesh(lons, lats, m, shading="nearest", cmap="RdYlGn", vmin=0, vmax=1,
                         alpha=0.55, zorder=3)  # fmt: skip
    if np.nanmax(np.nan_to_num(pk, nan=0.0)) >= threshold:
        ax.contour(lons, lats, np.nan_to_num(pk, nan=0.0), levels=[threshold], colors="k",
                   linewidths=1.2, zorder=4)  # fmt: skip
    s = sc.battery.site
    ax.plot(s.lon_deg, s.lat_deg, "b^", ms=10, zorder=5, label=f"battery ({sc.battery.name})")
    ax.plot(launch[1], launch[0], "rx", ms=10, mew=2, zorder=5, label="threat launch point")
    for name, a in summary["assets"].items():
        p = a["p_kill"]
        txt = f"{name}\n" + ("not reachable" if p is None else f"P(kill) {p:.2f}")
        ax.plot(a["lon_deg"], a["lat_deg"], "ko", ms=4, zorder=6)
        ax.annotate(txt, (a["lon_deg"], a["lat_deg"]), xytext=(4, 4),
                    textcoords="offset points", fontsize=8, zorder=6)  # fmt: skip
    fig.colorbar(mesh, ax=ax, shrink=0.7, label="kill probability")
    ax.set_title(f"Defended footprint, {summary['mode']}: {summary['threat']} from "
                 f"{launch[0]:.2f}N {launch[1]:.2f}E\ndefended area (P>={threshold:g}) "
                 f"{summary['defended_area_km2']:,.0f} km$^2$", fontsize=10)  # fmt: skip
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


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


def plot_coverage(res: CoverageResult) -> bytes:
    """PNG of the covered region over coastlines and borders."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure
    from matplotlib.patches import Polygon as MplPolygon

    reach_deg = max(res.coverage_range_m, 200e3) / 111e3
    clat = math.cos(math.radians(res.radar_lat_deg))
    if res.polygon.is_empty:
        minx, miny, maxx, maxy = (res.radar_lon_deg, res.radar_lat_deg, res.radar_lon_deg,
                                  res.radar_lat_deg)  # fmt: skip
    else:
        minx, miny, maxx, maxy = res.polygon.bounds
    pad = 0.15 * reach_deg
    lon0 = min(minx, res.radar_lon_deg - 0.3 * reach_deg / clat) - pad / clat
    lon1 = max(maxx, res.radar_lon_deg + 0.3 * reach_deg / clat) + pad / clat
    lat0 = max(min(miny, res.radar_lat_deg - 0.3 * reach_deg) - pad, -89.0)
    lat1 = min(max(maxy, res.radar_lat_deg + 0.3 * reach_deg) + pad, 89.0)
    fig = Figure(figsize=(8.5, 7.5), dpi=110)
    ax = fig.add_subplot(1, 1, 1)
    plot_base_map(ax, (lon0, lon1, lat0, lat1))
    if not res.polygon.is_empty:
        for poly in getattr(res.polygon, "geoms", [res.polygon]):
            ax.add_patch(MplPolygon(list(poly.exterior.coords), closed=True, facecolor="#d9534f",
                                    alpha=0.25, edgecolor="#a02c2c", linewidth=1.4,
                                    zorder=2))  # fmt: skip
    ax.plot(res.radar_lon_deg, res.radar_lat_deg, marker="^", color="k", markersize=8, zorder=3)
    ax.set_title(
        f"{res.mode} mode: {res.rcs_m2:g} m² at {res.target_alt_m / 1e3:g} km, "
        f"boresight {res.boresight_az_deg:g}°, min el {res.min_elevation_deg:g}°\n"
        f"coverage {res.coverage_range_m / 1e3:.0f} km (limited by {res.limited_by}), "
        f"{res.coverage_area_km2:,.0f} km²",
        fontsize=10,
    )
    lines = [f"{code}: {km2:,.0f} km²" for code, km2 in list(res.area_by_country_km2.items())[:6]]
    if lines:
        ax.text(0.01, 0.01, "\n".join(lines), transform=ax.transAxes, fontsize=8, va="bottom",
                bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "0.6"},
                zorder=4)  # fmt: skip
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()
