"""``thaad sweep``: Monte Carlo kill probability over a grid of scenario values."""

from __future__ import annotations

import argparse
import sys

from thaad.cli._common import MAX_DRAWS, MAX_WORKERS, bounded_int, nonneg_int


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "sweep",
        help="kill probability over a grid of scenario values",
        description="Vary scenario keys over a grid (or zipped lists) and run the same "
        "Monte Carlo at every point, with common random numbers: draw i of every point uses "
        "the same stream, so differences between points are the model's, not noise. Writes "
        "DIR/sweep.nc (one dimension per varied key), DIR/points.parquet, DIR/sweep.png and "
        "DIR/sweep-summary.json; chunks are written atomically and a killed sweep continues with "
        "--resume.",
        epilog="SPEC is a list (a,b,c), a range (start:stop:count, both ends included) or a "
        "log range (log:start:stop:count).\n\nExamples:\n"
        "  thaad sweep --vary lethality.sspk=0.5:0.9:5 --vary doctrine.mode=shoot-look-shoot,"
        "salvo --set lethality.model=fixed --draws 200 --out runs/sweep\n"
        "  thaad sweep --vary threat.class=srbm-300,srbm-600 --vary threat.rcs_rv_m2=0.05,0.5 "
        "--zip --draws 100 --out runs/zip\n"
        "  thaad sweep --vary lethality.lethal_radius_m=log:0.1:2:6 --draws 500 --out runs/r "
        "--resume\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", nargs="?", help="scenario YAML (default: the Seongju scenario)")
    p.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="KEY=SPEC",
        required=True,
        help="a scenario key (dotted path) and its values; repeat for a grid",
    )
    p.add_argument(
        "--zip",
        action="store_true",
        help="pair the --vary lists element by element instead of a full grid",
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a scenario value by dotted path, at every point",
    )
    p.add_argument(
        "--draws",
        type=bounded_int(1, MAX_DRAWS),
        required=True,
        metavar="N",
        help="Monte Carlo draws per point",
    )
    p.add_argument("--seed", type=nonneg_int, help="random seed (overrides the scenario's)")
    g = p.add_mutually_exclusive_group()
    g.add_argument(
        "--workers",
        type=bounded_int(1, MAX_WORKERS),
        metavar="K",
        help="local worker processes (default: one per core)",
    )
    g.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler, e.g. tcp://host:8786")
    p.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="output directory (new, or this sweep's with --resume)",
    )
    p.add_argument("--resume", action="store_true", help="continue a killed sweep in DIR")
    p.add_argument(
        "--chunk",
        type=bounded_int(1, MAX_DRAWS),
        default=100,
        metavar="M",
        help="draws per chunk file (default 100)",
    )
    p.add_argument("--yes", action="store_true", help="run a sweep of more than 200 points")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    return p


def run(args: argparse.Namespace) -> int:
    from thaad.cli._common import out_dir
    from thaad.io import dir_lock
    from thaad.model.scenario import load_scenario

    base = load_scenario(args.scenario, overrides=args.set, seed=args.seed)
    out = out_dir(args, "sweep", base)
    with dir_lock(out):
        return _run_locked(args, out, base)


def _run_locked(args: argparse.Namespace, out, base) -> int:
    from pathlib import Path

    from thaad.analysis.sweep import read_sweep, run_sweep
    from thaad.cli._common import record
    from thaad.io import to_json
    from thaad.output.plots import plot_sweep

    s = run_sweep(
        args.vary,
        args.draws,
        args.out,
        scenario=args.scenario,
        sets=args.set,
        seed=args.seed,
        zipped=args.zip,
        workers=args.workers or 0,
        scheduler=args.scheduler,
        resume=args.resume,
        chunk=args.chunk,
        yes=args.yes,
        progress=not args.no_progress,
    )
    kinds = sorted({r["lethality"] for r in s["table"]})
    lethality = kinds[0] if len(kinds) == 1 else "per point (" + ", ".join(kinds) + ")"
    if all(k.startswith("fixed") for k in kinds) and len(kinds) > 1:
        lethality = "fixed single-shot probability, as varied"
    plot_sweep(read_sweep(args.out), Path(args.out) / "sweep.png", lethality)
    record(args, "sweep", out, base, ["sweep.json", "sweep-summary.json", "sweep.nc",
                                      "points.parquet", "sweep.png", "points/"])  # fmt: skip
    if args.json:
        sys.stdout.write(to_json(s) + "\n")
        return 0
    keys = [v["key"] for v in s["vary"]]
    print(
        f"{s['scenario']}: sweep of {', '.join(keys)}, {s['points']} points x "
        f"{s['draws_per_point']} draws (seed {s['seed']}); lethality: {lethality}"
    )
    width = [max(len(k), *(len(_fmt(r[k])) for r in s["table"])) for k in keys]
    head = "  ".join(f"{k:>{w}s}" for k, w in zip(keys, width, strict=True))
    print(f"  {head}  {'P(kill)':>7s}  {'95% CI':>13s}  {'fired':>5s}  {'alt km':>6s}")
    for r in s["table"]:
        vals = "  ".join(f"{_fmt(r[k]):>{w}s}" for k, w in zip(keys, width, strict=True))
        if r["infeasible"]:
            print(f"  {vals}  infeasible: {r['infeasible']}")
            continue
        alt = r["intercept_alt_m_p50"]
        alt_s = "-" if alt is None else f"{alt / 1e3:6.1f}"
        print(
            f"  {vals}  {r['p_kill']:7.3f}  {r['p_kill_lo']:.3f}-{r['p_kill_hi']:.3f}  "
            f"{r['mean_interceptors_fired']:5.2f}  {alt_s:>6s}"
        )
    print(
        f"  wall time {s['wall_s']:.1f} s; wrote {args.out}/sweep.nc, points.parquet, "
        "sweep.png, sweep-summary.json"
    )
    return 0


def _fmt(v) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)
