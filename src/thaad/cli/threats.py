"""``thaad threats``: the threat catalogue, and threat files checked and sized."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "threats",
        help="list the threat classes; check threat files",
        description="List the generic threat classes: stages, reentry vehicle, and the "
        "burnout speed and maximum range each reaches in the full model (sources in "
        "docs/parameters.md). --file checks a threat file (YAML: stages, payload; copy one "
        "of the catalogue's from thaad/data/threats/) and prints its burnout speed and "
        "maximum range; with --file only the files are listed unless --json.",
        epilog="Examples:\n  thaad threats\n  thaad threats --json\n"
        "  thaad threats --file my-srbm.yaml\n"
        "  thaad threats --json --file a.yaml --file b.yaml\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--json", action="store_true",
                   help="print the catalogue (and the files) as JSON")  # fmt: skip
    p.add_argument("--file", action="append", default=[], metavar="FILE",
                   help="a threat file to check and size (may be repeated)")  # fmt: skip
    return p


def _row(tc) -> dict:
    from thaad.model.catalog import reach

    r = tc.summary()
    if r["max_range_km"] is None:  # a user's file: compute its reach
        v, rng = reach(tc)
        r["burnout_speed_mps"] = round(v, 1)
        r["max_range_km"] = round(rng, 1)
    return r


def run(args: argparse.Namespace) -> int:
    from thaad.io import to_json
    from thaad.model.catalog import THREATS
    from thaad.model.threatfile import load_threat_file

    files = [load_threat_file(f) for f in args.file]  # all checked before anything flies
    if args.json:
        rows = [tc.summary() for tc in THREATS.values()] + [_row(tc) for tc in files]
        sys.stdout.write(to_json(rows) + "\n")
        return 0
    if files:
        for tc, f in zip(files, args.file, strict=True):
            r = _row(tc)
            body = "separating RV" if tc.separates else "payload does not separate"
            print(f"{f}: {r['name']} is valid ({len(r['stages'])} stage(s), lift-off "
                  f"{r['liftoff_mass_kg']:,.0f} kg, {body})")  # fmt: skip
            print(f"  burnout speed {r['burnout_speed_mps']:,.0f} m/s, maximum range "
                  f"{r['max_range_km']:,.0f} km (full model, due north from 40 N)")  # fmt: skip
            print(f"  source: {tc.reference}")
        return 0
    rows = [tc.summary() for tc in THREATS.values()]
    head = (f"{'class':<10} {'stages':>6} {'lift-off':>9} {'RV':>6} {'RV beta':>8} "
            f"{'burnout':>8} {'max range':>10}  description")  # fmt: skip
    print(head)
    print(f"{'':<10} {'':>6} {'kg':>9} {'kg':>6} {'kg/m^2':>8} {'m/s':>8} {'km':>10}")
    for r in rows:
        print(f"{r['name']:<10} {len(r['stages']):>6} {r['liftoff_mass_kg']:>9,.0f} "
              f"{r['rv_mass_kg']:>6,.0f} {r['rv_beta_kgpm2']:>8,.0f} "
              f"{r['burnout_speed_mps']:>8,.0f} {r['max_range_km']:>10,.0f}  "
              f"{r['description']}")  # fmt: skip
    print()
    print(f"{'class':<10} {'stage':>5} {'thrust kN':>10} {'burn s':>7} {'propellant kg':>14} "
          f"{'dry kg':>7} {'diam m':>7} {'Isp s':>6}")  # fmt: skip
    for r in rows:
        for i, s in enumerate(r["stages"], start=1):
            print(f"{r['name']:<10} {i:>5} {s['thrust_n'] / 1e3:>10,.1f} {s['burn_s']:>7.0f} "
                  f"{s['propellant_kg']:>14,.0f} {s['dry_kg']:>7,.0f} {s['diameter_m']:>7.2f} "
                  f"{s['isp_s']:>6.1f}")  # fmt: skip
    print("\nBurnout speed and maximum range: full model (WGS-84, rotation, J2, US76), full "
          "burn at the range-maximising pitch, launched due north from 40 N. Sources: "
          "docs/parameters.md. The classes are threat files in thaad/data/threats/: copy "
          "one, edit it, check it with `thaad threats --file F`.")  # fmt: skip
    return 0
