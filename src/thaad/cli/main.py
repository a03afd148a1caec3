"""The ``thaad`` command. Each subcommand lives in :mod:`thaad.cli` as a module with
``add_parser(subparsers)`` and ``run(args) -> int``; this module only dispatches and turns
bad input into one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import re
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
    "visibility",
    "track",
    "report",
    "export",
    "view",
    "app",
]


def say_error(prog: str, message: str) -> None:
    """``PROG: error: MESSAGE`` on stderr as exactly one line, whatever the message holds.

    Line breaks become ``\\n`` and characters stderr cannot encode (a lone surrogate from a
    file name, say) are escaped, so printing an error never raises an error of its own.
    """
    text = " ".join(message.splitlines()) if message else "error"
    enc = getattr(sys.stderr, "encoding", None) or "utf-8"
    text = text.encode(enc, "backslashreplace").decode(enc, "replace")
    sys.stderr.write(f"{prog}: error: {text}\n")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2 (argparse's own convention)
        say_error(self.prog, message)
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


# options whose value is a point, LAT,LON[,ALT_M]: a southern or western one starts with "-"
POINT_OPTIONS = ("--launch", "--aim", "--radar", "--sensor")
_NEGATIVE_POINT = re.compile(r"^-[0-9.]")


def _join_negative_points(argv: list[str]) -> list[str]:
    """``--radar -33.9,151.2,40`` as ``--radar=-33.9,151.2,40``: argparse would otherwise take
    the value for an option ("expected one argument")."""
    out = list(argv)
    for i in range(len(out) - 2, -1, -1):
        if out[i] in POINT_OPTIONS and _NEGATIVE_POINT.match(out[i + 1]):
            out[i : i + 2] = [f"{out[i]}={out[i + 1]}"]
    return out


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a path with a lone surrogate prints escaped
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError, OSError):
            pass
    parser = build_parser()
    argv_list = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(_join_negative_points(argv_list))
    args._argv = argv_list
    if not getattr(args, "command", None):
        say_error("thaad", "no command given (one of: " + ", ".join(COMMANDS) + "; see thaad -h)")
        return 2
    from thaad.cli._warmup import notice

    try:
        with notice(args.command):
            return int(args._run(args) or 0)
    except ThaadInputError as exc:
        say_error("thaad", str(exc))
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("thaad: interrupted\n")
        return 130
    except BrokenPipeError:
        # the reader went away (``thaad run | head``): stop quietly, as Unix tools do
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        # a geometry the input made impossible (GEOS) is bad input too: one line, not a trace
        if type(exc).__name__ != "GEOSException":
            raise
        say_error("thaad", f"the geometry of this input cannot be computed ({exc})")
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
