"""thaad: an open, physics-first simulator of a THAAD battery.

This is the one entry module of the Python API:

>>> import thaad
>>> sc = thaad.load_scenario()            # the default Seongju scenario
>>> res = thaad.run(sc)                   # doctest: +SKIP

:func:`load_scenario`, :func:`run` (one engagement), :func:`fly_trajectory` (one threat);
the studies :func:`footprint`, :func:`montecarlo`, :func:`sweep` and :func:`coverage`, which
return xarray or pandas objects that plot in one line (:mod:`thaad.notebook`); and the
``thaad`` command (:mod:`thaad.cli`). The package is layered, top to bottom:
``cli`` > ``output`` > ``analysis`` > ``model`` > ``core`` (an import-linter contract).
"""

from thaad import _numba_opt  # noqa: F401  (first: NUMBA_OPT before numba compiles)
from thaad.analysis.engagement import EngagementResult, TrajectoryResult, fly_trajectory, run
from thaad.model.scenario import Scenario, load_scenario
from thaad.notebook import coverage, footprint, montecarlo, sweep
from thaad.version import __version__

__all__ = [
    "EngagementResult",
    "Scenario",
    "TrajectoryResult",
    "__version__",
    "coverage",
    "fly_trajectory",
    "footprint",
    "load_scenario",
    "montecarlo",
    "run",
    "sweep",
]
