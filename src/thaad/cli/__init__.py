"""The ``thaad`` command: :func:`main` dispatches to one module per subcommand in this package
(``add_parser(subparsers)`` and ``run(args) -> int``). The top layer: it may import every
other layer, and none imports it."""

from thaad.cli.main import main

__all__ = ["main"]
