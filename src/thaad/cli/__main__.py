"""``python -m thaad.cli``: the ``thaad`` command."""

from thaad.cli.main import main

raise SystemExit(main())
