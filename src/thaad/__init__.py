"""thaad: an open, physics-first simulator of a THAAD battery.

Entry points: :func:`thaad.load_scenario`, :func:`thaad.run`, :func:`thaad.fly_trajectory`,
and the ``thaad`` command (:mod:`thaad.cli`).
"""

__version__ = "0.1.0"

from thaad.api import EngagementResult, TrajectoryResult, fly_trajectory, run
from thaad.scenario import Scenario, load_scenario

__all__ = [
    "EngagementResult",
    "Scenario",
    "TrajectoryResult",
    "__version__",
    "fly_trajectory",
    "load_scenario",
    "run",
]
