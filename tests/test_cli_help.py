"""Every option of every subcommand says what it does: ``thaad COMMAND --help`` is the manual."""

import argparse

from thaad.cli.main import COMMANDS, build_parser


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def test_every_option_of_every_subcommand_has_help():
    parser = build_parser()
    subs = _subparsers(parser)
    assert sorted(subs) == sorted(COMMANDS)
    missing = []
    for name, sub in [("thaad", parser), *subs.items()]:
        for action in sub._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            label = "/".join(action.option_strings) or action.dest
            if not (action.help or "").strip() or action.help == argparse.SUPPRESS:
                missing.append(f"{name} {label}")
    assert missing == []


def test_every_subcommand_has_a_summary_and_examples():
    subs = _subparsers(build_parser())
    for name, sub in subs.items():
        assert sub.description and len(sub.description) > 20, name
        assert sub.epilog and f"thaad {name}" in sub.epilog, name
