"""``thaad coverage``: how far a radar sees an object of a given RCS at a given altitude."""

from __future__ import annotations

import argparse
import sys


def lat_lon_alt(text: str) -> tuple[float, float, float]:
    """``LAT,LON,ALT_M`` in degrees and metres."""
    parts = text.split(",")
    if len(parts) != 3:
        raise argparse.ArgumentTypeError(f"'{text}' is not LAT,LON,ALT_M")
    try:
        lat, lon, alt = (float(p) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not LAT,LON,ALT_M in numbers") from None
    if not -90.0 <= lat <= 90.0:
        raise argparse.ArgumentTypeError(f"latitude {lat} in '{text}' is outside [-90, 90]")
    if not -180.0 <= lon <= 180.0:
        raise argparse.ArgumentTypeError(f"longitude {lon} in '{text}' is outside [-180, 180]")
    if not -500.0 <= alt <= 10000.0:
        raise argparse.ArgumentTypeError(f"altitude {alt} m in '{text}' is outside [-500, 10000]")
    return lat, lon, alt


def _float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if v != v or v in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"'{text}' is not a finite number")
    return v


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "coverage",
        help="what a radar sees of an object of a given RCS at a given altitude",
        description="The radar's coverage of one object (RCS, altitude), as two regions that "
        "follow the mode's search pattern, with the engagement's radar (the scenario's "
        "battery: its site, mode, face and minimum elevation unless the options say "
        "otherwise; default: Seongju):\n"
        "  detection  where search finds a new object: its apparent elevation (4/3 Earth) in "
        "the searched band (search_elevation_deg), inside the search sector's azimuths, within "
        "the search form of the range equation (detection_ground_range_m [inner, outer], null "
        "when empty; detection_area_km2, detection_area_by_country_km2)\n"
        "  track      where an object already in track stays in track: the track form (cued "
        "dwell), the field of view, the elevation limits, horizon and instrumented range "
        "(track_ground_range_m, track_area_km2, track_area_by_country_km2)\n"
        "The older keys remain and ignore where the search looks: detection_range_m (slant "
        "range of the search form), track_range_m (slant range of the track form), "
        "radar_equation_ground_range_m, horizon_range_m, elevation_range_m (where the object "
        "sits at the minimum elevation), coverage_range_m (the smallest of them, limited_by), "
        "coverage_area_km2 and area_by_country_km2 (the face's sector out to "
        "coverage_range_m at any elevation: an upper bound, not what search finds), countries "
        "(per country of that region). Areas are geodesic over Natural Earth 1:50m.",
        epilog="Examples:\n"
        "  thaad coverage --rcs 0.1 --target-alt-km 100\n"
        "  thaad coverage scenarios/seongju.yaml --mode forward-based --rcs 0.01 "
        "--target-alt-km 100\n"
        "  thaad coverage --radar 36.0513,128.2229,680 --mode terminal --rcs 0.01 "
        "--target-alt-km 100\n"
        "  thaad coverage --radar 36.0513,128.2229,680 --mode forward-based --rcs 0.01 "
        "--target-alt-km 100 --boresight-az-deg 290 --map fbm.png --geojson fbm.geojson\n"
        "  thaad coverage --radar 36.0513,128.2229,680 --mode forward-based --rcs 1 "
        "--target-alt-km 300 --min-elevation-deg 0 --json\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", nargs="?", help="scenario YAML whose battery's radar is used "
                   "(default: scenarios/seongju.yaml)")  # fmt: skip
    p.add_argument("--radar", type=lat_lon_alt, metavar="LAT,LON,ALT_M",
                   help="radar site, deg, deg, m (default: the battery site)")  # fmt: skip
    p.add_argument("--mode", choices=["terminal", "forward-based"],
                   help="search pattern (default: the scenario's radar mode)")  # fmt: skip
    p.add_argument("--rcs", type=_float, required=True, metavar="M2",
                   help="radar cross-section of the object, m^2")  # fmt: skip
    p.add_argument("--target-alt-km", type=_float, required=True, metavar="H",
                   help="altitude of the object, km")  # fmt: skip
    p.add_argument("--boresight-az-deg", type=_float, metavar="A",
                   help="azimuth the face points at, deg clockwise from north "
                   "(default: the scenario's, 315 = north-west)")  # fmt: skip
    p.add_argument("--min-elevation-deg", type=_float, metavar="E",
                   help="lowest beam elevation (default: the scenario's, 5)")  # fmt: skip
    p.add_argument(
        "--tracks",
        type=int,
        default=0,
        metavar="N",
        help="objects in track, taking their share of the radar's time (default 0)",
    )
    p.add_argument("--scenario", dest="scenario_opt", metavar="FILE",
                   help="the same as the positional SCENARIO (kept for older scripts)")  # fmt: skip
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a scenario value, e.g. battery.radar.search_frame_s=5",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--map", metavar="FILE.png", help="draw the covered region on a map")
    p.add_argument("--geojson", metavar="FILE", help="write the covered region as GeoJSON")
    p.add_argument("--out", metavar="DIR", help="write DIR/coverage.json, DIR/coverage.geojson "
                   "and DIR/coverage.png (what thaad report DIR shows)")  # fmt: skip
    return p


def _write_files(args: argparse.Namespace, res) -> None:
    from thaad.analysis.coverage import to_geojson
    from thaad.io import atomic_write_bytes, write_json
    from thaad.output.maps import plot_coverage

    if args.geojson:
        write_json(args.geojson, to_geojson(res), label="--geojson")
    if args.map:
        atomic_write_bytes(args.map, plot_coverage(res), label="--map")


def run(args: argparse.Namespace) -> int:
    from thaad.analysis.coverage import coverage
    from thaad.errors import ThaadInputError
    from thaad.io import to_json, write_json
    from thaad.model.scenario import load_scenario

    if args.scenario and args.scenario_opt and args.scenario != args.scenario_opt:
        raise ThaadInputError("coverage: give the scenario once (SCENARIO or --scenario)")
    sc = load_scenario(args.scenario or args.scenario_opt, overrides=args.set)
    site = sc.battery.site
    radar = args.radar or (site.lat_deg, site.lon_deg, site.alt_m)
    mode = args.mode or sc.battery.radar.mode
    res = coverage(radar, mode, args.rcs, args.target_alt_km,
                   boresight_az_deg=args.boresight_az_deg,
                   min_elevation_deg=args.min_elevation_deg, tracks=args.tracks,
                   scenario=sc)  # fmt: skip
    if args.out:
        from thaad.cli._common import out_dir, record
        from thaad.io import dir_lock

        out = out_dir(args, "coverage", sc)
        with dir_lock(out):
            write_json(out / "coverage.json", res.to_dict())
            args.geojson = args.geojson or str(out / "coverage.geojson")
            args.map = args.map or str(out / "coverage.png")
            _write_files(args, res)
            record(args, "coverage", out, sc, ["coverage.json", "coverage.geojson",
                                               "coverage.png"])  # fmt: skip
    else:
        _write_files(args, res)
    if args.json:
        sys.stdout.write(to_json(res.to_dict()) + "\n")
        return 0
    km = 1e-3
    print(
        f"{res.mode} mode radar at {res.radar_lat_deg:.4f}, {res.radar_lon_deg:.4f} "
        f"({res.radar_alt_m:.0f} m), boresight {res.boresight_az_deg:g} deg, sector "
        f"+/-{res.sector_half_az_deg:g} deg, minimum elevation {res.min_elevation_deg:g} deg"
    )
    print(f"object: {res.rcs_m2:g} m2 at {res.target_alt_m * km:g} km altitude")
    print(
        f"  search: {res.search_solid_angle_sr:.3f} sr every {res.search_frame_s:g} s, "
        f"{res.search_dwell_s * 1e3:.1f} ms per beam, {res.search_fraction:.0%} of the time; "
        f"threshold {res.snr_threshold_db:g} dB (Pd {res.pd_at_threshold:.2f})"
    )
    print(f"  detection range (search, radar equation) {res.detection_range_m * km:8.0f} km slant")
    print(f"  track range (cued dwell, for comparison)  {res.track_range_m * km:8.0f} km slant")

    def g(v: float | None) -> str:
        return "     n/a" if v is None else f"{v * km:8.0f}"

    print(
        f"  radar equation                            {g(res.radar_equation_ground_range_m)}"
        " km ground"
    )
    print(f"  radio horizon (4/3 Earth)                 {g(res.horizon_range_m)} km ground")
    print(f"  minimum elevation                         {g(res.elevation_range_m)} km ground")
    print(
        f"  coverage                                  {g(res.coverage_range_m)} km ground "
        f"(limited by the {res.limited_by})"
    )

    def iv(v: list[float] | None) -> str:
        return "none" if v is None else f"{v[0] * km:.0f}-{v[1] * km:.0f} km ground"

    lo, hi = res.search_elevation_deg
    print(
        f"  detection (search band {lo:g}-{hi:g} deg, search range): "
        f"{iv(res.detection_ground_range_m)}, {res.detection_area_km2:,.0f} km2"
    )
    for code, km2 in res.detection_area_by_country_km2.items():
        print(f"    {code:<4s} {km2:12,.0f} km2")
    print(f"  track (track range, elevation limits): {iv(res.track_ground_range_m)}, "
          f"{res.track_area_km2:,.0f} km2")  # fmt: skip
    for code, km2 in res.track_area_by_country_km2.items():
        print(f"    {code:<4s} {km2:12,.0f} km2")
    print(f"  range-only region (any elevation; an upper bound) {res.coverage_area_km2:,.0f} km2")
    for code, km2 in res.area_by_country_km2.items():
        extra = ""
        if code in res.countries:
            c = res.countries[code]
            extra = (
                f"  ({c['name']}; nearest land {c['nearest_land_m'] * km:.0f} km away, "
                f"reach {c['reach_beyond_nearest_land_m'] * km:.0f} km beyond it)"
            )
        print(f"    {code:<4s} {km2:12,.0f} km2{extra}")
    for f in (f"{args.out}/coverage.json" if args.out else None, args.map, args.geojson):
        if f:
            print(f"wrote {f}")
    return 0
