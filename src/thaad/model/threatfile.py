"""Threat files: a missile defined in YAML, validated, and turned into a threat class.

A threat file describes a missile by its stages (listed first to last, each loaded alone:
structure plus propellant) and the payload that rides on the last stage. It is usable
wherever a catalogue class name is: ``thaad trajectory --threat-file F``, ``threat.file: F``
in a scenario (or ``--set threat.file=F``) and ``thaad threats --file F``. The catalogue's
own classes are files of this kind in ``thaad/data/threats/`` (copy one and edit it); files
of published missiles from open figures are in ``thaad/data/threats/published/``.

Example::

    name: my-srbm
    source: "where the figures come from"
    stages:
      - gross_mass_kg: 6000      # this stage alone, loaded: structure + propellant
        propellant_kg: 4000
        isp_s: 240               # or thrust_n (one of the two)
        burn_s: 70
        diameter_m: 0.9
        cd_mach: [[0.0, 0.20], [0.8, 0.25], [1.2, 0.40], [2.0, 0.32], [4.0, 0.25]]
    payload:
      mass_kg: 900
      separates: false           # false: the whole body reenters together (Scud-like)
      beta_kgpm2: null           # or computed from mass, diameter and cd_mach
      rcs_m2: 0.5

Derived values (docs/parameters.md, *Threat files*):

- thrust ``F = Isp g0 m_p / t_b`` (constant thrust and mass flow over the burn);
- a separating payload's ballistic coefficient, when not given: ``m / (Cd A)`` with the
  payload's diameter (default the last stage's) and ``Cd`` the last node of the last
  stage's ``cd_mach`` table (its highest Mach);
- the spent stage's drag area, tumbling: ``CD_TUMBLE`` times the mean projected area of a
  convex body, a quarter of its surface (Cauchy), for a cylinder of the stage's diameter
  and length (a length not given is ``FINENESS_DEFAULT`` diameters);
- a non-separating body's drag area (the last stage's dry mass and the payload, reentering
  together): ``body_cd`` (default ``BODY_CD_DEFAULT``) on the body's cross-section, the
  drag of a long body at large and changing angles of attack (an assumption: a randomly
  tumbling Scud-B body, Cauchy's area with ``CD_TUMBLE``, would fall 36 % short of the
  Scud-B's published 300 km; docs/parameters.md gives the sensitivity).

Bad input gives one line naming the field (``threat file F: stages[0].propellant_kg: ...``).
"""

from __future__ import annotations

import math
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from thaad.core.constants import G0_MPS2
from thaad.core.threat import MAX_CD, MAX_STAGES, Missile
from thaad.errors import ThaadInputError

MAX_FILE_BYTES = 1 << 20  # 1 MiB
CD_TUMBLE = 1.0  # Newtonian drag of a randomly tumbling convex body on its mean projected area
FINENESS_DEFAULT = 12.0  # body length over diameter when a length is not given (Scud-B 12.8)
BODY_CD_DEFAULT = 1.0  # a whole body reentering at large angles of attack, on its cross-section
RCS_BOOST_DEFAULT_M2 = 5.0  # a Scud-size booster body (the catalogue's value)
CD_DEFAULT = ((0.0, 0.3),)  # the catalogue's constant boost drag coefficient
DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "threats"

# --- the schema ---------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class StageSpec(_Model):
    gross_mass_kg: float = Field(gt=0.0, le=1.0e6)
    propellant_kg: float = Field(gt=0.0, le=1.0e6)
    isp_s: float | None = Field(None, gt=0.0, le=500.0)
    thrust_n: float | None = Field(None, gt=0.0, le=1.0e8)
    burn_s: float = Field(gt=0.0, le=1000.0)
    diameter_m: float = Field(gt=0.0, le=10.0)
    length_m: float | None = Field(None, gt=0.0, le=100.0)
    cd_mach: list[tuple[float, float]] = Field(default_factory=lambda: [list(CD_DEFAULT[0])])


class PayloadSpec(_Model):
    mass_kg: float = Field(gt=0.0, le=1.0e5)
    separates: bool = True
    beta_kgpm2: float | None = Field(None, gt=0.0, le=1.0e6)
    diameter_m: float | None = Field(None, gt=0.0, le=10.0)
    body_cd: float | None = Field(None, gt=0.0, le=50.0)
    rcs_m2: float = Field(gt=0.0, le=1.0e4)
    rcs_broadside_m2: float | None = Field(None, gt=0.0, le=1.0e4)


class SpentStageSpec(_Model):
    beta_kgpm2: float | None = Field(None, gt=0.0, le=1.0e6)


class PitchProgramSpec(_Model):
    vertical_s: float = Field(5.0, gt=0.0, le=100.0)
    turn_fraction: float = Field(0.6, gt=0.0, le=1.0)


class ReachSpec(_Model):
    burnout_speed_mps: float = Field(gt=0.0, le=1.2e4)
    max_range_km: float = Field(gt=0.0, le=2.0e4)


class ThreatFileSpec(_Model):
    name: str = Field(min_length=1, max_length=64)
    description: str = Field("", max_length=500)
    source: str = Field(min_length=1, max_length=2000)
    nominal_range_km: float | None = Field(None, gt=0.0, le=2.0e4)
    rcs_boost_m2: float = Field(RCS_BOOST_DEFAULT_M2, gt=0.0, le=1.0e4)
    pitch_program: PitchProgramSpec = PitchProgramSpec()
    stages: list[StageSpec] = Field(min_length=1, max_length=MAX_STAGES)
    spent_stage: SpentStageSpec = SpentStageSpec()
    payload: PayloadSpec
    reach: ReachSpec | None = None  # documented reach (the catalogue's; a test recomputes it)


# --- the threat class ----------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    """One stage: constant thrust for its burn time (SI)."""

    thrust_n: float
    burn_s: float
    propellant_kg: float
    dry_kg: float
    diameter_m: float
    cd_mach: tuple[tuple[float, float], ...] = CD_DEFAULT
    length_m: float | None = None

    @property
    def mdot_kgps(self) -> float:
        return self.propellant_kg / self.burn_s

    @property
    def isp_s(self) -> float:
        """Effective specific impulse ``F t_b / (m_p g0)``."""
        return self.thrust_n * self.burn_s / (self.propellant_kg * G0_MPS2)

    @property
    def area_m2(self) -> float:
        return math.pi * (0.5 * self.diameter_m) ** 2


def tumbling_cda_m2(diameter_m: float, length_m: float) -> float:
    """Drag area of a randomly tumbling cylinder: ``CD_TUMBLE`` on a quarter of its surface."""
    surface = math.pi * diameter_m * length_m + 0.5 * math.pi * diameter_m**2
    return CD_TUMBLE * 0.25 * surface


@dataclass(frozen=True)
class ThreatClass:
    """A threat: stages, the payload (RV or whole body) and the cross-sections the radar sees.

    ``burnout_speed_mps`` and ``max_range_km`` are the documented reach (None for a user's
    file: :func:`reach` computes it).
    """

    name: str
    description: str
    reference: str
    stages: tuple[Stage, ...]
    m_rv_kg: float
    beta_rv_kgpm2: float
    beta_stage_kgpm2: float  # spent last stage, tumbling, at its dry mass
    rcs_boost_m2: float
    rcs_rv_m2: float
    nominal_range_km: float | None
    burnout_speed_mps: float | None
    max_range_km: float | None
    t_vert_s: float = 5.0
    turn_frac: float = 0.6
    separates: bool = True
    cda_body_m2: float = 0.0  # whole tumbling body (separates False)
    rcs_broadside_m2: float = 0.0  # whole body broadside (separates False)
    path: str | None = None  # the file it came from

    @property
    def m0_kg(self) -> float:
        """Lift-off mass: the stages' propellant and dry mass plus the payload."""
        return sum(s.propellant_kg + s.dry_kg for s in self.stages) + self.m_rv_kg

    @property
    def burn_s(self) -> float:
        return sum(s.burn_s for s in self.stages)

    @property
    def body_beta_kgpm2(self) -> float:
        """Ballistic coefficient of the whole body at its dry mass (separates False)."""
        return (self.stages[-1].dry_kg + self.m_rv_kg) / self.cda_body_m2

    def missile(self) -> Missile:
        """The core's parameter tuple for this class."""
        n = len(self.stages)
        if not 1 <= n <= MAX_STAGES:
            raise ThaadInputError(f"threat class {self.name}: 1 to {MAX_STAGES} stages")
        arr = np.zeros((6, MAX_STAGES))
        n_cd = np.zeros(MAX_STAGES, np.int64)
        cd_m = np.zeros((MAX_STAGES, MAX_CD))
        cd_v = np.zeros((MAX_STAGES, MAX_CD))
        for i, s in enumerate(self.stages):
            cd_ref = max(c for _, c in s.cd_mach)
            arr[:, i] = (s.thrust_n, s.mdot_kgps, s.burn_s, s.dry_kg, cd_ref * s.area_m2,
                         s.area_m2)  # fmt: skip
            n_cd[i] = len(s.cd_mach)
            for k, (m, c) in enumerate(s.cd_mach):
                cd_m[i, k] = m
                cd_v[i, k] = c
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
            arr[5].copy(),
            n_cd,
            cd_m,
            cd_v,
            1 if self.separates else 0,
            float(self.cda_body_m2),
            float(self.rcs_broadside_m2),
        )

    def summary(self) -> dict:
        """The class's figures as plain numbers (for ``thaad threats``)."""
        out = {
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
                    "cd_mach": [list(p) for p in s.cd_mach],
                }
                for s in self.stages
            ],
            "liftoff_mass_kg": self.m0_kg,
            "rv_mass_kg": self.m_rv_kg,
            "rv_beta_kgpm2": self.beta_rv_kgpm2,
            "spent_stage_beta_kgpm2": self.beta_stage_kgpm2,
            "separates": self.separates,
            "nominal_range_km": self.nominal_range_km,
            "burnout_speed_mps": self.burnout_speed_mps,
            "max_range_km": self.max_range_km,
            "reference": self.reference,
        }
        if not self.separates:
            out["body_beta_kgpm2"] = round(self.body_beta_kgpm2, 1)
            out["body_rcs_nose_m2"] = self.rcs_rv_m2
            out["body_rcs_broadside_m2"] = self.rcs_broadside_m2
        if self.path is not None:
            out["file"] = self.path
        return out


# --- loading -------------------------------------------------------------------------------


def _loc(loc: tuple) -> str:
    out = ""
    for p in loc:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out


def _pydantic_line(err: ValidationError) -> str:
    e = err.errors()[0]
    loc = _loc(tuple(e["loc"]))
    if e["type"] == "extra_forbidden":
        msg = "unknown key"
    elif e["type"] == "missing":
        msg = "required field is missing"
    else:
        msg = e["msg"].removeprefix("Value error, ").replace("Input should be", "must be")
    return f"{loc}: {msg}" if loc else msg


def _checks(spec: ThreatFileSpec) -> None:
    """Physical consistency beyond the schema's types and bounds (``ValueError(line)``)."""
    for i, s in enumerate(spec.stages):
        f = f"stages[{i}]"
        if s.propellant_kg >= s.gross_mass_kg:
            raise ValueError(f"{f}.propellant_kg: must be below gross_mass_kg "
                             f"({s.propellant_kg:g} >= {s.gross_mass_kg:g})")  # fmt: skip
        if (s.isp_s is None) == (s.thrust_n is None):
            raise ValueError(f"{f}.isp_s: give isp_s or thrust_n (one of the two)")
        if not 1 <= len(s.cd_mach) <= MAX_CD:
            raise ValueError(f"{f}.cd_mach: 1 to {MAX_CD} [mach, cd] pairs")
        for k, (m, c) in enumerate(s.cd_mach):
            if not 0.0 <= m <= 50.0:
                raise ValueError(f"{f}.cd_mach[{k}]: Mach {m:g} is outside [0, 50]")
            if not 0.0 < c <= 5.0:
                raise ValueError(f"{f}.cd_mach[{k}]: drag coefficient {c:g} is outside (0, 5]")
            if k > 0 and m <= s.cd_mach[k - 1][0]:
                raise ValueError(f"{f}.cd_mach[{k}]: Mach must increase strictly "
                                 f"({m:g} after {s.cd_mach[k - 1][0]:g})")  # fmt: skip
        thrust = s.thrust_n if s.thrust_n is not None else (
            s.isp_s * G0_MPS2 * s.propellant_kg / s.burn_s)  # fmt: skip
        isp = thrust * s.burn_s / (s.propellant_kg * G0_MPS2)
        if not 50.0 <= isp <= 500.0:
            raise ValueError(f"{f}.thrust_n: gives Isp {isp:.0f} s, outside [50, 500] s")
    s0 = spec.stages[0]
    m0 = sum(s.gross_mass_kg for s in spec.stages) + spec.payload.mass_kg
    thrust0 = s0.thrust_n or s0.isp_s * G0_MPS2 * s0.propellant_kg / s0.burn_s
    weight = m0 * G0_MPS2
    if thrust0 <= weight:
        raise ValueError(f"stages[0]: thrust {thrust0 / 1e3:.1f} kN does not lift the {m0:,.0f} "
                         f"kg missile (needs above {weight / 1e3:.1f} kN)")  # fmt: skip
    pl = spec.payload
    if pl.separates and pl.rcs_broadside_m2 is not None:
        raise ValueError("payload.rcs_broadside_m2: only for a payload that does not separate")
    if pl.separates and pl.body_cd is not None:
        raise ValueError("payload.body_cd: only for a payload that does not separate")
    if not pl.separates and pl.body_cd is not None and pl.beta_kgpm2 is not None:
        raise ValueError("payload.body_cd: give body_cd or beta_kgpm2, not both")


def threat_from_spec(spec: ThreatFileSpec, path: str | None = None) -> ThreatClass:
    """Turn a validated file into a :class:`ThreatClass` (the derived values above)."""
    _checks(spec)
    stages = []
    for s in spec.stages:
        thrust = s.thrust_n if s.thrust_n is not None else (
            s.isp_s * G0_MPS2 * s.propellant_kg / s.burn_s)  # fmt: skip
        table = tuple((float(m), float(c)) for m, c in s.cd_mach)
        stages.append(Stage(float(thrust), s.burn_s, s.propellant_kg,
                            s.gross_mass_kg - s.propellant_kg, s.diameter_m, table,
                            s.length_m))  # fmt: skip
    last = stages[-1]
    pl = spec.payload
    cd_hyp = last.cd_mach[-1][1]
    d_pl = pl.diameter_m or last.diameter_m
    beta_rv = pl.beta_kgpm2 or pl.mass_kg / (cd_hyp * math.pi * (0.5 * d_pl) ** 2)
    len_last = last.length_m or FINENESS_DEFAULT * last.diameter_m
    beta_stage = spec.spent_stage.beta_kgpm2 or last.dry_kg / tumbling_cda_m2(
        last.diameter_m, len_last
    )
    cda_body = 0.0
    broad = 0.0
    if not pl.separates:
        m_body = last.dry_kg + pl.mass_kg
        if pl.beta_kgpm2 is not None:
            cda_body = m_body / pl.beta_kgpm2
        else:
            cda_body = (pl.body_cd or BODY_CD_DEFAULT) * last.area_m2
        broad = pl.rcs_broadside_m2 or spec.rcs_boost_m2
    reach = spec.reach
    return ThreatClass(
        name=spec.name, description=spec.description, reference=spec.source,
        stages=tuple(stages), m_rv_kg=pl.mass_kg, beta_rv_kgpm2=float(beta_rv),
        beta_stage_kgpm2=float(beta_stage), rcs_boost_m2=spec.rcs_boost_m2,
        rcs_rv_m2=pl.rcs_m2, nominal_range_km=spec.nominal_range_km,
        burnout_speed_mps=reach.burnout_speed_mps if reach else None,
        max_range_km=reach.max_range_km if reach else None,
        t_vert_s=spec.pitch_program.vertical_s, turn_frac=spec.pitch_program.turn_fraction,
        separates=pl.separates, cda_body_m2=float(cda_body), rcs_broadside_m2=float(broad),
        path=path,
    )  # fmt: skip


def read_threat_yaml(path: str | Path) -> Any:
    """The parsed YAML of a threat file: a regular file under 1 MiB, ``yaml.safe_load``."""
    p = Path(path)
    tag = f"threat file {p}"
    try:
        st = os.stat(p)
    except OSError as exc:
        raise ThaadInputError(f"{tag}: cannot read it ({exc.strerror})") from None
    if not stat.S_ISREG(st.st_mode):
        raise ThaadInputError(f"{tag}: not a regular file")
    if st.st_size > MAX_FILE_BYTES:
        raise ThaadInputError(f"{tag}: larger than 1 MiB ({st.st_size:,} bytes)")
    try:
        with open(p, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise ThaadInputError(f"{tag}: larger than 1 MiB")
        return yaml.safe_load(raw.decode("utf-8"))
    except OSError as exc:
        raise ThaadInputError(f"{tag}: cannot read it ({exc.strerror})") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        where = f" (line {line + 1})" if line is not None else ""
        raise ThaadInputError(f"{tag}: not valid YAML{where}") from None


_CACHE: dict[tuple, ThreatClass] = {}


def load_threat_file(path: str | Path) -> ThreatClass:
    """Load and validate a threat file; one-line :class:`ThaadInputError` naming the field."""
    p = Path(path)
    try:
        st = os.stat(p)
        key = (str(p.resolve()), st.st_mtime_ns, st.st_size)
    except OSError:
        key = None
    if key is not None and key in _CACHE:
        return _CACHE[key]
    data = read_threat_yaml(p)
    tag = f"threat file {p}"
    if not isinstance(data, dict):
        raise ThaadInputError(f"{tag}: the top level must be a mapping of keys")
    try:
        spec = ThreatFileSpec.model_validate(data)
        tc = threat_from_spec(spec, str(p))
    except ValidationError as err:
        raise ThaadInputError(f"{tag}: {_pydantic_line(err)}") from None
    except ValueError as exc:
        raise ThaadInputError(f"{tag}: {exc}") from None
    if key is not None:
        _CACHE[key] = tc
    return tc


def catalogue_files() -> list[Path]:
    """The catalogue's threat files, in the catalogue's order (``order:`` in the index)."""
    index = yaml.safe_load((DATA_DIR / "index.yaml").read_text(encoding="utf-8"))
    return [DATA_DIR / f"{name}.yaml" for name in index["catalogue"]]


def published_files() -> list[Path]:
    """Files of published missiles from open figures (reference checks, examples)."""
    return sorted((DATA_DIR / "published").glob("*.yaml"))
