"""The engagement's event log: what happened when, to which interceptor or track.

Each row is ``(t_s, kind, index, value)``; ``kind`` indexes :data:`EVENT_NAMES`. The log is
a record of a preallocated array and a one-element count, changed in place.
"""

from typing import NamedTuple

import numba as nb
import numpy as np

from thaad.core.jit import jit

EVENT_NAMES = (
    "threat_launch",
    "threat_burnout",
    "threat_apogee",
    "first_detection",
    "track_firm",
    "interceptor_launch",
    "interceptor_burnout",
    "seeker_acquisition",
    "intercept",
    "miss",
    "threat_impact",
    "no_feasible_intercept",
    "shroud_separation",
    "divert_exhausted",
    "false_kill_assessment",
)
EV_THREAT_LAUNCH = 0
EV_THREAT_BURNOUT = 1
EV_THREAT_APOGEE = 2
EV_FIRST_DETECTION = 3
EV_TRACK_FIRM = 4
EV_INTERCEPTOR_LAUNCH = 5
EV_INTERCEPTOR_BURNOUT = 6
EV_SEEKER_ACQUISITION = 7
EV_INTERCEPT = 8
EV_MISS = 9
EV_THREAT_IMPACT = 10
EV_NO_FEASIBLE = 11
EV_SHROUD_SEPARATION = 12
EV_DIVERT_EXHAUSTED = 13
EV_FALSE_KILL_ASSESSMENT = 14

MAX_EVENTS = 64


class EventLog(NamedTuple):
    rows: np.ndarray  # (MAX_EVENTS, 4): t_s, kind, index, value
    n: np.ndarray  # (1,) int: events logged (may exceed the rows kept)


@jit
def new_event_log() -> EventLog:
    return EventLog(rows=np.zeros((MAX_EVENTS, 4)), n=np.zeros(1, np.int64))


# an explicit signature: the event kinds are constants at every call, and without it each
# would compile its own (literal) specialisation
_LOG_TYPE = nb.typeof(EventLog(rows=np.zeros((1, 4)), n=np.zeros(1, np.int64)))


@nb.njit(nb.void(_LOG_TYPE, nb.float64, nb.int64, nb.int64, nb.float64), cache=True)
def add_event(log: EventLog, t_s: float, kind: int, index: int, value: float) -> None:
    k = log.n[0]
    if k < log.rows.shape[0]:
        log.rows[k, 0] = t_s
        log.rows[k, 1] = kind
        log.rows[k, 2] = index
        log.rows[k, 3] = value
    log.n[0] = k + 1


@jit
def sorted_events(log: EventLog) -> np.ndarray:
    """The kept events in time order (stable for equal times)."""
    ev = log.rows[: min(log.n[0], log.rows.shape[0])]
    order = np.argsort(ev[:, 0], kind="mergesort")
    return ev[order].copy()
