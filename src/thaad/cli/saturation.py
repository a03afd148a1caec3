"""``thaad saturation``: raid size against expected leakers and interceptors spent."""

from __future__ import annotations

import argparse
import sys

from thaad.cli._common import MAX_DRAWS, MAX_WORKERS, bounded_int, nonneg_int


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "saturation",
        help="raid size against expected leakers and interceptors spent",
        description="Scale the scenario's raid (its threat entries, in proportion) to each "
        "size and draw the battle's outcome N times: expected leakers, P(no leaker), P(kill) "
        "and interceptors fired per size. Writes DIR/saturation.parquet, DIR/saturation.csv, "
        "DIR/saturation.png and DIR/saturation.json; each size is written atomically and a "
        "killed study continues with --resume.",
        epilog="Examples:\n  thaad saturation scenarios/raid.yaml --sizes 1,2,4,8,16,32,64 "
        "--draws 500 --out runs/sat\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", nargs="?", help="scenario YAML (default: the Seongju scenario)")
    p.add_argument("--sizes", default="1,2,4,8,16,32,64", help="raid sizes (default 1,2,...,64)")
    p.add_argument("--draws", type=bounded_int(1, MAX_DRAWS), default=200, metavar="N",
                   help="battle draws per size (default 200)")  # fmt: skip
    p.add_argument("--seed", type=nonneg_int, help="random seed (overrides the scenario's)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a scenario value by dotted path")  # fmt: skip
    g = p.add_mutually_exclusive_group()
    g.add_argument(
        "--workers", type=bounded_int(1, MAX_WORKERS), metavar="K", help="local worker processes"
    )
    g.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler, e.g. tcp://host:8786")
    p.add_argument("--out", required=True, metavar="DIR", help="output directory")
    p.add_argument("--resume", action="store_true", help="continue a killed study in DIR")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    return p


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from thaad.analysis.saturation import parse_sizes, run_saturation
    from thaad.cli._common import out_dir, record
    from thaad.io import dir_lock, to_json
    from thaad.model.scenario import load_scenario
    from thaad.output.plots import plot_saturation

    sizes = parse_sizes(args.sizes)
    sc = load_scenario(args.scenario, overrides=args.set, seed=args.seed)
    out = out_dir(args, "saturation", sc)
    with dir_lock(out):
        s = run_saturation(sc, sizes, args.draws, out, workers=args.workers or 0,
                           scheduler=args.scheduler, resume=args.resume)  # fmt: skip
        plot_saturation(s, Path(out) / "saturation.png")
        files = ["saturation.json", "saturation.parquet", "saturation.csv", "saturation.png",
                 "points/"]  # fmt: skip
        record(args, "saturation", out, sc, files)
    if args.json:
        sys.stdout.write(to_json(s) + "\n")
        return 0
    print(f"{s['scenario']}: {s['draws_per_size']} draws per raid size (seed {s['seed']}); "
          f"{s['model']}")  # fmt: skip
    print("  size  mean leakers (95% CI)     P(no leaker)  P(kill)  interceptors fired")
    for r in s["table"]:
        print(f"  {r['size']:4d}  {r['mean_leakers']:7.3f} ({r['mean_leakers_lo']:.3f}-"
              f"{r['mean_leakers_hi']:.3f})  {r['p_zero_leakers']:12.3f}  {r['p_kill']:7.3f}  "
              f"{r['mean_interceptors_fired']:8.2f}")  # fmt: skip
    first = s["first_size_with_mean_leakers_over_1"]
    print(f"  expected leakers pass 1 at a raid of {first}" if first else
          "  expected leakers stay at or below 1 at every size")  # fmt: skip
    print(f"wrote {Path(out) / 'saturation.png'}")
    return 0
