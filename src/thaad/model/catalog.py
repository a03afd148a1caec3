"""Generic threat classes from public figures.

Every number here is a default parameter, not a fact about any real system; each is
sourced (or derived, with the derivation) in ``docs/parameters.md``. A class is a stack of
stages (thrust, burn time, propellant and dry mass, diameter) under a separating reentry
vehicle (RV). ``burnout_speed_mps`` and ``max_range_km`` record what the class reaches in
the full model (WGS-84, rotation, J2, US76) at full burn and the range-maximising pitch,
launched due north from 40 N at sea level; a test recomputes them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from thaad.core.constants import G0_MPS2
from thaad.core.threat import MAX_STAGES, Missile
from thaad.errors import ThaadInputError


@dataclass(frozen=True)
class Stage:
    """One stage: constant thrust for its burn time (SI)."""

    thrust_n: float
    burn_s: float
    propellant_kg: float
    dry_kg: float
    diameter_m: float

    @property
    def mdot_kgps(self) -> float:
        return self.propellant_kg / self.burn_s

    @property
    def isp_s(self) -> float:
        """Effective specific impulse ``F t_b / (m_p g0)`` (derived, for the documentation)."""
        return self.thrust_n * self.burn_s / (self.propellant_kg * G0_MPS2)


@dataclass(frozen=True)
class ThreatClass:
    """A generic threat class: stages, RV and the radar cross-sections the radar sees."""

    name: str
    description: str
    reference: str
    stages: tuple[Stage, ...]
    m_rv_kg: float
    beta_rv_kgpm2: float
    beta_stage_kgpm2: float  # spent last stage, tumbling, at its dry mass
    rcs_boost_m2: float
    rcs_rv_m2: float
    nominal_range_km: float
    burnout_speed_mps: float  # full model, maximum-range shot (documented, tested)
    max_range_km: float  # full model (documented, tested)
    cd_boost: float = 0.3
    t_vert_s: float = 5.0
    turn_frac: float = 0.6

    @property
    def m0_kg(self) -> float:
        """Lift-off mass: the stages' propellant and dry mass plus the RV."""
        return sum(s.propellant_kg + s.dry_kg for s in self.stages) + self.m_rv_kg

    @property
    def burn_s(self) -> float:
        return sum(s.burn_s for s in self.stages)

    def missile(self) -> Missile:
        """The core's parameter tuple for this class."""
        n = len(self.stages)
        if not 1 <= n <= MAX_STAGES:
            raise ThaadInputError(f"threat class {self.name}: 1 to {MAX_STAGES} stages")
        arr = np.zeros((5, MAX_STAGES))
        for i, s in enumerate(self.stages):
            area = math.pi * (0.5 * s.diameter_m) ** 2
            arr[:, i] = (s.thrust_n, s.mdot_kgps, s.burn_s, s.dry_kg, self.cd_boost * area)
        last = self.stages[-1]
        return Missile(
            float(self.m0_kg),
            n,
            arr[0].copy(),
            arr[1].copy(),
            arr[2].copy(),
            arr[3].copy(),
            arr[4].copy(),
            float(self.burn_s),
            float(self.m_rv_kg),
            float(self.beta_rv_kgpm2),
            float(last.dry_kg / self.beta_stage_kgpm2),
            float(self.t_vert_s),
            float(self.turn_frac),
        )

    def summary(self) -> dict:
        """The class's figures as plain numbers (for ``thaad threats``)."""
        return {
            "name": self.name,
            "description": self.description,
            "stages": [
                {
                    "thrust_n": s.thrust_n,
                    "burn_s": s.burn_s,
                    "propellant_kg": s.propellant_kg,
                    "dry_kg": s.dry_kg,
                    "diameter_m": s.diameter_m,
                    "isp_s": round(s.isp_s, 1),
                }
                for s in self.stages
            ],
            "liftoff_mass_kg": self.m0_kg,
            "rv_mass_kg": self.m_rv_kg,
            "rv_beta_kgpm2": self.beta_rv_kgpm2,
            "spent_stage_beta_kgpm2": self.beta_stage_kgpm2,
            "nominal_range_km": self.nominal_range_km,
            "burnout_speed_mps": self.burnout_speed_mps,
            "max_range_km": self.max_range_km,
            "reference": self.reference,
        }


THREATS: dict[str, ThreatClass] = {
    "srbm-300": ThreatClass(
        name="srbm-300",
        description="SRBM, about 300 km, about 1,000 kg payload (Scud-B class)",
        reference="public-figures table (Scud-B class); R-17 masses and burn time from open "
        "analyses (Zaloga 2006)",
        stages=(Stage(134_800.0, 62.0, 3771.0, 1104.0, 0.88),),
        m_rv_kg=985.0,
        beta_rv_kgpm2=4880.0,
        beta_stage_kgpm2=160.0,
        rcs_boost_m2=5.0,
        rcs_rv_m2=0.1,
        nominal_range_km=300.0,
        burnout_speed_mps=1_585.0,
        max_range_km=301.0,
    ),
    "srbm-600": ThreatClass(
        name="srbm-600",
        description="SRBM, 500-600 km, about 700 kg payload (Scud-C class)",
        reference="public-figures table (Scud-C class); extended-burn Scud derivative",
        stages=(Stage(153_400.0, 70.0, 4760.0, 940.0, 0.88),),
        m_rv_kg=700.0,
        beta_rv_kgpm2=4880.0,
        beta_stage_kgpm2=130.0,
        rcs_boost_m2=5.0,
        rcs_rv_m2=0.1,
        nominal_range_km=600.0,
        burnout_speed_mps=2_309.0,
        max_range_km=646.0,
    ),
    "mrbm-1000": ThreatClass(
        name="mrbm-1000",
        description="MRBM, about 1,000 km, about 500 kg payload (Scud-ER class)",
        reference="Yomiuri Shimbun 2017-03 (Scud-ER about 1,000 km through a lighter "
        "warhead); lengthened Scud tanks",
        stages=(Stage(156_000.0, 92.0, 6300.0, 1000.0, 0.88),),
        m_rv_kg=500.0,
        beta_rv_kgpm2=7300.0,
        beta_stage_kgpm2=130.0,
        rcs_boost_m2=5.0,
        rcs_rv_m2=0.05,
        nominal_range_km=1000.0,
        burnout_speed_mps=2_889.0,
        max_range_km=1_038.0,
    ),
    "mrbm-1300": ThreatClass(
        name="mrbm-1300",
        description="MRBM, 1,000-1,300 km, about 1,000 kg payload (Nodong class)",
        reference="public-figures table (Nodong class: 1,000-1,300 km, 0.8-1.2 t); "
        "single-stage liquid, 1.36 m diameter, about 16 t",
        stages=(Stage(280_000.0, 115.0, 13_400.0, 1800.0, 1.36),),
        m_rv_kg=900.0,
        beta_rv_kgpm2=9800.0,
        beta_stage_kgpm2=115.0,
        rcs_boost_m2=10.0,
        rcs_rv_m2=0.05,
        nominal_range_km=1300.0,
        burnout_speed_mps=3_270.0,
        max_range_km=1_364.0,
        t_vert_s=6.0,
    ),
    "irbm": ThreatClass(
        name="irbm",
        description="IRBM, 3,000-4,500 km, about 650 kg payload (Musudan / Hwasong-12 "
        "range class, generic two-stage)",
        reference="public-figures table and CSIS Missile Threat 2017-05 (Hwasong-12: up to "
        "4,500 km); two-stage layout as a generic IRBM",
        stages=(
            Stage(450_000.0, 90.0, 16_000.0, 1900.0, 1.5),
            Stage(98_000.0, 84.0, 3000.0, 500.0, 1.5),
        ),
        m_rv_kg=650.0,
        beta_rv_kgpm2=14_600.0,
        beta_stage_kgpm2=90.0,
        rcs_boost_m2=10.0,
        rcs_rv_m2=0.03,
        nominal_range_km=4000.0,
        burnout_speed_mps=5_328.0,
        max_range_km=4_543.0,
        t_vert_s=8.0,
    ),
}


def threat_class(name: str) -> ThreatClass:
    """Look up a threat class by name; a one-line error lists the known ones."""
    try:
        return THREATS[name]
    except KeyError:
        known = ", ".join(sorted(THREATS))
        raise ThaadInputError(f"threat class '{name}' is unknown (known: {known})") from None


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
