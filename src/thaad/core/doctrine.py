"""Firing doctrine and kill assessment: when the battery may launch the next interceptor.

One implementation serves the engagement loop and the kinematic footprint
(:mod:`thaad.core.footprint`). Shoot-look-shoot: launch only when no interceptor is in the
air and the kill assessment of the last one (``assess_s`` after its intercept) is in;
salvo: fire ``shots`` interceptors ``salvo_spacing_s`` apart at the first opportunity,
then look before another salvo. Kill assessment declares the truth with probability
``ka_accuracy``: a miss declared a kill ends the engagement with no further shot (the
threat leaks); a kill declared a miss would only waste interceptors on a dead threat (the
loop stops at a true kill, so it is not modelled).
"""

from typing import NamedTuple

import numpy as np

from thaad.core.firecontrol import DOCTRINE_SALVO, FireControl
from thaad.core.jit import jit


class DoctrineState(NamedTuple):
    """Where the doctrine stands (one-element arrays, changed in place)."""

    fired: np.ndarray  # (1,) int: interceptors launched at this threat
    salvo_left: np.ndarray  # (1,) int: shots of the current salvo still to fire
    next_launch_s: np.ndarray  # (1,) earliest launch of the next salvo shot
    hold_until_s: np.ndarray  # (1,) no new launch before the last kill assessment
    declared_dead: np.ndarray  # (1,) bool: kill assessment says the threat is killed


@jit
def new_doctrine_state() -> DoctrineState:
    return DoctrineState(
        fired=np.zeros(1, np.int64), salvo_left=np.zeros(1, np.int64),
        next_launch_s=np.zeros(1), hold_until_s=np.zeros(1),
        declared_dead=np.zeros(1, np.bool_),
    )  # fmt: skip


@jit
def may_fire(ds: DoctrineState, fc: FireControl, t_s: float, n_flying: int) -> bool:
    """Whether the doctrine allows a launch at ``t_s`` with ``n_flying`` interceptors up."""
    if ds.declared_dead[0] or ds.fired[0] >= fc.shots:
        return False
    if ds.salvo_left[0] > 0:
        return t_s >= ds.next_launch_s[0]
    return n_flying == 0 and t_s >= ds.hold_until_s[0]


@jit
def on_launch(ds: DoctrineState, fc: FireControl, t_s: float) -> None:
    """Book a launch at ``t_s``."""
    ds.fired[0] += 1
    if fc.doctrine == DOCTRINE_SALVO:
        if ds.salvo_left[0] == 0:
            ds.salvo_left[0] = fc.shots - 1
        else:
            ds.salvo_left[0] -= 1
        ds.next_launch_s[0] = t_s + fc.salvo_spacing_s


@jit
def on_outcome(ds: DoctrineState, fc: FireControl, t_end_s: float, declared_kill: bool) -> None:
    """Book an interceptor's end (intercept, miss or lost) at ``t_end_s`` and the assessment."""
    ds.hold_until_s[0] = max(ds.hold_until_s[0], t_end_s + fc.assess_s)
    if declared_kill:
        ds.declared_dead[0] = True


@jit
def assess_kill(killed: bool, accuracy: float, rng: np.random.Generator) -> bool:
    """The kill assessment's verdict on a shot: the truth with probability ``accuracy``
    (no draw when it is 1)."""
    if accuracy >= 1.0:
        return killed
    right = rng.random() < accuracy
    return killed if right else not killed


LETHALITY_MISS = 0
LETHALITY_FIXED = 1


class Lethality(NamedTuple):
    """When a shot kills, and how well the battery knows it."""

    model: int  # LETHALITY_MISS or LETHALITY_FIXED
    lethal_radius_m: float
    sspk: float  # single-shot kill probability of the fixed model
    ka_accuracy: float  # probability that kill assessment declares the truth


@jit
def shot_kills(leth: Lethality, miss_m: float, on_rv: bool, rng: np.random.Generator) -> bool:
    """Whether a shot that ended with ``miss_m`` from the RV kills it.

    ``LETHALITY_MISS``: the closest approach is within the lethal radius. ``LETHALITY_FIXED``:
    a shot whose seeker homed on the RV kills with probability ``sspk`` whatever its miss
    distance (the stated single-shot kill probability carries the endgame's accuracy); a shot
    that homed on anything else does not.
    """
    if leth.model == LETHALITY_FIXED:
        return on_rv and rng.random() < leth.sspk
    return miss_m <= leth.lethal_radius_m
