"""Subcommands of the ``thaad`` CLI, one module each (see :mod:`thaad.cli`)."""
