"""The ``thaad`` command. Each subcommand lives in :mod:`thaad.cli` as a module with
``add_parser(subparsers)`` and ``run(args) -> int``; this module only dispatches and turns
bad input into one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from thaad.errors import ThaadInputError
from thaad.version import __version__

# subcommand modules, in the order ``thaad --help`` lists them
COMMANDS = [
    "run",
    "trajectory",
    "threats",
    "montecarlo",
    "sweep",
    "saturation",
    "footprint",
    "coverage",
    "track",
    "report",
    "export",
    "view",
    "app",
]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2 (argparse's own convention)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="thaad",
        description="An open, physics-first simulator of a THAAD battery.",
        epilog="Examples:\n  thaad run\n  thaad run --seed 7 --aim Busan\n"
        "  thaad trajectory --launch 39.0,125.7 --aim 35.87,128.60 --json\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"thaad {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        mod = importlib.import_module(f"thaad.cli.{name}")
        p = mod.add_parser(sub)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args._argv = list(argv) if argv is not None else sys.argv[1:]
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    from thaad.cli._warmup import notice

    try:
        with notice(args.command):
            return int(args._run(args) or 0)
    except ThaadInputError as exc:
        sys.stderr.write(f"thaad: error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("thaad: interrupted\n")
        return 130
    except BrokenPipeError:
        # the reader went away (``thaad run | head``): stop quietly, as Unix tools do
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
