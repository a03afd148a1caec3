"""The report's result tables: labelled rows with units and sensible rounding for the Monte
Carlo, footprint and coverage summaries (``montecarlo.json``, ``footprint.json``,
``coverage.json``), instead of their raw keys. Each function returns ``(label, value as
text)`` rows; a key a table does not know is shown under "other values" by
:func:`other_rows`, so nothing is hidden."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["coverage_rows", "footprint_rows", "montecarlo_rows", "other_rows"]

Row = tuple[str, str]


def _ok(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _km(v_m: Any, digits: int = 0) -> str:
    return f"{v_m / 1e3:,.{digits}f} km" if _ok(v_m) else "–"


def _num(v: Any, digits: int = 3) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    if _ok(v):
        return f"{v:,.{digits}f}"
    return "–" if v is None else str(v)


def _latlon(lat: float, lon: float) -> str:
    return f"{abs(lat):.3f}°{'N' if lat >= 0 else 'S'}, {abs(lon):.3f}°{'E' if lon >= 0 else 'W'}"


def montecarlo_rows(s: dict[str, Any]) -> list[Row]:
    """Monte Carlo ``montecarlo.json``: kill probability with its interval and model, draws,
    interceptors per threat, intercept altitude and miss distance percentiles, run time."""
    rows: list[Row] = []
    if s.get("battle"):
        return battle_montecarlo_rows(s)
    if _ok(s.get("p_kill")):
        rows.append(("kill probability", f"{s['p_kill']:.3f}"))
        ci = s.get("p_kill_ci95")
        if isinstance(ci, list) and len(ci) == 2 and all(map(_ok, ci)):
            rows.append(("95 % interval (Wilson)", f"{ci[0]:.3f} to {ci[1]:.3f}"))
    if s.get("lethality"):
        rows.append(("lethality model", str(s["lethality"])))
    if isinstance(s.get("draws"), int):
        kills = f" ({s['kills']:,} kills)" if isinstance(s.get("kills"), int) else ""
        rows.append(("draws", f"{s['draws']:,}{kills}"))
    if _ok(s.get("mean_interceptors_fired")):
        rows.append(("interceptors fired per threat", f"{s['mean_interceptors_fired']:.2f}"))
    for key, label, scale, unit, digits in (
        ("intercept_alt_m", "intercept altitude", 1e3, "km", 1),
        ("miss_distance_m", "miss distance", 1.0, "m", 3),
    ):
        st = s.get(key)
        if isinstance(st, dict) and st.get("count"):
            p5, p50, p95 = (f"{st[q] / scale:,.{digits}f}" for q in ("p5", "p50", "p95"))
            rows.append((f"{label}, median (5 % to 95 %)", f"{p50} {unit} ({p5} to {p95} {unit})"))
    if _ok(s.get("wall_s")):
        how = s.get("backend") or ""
        if isinstance(s.get("workers"), int):
            how += f", {s['workers']} workers"
        rows.append(("run time", f"{s['wall_s']:,.1f} s" + (f" ({how})" if how else "")))
    if isinstance(s.get("resumed_draws"), int) and s["resumed_draws"]:
        rows.append(("draws from an earlier, resumed run", f"{s['resumed_draws']:,}"))
    return rows


def battle_montecarlo_rows(s: dict[str, Any]) -> list[Row]:
    """A battle's ``montecarlo.json`` (the kinematic battle model): mean leakers, the
    probability of no leaker, the fraction of threats killed and the interceptors fired per
    battle, each with its 95 % interval; the leakers at each asset; draws and run time."""
    rows: list[Row] = []
    if s.get("model"):
        rows.append(("model", str(s["model"])))
    for key, label, how in (
        ("mean_leakers", "leakers per battle", "normal"),
        ("p_zero_leakers", "probability of no leaker", "Wilson"),
        ("p_kill", "fraction of the threats killed", "normal"),
        ("mean_interceptors_fired", "interceptors fired per battle", "normal"),
    ):
        if not _ok(s.get(key)):
            continue
        ci = s.get(f"{key}_ci95")
        text = f"{s[key]:.3f}"
        if isinstance(ci, list) and len(ci) == 2 and all(map(_ok, ci)):
            text += f" (95 % interval, {how}: {ci[0]:.3f} to {ci[1]:.3f})"
        rows.append((label, text))
    for name, a in (s.get("assets") or {}).items():
        if isinstance(a, dict) and _ok(a.get("mean_leakers")):
            rows.append((f"leakers at {name} per battle", f"{a['mean_leakers']:.3f}"))
    if isinstance(s.get("draws"), int):
        rows.append(("draws", f"{s['draws']:,}"))
    if _ok(s.get("wall_s")):
        rows.append(("run time", f"{s['wall_s']:,.1f} s"))
    if isinstance(s.get("resumed_draws"), int) and s["resumed_draws"]:
        rows.append(("draws from an earlier, resumed run", f"{s['resumed_draws']:,}"))
    return rows


MONTECARLO_KEYS = {"p_kill", "p_kill_ci95", "lethality", "draws", "kills",
                   "mean_interceptors_fired", "intercept_alt_m", "miss_distance_m", "wall_s",
                   "backend", "workers", "resumed_draws", "scenario", "scenario_sha256",
                   "version", "seed", "battle", "model", "mean_leakers", "mean_leakers_ci95",
                   "p_zero_leakers", "p_zero_leakers_ci95", "mean_interceptors_fired_ci95",
                   "assets", "pk_table"}  # fmt: skip


def footprint_rows(s: dict[str, Any]) -> list[Row]:
    """Footprint ``footprint.json``: threat, launch point, mode and lethality, grid, areas,
    doctrine, run time."""
    rows: list[Row] = []
    if s.get("threat"):
        rows.append(("threat class", str(s["threat"])))
    launch = s.get("launch_deg")
    if isinstance(launch, list) and len(launch) == 2 and all(map(_ok, launch)):
        rows.append(("launch point", _latlon(*launch)))
    if s.get("mode"):
        what = {"kinematic": "kinematic (the intercept envelope along each aim point's "
                             "trajectory; no engagement flown)",
                "full": "full (engagements flown at each aim point)"}  # fmt: skip
        rows.append(("mode", what.get(s["mode"], str(s["mode"]))))
    if s.get("lethality"):
        rows.append(("lethality model", str(s["lethality"])))
    elif _ok(s.get("sspk")):
        rows.append(("lethality model", f"fixed single-shot kill probability sspk={s['sspk']:g}"))
    if s.get("doctrine"):
        shots = f", up to {s['shots']} shots" if isinstance(s.get("shots"), int) else ""
        rows.append(("doctrine", f"{s['doctrine']}{shots}"))
    if isinstance(s.get("grid"), int):
        ext = f" within {s['extent_km']:,.0f} km of the battery" if _ok(s.get("extent_km")) else ""
        rows.append(("aim-point grid", f"{s['grid']} × {s['grid']} cells{ext}"))
    if isinstance(s.get("draws_per_cell"), int):
        rows.append(("draws per cell", f"{s['draws_per_cell']:,}"))
    thr = s.get("threshold") if _ok(s.get("threshold")) else 0.5
    if _ok(s.get("defended_area_km2")):
        rows.append((f"defended area (kill probability ≥ {thr:g})",
                     f"{s['defended_area_km2']:,.0f} km²"))  # fmt: skip
    if _ok(s.get("threatened_area_km2")):
        rows.append(("threatened area (within the threat's reach)",
                     f"{s['threatened_area_km2']:,.0f} km²"))  # fmt: skip
    if _ok(s.get("family_s")) and _ok(s.get("grid_s")):
        rate = f", {s['cells_per_s']:,.0f} cells/s" if _ok(s.get("cells_per_s")) else ""
        rows.append(("run time", f"trajectories {s['family_s']:.1f} s, grid "
                                 f"{s['grid_s']:.1f} s{rate}"))  # fmt: skip
    return rows


FOOTPRINT_KEYS = {"threat", "launch_deg", "mode", "lethality", "sspk", "doctrine", "shots",
                  "grid", "extent_km", "draws_per_cell", "threshold", "defended_area_km2",
                  "threatened_area_km2", "family_s", "grid_s", "cells_per_s", "assets", "battery",
                  "scenario", "scenario_sha256", "version", "seed"}  # fmt: skip


def coverage_rows(c: dict[str, Any]) -> list[Row]:
    """``coverage.json``: the radar, the object, the search, each range limit and the
    covered area."""
    rows: list[Row] = []
    if all(_ok(c.get(k)) for k in ("radar_lat_deg", "radar_lon_deg")):
        alt = f", {c['radar_alt_m']:,.0f} m" if _ok(c.get("radar_alt_m")) else ""
        rows.append(("radar site", _latlon(c["radar_lat_deg"], c["radar_lon_deg"]) + alt))
    if c.get("mode"):
        rows.append(("mode", str(c["mode"])))
    if _ok(c.get("boresight_az_deg")):
        sector = (f", searched ±{c['sector_half_az_deg']:g}°"
                  if _ok(c.get("sector_half_az_deg")) else "")  # fmt: skip
        half = f" ±{c['half_fov_deg']:g}°" if _ok(c.get("half_fov_deg")) else ""
        rows.append(("face", f"boresight {c['boresight_az_deg']:g}°{half}{sector}"))
    if _ok(c.get("min_elevation_deg")):
        rows.append(("minimum elevation", f"{c['min_elevation_deg']:g}°"))
    if _ok(c.get("rcs_m2")) and _ok(c.get("target_alt_m")):
        rows.append(("object", f"{c['rcs_m2']:g} m² at {c['target_alt_m'] / 1e3:,.0f} km altitude"))
    if _ok(c.get("search_frame_s")):
        bits = [f"frame {c['search_frame_s']:g} s"]
        if _ok(c.get("search_solid_angle_sr")):
            bits.append(f"{c['search_solid_angle_sr']:.3f} sr")
        if _ok(c.get("search_dwell_s")):
            bits.append(f"{c['search_dwell_s'] * 1e3:.1f} ms per beam")
        if _ok(c.get("search_fraction")):
            bits.append(f"{c['search_fraction']:.0%} of the radar's time")
        rows.append(("search", ", ".join(bits)))
    if _ok(c.get("snr_threshold_db")):
        pd = f" (detection probability {c['pd_at_threshold']:.2f})" if _ok(
            c.get("pd_at_threshold")) else ""  # fmt: skip
        rows.append(("detection threshold", f"{c['snr_threshold_db']:.1f} dB{pd}"))
    if isinstance(c.get("tracks"), int) and c["tracks"]:
        rows.append(("objects in track", f"{c['tracks']}"))
    for key, label in (
        ("detection_range_m", "detection range, search (slant)"),
        ("track_range_m", "detection range, cued track dwell (slant)"),
        ("radar_equation_ground_range_m", "radar-equation limit (ground)"),
        ("horizon_range_m", "radio horizon, 4/3 Earth (ground)"),
        ("elevation_range_m", "minimum-elevation limit (ground)"),
        ("instrumented_ground_range_m", "instrumented-range limit (ground)"),
    ):
        if key in c:
            rows.append((label, _km(c[key]) if c[key] is not None else "none"))
    if _ok(c.get("coverage_range_m")):
        by = f" (limited by the {c['limited_by']})" if c.get("limited_by") else ""
        rows.append(("coverage (ground)", _km(c["coverage_range_m"]) + by))
    if _ok(c.get("coverage_area_km2")):
        rows.append(("covered area", f"{c['coverage_area_km2']:,.0f} km²"))
    countries = c.get("countries") if isinstance(c.get("countries"), dict) else {}
    for code, km2 in (c.get("area_by_country_km2") or {}).items():
        if not _ok(km2):
            continue
        extra = ""
        info = countries.get(code)
        if isinstance(info, dict) and _ok(info.get("nearest_land_m")):
            extra = f"; nearest land {_km(info['nearest_land_m'])}"
            if _ok(info.get("reach_beyond_nearest_land_m")):
                extra += f", reach {_km(info['reach_beyond_nearest_land_m'])} beyond it"
        name = info.get("name") if isinstance(info, dict) and info.get("name") else code
        label = f"area over {name}" + (f" ({code})" if name != code else "")
        rows.append((label, f"{km2:,.0f} km²{extra}"))
    return rows


COVERAGE_KEYS = {"radar_lat_deg", "radar_lon_deg", "radar_alt_m", "mode", "boresight_az_deg",
                 "half_fov_deg", "sector_half_az_deg", "min_elevation_deg", "rcs_m2",
                 "target_alt_m", "search_frame_s", "search_solid_angle_sr", "search_dwell_s",
                 "search_fraction", "snr_threshold_db", "pd_at_threshold", "tracks",
                 "detection_range_m", "track_range_m", "radar_equation_ground_range_m",
                 "horizon_range_m", "elevation_range_m", "instrumented_ground_range_m",
                 "coverage_range_m", "limited_by", "coverage_area_km2", "area_by_country_km2",
                 "countries"}  # fmt: skip


def other_rows(d: dict[str, Any], known: set[str]) -> list[Row]:
    """The keys a table does not know, as ``key: value`` (numbers to 4 significant digits)."""
    rows: list[Row] = []
    for k, v in d.items():
        if k in known:
            continue
        if isinstance(v, float):
            text = f"{v:.4g}"
        elif isinstance(v, dict | list):
            continue
        else:
            text = _num(v)
        rows.append((k.replace("_", " "), text))
    return rows
