"""``thaad export``: an engagement as CZML (CesiumJS) and KML (Google Earth)."""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "export",
        help="export an engagement as CZML and KML for 3-D globes",
        description="Write the engagement of a run directory as time-dynamic CZML (for "
        "CesiumJS; thaad view shows it) and KML (for Google Earth): the threat and interceptor "
        "paths with time, the battery and launchers, the radar's field of view out to its "
        "detection range, the intercept point, the launch and aim points and the assets. "
        "Time zero (threat launch) is placed at the nominal epoch 2000-01-01T00:00:00Z.",
        epilog="Examples:\n  thaad run --out runs/a\n"
        "  thaad export runs/a              # runs/a/engagement.czml and runs/a/engagement.kml\n"
        "  thaad export runs/a --kml a.kml  # only KML\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("dir", metavar="DIR", help="output directory of thaad run")
    p.add_argument(
        "--czml",
        metavar="FILE",
        help="write CZML to FILE (with neither flag: DIR/engagement.czml and DIR/engagement.kml)",
    )
    p.add_argument("--kml", metavar="FILE", help="write KML to FILE")
    return p


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from thaad.io import atomic_write_text
    from thaad.output.export import czml_text, kml_text
    from thaad.output.rundir import load_run

    run = load_run(args.dir)
    if not args.czml and not args.kml:
        args.czml = str(Path(run.path) / "engagement.czml")
        args.kml = str(Path(run.path) / "engagement.kml")
    if args.czml:
        atomic_write_text(args.czml, czml_text(run) + "\n", label="--czml")
        print(f"wrote {args.czml}")
    if args.kml:
        atomic_write_text(args.kml, kml_text(run), label="--kml")
        print(f"wrote {args.kml}")
    return 0
