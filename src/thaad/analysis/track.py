"""Track a user's own radar measurements: read and check a CSV, run the ballistic tracker,
report tracks with their predicted impact points.

The CSV has a header line naming its columns: ``t_s``, ``range_m``, ``azimuth_deg``
(clockwise from true north), ``elevation_deg`` (above the WGS-84 local horizontal at the
sensor) and optionally ``object_id``. With ``object_id`` the rows are already associated and
each object is filtered on its own; without it, rows with the same ``t_s`` form one scan and
the multi-object tracker (M-of-N initiation, global-nearest-neighbour association, deletion)
sorts them into tracks. Any bad row stops the run with an error naming its line.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from thaad.errors import ThaadInputError
from thaad.io import read_text

__all__ = ["Measurements", "TrackResult", "read_measurements", "track", "tracks_csv"]

REQUIRED = ("t_s", "range_m", "azimuth_deg", "elevation_deg")
OPTIONAL = ("object_id",)
FILTERS = {"ekf": 0, "ukf": 1}


@dataclass
class Measurements:
    """Checked measurements in file order (SI, radians)."""

    t_s: np.ndarray
    z: np.ndarray  # (m, 3) range_m, azimuth_rad, elevation_rad
    line: np.ndarray  # (m,) line number in the file
    object_id: list[str] | None


def read_measurements(path: str | Path) -> Measurements:
    """Read and check a measurement CSV; raise ThaadInputError naming the line of a bad row."""
    p = Path(path)
    name = p.name
    if p.is_dir():
        raise ThaadInputError(f"'{p}' is a directory, not a CSV file")
    text = read_text(p, "measurement file", encoding="utf-8-sig")
    rows = csv.reader(text.splitlines())
    header = None
    for row in rows:
        if any(c.strip() for c in row):
            header = [c.strip() for c in row]
            break
    if header is None:
        raise ThaadInputError(f"{name}: the file is empty (expected a header line)")
    hline = rows.line_num
    seen = set()
    for c in header:
        if c not in REQUIRED + OPTIONAL:
            raise ThaadInputError(
                f"{name} line {hline}: unknown column '{c}' (expected {', '.join(REQUIRED)}"
                f" and optionally object_id)"
            )
        if c in seen:
            raise ThaadInputError(f"{name} line {hline}: column '{c}' appears twice")
        seen.add(c)
    for c in REQUIRED:
        if c not in seen:
            raise ThaadInputError(f"{name} line {hline}: required column '{c}' is missing")
    idx = {c: header.index(c) for c in header}
    has_id = "object_id" in idx
    t_list: list[float] = []
    z_list: list[tuple[float, float, float]] = []
    lines: list[int] = []
    ids: list[str] = []
    for row in rows:
        ln = rows.line_num
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise ThaadInputError(
                f"{name} line {ln}: expected {len(header)} fields, got {len(row)}"
            )
        vals = {}
        for c in REQUIRED:
            raw = row[idx[c]].strip()
            try:
                v = float(raw)
            except ValueError:
                raise ThaadInputError(f"{name} line {ln}: {c} '{raw}' is not a number") from None
            if not math.isfinite(v):
                raise ThaadInputError(f"{name} line {ln}: {c} is {raw} (not a finite number)")
            vals[c] = v
        if vals["range_m"] <= 0.0:
            raise ThaadInputError(f"{name} line {ln}: range_m {vals['range_m']} is not positive")
        if not -90.0 <= vals["elevation_deg"] <= 90.0:
            raise ThaadInputError(
                f"{name} line {ln}: elevation_deg {vals['elevation_deg']} is outside [-90, 90]"
            )
        if not -360.0 <= vals["azimuth_deg"] <= 360.0:
            raise ThaadInputError(
                f"{name} line {ln}: azimuth_deg {vals['azimuth_deg']} is outside [-360, 360]"
            )
        if t_list and vals["t_s"] < t_list[-1]:
            raise ThaadInputError(
                f"{name} line {ln}: t_s {vals['t_s']} is earlier than the row before "
                f"({t_list[-1]}): time goes backwards"
            )
        if has_id:
            oid = row[idx["object_id"]].strip()
            if not oid:
                raise ThaadInputError(f"{name} line {ln}: object_id is empty")
            ids.append(oid)
        t_list.append(vals["t_s"])
        z_list.append((vals["range_m"], math.radians(vals["azimuth_deg"] % 360.0),
                       math.radians(vals["elevation_deg"])))  # fmt: skip
        lines.append(ln)
    if not t_list:
        raise ThaadInputError(f"{name}: no measurement rows after the header")
    return Measurements(
        t_s=np.array(t_list), z=np.array(z_list, dtype=np.float64).reshape(-1, 3),
        line=np.array(lines, dtype=np.int64), object_id=ids if has_id else None,
    )  # fmt: skip


@dataclass
class TrackResult:
    """Tracks of one measurement file (SI, degrees)."""

    sensor: dict[str, float]
    filter: str
    association: str
    sigma_range_m: float
    sigma_angle_mrad: float
    process_noise_m2ps3: float
    prior_beta_kgpm2: float
    n_measurements: int
    unused_lines: list[int]
    tracks: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)


def _impact(x: np.ndarray, P: np.ndarray, env: Any, t_epoch: float) -> dict[str, Any]:
    from thaad.core.tracking import impact_with_uncertainty

    ok, lat, lon, t_imp, cov = impact_with_uncertainty(x, P, env, 4000.0)
    if not ok:
        return {"impact_lat_deg": None, "impact_lon_deg": None, "impact_t_s": None,
                "impact_sigma_major_m": None, "impact_sigma_minor_m": None,
                "impact_major_axis_az_deg": None, "impact_cov_en_m2": None}  # fmt: skip
    w, v = np.linalg.eigh(cov)
    major = v[:, 1]
    return {
        "impact_lat_deg": math.degrees(lat),
        "impact_lon_deg": math.degrees(lon),
        "impact_t_s": t_epoch + t_imp,
        "impact_sigma_major_m": math.sqrt(max(w[1], 0.0)),
        "impact_sigma_minor_m": math.sqrt(max(w[0], 0.0)),
        "impact_major_axis_az_deg": math.degrees(math.atan2(major[0], major[1])) % 180.0,
        "impact_cov_en_m2": cov.tolist(),
    }


def _track_dict(ident: int, oid: str | None, t: list, X: list, P: list, env: Any) -> dict:
    states = []
    for ti, xi, Pi in zip(t, X, P, strict=True):
        states.append({
            "t_s": float(ti),
            "ecef_m": [float(v) for v in xi[:3]],
            "ecef_mps": [float(v) for v in xi[3:6]],
            "sigma_pos_m": math.sqrt(max(Pi[0, 0] + Pi[1, 1] + Pi[2, 2], 0.0)),
        })  # fmt: skip
    x_last, P_last = X[-1], P[-1]
    b = float(x_last[6])
    d: dict[str, Any] = {"track_id": ident}
    if oid is not None:
        d["object_id"] = oid
    d.update({
        "n_updates": len(states),
        "t_first_s": float(t[0]),
        "t_last_s": float(t[-1]),
        "ballistic_coefficient_kgpm2": 1.0 / b if b > 0.0 else None,
        "inverse_ballistic_coefficient_m2pkg": b,
        "inverse_ballistic_coefficient_sigma_m2pkg": math.sqrt(max(P_last[6, 6], 0.0)),
    })  # fmt: skip
    d.update(_impact(x_last, P_last, env, float(t[-1])))
    d["states"] = states
    return d


def track(
    meas: Measurements,
    sensor_lla: tuple[float, float, float],
    sigma_range_m: float = 10.0,
    sigma_angle_mrad: float = 0.3,
    filter: str = "ekf",
    process_noise_m2ps3: float = 1.0,
    prior_beta_kgpm2: float = 4880.0,
) -> TrackResult:
    """Track measurements from a sensor at ``sensor_lla`` (degrees, degrees, metres)."""
    from thaad.core.earth import enu_basis, geodetic_to_ecef
    from thaad.core.flight import Env
    from thaad.core.tracking import run_filter
    from thaad.core.tracks import CONFIRMED, TrackerParams, new_track_table, tracker_scan

    if filter not in FILTERS:
        raise ThaadInputError(f"--filter: '{filter}' is not one of ekf, ukf")
    for nm, v in (("--sigma-range-m", sigma_range_m), ("--sigma-angle-mrad", sigma_angle_mrad),
                  ("--beta-kgpm2", prior_beta_kgpm2)):  # fmt: skip
        if not (v > 0.0 and math.isfinite(v)):
            raise ThaadInputError(f"{nm}: {v} is not a positive number")
    if not (process_noise_m2ps3 >= 0.0 and math.isfinite(process_noise_m2ps3)):
        raise ThaadInputError(f"--process-noise-m2ps3: {process_noise_m2ps3} is negative")
    lat, lon, alt = sensor_lla
    env = Env(1, 1, 1, 1)  # WGS-84, rotation, J2, US76
    lat_r, lon_r = math.radians(lat), math.radians(lon)
    site = geodetic_to_ecef(lat_r, lon_r, alt, env.earth)
    enu = enu_basis(lat_r, lon_r)
    sa = sigma_angle_mrad * 1e-3
    R1 = np.diag([sigma_range_m**2, sa * sa, sa * sa])
    kind = FILTERS[filter]
    b0 = 1.0 / prior_beta_kgpm2
    sigma_b0 = 1.0e-3
    q_b = (0.05 * b0) ** 2 / 100.0
    res = TrackResult(
        sensor={"lat_deg": lat, "lon_deg": lon, "alt_m": alt}, filter=filter,
        association="object_id" if meas.object_id is not None else "gnn",
        sigma_range_m=sigma_range_m, sigma_angle_mrad=sigma_angle_mrad,
        process_noise_m2ps3=process_noise_m2ps3, prior_beta_kgpm2=prior_beta_kgpm2,
        n_measurements=len(meas.t_s), unused_lines=[],
    )  # fmt: skip
    if meas.object_id is not None:
        order: dict[str, list[int]] = {}
        for i, oid in enumerate(meas.object_id):
            order.setdefault(oid, []).append(i)
        for n, (oid, rows) in enumerate(order.items(), start=1):
            ix = np.array(rows)
            Rs = np.repeat(R1[None], len(ix), axis=0)
            xs, Ps, _ = run_filter(kind, meas.t_s[ix], meas.z[ix], Rs, site, enu, env,
                                   process_noise_m2ps3, q_b, b0, sigma_b0, 4000.0)  # fmt: skip
            res.tracks.append(_track_dict(n, oid, list(meas.t_s[ix]), list(xs), list(Ps), env))
        return res

    prm = TrackerParams(kind, 3, 5, 5, 16.27, process_noise_m2ps3, q_b, b0, sigma_b0, 4000.0,
                        50e3)  # fmt: skip
    cap = 64
    # scratch for the largest scan of the stream
    n_det = int(np.unique(meas.t_s, return_counts=True)[1].max()) if len(meas.t_s) else 1
    tab = new_track_table(cap, n_det)
    hist: dict[int, tuple[list, list, list, list]] = {}
    confirmed: set[int] = set()
    t = meas.t_s
    start = 0
    m = len(t)
    while start < m:
        end = start
        while end < m and t[end] == t[start]:
            end += 1
        Z = meas.z[start:end]
        Rs = np.repeat(R1[None], end - start, axis=0)
        tracker_scan(tab, prm, float(t[start]), Z, Rs, site, enu, env)
        slots = tab.slots[: end - start]
        for j, s in enumerate(slots):
            if s < 0:
                continue
            ident = int(tab.ident[s])
            h = hist.setdefault(ident, ([], [], [], []))
            h[0].append(float(t[start]))
            h[1].append(tab.x[s].copy())
            h[2].append(tab.P[s].copy())
            h[3].append(int(meas.line[start + j]))
        for s in range(cap):
            if tab.status[s] == CONFIRMED:
                confirmed.add(int(tab.ident[s]))
        start = end
    used = set()
    for ident in sorted(confirmed):
        ts, X, P, lines = hist[ident]
        used.update(lines)
        res.tracks.append(_track_dict(ident, None, ts, X, P, env))
    res.unused_lines = sorted(set(int(v) for v in meas.line) - used)
    return res


def tracks_csv(res: TrackResult) -> str:
    """One row per track state, with the track's impact point repeated on each row."""
    import io

    cols = ["track_id", "object_id", "t_s", "x_m", "y_m", "z_m", "vx_mps", "vy_mps", "vz_mps",
            "sigma_pos_m", "impact_lat_deg", "impact_lon_deg", "impact_sigma_major_m",
            "impact_sigma_minor_m"]  # fmt: skip
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)

    def f(v: Any) -> str:
        return "" if v is None else f"{v:.10g}"

    for tr in res.tracks:
        tail = [f(tr["impact_lat_deg"]), f(tr["impact_lon_deg"]),
                f(tr["impact_sigma_major_m"]), f(tr["impact_sigma_minor_m"])]  # fmt: skip
        for s in tr["states"]:
            row = [str(tr["track_id"]), tr.get("object_id", ""), f(s["t_s"])]
            row += [f(v) for v in s["ecef_m"]] + [f(v) for v in s["ecef_mps"]]
            row += [f(s["sigma_pos_m"]), *tail]
            w.writerow(row)
    return buf.getvalue()


def simulate_measurements(
    t_s: np.ndarray,
    ecef: np.ndarray,
    sensor_lla: tuple[float, float, float],
    t_start_s: float,
    dt_s: float = 0.2,
    sigma_range_m: float = 10.0,
    sigma_angle_mrad: float = 0.3,
    min_elevation_deg: float = 5.0,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Noisy (range, az, el) measurements of a flown path every ``dt_s`` from ``t_start_s``
    while its apparent elevation (4/3 Earth, :func:`thaad.core.radar.apparent_elevation_rad`)
    is above ``min_elevation_deg``. Returns ``(t, z, truth)``: times, measurements (range m,
    azimuth rad, elevation rad) and the true ECEF states there."""
    from thaad.core.constants import R_MEAN_M
    from thaad.core.earth import (
        ecef_to_aer,
        ecef_to_geodetic,
        enu_basis,
        geodetic_to_ecef,
        great_circle,
    )
    from thaad.core.flight import path_at
    from thaad.core.radar import apparent_elevation_rad

    lat, lon, alt = (math.radians(sensor_lla[0]), math.radians(sensor_lla[1]), sensor_lla[2])
    site = geodetic_to_ecef(lat, lon, alt, 1)
    enu = enu_basis(lat, lon)
    t = np.arange(t_start_s, t_s[-1], dt_s)
    truth = path_at(t_s, ecef[:, :3], ecef[:, 3:6], t)
    rng = np.random.default_rng(seed)
    sa = sigma_angle_mrad * 1e-3
    z = np.empty((len(t), 3))
    ok = np.zeros(len(t), bool)
    for i in range(len(t)):
        az, el, r = ecef_to_aer(site, enu, truth[i, :3])
        lat_t, lon_t, h_t = ecef_to_geodetic(truth[i, 0], truth[i, 1], truth[i, 2], 1)
        ground = great_circle(lat, lon, lat_t, lon_t)[0] * R_MEAN_M
        ok[i] = apparent_elevation_rad(alt, h_t, ground) >= math.radians(min_elevation_deg)
        z[i] = (r + sigma_range_m * rng.standard_normal(), az + sa * rng.standard_normal(),
                el + sa * rng.standard_normal())  # fmt: skip
    z[:, 1] %= 2.0 * math.pi
    return t[ok], z[ok], truth[ok]


def measurements_csv(t: np.ndarray, z: np.ndarray, object_id: list[str] | None = None) -> str:
    """The CSV that :func:`read_measurements` reads."""
    head = "t_s,range_m,azimuth_deg,elevation_deg" + (",object_id" if object_id else "")
    lines = [head]
    for i in range(len(t)):
        row = f"{t[i]:.6f},{z[i, 0]:.4f},{math.degrees(z[i, 1]):.9f},{math.degrees(z[i, 2]):.9f}"
        lines.append(row + (f",{object_id[i]}" if object_id else ""))
    return "\n".join(lines) + "\n"
