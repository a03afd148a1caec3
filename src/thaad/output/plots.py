"""Plots of analysis results that are not maps: the sweep's kill probability curves, what the
radar saw of a flight (``thaad visibility``)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np

from thaad.io import atomic_write_bytes

__all__ = ["plot_layered", "plot_saturation", "plot_sweep", "plot_visibility"]


def plot_sweep(ds: Any, path: str | Path, lethality: str = "") -> Path:
    """P(kill) against the first varied key, one line per value of the second (with the 95 %
    Wilson interval as a band); a zipped sweep is drawn against its first key."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    keys = json.loads(ds.attrs["varied_keys"])
    x_key = keys[0]
    fig = Figure(figsize=(7.5, 4.8), dpi=110)
    ax = fig.add_subplot(1, 1, 1)
    x = ds[x_key].values
    numeric = np.issubdtype(x.dtype, np.number)
    xs = x if numeric else np.arange(len(x))
    if "point" in ds.dims or len(keys) == 1:
        series = [("", ds)]
    else:
        second = keys[1]
        series = [(f"{second} = {v}", ds.sel({second: v})) for v in ds[second].values]
        for other in keys[2:]:  # further keys: their first value
            series = [(f"{lab}, {other} = {ds[other].values[0]}", s.isel({other: 0}))
                      for lab, s in series]  # fmt: skip
    for label, s in series:
        order = np.argsort(xs) if numeric else np.arange(len(xs))
        p = s["p_kill"].values[order]
        ax.plot(xs[order], p, marker="o", label=label or None)
        ax.fill_between(xs[order], s["p_kill_lo"].values[order], s["p_kill_hi"].values[order],
                        alpha=0.15)  # fmt: skip
    if not numeric:
        ax.set_xticks(xs, [str(v) for v in x])
    ax.set_xlabel(x_key)
    ax.set_ylabel("P(kill)")
    ax.set_ylim(-0.02, 1.02)
    ax.grid(True, alpha=0.4)
    n = ds.attrs.get("draws_per_point")
    ax.set_title(f"thaad sweep: P(kill) with 95% interval, {n} draws per point"
                 + (f"\nlethality: {lethality}" if lethality else ""), fontsize=10)  # fmt: skip
    if len(series) > 1:
        ax.legend(fontsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return atomic_write_bytes(path, buf.getvalue())


def plot_visibility(res: Any, path: str | Path, dpi: int = 110) -> Path:
    """SNR of the missile's detections and the track's position error and sigma against time
    (log scale), with the flight's phases and the fire-control threshold; ``res`` a
    :class:`thaad.analysis.visibility.VisibilityResult`."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    h = res.history

    def arr(k: str) -> np.ndarray:
        return np.array([np.nan if v is None else v for v in h[k]], dtype=float)

    t = arr("t_s")
    fig = Figure(figsize=(8.0, 6.0), dpi=dpi)
    ax1 = fig.add_subplot(2, 1, 1)
    ax2 = fig.add_subplot(2, 1, 2, sharex=ax1)
    for ax in (ax1, ax2):
        ax.axvspan(0.0, res.cutoff_s, color="#f0ad4e", alpha=0.15, lw=0)
        view = np.array(h["in_view"], dtype=bool)
        if view.any():
            ax.fill_between(t, 0, 1, where=view, transform=ax.get_xaxis_transform(),
                            color="#5b8fd9", alpha=0.12, lw=0)  # fmt: skip
        if res.apogee_s is not None:
            ax.axvline(res.apogee_s, color="0.5", ls=":", lw=1)
        ax.grid(True, alpha=0.4)
    ax1.plot(t, arr("snr_db"), ".", ms=2.5, color="#a02c2c", label="missile detections")
    ax1.set_ylabel("SNR of the dwell (dB)")
    ax1.legend(fontsize=8, loc="upper right")
    err, sig = arr("pos_err_m"), arr("sigma_pos_m")
    if np.isfinite(err).any():
        ax2.semilogy(t, err, lw=1, color="#2c4fa0", label="position error")
        ax2.semilogy(t, sig, lw=1, ls="--", color="#2c4fa0", label="position sigma")
    ax2.axhline(res.fc_sigma_m, color="k", lw=0.8, ls="-.",
                label=f"fire-control threshold {res.fc_sigma_m:g} m")  # fmt: skip
    ax2.set_ylabel("track (m)")
    ax2.set_xlabel("time from launch (s); shaded: boost (orange), in view (blue)")
    ax2.legend(fontsize=8, loc="upper right")
    first = "never detected"
    if res.first_detection_t_s is not None:
        first = (f"first detection {res.first_detection_t_s:.0f} s "
                 f"({res.first_detection_phase}, "
                 f"{res.first_detection_range_m / 1e3:.0f} km)")  # fmt: skip
    ax1.set_title(
        f"{res.threat} {res.launch_deg[0]:g},{res.launch_deg[1]:g} -> {res.aim_deg[0]:g},"
        f"{res.aim_deg[1]:g}; {res.mode} face {res.boresight_az_deg:g} deg, RV "
        f"{res.rcs_rv_m2:g} m2\n{first}; tracked {res.tracked_s:.0f} s; fire-control "
        f"quality: {'yes' if res.fire_control_quality else 'no'}",
        fontsize=9,
    )
    ax2.set_xlim(0.0, res.flight_time_s)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return atomic_write_bytes(path, buf.getvalue())


def plot_saturation(summary: dict[str, Any], path: str | Path) -> Path:
    """Expected leakers (95 % band) and interceptors spent against the raid size."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    rows = summary["table"]
    n = np.array([r["size"] for r in rows], dtype=float)
    lk = np.array([r["mean_leakers"] for r in rows])
    lo = np.array([r["mean_leakers_lo"] for r in rows])
    hi = np.array([r["mean_leakers_hi"] for r in rows])
    fired = np.array([r["mean_interceptors_fired"] for r in rows])
    fig = Figure(figsize=(7.5, 4.8), dpi=110)
    ax = fig.add_subplot(1, 1, 1)
    ax.plot(n, lk, marker="o", label="expected leakers")
    ax.fill_between(n, lo, hi, alpha=0.15)
    ax.axhline(1.0, color="grey", lw=0.8, ls=":")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("raid size (missiles)")
    ax.set_ylabel("expected leakers")
    ax.grid(True, alpha=0.4)
    ax2 = ax.twinx()
    ax2.plot(n, fired, marker="s", color="tab:orange", label="interceptors fired")
    ax2.set_ylabel("interceptors fired (mean)")
    ax.set_title(f"thaad saturation: {summary['scenario']}, {summary['draws_per_size']} draws "
                 "per size", fontsize=10)  # fmt: skip
    fig.legend(loc="upper left", bbox_to_anchor=(0.1, 0.86), fontsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return atomic_write_bytes(path, buf.getvalue())


def plot_layered(res: dict[str, Any], path: str | Path, title: str = "") -> Path:
    """The layered defence's combined P(kill) map, with each battery and asset marked."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.0, 6.0), dpi=110)
    ax = fig.add_subplot(1, 1, 1)
    m = ax.pcolormesh(res["lons"], res["lats"], res["p_kill"], cmap="RdYlGn", vmin=0, vmax=1,
                      shading="nearest")  # fmt: skip
    fig.colorbar(m, ax=ax, label="P(kill), all tiers")
    for b in res.get("batteries", []):
        ax.plot(b["lon_deg"], b["lat_deg"], marker="^", color="k")
        ax.annotate(b["name"], (b["lon_deg"], b["lat_deg"]), fontsize=8, xytext=(4, 4),
                    textcoords="offset points")  # fmt: skip
    for name, a in res.get("asset_sites", {}).items():
        ax.plot(a[1], a[0], marker="o", color="navy", ms=4)
        ax.annotate(name, (a[1], a[0]), fontsize=8, xytext=(4, -10), textcoords="offset points")
    ax.set_xlabel("longitude (deg)")
    ax.set_ylabel("latitude (deg)")
    ax.set_title(title or "layered defence: combined P(kill)", fontsize=10)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return atomic_write_bytes(path, buf.getvalue())
