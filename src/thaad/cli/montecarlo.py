"""``thaad montecarlo``: kill probability over many dispersed engagements."""

from __future__ import annotations

import argparse
import sys

from thaad.cli._common import MAX_WORKERS, bounded_int, nonneg_int, out_dir, record


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "montecarlo",
        help="kill probability over many dispersed engagements",
        description="Fly N engagements with the scenario's dispersions (threat steering and "
        "aim, interceptor thrust and pointing, radar and seeker noise), one seeded stream per "
        "draw. Per-draw results go to DIR/draws/*.parquet in chunks written atomically; "
        "DIR/montecarlo.json holds p_kill with its 95% Wilson interval; DIR/manifest.json "
        "pins the scenario, seed, draws and chunks. A killed run continues with --resume; "
        "--resume with more --draws extends a finished run. One run at a time per DIR.",
        epilog="Examples:\n  thaad montecarlo --draws 1000 --out runs/mc\n"
        "  thaad montecarlo --draws 1000 --out runs/mc --resume\n"
        "  thaad montecarlo --draws 500 --set lethality.model=fixed --set doctrine.mode=salvo "
        "--out runs/salvo --json\n"
        "  thaad montecarlo --draws 100000 --scheduler tcp://127.0.0.1:8786 --out runs/big\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", nargs="?", help="scenario YAML (default: scenarios/seongju.yaml)")
    p.add_argument("--draws", type=int, required=True, metavar="N",
                   help="number of dispersed engagements")  # fmt: skip
    p.add_argument("--seed", type=nonneg_int, help="random seed (overrides the scenario's)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a scenario value by dotted path")  # fmt: skip
    g = p.add_mutually_exclusive_group()
    g.add_argument("--workers", type=bounded_int(1, MAX_WORKERS), metavar="K",
                   help="local worker processes (default: one per core)")  # fmt: skip
    g.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler, e.g. tcp://host:8786")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="output directory: DIR/montecarlo.json and DIR/draws/*.parquet "
                   "(created if its parent exists)")  # fmt: skip
    p.add_argument("--resume", action="store_true", help="continue a killed run in DIR")
    p.add_argument("--chunk", type=int, metavar="M",
                   help="draws per chunk file (500; on --resume, the run's own)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    return p


def run(args: argparse.Namespace) -> int:
    from thaad.analysis.montecarlo import run_montecarlo
    from thaad.io import dir_lock, to_json
    from thaad.model.scenario import load_scenario

    sc = load_scenario(args.scenario, overrides=args.set, seed=args.seed)
    if args.scheduler is not None and not args.scheduler.strip():
        from thaad.errors import ThaadInputError

        raise ThaadInputError("--scheduler: an empty address (give e.g. tcp://host:8786)")
    out = out_dir(args, "montecarlo", sc)
    with dir_lock(out):
        s = run_montecarlo(
            sc, args.draws, out, workers=args.workers or 0, scheduler=args.scheduler,
            resume=args.resume, chunk=args.chunk, progress=not args.no_progress,
        )  # fmt: skip
        record(args, "montecarlo", out, sc, ["manifest.json", "montecarlo.json", "draws/"])
    if args.json:
        sys.stdout.write(to_json(s) + "\n")
        return 0
    if s.get("battle"):
        _print_battle(s, out)
        return 0
    lo, hi = s["p_kill_ci95"]
    alt = s["intercept_alt_m"]
    print(f"{s['scenario']}: {s['draws']} draws (seed {s['seed']})")
    print(f"  P(kill)              {s['p_kill']:.4f}  (95% CI {lo:.4f}-{hi:.4f})")
    print(f"  lethality            {s['lethality']}")
    print(f"  interceptors fired   {s['mean_interceptors_fired']:.3f} per threat")
    if alt["count"]:
        print(f"  intercept altitude   {alt['p50'] / 1e3:.1f} km median "
              f"({alt['p5'] / 1e3:.1f}-{alt['p95'] / 1e3:.1f} km, 5-95%)")  # fmt: skip
    print(f"  wall time            {s['wall_s']:.1f} s")
    print(f"wrote {out / 'montecarlo.json'}")
    return 0


def _print_battle(s: dict, out) -> None:
    """A battle's Monte Carlo summary (the kinematic battle model, said on the first line)."""
    print(f"{s['scenario']}: {s['draws']} draws of the battle (seed {s['seed']}); {s['model']}")
    for k in ("mean_leakers", "p_zero_leakers", "p_kill", "mean_interceptors_fired"):
        ci = s[f"{k}_ci95"]
        text = f"  (95% CI {ci[0]:.4f}-{ci[1]:.4f})" if ci else ""
        print(f"  {k:<24} {s[k]:.4f}{text}")
    for name, a in s.get("assets", {}).items():
        print(f"  leakers at {name:<13} {a['mean_leakers']:.4f} per battle")
    from thaad.cli.run import pk_lines

    for line in pk_lines(s.get("pk_table") or []):
        print(line)
    print(f"  wall time                {s['wall_s']:.1f} s")
    print(f"wrote {out / 'montecarlo.json'}")
