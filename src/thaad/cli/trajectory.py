"""``thaad trajectory``: fly one threat from a launch point at an aim point."""

from __future__ import annotations

import argparse
import math
import sys

from thaad.cli._common import bounded, latlon


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "trajectory",
        help="fly one threat trajectory",
        description="Fly one threat. --model ideal is the textbook case (spherical "
        "non-rotating Earth, point gravity, vacuum, impulsive burnout on the surface); "
        "--model full flies the class's stages with every model switched on, and the spent "
        "last stage after the reentry vehicle separates. Shapes: min-energy (least burnout "
        "energy to the aim point); lofted and depressed (steeper or flatter, set by "
        "--apogee-km or --burnout-angle-deg); max-range (the class's longest shot toward "
        "the aim point: full burn in the full model, the class's burnout speed at the "
        "maximum-range angle in the ideal model).",
        epilog="Examples:\n  thaad trajectory --launch 39.2,125.67 --aim 35.87,128.60\n"
        "  thaad trajectory --launch 0,0 --aim 0,9 --model ideal --json\n"
        "  thaad trajectory --launch 39.2,125.67 --aim 35.18,129.08 --csv traj.csv\n"
        "  thaad trajectory --threat irbm --launch 39.0,125.7 --aim 41.5,134.5 "
        "--shape lofted --apogee-km 2111\n"
        "  thaad trajectory --threat mrbm-1300 --launch 39,125.7 --aim 36,137 "
        "--shape depressed --burnout-angle-deg 20\n"
        "  thaad trajectory --threat srbm-600 --launch 39,125.7 --aim 35,129 --shape max-range\n"
        "  thaad trajectory --threat irbm --launch 39,125.7 --aim 44,145 --plot irbm.png\n"
        "  thaad trajectory --threat-file my-srbm.yaml --launch 39,125.7 --aim 36,128.6\n"
        "  thaad threats   (the classes and their reach)\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--launch", type=latlon, required=True, metavar="LAT,LON",
                   help="launch point, degrees")  # fmt: skip
    p.add_argument("--aim", type=latlon, required=True, metavar="LAT,LON",
                   help="aim point, degrees")  # fmt: skip
    p.add_argument("--threat", default="srbm-600", metavar="CLASS", help="threat class "
                   "(default srbm-600; see `thaad threats`)")  # fmt: skip
    p.add_argument("--threat-file", metavar="FILE", help="a threat file (YAML; see `thaad "
                   "threats --file`); it replaces --threat")  # fmt: skip
    p.add_argument("--shape", default="min-energy",
                   choices=["min-energy", "lofted", "depressed", "max-range", "pull-up"],
                   help="trajectory shape (default min-energy; lofted and depressed need "
                   "--apogee-km or --burnout-angle-deg; pull-up, a quasi-ballistic glide, "
                   "needs --apogee-km)")  # fmt: skip
    p.add_argument("--apogee-km", type=bounded(-math.inf, math.inf), metavar="KM",
                   help="apogee altitude of a lofted or depressed trajectory")  # fmt: skip
    p.add_argument("--burnout-angle-deg", type=bounded(-math.inf, math.inf), metavar="DEG",
                   help="burnout flight-path angle of a lofted or depressed trajectory, "
                   "in (0, 90)")  # fmt: skip
    p.add_argument("--model", default="full", choices=["ideal", "full"],
                   help="full: WGS-84, rotation, J2, US76 atmosphere, staged thrust; ideal: "
                   "the textbook Kepler case (default full)")  # fmt: skip
    p.add_argument("--csv", metavar="FILE", help="write the time history as CSV")
    p.add_argument("--plot", metavar="FILE.png",
                   help="draw altitude against ground range to a PNG")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    return p


def run(args: argparse.Namespace) -> int:
    from thaad.analysis.engagement import fly_trajectory
    from thaad.io import atomic_write_text, to_json

    res = fly_trajectory(args.launch, args.aim, threat=args.threat, shape=args.shape,
                         model=args.model, apogee_km=args.apogee_km,
                         burnout_angle_deg=args.burnout_angle_deg,
                         threat_file=args.threat_file)  # fmt: skip
    if args.csv:
        cols = res.table(0 if args.model == "ideal" else 1)
        names = list(cols)
        lines = [",".join(names)]
        for i in range(len(cols["t_s"])):
            lines.append(",".join(f"{cols[n][i]:.9g}" for n in names))
        atomic_write_text(args.csv, "\n".join(lines) + "\n", label="--csv")
    if args.plot:
        plot_profile(res, args.launch, 0 if args.model == "ideal" else 1, args.plot)
    if args.json:
        sys.stdout.write(to_json(res.to_dict()) + "\n")
        return 0
    print(f"{res.threat} ({res.model} model, {res.shape})")
    print(f"  burnout     {res.burnout_speed_mps:8.1f} m/s at "
          f"{res.burnout_flight_path_deg:.2f} deg, T+{res.burnout_time_s:.1f} s, "
          f"{res.burnout_alt_m / 1e3:.1f} km")  # fmt: skip
    when = f" at T+{res.apogee_time_s:.1f} s" if res.apogee_time_s is not None else ""
    print(f"  apogee      {res.apogee_alt_m / 1e3:8.1f} km{when}")
    print(f"  flight time {res.flight_time_s:8.1f} s")
    print(f"  range       {res.ground_range_m / 1e3:8.1f} km on azimuth "
          f"{res.launch_azimuth_deg:.2f} deg")  # fmt: skip
    print(f"  impact      {res.impact_lat_deg:.5f}, {res.impact_lon_deg:.5f} "
          f"({res.aim_miss_m:.1f} m from the aim point)")  # fmt: skip
    if res.stage_flight_time_s is None and args.model == "full":
        print("  spent stage none: the payload does not separate (one body reenters)")
    if res.stage_flight_time_s is not None:
        print(
            f"  spent stage {res.stage_impact_lat_deg:.5f}, {res.stage_impact_lon_deg:.5f} "
            f"at T+{res.stage_flight_time_s:.1f} s, {res.stage_impact_speed_mps:.0f} m/s"
        )
    for f in (args.csv, args.plot):
        if f:
            print(f"wrote {f}")
    return 0


def plot_profile(res, launch_deg: tuple[float, float], earth: int, path: str) -> None:
    """Altitude against ground range from the launch point, RV and spent stage, as a PNG."""
    import math

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from thaad.core.constants import R_MEAN_M
    from thaad.core.earth import ecef_to_geodetic, great_circle
    from thaad.io import atomic_write_via

    lat0, lon0 = math.radians(launch_deg[0]), math.radians(launch_deg[1])

    def profile(ecef):
        pts = [ecef_to_geodetic(float(y[0]), float(y[1]), float(y[2]), earth) for y in ecef]
        rng = [great_circle(lat0, lon0, la, lo)[0] * R_MEAN_M / 1e3 for la, lo, _ in pts]
        return rng, [h / 1e3 for _, _, h in pts]

    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=110)
    x, h = profile(res.ecef)
    body = "reentry vehicle" if res.stage_ecef is not None or earth == 0 else "the whole body"
    ax.plot(x, h, color="tab:red", label=f"booster, then {body}")
    if res.stage_ecef is not None:
        xs, hs = profile(res.stage_ecef)
        ax.plot(xs, hs, color="tab:gray", ls="--", label="spent last stage")
    kb = int(min(range(len(res.t_s)), key=lambda i: abs(res.t_s[i] - res.burnout_time_s)))
    ax.plot([x[kb]], [h[kb]], "k^", label=f"burnout, {res.burnout_speed_mps:,.0f} m/s")
    ax.set_xlabel("ground range from launch (km)")
    ax.set_ylabel("altitude (km)")
    ax.set_title(
        f"{res.threat}, {res.shape}, {res.model} model: {res.ground_range_m / 1e3:,.0f} km, "
        f"apogee {res.apogee_alt_m / 1e3:,.0f} km, {res.flight_time_s:,.0f} s"
    )
    ax.set_ylim(bottom=0.0)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    try:
        atomic_write_via(path, lambda tmp: fig.savefig(tmp, format="png"), label="--plot")
    finally:
        plt.close(fig)
