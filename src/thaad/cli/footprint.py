"""``thaad footprint``: the defended footprint of the battery against one launch point."""

from __future__ import annotations

import argparse
import sys

from thaad.cli._common import latlon, out_dir, record

DEFAULT_OUT = "out/footprint"


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "footprint",
        help="which aim points around the battery it can defend, and how well",
        description="For every aim point on a grid around the battery: can it defend it "
        "against the scenario's threat launched from LAT,LON, and with what kill "
        "probability? kinematic: fly-out tables and the radar's track timeline (fast); "
        "full: Monte Carlo engagements per cell (slow; use small grids). Writes "
        "DIR/footprint.nc, DIR/footprint.geojson, DIR/footprint.json (the summary), "
        "DIR/footprint.png, DIR/scenario.yaml and DIR/provenance.json.",
        epilog="Examples:\n  thaad footprint --launch 39.2,125.67 --out runs/fp\n"
        "  thaad footprint --launch 39.2,125.67 --grid 200 --extent-km 500 --out runs/fp200\n"
        "  thaad footprint --launch 39.2,125.67 --mode full --grid 8 --draws 10 --out runs/full\n"
        "  thaad footprint --launch 39.2,125.67 --mode full --grid 30 --draws 50 --out runs/f30 "
        "--resume\n"
        "  thaad footprint --launch 39.2,125.67 --mode full --grid 100 --draws 100 "
        "--scheduler tcp://scheduler-host:8786 --out runs/f100\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", nargs="?", help="scenario YAML (default: scenarios/seongju.yaml)")
    p.add_argument("--launch", type=latlon, required=True, metavar="LAT,LON",
                   help="the threat's launch point, degrees")  # fmt: skip
    p.add_argument("--grid", type=int, default=100, metavar="N", help="cells per side (100)")
    p.add_argument("--extent-km", type=float, default=400.0, metavar="D",
                   help="half-width of the grid around the battery (400 km)")  # fmt: skip
    p.add_argument("--mode", choices=["kinematic", "full"], default="kinematic",
                   help="kinematic: the intercept envelope and sspk per shot (fast); full: "
                   "engagements flown per cell (default kinematic)")  # fmt: skip
    p.add_argument("--draws", type=int, default=20, metavar="M", help="draws per cell (full)")
    p.add_argument("--threshold", type=float, default=0.5, help="P(kill) that counts as defended")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--workers", type=int, default=0, metavar="K",
                   help="local worker processes, full mode (default: one per core)")  # fmt: skip
    g.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler for full mode, e.g. tcp://host:8786")  # fmt: skip
    p.add_argument("--resume", action="store_true", help="continue a killed full footprint")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a scenario value by dotted path")  # fmt: skip
    p.add_argument("--out", default=DEFAULT_OUT, metavar="DIR",
                   help=f"output directory (default: {DEFAULT_OUT}; a given DIR's parent must "
                   "exist)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--no-progress", action="store_true",
                   help="do not print the progress bar on stderr")  # fmt: skip
    return p


def run(args: argparse.Namespace) -> int:
    from thaad.analysis.footprint import run_footprint
    from thaad.io import dir_lock, to_json
    from thaad.model.scenario import load_scenario
    from thaad.output.maps import plot_footprint_dir

    sc = load_scenario(args.scenario, overrides=args.set)
    out = out_dir(args, "footprint", sc, default=DEFAULT_OUT)
    if sc.is_battle:
        return _layered(args, sc, out)
    with dir_lock(out):
        s = run_footprint(
            sc, args.launch, out, grid=args.grid, extent_km=args.extent_km, mode=args.mode,
            draws=args.draws, threshold=args.threshold, workers=args.workers,
            progress=not args.no_progress, scheduler=args.scheduler, resume=args.resume,
        )  # fmt: skip
        plot_footprint_dir(out, sc, args.launch, s)
        files = ["footprint.nc", "footprint.geojson", "footprint.json", "footprint.png"]
        record(args, "footprint", out, sc, files)
    if args.json:
        sys.stdout.write(to_json(s) + "\n")
        return 0
    print(f"{s['scenario']}: {s['threat']} from {args.launch[0]:.3f}N {args.launch[1]:.3f}E, "
          f"{s['mode']} footprint, {s['grid']}x{s['grid']} cells")  # fmt: skip
    print(f"  lethality  {s['lethality']}")
    print(f"  defended area (P(kill) >= {s['threshold']:g})  {s['defended_area_km2']:,.0f} km2")
    for name, a in s["assets"].items():
        if a["p_kill"] is None:
            lo, hi = (v / 1e3 for v in s["threat_range_m"])
            far = a["range_from_launch_m"] / 1e3
            why = {
                "too close": f"too close to the launch point ({far:,.0f} km; the threat's "
                f"shortest modelled shot is {lo:,.0f} km)",
                "too far": f"out of the threat's reach ({far:,.0f} km from the launch point; "
                f"its longest shot is {hi:,.0f} km)",
            }.get(a["unreached"], f"not engageable from this launch point ({far:,.0f} km)")
            print(f"  {name:<12s} {why}")
        else:
            verdict = "DEFENDED" if a["defended"] else "not defended"
            print(f"  {name:<12s} P(kill) {a['p_kill']:.3f}  {verdict}")
    print(f"  {s['cells_per_s']:,.0f} cells/s; wrote {args.out}/")
    return 0


def _layered(args: argparse.Namespace, sc, out) -> int:
    """A battle scenario: the kinematic footprint of every battery, combined by tiers,
    written like the single battery's (footprint.nc, .geojson, .json, .png)."""
    from thaad.analysis.footprint import run_layered_footprint
    from thaad.errors import ThaadInputError
    from thaad.io import dir_lock, to_json
    from thaad.output.plots import plot_layered

    if args.mode != "kinematic":
        raise ThaadInputError("--mode: a battle scenario's footprint is kinematic only")
    if args.scheduler is not None or args.resume:
        raise ThaadInputError("--scheduler and --resume apply to --mode full only")
    with dir_lock(out):
        s, r = run_layered_footprint(
            sc, args.launch, out, grid=args.grid, extent_km=args.extent_km,
            threshold=args.threshold,
        )  # fmt: skip
        r["batteries"] = s["batteries"]
        r["asset_sites"] = {a.name: (a.lat_deg, a.lon_deg) for a in sc.assets}
        plot_layered(r, out / "footprint.png", f"{sc.name}: combined P(kill), kinematic")
        files = ["footprint.nc", "footprint.geojson", "footprint.json", "footprint.png"]
        record(args, "footprint", out, sc, files)
    if args.json:
        sys.stdout.write(to_json(s) + "\n")
        return 0
    print(f"{sc.name}: layered footprint of {s['threat']} from "
          f"{args.launch[0]:.3f}N {args.launch[1]:.3f}E, {args.grid}x{args.grid} cells, "
          f"{len(s['batteries'])} batteries; {s['model']}")  # fmt: skip
    print(f"  defended area (P(kill) >= {s['threshold']:g})  {s['defended_area_km2']:,.0f} km2")
    for name, a in s["assets"].items():
        if a["p_kill"] is None:
            print(f"  {name:<12s} out of the threat's reach from this launch point")
            continue
        parts = ", ".join(f"{k} {v:.2f}" for k, v in a["by_battery"].items() if v)
        verdict = "DEFENDED" if a["defended"] else "not defended"
        print(f"  {name:<12s} P(kill) {a['p_kill']:.3f}  {verdict}  "
              f"({parts or 'no battery reaches it'})")  # fmt: skip
    print(f"wrote {out}/footprint.nc, footprint.geojson, footprint.json, footprint.png")
    return 0
