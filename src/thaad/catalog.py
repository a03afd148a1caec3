"""Generic threat classes from public figures.

Every number here is a default parameter, not a fact about any real system; each is
sourced (or derived, with the derivation) in ``docs/parameters.md``. The threats are
generic single-stage missiles of the named range class with a separating reentry vehicle.
"""

from dataclasses import dataclass

from thaad.core.threat import Missile
from thaad.errors import ThaadInputError


@dataclass(frozen=True)
class ThreatClass:
    """A generic threat class: booster, RV and the radar cross-sections the radar sees."""

    name: str
    description: str
    m0_kg: float
    propellant_kg: float
    burn_s: float
    isp_s: float
    diameter_m: float
    cd_boost: float
    m_rv_kg: float
    beta_rv_kgpm2: float
    rcs_boost_m2: float
    rcs_rv_m2: float
    t_vert_s: float = 5.0
    turn_frac: float = 0.6
    nominal_range_km: float = 0.0

    def missile(self) -> Missile:
        """The core's parameter tuple for this class."""
        import math

        mdot = self.propellant_kg / self.burn_s
        thrust = mdot * self.isp_s * 9.80665
        area = math.pi * (0.5 * self.diameter_m) ** 2
        return Missile(
            float(self.m0_kg),
            float(thrust),
            float(mdot),
            float(self.burn_s),
            float(self.cd_boost * area),
            float(self.m_rv_kg),
            float(self.beta_rv_kgpm2),
            float(self.t_vert_s),
            float(self.turn_frac),
        )


THREATS: dict[str, ThreatClass] = {
    "srbm-300": ThreatClass(
        name="srbm-300",
        description="SRBM, about 300 km, about 1,000 kg payload (Scud-B class)",
        m0_kg=5860.0,
        propellant_kg=3771.0,
        burn_s=62.0,
        isp_s=226.0,
        diameter_m=0.88,
        cd_boost=0.3,
        m_rv_kg=985.0,
        beta_rv_kgpm2=4880.0,
        rcs_boost_m2=5.0,
        rcs_rv_m2=0.1,
        nominal_range_km=300.0,
    ),
    "srbm-600": ThreatClass(
        name="srbm-600",
        description="SRBM, 500-600 km, about 700 kg payload (Scud-C class)",
        m0_kg=6400.0,
        propellant_kg=4760.0,
        burn_s=70.0,
        isp_s=230.0,
        diameter_m=0.88,
        cd_boost=0.3,
        m_rv_kg=700.0,
        beta_rv_kgpm2=4880.0,
        rcs_boost_m2=5.0,
        rcs_rv_m2=0.1,
        nominal_range_km=600.0,
    ),
}


def threat_class(name: str) -> ThreatClass:
    """Look up a threat class by name; a one-line error lists the known ones."""
    try:
        return THREATS[name]
    except KeyError:
        known = ", ".join(sorted(THREATS))
        raise ThaadInputError(f"threat class '{name}' is unknown (known: {known})") from None
