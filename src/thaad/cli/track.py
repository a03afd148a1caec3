"""``thaad track``: a user's own radar measurements in, ballistic tracks out."""

from __future__ import annotations

import argparse
import sys

from thaad.cli._common import bounded
from thaad.cli.coverage import lat_lon_alt


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "track",
        help="track radar measurements from a CSV file",
        description="Track a radar's measurements (CSV columns t_s, range_m, azimuth_deg "
        "clockwise from true north, elevation_deg above the WGS-84 local horizontal, and "
        "optionally object_id) with a ballistic extended or unscented Kalman filter that "
        "estimates the ballistic coefficient. Without object_id, rows with the same t_s are "
        "one scan and tracks are found by M-of-N initiation (3 of 5) and global-nearest-"
        "neighbour association. Each track's predicted impact point comes with its "
        "uncertainty.",
        epilog="Examples:\n  thaad track meas.csv --sensor 36.0513,128.2229,680\n"
        "  thaad track meas.csv --sensor 36.0513,128.2229,680 --filter ukf --json\n"
        "  thaad track meas.csv --sensor 36.05,128.22,680 --sigma-range-m 5 "
        "--sigma-angle-mrad 0.5 --out tracks.csv\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("measurements", metavar="MEAS.csv", help="measurement CSV file")
    p.add_argument(
        "--sensor",
        type=lat_lon_alt,
        required=True,
        metavar="LAT,LON,ALT_M",
        help="radar position: geodetic latitude, longitude (deg) and height (m)",
    )
    p.add_argument(
        "--sigma-range-m",
        type=bounded(1e-3, 1e4),
        default=10.0,
        metavar="S",
        help="range noise, 1 sigma (default 10 m)",
    )
    p.add_argument(
        "--sigma-angle-mrad",
        type=bounded(1e-4, 100.0),
        default=0.3,
        metavar="S",
        help="azimuth and elevation noise, 1 sigma (default 0.3 mrad)",
    )
    p.add_argument("--filter", default="ekf", choices=["ekf", "ukf"],
                   help="extended or unscented Kalman filter (default ekf)")  # fmt: skip
    p.add_argument(
        "--process-noise-m2ps3",
        type=bounded(0.0, 1e6),
        default=1.0,
        metavar="Q",
        help="white-noise acceleration spectral density (default 1 m^2/s^3)",
    )
    p.add_argument(
        "--beta-kgpm2",
        type=bounded(1.0, 1e6),
        default=4880.0,
        metavar="B",
        help="prior ballistic coefficient (default 4880 kg/m^2); it is estimated once drag is felt",
    )
    p.add_argument("--json", action="store_true", help="print the tracks as JSON")
    p.add_argument("--out", metavar="FILE.csv", help="write the track states as CSV")
    return p


def run(args: argparse.Namespace) -> int:
    from thaad.analysis.track import read_measurements, track, tracks_csv
    from thaad.io import atomic_write_text, to_json

    meas = read_measurements(args.measurements)
    res = track(meas, args.sensor, sigma_range_m=args.sigma_range_m,
                sigma_angle_mrad=args.sigma_angle_mrad, filter=args.filter,
                process_noise_m2ps3=args.process_noise_m2ps3,
                prior_beta_kgpm2=args.beta_kgpm2)  # fmt: skip
    if args.out:
        atomic_write_text(args.out, tracks_csv(res), label="--out")
    if args.json:
        sys.stdout.write(to_json(res.to_dict()) + "\n")
        return 0
    print(f"{res.n_measurements} measurements, {len(res.tracks)} track(s) "
          f"({res.filter.upper()}, association by {res.association})")  # fmt: skip
    for tr in res.tracks:
        last = tr["states"][-1]
        name = f" object {tr['object_id']}" if "object_id" in tr else ""
        print(f"  track {tr['track_id']}{name}: {tr['n_updates']} updates, "
              f"T {tr['t_first_s']:.2f}-{tr['t_last_s']:.2f} s, last sigma "
              f"{last['sigma_pos_m']:.1f} m")  # fmt: skip
        if tr["impact_lat_deg"] is not None:
            print(
                f"    impact {tr['impact_lat_deg']:.5f}, {tr['impact_lon_deg']:.5f} at "
                f"T {tr['impact_t_s']:.1f} s, 1-sigma ellipse "
                f"{tr['impact_sigma_major_m']:.0f} x {tr['impact_sigma_minor_m']:.0f} m"
            )
        else:
            print("    no impact predicted within 4000 s")
    if res.unused_lines:
        print(f"  {len(res.unused_lines)} measurement(s) in no confirmed track (lines "
              f"{', '.join(map(str, res.unused_lines[:10]))}"
              f"{', ...' if len(res.unused_lines) > 10 else ''})")  # fmt: skip
    if args.out:
        print(f"wrote {args.out}")
    return 0
