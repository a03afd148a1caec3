"""``thaad trajectory``: fly one threat from a launch point at an aim point."""

from __future__ import annotations

import argparse
import sys

from thaad.commands._common import latlon


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "trajectory",
        help="fly one threat trajectory",
        description="Fly one threat. --model ideal is the textbook case (spherical "
        "non-rotating Earth, point gravity, vacuum, impulsive burnout on the surface); "
        "--model full flies the class's booster with every model switched on.",
        epilog="Examples:\n  thaad trajectory --launch 39.2,125.67 --aim 35.87,128.60\n"
        "  thaad trajectory --launch 0,0 --aim 0,9 --model ideal --json\n"
        "  thaad trajectory --launch 39.2,125.67 --aim 35.18,129.08 --csv traj.csv\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--launch", type=latlon, required=True, metavar="LAT,LON")
    p.add_argument("--aim", type=latlon, required=True, metavar="LAT,LON")
    p.add_argument("--threat", default="srbm-600", metavar="CLASS", help="threat class")
    p.add_argument("--shape", default="min-energy", choices=["min-energy"])
    p.add_argument("--model", default="full", choices=["ideal", "full"])
    p.add_argument("--csv", metavar="FILE", help="write the time history as CSV")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    return p


def run(args: argparse.Namespace) -> int:
    from thaad.api import fly_trajectory
    from thaad.io import atomic_write_text, to_json

    res = fly_trajectory(args.launch, args.aim, threat=args.threat, shape=args.shape,
                         model=args.model)  # fmt: skip
    if args.csv:
        cols = res.table(0 if args.model == "ideal" else 1)
        names = list(cols)
        lines = [",".join(names)]
        for i in range(len(cols["t_s"])):
            lines.append(",".join(f"{cols[n][i]:.9g}" for n in names))
        atomic_write_text(args.csv, "\n".join(lines) + "\n")
    if args.json:
        sys.stdout.write(to_json(res.to_dict()) + "\n")
        return 0
    print(f"{res.threat} ({res.model} model, {res.shape})")
    print(f"  burnout     {res.burnout_speed_mps:8.1f} m/s at "
          f"{res.burnout_flight_path_deg:.2f} deg, T+{res.burnout_time_s:.1f} s, "
          f"{res.burnout_alt_m / 1e3:.1f} km")  # fmt: skip
    print(f"  apogee      {res.apogee_alt_m / 1e3:8.1f} km")
    print(f"  flight time {res.flight_time_s:8.1f} s")
    print(f"  range       {res.ground_range_m / 1e3:8.1f} km on azimuth "
          f"{res.launch_azimuth_deg:.2f} deg")  # fmt: skip
    print(f"  impact      {res.impact_lat_deg:.5f}, {res.impact_lon_deg:.5f} "
          f"({res.aim_miss_m:.1f} m from the aim point)")  # fmt: skip
    if args.csv:
        print(f"wrote {args.csv}")
    return 0
