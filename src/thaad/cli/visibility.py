"""``thaad visibility``: what a radar's search and track see of a missile's flight."""

from __future__ import annotations

import argparse
import sys

from thaad.cli._common import latlon, nonneg_int
from thaad.cli.coverage import _float, lat_lon_alt


def _points(text: str) -> list[tuple[float, float]]:
    """``LAT,LON``, or a grid ``LAT0:LAT1:N,LON0:LON1:N`` (N points each, ends included)."""
    if ":" not in text:
        return [latlon(text)]
    parts = text.split(",")
    if len(parts) != 2:
        raise argparse.ArgumentTypeError(f"'{text}' is not LAT0:LAT1:N,LON0:LON1:N")
    axes = []
    for part, lim, name in ((parts[0], 90.0, "latitude"), (parts[1], 180.0, "longitude")):
        f = part.split(":")
        if len(f) != 3:
            raise argparse.ArgumentTypeError(f"'{text}' is not LAT0:LAT1:N,LON0:LON1:N")
        try:
            a, b, n = float(f[0]), float(f[1]), int(f[2])
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not LAT0:LAT1:N,LON0:LON1:N in "
                                             "numbers") from None  # fmt: skip
        if not (-lim <= a <= lim and -lim <= b <= lim):
            raise argparse.ArgumentTypeError(f"a {name} in '{text}' is outside [-{lim:g}, {lim:g}]")
        if not 1 <= n <= 50:
            raise argparse.ArgumentTypeError(f"the point count {n} in '{text}' is outside [1, 50]")
        axes.append([a + (b - a) * i / max(n - 1, 1) for i in range(n)])
    return [(la, lo) for la in axes[0] for lo in axes[1]]


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "visibility",
        help="what a radar's search and track see of a missile's flight",
        description="Fly a threat from a launch point at an aim point and run the radar's "
        "search and track against it: the engagement's own sensing (search raster, track "
        "dwells, Swerling detection draws, the multi-object tracker and its filter), with no "
        "interceptors. Reports first_detection_t_s, first_detection_range_m, "
        "first_detection_phase (boost, ascent, midcourse, descent), tracked_s, "
        "tracked_fraction (of the flight time), the SNR and the track's position error over "
        "time (history), and fire_control_quality: whether a confirmed track on the missile "
        "with position sigma below --fc-sigma-m exists while the missile is in the field of "
        "view. Several --launch/--aim points (or grids) run as a family: a table, and with "
        "--out a map of the tracked arcs.",
        epilog="Examples:\n"
        "  thaad visibility --radar 36.0513,128.2229,680 --mode forward-based "
        "--boresight-az-deg 0 --launch 40,128 --aim 13.45,144.8 --threat irbm --out runs/vis\n"
        "  thaad visibility --radar 36.0513,128.2229,680 --mode forward-based --launch 45,125 "
        "--aim 40,-100 --threat icbm --rcs 0.01 --json\n"
        "  thaad visibility --radar 36.0513,128.2229,680 --mode forward-based "
        "--launch 38:42:3,124:128:3 --aim 13.45,144.8 --threat irbm --workers 2 --out runs/fam\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--radar", type=lat_lon_alt, required=True, metavar="LAT,LON,ALT_M",
                   help="the radar's site: latitude, longitude (deg), altitude (m)")  # fmt: skip
    p.add_argument("--mode", default="forward-based", choices=["terminal", "forward-based"],
                   help="the radar's mode, which sets its search pattern (default "
                   "forward-based)")  # fmt: skip
    p.add_argument("--boresight-az-deg", type=_float, metavar="A",
                   help="azimuth the face points at (default: the scenario's, 315)")  # fmt: skip
    p.add_argument("--launch", type=_points, action="append", required=True,
                   metavar="LAT,LON", help="launch point, or grid LAT0:LAT1:N,LON0:LON1:N; "
                   "repeat for a list")  # fmt: skip
    p.add_argument("--aim", type=_points, action="append", required=True, metavar="LAT,LON",
                   help="aim point, or a grid; repeat for a list")  # fmt: skip
    g = p.add_mutually_exclusive_group()
    g.add_argument("--threat", metavar="CLASS", help="catalogue class (default: the scenario's)")
    g.add_argument("--threat-file", metavar="F", help="a threat file (thaad threats --file F)")
    p.add_argument("--shape", default="min-energy",
                   choices=["min-energy", "lofted", "depressed", "max-range"],
                   help="the trajectory's shape (default min-energy)")  # fmt: skip
    p.add_argument(
        "--apogee-km", type=_float, metavar="H", help="apogee of a lofted/depressed shape"
    )
    p.add_argument("--rcs", type=_float, metavar="M2", help="the RV's cross-section, m^2 "
                   "(default: the threat's)")  # fmt: skip
    p.add_argument("--fc-sigma-m", type=_float, default=None, metavar="S",
                   help="fire-control quality: track position sigma below S m (default 1000, "
                   "the engagement's battery.fire_control.max_track_sigma_m)")  # fmt: skip
    p.add_argument("--seed", type=nonneg_int, help="random seed (default: the scenario's)")
    p.add_argument("--scenario", metavar="FILE", help="radar hardware and sensing from a scenario")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a scenario value by dotted path")  # fmt: skip
    p.add_argument("--workers", type=nonneg_int, default=1, metavar="K",
                   help="local processes for a family (default 1)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--out", metavar="DIR", help="write DIR/visibility.json and plots")
    return p


def run(args: argparse.Namespace) -> int:

    from thaad.analysis.visibility import FC_SIGMA_M, family, visibility
    from thaad.errors import ThaadInputError
    from thaad.io import atomic_write_bytes, output_dir, to_json, write_json
    from thaad.model.scenario import load_scenario

    sc = load_scenario(args.scenario, overrides=args.set)
    fc = FC_SIGMA_M if args.fc_sigma_m is None else args.fc_sigma_m
    if not fc > 0.0:
        raise ThaadInputError(f"--fc-sigma-m: {fc} is not a positive length in m")
    launches = [q for pts in args.launch for q in pts]
    aims = [q for pts in args.aim for q in pts]
    kw = {"threat": args.threat, "threat_file": args.threat_file, "shape": args.shape,
          "rcs_m2": args.rcs, "scenario": sc, "seed": args.seed, "fc_sigma_m": fc,
          "apogee_km": args.apogee_km}  # fmt: skip
    out = output_dir(args.out) if args.out else None
    if len(launches) == 1 and len(aims) == 1:
        res = visibility(args.radar, args.mode, launches[0], aims[0],
                         boresight_az_deg=args.boresight_az_deg, **kw)  # fmt: skip
        if out:
            from thaad.output.plots import plot_visibility

            write_json(out / "visibility.json", res.to_dict())
            plot_visibility(res, out / "visibility.png")
        if args.json:
            sys.stdout.write(to_json(res.to_dict()) + "\n")
            return 0
        _print_one(res)
        if out:
            print(f"wrote {out / 'visibility.json'}, {out / 'visibility.png'}")
        return 0
    rows = family(args.radar, args.mode, launches, aims, [args.boresight_az_deg],
                  workers=max(args.workers, 1), **kw)  # fmt: skip
    if out:
        from thaad.output.maps import plot_track_arcs

        write_json(out / "visibility.json", {"rows": rows})
        atomic_write_bytes(out / "visibility_map.png", plot_track_arcs(
            rows, args.radar[0], args.radar[1], f"{args.mode} radar: tracked arcs"))  # fmt: skip
    if args.json:
        slim = [{k: v for k, v in r.items() if k not in ("ground_track", "tracked_arc")}
                for r in rows]  # fmt: skip
        sys.stdout.write(to_json({"rows": slim}) + "\n")
        return 0
    print(f"{'launch':>14s} {'aim':>16s} {'first det s':>11s} {'range km':>8s} {'phase':>9s} "
          f"{'tracked s':>9s} {'fc':>3s}")  # fmt: skip
    for r in rows:
        la = f"{r['launch_deg'][0]:.1f},{r['launch_deg'][1]:.1f}"
        ai = f"{r['aim_deg'][0]:.1f},{r['aim_deg'][1]:.1f}"
        if "error" in r:
            print(f"{la:>14s} {ai:>16s}  {r['error']}")
            continue
        t0 = r["first_detection_t_s"]
        ts = "-" if t0 is None else f"{t0:.0f}"
        rg = "-" if t0 is None else f"{r['first_detection_range_m'] / 1e3:.0f}"
        print(f"{la:>14s} {ai:>16s} {ts:>11s} {rg:>8s} "
              f"{r['first_detection_phase'] or '-':>9s} {r['tracked_s']:9.0f} "
              f"{'yes' if r['fire_control_quality'] else 'no':>3s}")  # fmt: skip
    if out:
        print(f"wrote {out / 'visibility.json'}, {out / 'visibility_map.png'}")
    return 0


def _print_one(res) -> None:
    km = 1e-3
    print(f"{res.mode} radar at {res.radar_lat_deg:.4f}, {res.radar_lon_deg:.4f}, face "
          f"{res.boresight_az_deg:g} deg, search band {res.search_elevation_deg[0]:g}-"
          f"{res.search_elevation_deg[1]:g} deg")  # fmt: skip
    print(f"{res.threat} ({res.shape}) from {res.launch_deg[0]:g},{res.launch_deg[1]:g} at "
          f"{res.aim_deg[0]:g},{res.aim_deg[1]:g}: {res.flight_time_s:.0f} s, cutoff "
          f"{res.cutoff_s:.0f} s, apogee {res.apogee_alt_m * km:.0f} km; "
          f"RV {res.rcs_rv_m2:g} m2")  # fmt: skip
    print(f"  in view {res.in_view_s:.0f} s, in the search sector's angles "
          f"{res.in_search_sector_s:.0f} s")  # fmt: skip
    if res.first_detection_t_s is None:
        print("  never detected")
    else:
        print(f"  first detection at {res.first_detection_t_s:.1f} s, range "
              f"{res.first_detection_range_m * km:.0f} km, altitude "
              f"{res.first_detection_alt_m * km:.0f} km ({res.first_detection_phase})")  # fmt: skip
    print(f"  tracked {res.tracked_s:.0f} s ({res.tracked_fraction:.1%} of the flight), "
          f"{res.tracked_after_cutoff_s:.0f} s of it after cutoff")  # fmt: skip
    sig = "-" if res.min_sigma_pos_m is None else f"{res.min_sigma_pos_m:.0f} m"
    fq = "yes" if res.fire_control_quality else "no"
    when = "" if res.fire_control_t_s is None else f" from {res.fire_control_t_s:.1f} s"
    print(f"  fire-control quality (sigma < {res.fc_sigma_m:g} m): {fq}{when}; best sigma {sig}")
