"""Plots of analysis results that are not maps: the sweep's kill probability curves."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np

from thaad.io import atomic_write_bytes

__all__ = ["plot_layered", "plot_saturation", "plot_sweep"]


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
