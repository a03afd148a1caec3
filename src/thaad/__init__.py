"""thaad: an open, physics-first simulator of a THAAD battery.

This is the one entry module of the Python API:

>>> import thaad
>>> sc = thaad.load_scenario()            # the default Seongju scenario
>>> res = thaad.run(sc)                   # doctest: +SKIP

:func:`load_scenario`, :func:`run` (one engagement), :func:`fly_trajectory` (one threat),
and the ``thaad`` command (:mod:`thaad.cli`). The package is layered, top to bottom:
``cli`` > ``output`` > ``analysis`` > ``model`` > ``core`` (an import-linter contract).
"""

from thaad.analysis.engagement import EngagementResult, TrajectoryResult, fly_trajectory, run
from thaad.model.scenario import Scenario, load_scenario
from thaad.version import __version__

__all__ = [
    "EngagementResult",
    "Scenario",
    "TrajectoryResult",
    "__version__",
    "fly_trajectory",
    "load_scenario",
    "run",
]
