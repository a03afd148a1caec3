"""Generic threat classes from public figures, and the radar's modes.

Every number here is a default parameter, not a fact about any real system; each is
sourced (or derived, with the derivation) in ``docs/parameters.md``. A class is a stack of
stages (thrust, burn time, propellant and dry mass, diameter, drag against Mach) under a
payload, a separating reentry vehicle (RV) or a body that reenters whole. The catalogue's
classes are threat files (:mod:`thaad.model.threatfile`) in ``thaad/data/threats/``;
``burnout_speed_mps`` and ``max_range_km`` record what the class reaches in the full model
(WGS-84, rotation, J2, US76) at full burn and the range-maximising pitch, launched due
north from 40 N at sea level; a test recomputes them.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, replace

from thaad.errors import ThaadInputError
from thaad.model.threatfile import (
    Stage,
    ThreatClass,
    catalogue_files,
    load_threat_file,
)

__all__ = ["RADAR_MODES", "THREATS", "Stage", "ThreatClass", "burnout_speed_mps", "radar_mode",
           "reach",
           "resolve_threat", "threat_class"]  # fmt: skip


def _catalogue() -> dict[str, ThreatClass]:
    out = {}
    for f in catalogue_files():
        tc = replace(load_threat_file(f), path=None)
        out[tc.name] = tc
    return out


THREATS: dict[str, ThreatClass] = _catalogue()


def threat_class(name: str) -> ThreatClass:
    """Look up a threat class by name; a one-line error lists the known ones."""
    try:
        return THREATS[name]
    except KeyError:
        known = ", ".join(sorted(THREATS))
        raise ThaadInputError(f"threat class '{name}' is unknown (known: {known})") from None


def resolve_threat(name: str | ThreatClass | None = None, file: str | None = None) -> ThreatClass:
    """A catalogue class by name, or a threat file (which wins when both are given)."""
    if file:
        return load_threat_file(file)
    if isinstance(name, ThreatClass):
        return name
    return threat_class(name or "srbm-600")


@functools.lru_cache(maxsize=32)
def reach(tc: ThreatClass) -> tuple[float, float]:
    """Burnout speed (m/s) and maximum range (km) in the full model: full burn at the
    range-maximising pitch, launched due north from 40 N at sea level (the catalogue's
    documented reach is this, recomputed by a test)."""
    import numpy as np

    from thaad.core.flight import Env
    from thaad.core.threat import Aim, fly_to_impact, max_range_m

    env = Env(1, 1, 1, 1)
    mis = tc.missile()
    lat0 = math.radians(40.0)
    rng, pitch = max_range_m(mis, lat0, 0.0, 0.0, 0.0, env)
    yb = fly_to_impact(mis, Aim(lat0, 0.0, 0.0, 0.0, mis.burn_s, pitch), env, 1e-10)[0]
    return float(np.linalg.norm(yb[3:6])), rng / 1e3


def burnout_speed_mps(tc: ThreatClass) -> float:
    """The documented burnout speed, or (a user's file) the one :func:`reach` computes."""
    return tc.burnout_speed_mps if tc.burnout_speed_mps is not None else reach(tc)[0]


@dataclass(frozen=True)
class RadarMode:
    """How the radar spends its time in one operating mode (the hardware is the same).

    The search sector is ``+-search_half_az_deg`` about the boresight and
    ``search_el_span_deg`` tall above the minimum elevation, searched once every
    ``search_frame_s``; see ``docs/parameters.md`` for the derivation.
    """

    name: str
    description: str
    search_half_az_deg: float
    search_el_span_deg: float
    search_frame_s: float


RADAR_MODES: dict[str, RadarMode] = {
    "terminal": RadarMode(
        name="terminal",
        description="fire control: volume search of the whole face, tracks of the threat cloud",
        search_half_az_deg=60.0,
        search_el_span_deg=10.0,
        search_frame_s=10.0,
    ),
    "forward-based": RadarMode(
        name="forward-based",
        description="early warning: a low search fence toward the launch area, longer dwells",
        search_half_az_deg=60.0,
        search_el_span_deg=2.0,
        search_frame_s=20.0,
    ),
}


def radar_mode(name: str) -> RadarMode:
    """Look up a radar mode by name; a one-line error lists the known ones."""
    try:
        return RADAR_MODES[name]
    except KeyError:
        known = ", ".join(RADAR_MODES)
        raise ThaadInputError(f"radar mode '{name}' is unknown (known: {known})") from None
