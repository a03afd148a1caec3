"""``thaad report``: one self-contained HTML report of a run's output directory."""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "report",
        help="write one self-contained HTML report of an output directory",
        description="Turn an output directory (of thaad run, and of montecarlo, footprint or "
        "coverage where their outputs are there) into one HTML file that opens offline: the "
        "outcome, the engagement timeline, altitude and ground tracks on a map, tracking error "
        "with the filter's 3-sigma bounds, footprint and coverage maps, every parameter with "
        "its source, and the version, seed and scenario hash that reproduce it.",
        epilog="Examples:\n  thaad run --out runs/a && thaad report runs/a\n"
        "  thaad report runs/a --out /tmp/seongju.html\n"
        "  thaad run --out runs/a --report      # both in one step\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("dir", metavar="DIR", help="output directory of a run")
    p.add_argument("--out", metavar="FILE.html", help="report file (default: DIR/report.html)")
    return p


def run(args: argparse.Namespace) -> int:
    from thaad.output.report import write_report

    path = write_report(args.dir, args.out)
    print(f"wrote {path}")
    return 0
