"""Scenario files: the pydantic schema, safe YAML loading, ``--set`` overrides, conversion.

A scenario is YAML with the sections ``models``, ``battery``, ``threat``, ``assets`` and
``seed``. Every field has a default (the Seongju scenario's), so a file need only state what
differs. Angles are in degrees and the field name says so; the conversion to the core's
radians and SI tuples happens here, once.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)

from thaad.core.constants import (
    ATMOSPHERE_NONE,
    ATMOSPHERE_US76,
    EARTH_SPHERICAL,
    EARTH_WGS84,
    G0_MPS2,
    GRAVITY_J2,
    GRAVITY_POINT,
    R_MEAN_M,
)
from thaad.core.firecontrol import DOCTRINE_SALVO, DOCTRINE_SLS, FireControl
from thaad.core.flight import Env
from thaad.core.interceptor import Interceptor, divert_delta_v_mps
from thaad.core.radar import Radar
from thaad.errors import ThaadInputError
from thaad.model.catalog import THREATS, ThreatClass, radar_mode, resolve_threat
from thaad.model.threatfile import load_threat_file

DEFAULT_SCENARIO = Path(__file__).parents[1] / "scenarios" / "seongju.yaml"
AIM_MATCH_M = 1000.0
"""An aim point named after an asset must lie within this of it (m): a city-sized tolerance."""

# YAML scenario files and --set values: nesting and alias expansion are capped, so a deeply
# nested file or a "billion laughs" alias bomb is one line of error, not a RecursionError
MAX_YAML_DEPTH = 32
MAX_YAML_NODES = 100_000
MAX_SEED = 2**63 - 1  # numpy's and numba's int64
# the face's search sector: at least this tall between its minimum and maximum elevation
MIN_ELEVATION_SPAN_DEG = 0.1
# the interceptor's ballistic coefficients (dry body, kill vehicle), kg/m^2: lighter objects are
# feathers (real ones are thousands) and make the fixed-step flight integration unstable
MIN_INTERCEPTOR_BETA_KGPM2 = 200.0


def _short(v: Any) -> str:
    """A value for an error message: one line, at most 40 characters."""
    s = repr(v)
    return s if len(s) <= 40 else s[:37] + "..."


@dataclass(frozen=True)
class Range:
    """A field's allowed range, kept in its ``Annotated`` metadata (docs and the fuzz tests)."""

    lo: float
    hi: float
    lo_open: bool = False
    hi_open: bool = False

    def __str__(self) -> str:
        lo, hi = (str(v) if isinstance(v, int) else f"{v:g}" for v in (self.lo, self.hi))
        return f"{'(' if self.lo_open else '['}{lo}, {hi}{')' if self.hi_open else ']'}"


def field_range(info: Any) -> Range | None:
    """The :class:`Range` of a pydantic ``FieldInfo`` (None for a field without one)."""
    import typing

    todo = [*getattr(info, "metadata", ()), getattr(info, "annotation", None)]
    while todo:  # the field's own metadata, then inside Optional[Annotated[...]]
        m = todo.pop(0)
        if isinstance(m, Range):
            return m
        todo += [*getattr(m, "__metadata__", ()), *typing.get_args(m)]
    return None


def _bounds_check(lo: float, hi: float, lo_open: bool, hi_open: bool) -> Any:
    text = str(Range(lo, hi, lo_open, hi_open))

    def check(v: float) -> float:
        ok = (isinstance(v, int) or math.isfinite(v)) and (v > lo if lo_open else v >= lo)
        if not (ok and (v < hi if hi_open else v <= hi)):
            raise ValueError(f"{_short(v)} is outside the allowed range {text}")
        return v

    return AfterValidator(check)


def Bounded(lo: float, hi: float, *, lo_open: bool = False, hi_open: bool = False) -> Any:
    """A finite float field in ``[lo, hi]`` (``lo_open``/``hi_open`` exclude an end).

    Every number in a scenario has a physical range, generous enough for what-if studies and
    tight enough that the core never sees a value it cannot handle (inf, NaN, a zero that
    divides, a size that exhausts memory). The error names the field, the value and the range.
    """
    return Annotated[
        float, _bounds_check(lo, hi, lo_open, hi_open), Range(lo, hi, lo_open, hi_open)
    ]


def BoundedInt(lo: int, hi: int) -> Any:
    """An integer field in ``[lo, hi]`` (see :func:`Bounded`)."""
    return Annotated[int, _bounds_check(lo, hi, False, False), Range(lo, hi)]


def _check_text(v: str, limit: int) -> str:
    try:
        v.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("contains a character that is not valid Unicode") from None
    if len(v) > limit:
        raise ValueError(f"is {len(v)} characters long (at most {limit})")
    if limit <= 200 and any(c < " " or c == "\x7f" for c in v):
        raise ValueError("contains a control character (a name is one line)")
    return v


# a name: one line of valid Unicode; a description: valid Unicode, may span lines
Text = Annotated[str, AfterValidator(lambda v: _check_text(v, 200))]
LongText = Annotated[str, AfterValidator(lambda v: _check_text(v, 10_000))]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Site(_Model):
    lat_deg: Bounded(-90.0, 90.0)
    lon_deg: Bounded(-180.0, 180.0)
    alt_m: Bounded(-500.0, 10000.0) = 0.0
    name: Text = ""


class Models(_Model):
    earth: Literal["spherical", "wgs84"] = "wgs84"
    rotation: bool = True
    gravity: Literal["point", "j2"] = "j2"
    atmosphere: Literal["none", "us76"] = "us76"

    def env(self) -> Env:
        return Env(
            EARTH_WGS84 if self.earth == "wgs84" else EARTH_SPHERICAL,
            1 if self.rotation else 0,
            GRAVITY_J2 if self.gravity == "j2" else GRAVITY_POINT,
            ATMOSPHERE_US76 if self.atmosphere == "us76" else ATMOSPHERE_NONE,
        )


class RadarSpec(_Model):
    mode: Literal["terminal", "forward-based"] = "terminal"
    boresight_az_deg: Bounded(0.0, 360.0, hi_open=True) = 315.0
    half_fov_deg: Bounded(0.1, 180.0) = 60.0
    min_elevation_deg: Bounded(-2.0, 85.0) = 5.0
    max_elevation_deg: Bounded(0.1, 90.0) = 90.0
    peak_power_w: Bounded(1.0, 1e9) = 81.0e3
    aperture_m2: Bounded(0.01, 1000.0) = 9.2
    aperture_efficiency: Bounded(0.0, 1.0, lo_open=True) = 0.8
    frequency_hz: Bounded(1e8, 1e12, lo_open=True, hi_open=True) = 9.5e9
    system_temp_k: Bounded(1.0, 10000.0) = 500.0
    losses_db: Bounded(0.0, 100.0) = 10.0
    dwell_s: Bounded(1e-6, 10.0) = 0.04
    snr_detect_db: Bounded(-10.0, 40.0) = 13.0
    max_range_km: Bounded(1.0, 50000.0) = 1500.0
    sigma_range_m: Bounded(1e-3, 1e4) = 10.0
    sigma_angle_mrad: Bounded(1e-4, 100.0) = 0.3
    scan_period_s: Bounded(0.01, 10.0) = 0.5
    # search pattern: None takes the mode's value (thaad.model.catalog.RADAR_MODES)
    search_half_az_deg: Bounded(0.1, 180.0) | None = None
    search_el_span_deg: Bounded(0.1, 90.0) | None = None
    search_frame_s: Bounded(0.01, 3600.0) | None = None
    false_alarm_prob: Bounded(1e-15, 0.1) = 1e-6
    swerling: BoundedInt(0, 4) = 1
    bandwidth_mhz: Bounded(1e-3, 1e4) = 10.0
    monopulse_slope: Bounded(0.1, 10.0) = 1.6
    track_time_fraction: Bounded(0.0, 1.0, lo_open=True) = 0.5


class LauncherSpec(_Model):
    count: BoundedInt(1, 16) = 6
    rounds: BoundedInt(0, 16) = 8
    offset_m: Bounded(0.0, 50000.0) = 450.0
    fan_half_angle_deg: Bounded(0.0, 180.0) = 30.0


class InterceptorSpec(_Model):
    mass_kg: Bounded(1.0, 1e5) = 900.0
    propellant_kg: Bounded(0.0, 1e5, lo_open=True) = 660.0
    burn_s: Bounded(0.1, 600.0) = 15.0
    isp_s: Bounded(1.0, 1000.0) = 270.0
    diameter_m: Bounded(0.01, 10.0) = 0.34
    cd: Bounded(0.0, 10.0) = 0.3
    kv_mass_kg: Bounded(0.1, 1e4) = 60.0
    kv_cda_m2: Bounded(0.0, 100.0) = 0.01
    rail_s: Bounded(0.0, 30.0) = 1.0
    accel_limit_mps2: Bounded(0.1, 1e4) = 100.0
    time_constant_s: Bounded(1e-3, 5.0) = 0.1
    nav_gain: Bounded(2.0, 10.0, lo_open=True) = 4.0
    seeker_range_km: Bounded(0.01, 1000.0) = 40.0
    seeker_noise_urad: Bounded(0.0, 1e5) = 50.0
    seeker_frame_hz: Bounded(0.1, 1e4) = 100.0
    max_flight_s: Bounded(1.0, 3600.0) = 250.0
    seeker_field_of_regard_deg: Bounded(0.01, 90.0) = 2.0  # half-angle
    seeker_ir_noise: Bounded(0.0, 10.0) = 0.3  # 1-sigma error of the measured log brightness
    seeker_los_alpha: Bounded(0.0, 1.0, lo_open=True, hi_open=True) = 0.3  # LOS filter gain
    shroud_cda_m2: Bounded(0.0, 100.0) = 0.014  # Cd 0.15 (pointed nose) x body cross-section
    shroud_mass_kg: Bounded(0.0, 1e4) = 5.0
    shroud_sep_alt_km: Bounded(0.0, 1000.0) = 35.0
    shroud_sep_s: Bounded(0.0, 3600.0) = 30.0
    divert_propellant_kg: Bounded(0.0, 1e4) = 10.0
    divert_isp_s: Bounded(1.0, 1000.0) = 290.0

    @field_validator("propellant_kg")
    @classmethod
    def _prop_lt_mass(cls, v: float, info: Any) -> float:
        m = info.data.get("mass_kg")
        if m is not None and v >= m:
            raise ValueError("must be less than mass_kg")
        return v

    def core(self, lethal_radius_m: float = 0.5) -> Interceptor:
        if self.divert_propellant_kg >= self.kv_mass_kg:
            raise ThaadInputError(
                "battery.interceptor.divert_propellant_kg: must be less than kv_mass_kg"
            )
        mdot = self.propellant_kg / self.burn_s
        area = math.pi * (0.5 * self.diameter_m) ** 2
        return Interceptor(
            m0_kg=self.mass_kg,
            thrust_n=mdot * self.isp_s * G0_MPS2,
            mdot_kgps=mdot,
            burn_s=self.burn_s,
            cda_m2=self.cd * area,
            m_kv_kg=self.kv_mass_kg,
            cda_kv_m2=self.kv_cda_m2,
            rail_s=self.rail_s,
            accel_limit_mps2=self.accel_limit_mps2,
            time_constant_s=self.time_constant_s,
            nav_gain=self.nav_gain,
            seeker_range_m=self.seeker_range_km * 1e3,
            seeker_noise_rad=self.seeker_noise_urad * 1e-6,
            seeker_frame_s=1.0 / self.seeker_frame_hz,
            lethal_radius_m=lethal_radius_m,
            max_flight_s=self.max_flight_s,
            shroud_cda_m2=self.shroud_cda_m2,
            shroud_mass_kg=self.shroud_mass_kg,
            shroud_sep_alt_m=self.shroud_sep_alt_km * 1e3,
            shroud_sep_s=self.shroud_sep_s,
            divert_dv_mps=divert_delta_v_mps(
                self.kv_mass_kg, self.divert_propellant_kg, self.divert_isp_s
            ),
        )


class DoctrineSpec(_Model):
    """How many interceptors per threat, and when."""

    mode: Literal["shoot-look-shoot", "salvo"] = "shoot-look-shoot"
    shots: BoundedInt(1, 16) = 2
    kill_assessment_s: Bounded(0.0, 600.0) = 5.0
    salvo_spacing_s: Bounded(0.0, 600.0) = 1.0
    kill_assessment_accuracy: Bounded(0.0, 1.0) = 1.0


class LethalitySpec(_Model):
    """When an interceptor kills: from the simulated miss distance, or a fixed probability."""

    model: Literal["miss-distance", "fixed"] = "miss-distance"
    lethal_radius_m: Bounded(1e-3, 1000.0) = 0.5
    sspk: Bounded(0.0, 1.0) = 0.8


class DispersionSpec(_Model):
    """One-sigma errors drawn per Monte Carlo draw (radar and seeker noise are the sensors')."""

    threat_azimuth_mrad: Bounded(0.0, 100.0) = 1.0
    threat_pitch_mrad: Bounded(0.0, 100.0) = 1.0
    threat_cutoff_s: Bounded(0.0, 10.0) = 0.05
    threat_aim_m: Bounded(0.0, 1e5) = 500.0
    interceptor_thrust_frac: Bounded(0.0, 0.5, hi_open=True) = 0.01
    interceptor_pointing_mrad: Bounded(0.0, 100.0) = 5.0


class FireControlSpec(_Model):
    min_intercept_alt_km: Bounded(0.0, 2000.0) = 40.0
    max_intercept_alt_km: Bounded(0.1, 2000.0) = 150.0
    max_intercept_range_km: Bounded(0.1, 5000.0) = 200.0
    reaction_s: Bounded(0.0, 600.0) = 5.0
    replan_s: Bounded(0.01, 600.0) = 1.0
    max_track_sigma_m: Bounded(0.1, 1e6) = 1000.0
    track_m: BoundedInt(1, 64) = 3
    track_n: BoundedInt(1, 64) = 5
    process_noise_m2ps3: Bounded(0.0, 1e6) = 1.0
    filter_beta_kgpm2: Bounded(100.0, 1e6) = 4880.0

    def core(self, doctrine: DoctrineSpec | None = None) -> FireControl:
        dc = doctrine if doctrine is not None else DoctrineSpec()
        if self.track_m > self.track_n:
            raise ThaadInputError("battery.fire_control.track_m: must not exceed track_n")
        if self.min_intercept_alt_km >= self.max_intercept_alt_km:
            raise ThaadInputError(
                "battery.fire_control.min_intercept_alt_km: must be below max_intercept_alt_km"
            )
        return FireControl(
            self.min_intercept_alt_km * 1e3,
            self.max_intercept_alt_km * 1e3,
            self.max_intercept_range_km * 1e3,
            self.reaction_s,
            self.replan_s,
            dc.kill_assessment_s,
            self.max_track_sigma_m,
            1.0,
            900.0,
            DOCTRINE_SALVO if dc.mode == "salvo" else DOCTRINE_SLS,
            dc.shots,
            dc.salvo_spacing_s,
            self.track_m,
            self.track_n,
            self.process_noise_m2ps3,
            1.0 / self.filter_beta_kgpm2,
        )


class Battery(_Model):
    name: Text = "Seongju"
    site: Site = Site(lat_deg=36.0513, lon_deg=128.2229, alt_m=680.0, name="Seongju")
    radar: RadarSpec = RadarSpec()
    launchers: LauncherSpec = LauncherSpec()
    interceptor: InterceptorSpec = InterceptorSpec()
    fire_control: FireControlSpec = FireControlSpec()

    def radar_core(self) -> Radar:
        r = self.radar
        d = math.radians
        mode = radar_mode(r.mode)
        return Radar(
            d(self.site.lat_deg),
            d(self.site.lon_deg),
            self.site.alt_m,
            d(r.boresight_az_deg),
            d(r.half_fov_deg),
            d(r.min_elevation_deg),
            d(r.max_elevation_deg),
            r.peak_power_w,
            r.aperture_m2 * r.aperture_efficiency,
            r.frequency_hz,
            r.system_temp_k,
            r.losses_db,
            r.dwell_s,
            r.snr_detect_db,
            r.max_range_km * 1e3,
            r.sigma_range_m,
            r.sigma_angle_mrad * 1e-3,
            r.scan_period_s,
            d(min(r.search_half_az_deg or mode.search_half_az_deg, r.half_fov_deg)),
            # the search sector stops at the highest elevation the face steers to
            d(
                min(
                    r.search_el_span_deg or mode.search_el_span_deg,
                    r.max_elevation_deg - r.min_elevation_deg,
                )
            ),
            r.search_frame_s or mode.search_frame_s,
            r.false_alarm_prob,
            r.swerling,
            r.bandwidth_mhz * 1e6,
            r.monopulse_slope,
            r.track_time_fraction,
        )

    def launcher_sites(self) -> list[tuple[float, float, float]]:
        """Launchers on a fan ``offset_m`` in front of the radar (toward its boresight)."""
        from thaad.core.earth import destination

        lc = self.launchers
        lat0 = math.radians(self.site.lat_deg)
        lon0 = math.radians(self.site.lon_deg)
        out = []
        for i in range(lc.count):
            f = 0.0 if lc.count == 1 else (i / (lc.count - 1)) * 2.0 - 1.0
            az = math.radians(self.radar.boresight_az_deg + f * lc.fan_half_angle_deg)
            lat, lon = destination(lat0, lon0, az, lc.offset_m / R_MEAN_M)
            out.append((lat, lon, self.site.alt_m))
        return out


class PenaidGroup(_Model):
    """A group of penetration aids released with the RV at separation (``threat.penaids``).

    ``kind``: ``decoy`` (light, with an RV-like cross-section) or ``fragment`` (pieces of
    the spent tank). Each object flies on from the RV's separation state plus a random
    velocity of ``dv_mps`` per axis, with ballistic coefficient ``beta_kgpm2`` (or
    ``mass_kg / cda_m2``); the radar sees ``rcs_m2``, the seeker ``ir`` (relative to the
    RV's 1.0; default 0.5 for a decoy, 0.2 for a fragment). Defaults: docs/parameters.md,
    *Penetration aids*.
    """

    kind: Literal["decoy", "fragment"] = "decoy"
    count: BoundedInt(0, 16) = 1
    beta_kgpm2: Bounded(0.0, 1.0e5, lo_open=True) | None = None
    mass_kg: Bounded(0.0, 1.0e4, lo_open=True) | None = None
    cda_m2: Bounded(0.0, 100.0, lo_open=True) | None = None
    rcs_m2: Bounded(0.0, 1.0e3, lo_open=True) | None = None
    dv_mps: Bounded(0.0, 500.0) = 2.0
    ir: Bounded(0.0, 100.0, lo_open=True) | None = None

    @model_validator(mode="after")
    def _beta(self) -> PenaidGroup:
        if self.beta_kgpm2 is not None and (self.mass_kg is not None or self.cda_m2 is not None):
            raise ValueError("give beta_kgpm2 or mass_kg and cda_m2, not both")
        if (self.mass_kg is None) != (self.cda_m2 is None):
            raise ValueError("mass_kg and cda_m2 go together")
        return self

    def beta(self) -> float:
        """Ballistic coefficient (kg/m^2), given or ``mass / CdA``, else the kind's default."""
        if self.beta_kgpm2 is not None:
            return self.beta_kgpm2
        if self.mass_kg is not None and self.cda_m2 is not None:
            return self.mass_kg / self.cda_m2
        return PENAID_DEFAULTS[self.kind][0]

    def rcs(self) -> float:
        return self.rcs_m2 if self.rcs_m2 is not None else PENAID_DEFAULTS[self.kind][1]

    def ir_proxy(self) -> float:
        return self.ir if self.ir is not None else PENAID_DEFAULTS[self.kind][2]


# kind: (beta kg/m^2, RCS m^2, IR proxy) defaults (docs/parameters.md, Penetration aids)
PENAID_DEFAULTS = {"decoy": (488.0, 0.1, 0.5), "fragment": (100.0, 1.0, 0.2)}


class ThreatSpec(_Model):
    threat_class: Text = Field("srbm-600", alias="class")
    launch: Site = Site(lat_deg=39.2, lon_deg=125.67, alt_m=0.0, name="generic launch point")
    aim: Site = Site(lat_deg=35.8714, lon_deg=128.6014, alt_m=0.0, name="Daegu")
    shape: Literal["min-energy", "lofted", "depressed", "max-range", "pull-up"] = "min-energy"
    apogee_km: Bounded(1.0, 10000.0) | None = None
    # the pull-up shape (docs/parameters.md, Pull-up flight)
    lift_to_drag: Bounded(0.0, 10.0, lo_open=True) = 2.0
    manoeuvre_start_km: Bounded(0.0, 200.0, lo_open=True) = 50.0
    load_factor_max: Bounded(0.0, 100.0, lo_open=True) = 20.0
    dive_angle_deg: Bounded(0.0, 90.0, lo_open=True, hi_open=True) = 30.0
    burnout_angle_deg: Bounded(0.0, 90.0, lo_open=True, hi_open=True) | None = None
    rcs_boost_m2: Bounded(1e-6, 1e4) | None = None
    rcs_rv_m2: Bounded(1e-6, 1e4) | None = None
    file: Text | None = None  # a threat file (thaad.model.threatfile); wins over `class`
    penaids: list[PenaidGroup] = Field(default_factory=list, max_length=8)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def glide(self):
        """The pull-up shape's parameters (:class:`thaad.model.shapes.Glide`)."""
        from thaad.model.shapes import Glide

        return Glide(self.lift_to_drag, self.manoeuvre_start_km, self.load_factor_max,
                     self.dive_angle_deg)  # fmt: skip

    @field_validator("threat_class")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in THREATS:
            raise ValueError(
                f"unknown threat class {_short(v)} (known: {', '.join(sorted(THREATS))})"
            )
        return v

    @field_validator("file")
    @classmethod
    def _loads(cls, v: str | None) -> str | None:
        if v:
            try:
                load_threat_file(v)
            except ThaadInputError as exc:
                raise ValueError(str(exc)) from None
        return v or None

    def definition(self) -> ThreatClass:
        """The threat: the file's if ``file`` is set, else the catalogue class."""
        return resolve_threat(self.threat_class, self.file)


class Asset(Site):
    """A defended asset; ``value`` weights its threats in the battle's assignment."""

    value: Bounded(0.0, 1e6, lo_open=True) = 1.0


KINDS = ("thaad", "pac3")

PAC3_DEFAULTS: dict[str, Any] = {
    # A generic lower tier (docs/parameters.md, "Lower tier (kind: pac3)"). Public: intercept
    # up to about 70 km away and 24 km up, hit-to-kill, up to 16 missiles a launcher. The
    # rest is assumed or derived there (a C-band phased array, a one-stage missile).
    "radar": {
        "mode": "terminal",
        "half_fov_deg": 45.0,  # one face, +/-45 deg
        "min_elevation_deg": 1.0,
        "peak_power_w": 100.0e3,  # assumed; gives a 1 m^2 track range of a few hundred km
        "aperture_m2": 4.0,  # a phased array about 2.4 m across (assumed)
        "frequency_hz": 5.5e9,  # C band
        "max_range_km": 170.0,  # instrumented range (assumed)
        "scan_period_s": 0.5,
        "dwell_s": 0.01,  # a short track look at these ranges
        "search_half_az_deg": 45.0,
        "search_el_span_deg": 45.0,  # volume search up to 46 deg: SRBMs come in high
        "search_frame_s": 5.0,
    },
    "launchers": {"count": 4, "rounds": 16, "offset_m": 300.0, "fan_half_angle_deg": 30.0},
    "interceptor": {
        "mass_kg": 316.0,
        "propellant_kg": 180.0,
        "burn_s": 12.0,
        "isp_s": 260.0,  # 2.15 km/s ideal delta-v: reaches about 62 km at 24 km height
        "diameter_m": 0.255,
        "cd": 0.2,
        "kv_mass_kg": 136.0,  # the whole missile after burnout is the hit-to-kill vehicle
        "kv_cda_m2": 0.01,
        "seeker_range_km": 15.0,
        "max_flight_s": 120.0,
        "shroud_mass_kg": 0.0,  # no separate shroud
        "shroud_sep_alt_km": 0.0,
        "shroud_sep_s": 0.0,
        "divert_propellant_kg": 5.0,
        "accel_limit_mps2": 300.0,  # endo-atmospheric aerodynamic control, about 30 g
    },
    "fire_control": {
        "min_intercept_alt_km": 3.0,
        "max_intercept_alt_km": 24.0,  # public figure
        "max_intercept_range_km": 70.0,  # public figure
    },
}
"""The defaults of ``kind: pac3`` (every key may be overridden in the scenario)."""


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


class BatteryEntry(Battery):
    """One battery of ``batteries:``; ``kind`` sets the defaults of its radar, interceptor,
    launchers and fire control."""

    kind: Literal["thaad", "pac3"] = "thaad"
    tier: Literal["upper", "lower"] | None = None  # default: thaad upper, pac3 lower
    sspk: Bounded(0.0, 1.0) | None = None  # the battle's kill probability per shot
    launch_interval_s: Bounded(0.0, 3600.0) = 0.0  # launch-rate limit: time between launches
    reload_time_s: Bounded(0.0, 86400.0) | None = None  # battle time the launchers are refilled

    @model_validator(mode="before")
    @classmethod
    def _kind_defaults(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("kind") == "pac3":
            return _merge(PAC3_DEFAULTS, data)
        return data

    @property
    def tier_name(self) -> str:
        """``upper`` or ``lower``: ``tier`` if given, else by ``kind``."""
        return self.tier or ("upper" if self.kind == "thaad" else "lower")


class ThreatEntry(ThreatSpec):
    """One entry of ``threats:``: ``count`` identical missiles, the first launched at
    ``launch_time_s``, the next ``spacing_s`` apart."""

    count: BoundedInt(1, 1000) = 1
    launch_time_s: Bounded(0.0, 86400.0) = 0.0
    spacing_s: Bounded(0.0, 3600.0) = 0.0


class BattleSpec(_Model):
    """How the batteries share the raid."""

    assignment: Literal["greedy"] = "greedy"
    tiers: Literal["layered"] = "layered"
    max_track_interval_s: Bounded(0.0, 3600.0, lo_open=True) = 5.0
    asset_radius_km: Bounded(0.0, 1000.0, lo_open=True) = 25.0
    pk_draws: BoundedInt(1, 10000) = 64  # flown single-shot draws per battery and threat entry


class SensingSpec(_Model):
    """What the radar sees of a threat and how its tracks are kept (``thaad.core.scene``)."""

    model: Literal["single-object", "multi-object"] = "multi-object"
    filter: Literal["ekf", "ukf"] = "ekf"
    rcs_stage_m2: Bounded(1e-6, 1e4) | None = None  # None: the class's booster RCS
    debris_count: BoundedInt(0, 16) = 3
    rcs_debris_m2: Bounded(1e-6, 1e4) = 0.01
    debris_beta_kgpm2: Bounded(0.1, 1e6) = 50.0
    debris_dv_mps: Bounded(0.0, 100.0) = 3.0
    lethal_rcs_min_m2: Bounded(1e-6, 1e4) = 0.03
    lethal_rcs_max_m2: Bounded(1e-6, 1e4) = 0.3
    max_misses: BoundedInt(1, 100) = 6
    gate_chi2: Bounded(0.1, 1000.0) = 16.27
    # infrared-brightness proxies (relative radiant intensity) the KV's seeker sees
    ir_rv: Bounded(1e-6, 1e6) = 1.0
    ir_stage: Bounded(1e-6, 1e6) = 0.5
    ir_debris: Bounded(1e-6, 1e6) = 0.1
    # discrimination by the tracking filter's ballistic coefficient (0: off)
    lethal_beta_min_kgpm2: Bounded(0.0, 1.0e5) = 1000.0
    beta_sigmas: Bounded(0.0, 100.0, lo_open=True) = 3.0

    def core(self, sc: Scenario) -> Any:
        from thaad.core.scene import Scene
        from thaad.core.tracking import FILTER_EKF, FILTER_UKF
        from thaad.core.tracks import tracker_params

        if self.lethal_rcs_min_m2 >= self.lethal_rcs_max_m2:
            raise ThaadInputError("sensing.lethal_rcs_min_m2: must be below lethal_rcs_max_m2")
        fc = sc.battery.fire_control
        b0 = 1.0 / fc.filter_beta_kgpm2
        tp = tracker_params(
            FILTER_UKF if self.filter == "ukf" else FILTER_EKF, fc.track_m, fc.track_n,
            self.max_misses, self.gate_chi2, fc.process_noise_m2ps3, (0.05 * b0) ** 2 / 100.0,
            b0, 1.0e-3, 3000.0, 50.0e3,
        )  # fmt: skip
        from thaad.core.scene import MAX_DEBRIS

        # extra objects: the debris, then each penetration-aid group's objects
        beta = [self.debris_beta_kgpm2] * self.debris_count
        dv = [self.debris_dv_mps] * self.debris_count
        rcs = [self.rcs_debris_m2] * self.debris_count
        ir = [0.0] * self.debris_count  # 0: the seeker's ir_debris
        for g in sc.threat.penaids:
            beta += [g.beta()] * g.count
            dv += [g.dv_mps] * g.count
            rcs += [g.rcs()] * g.count
            ir += [g.ir_proxy()] * g.count
        if len(beta) > MAX_DEBRIS:
            raise ThaadInputError(
                f"threat.penaids: {len(beta)} objects with sensing.debris_count; at most "
                f"{MAX_DEBRIS}"
            )
        return Scene(
            self.model == "multi-object", self.rcs_stage_m2 or sc.threat_rcs()[0],
            len(beta), self.rcs_debris_m2, self.debris_beta_kgpm2, self.debris_dv_mps,
            self.lethal_rcs_min_m2, self.lethal_rcs_max_m2, tp,
            np.array(beta, dtype=np.float64), np.array(dv, dtype=np.float64),
            np.array(rcs, dtype=np.float64), np.array(ir, dtype=np.float64),
            self.lethal_beta_min_kgpm2, self.beta_sigmas,
        )  # fmt: skip


class Scenario(_Model):
    name: Text = "Seongju default"
    description: LongText = ""
    seed: BoundedInt(0, MAX_SEED) = 2017
    models: Models = Models()
    battery: Battery = Battery()
    threat: ThreatSpec = ThreatSpec()
    doctrine: DoctrineSpec = DoctrineSpec()
    lethality: LethalitySpec = LethalitySpec()
    dispersions: DispersionSpec = DispersionSpec()
    sensing: SensingSpec = SensingSpec()
    assets: list[Asset] = []
    batteries: list[BatteryEntry] | None = None
    threats: list[ThreatEntry] | None = None
    battle: BattleSpec = BattleSpec()

    @model_validator(mode="before")
    @classmethod
    def _aim_by_name(cls, data: Any) -> Any:
        """``threat.aim: Busan``: the aim point is the named asset of ``assets``."""
        if not isinstance(data, dict):
            return data
        threat = data.get("threat")
        if isinstance(threat, dict) and isinstance(threat.get("aim"), str):
            site = asset_named(data.get("assets") or [], threat["aim"], "threat.aim")
            data = {**data, "threat": {**threat, "aim": site}}
        threats = data.get("threats")
        if isinstance(threats, list):
            out = []
            for i, th in enumerate(threats):
                if isinstance(th, dict) and isinstance(th.get("aim"), str):
                    site = asset_named(data.get("assets") or [], th["aim"], f"threats.{i}.aim")
                    th = {**th, "aim": site}
                out.append(th)
            data = {**data, "threats": out}
        return data

    @model_validator(mode="after")
    def _battle_lists(self) -> Scenario:
        if self.batteries is not None:
            if not self.batteries:
                raise ThaadInputError("batteries: the list is empty; give at least one battery")
            names = [b.name.casefold() for b in self.batteries]
            for i, n in enumerate(names):
                if n in names[:i]:
                    raise ThaadInputError(
                        f"batteries.{i}.name: '{self.batteries[i].name}' is used twice"
                    )
        if self.threats is not None and not self.threats:
            raise ThaadInputError("threats: the list is empty; give at least one threat")
        return self

    @model_serializer(mode="wrap")
    def _dump(self, handler: Any) -> dict[str, Any]:
        """A scenario without ``batteries:``/``threats:`` dumps as before the battle keys
        existed (no ``batteries``, ``threats``, default ``battle`` or default asset values),
        so its digest, scenario.yaml and report stay the same."""
        d = handler(self)
        if not isinstance(d, dict):
            return d
        if d.get("batteries") is None:
            d.pop("batteries", None)
        if d.get("threats") is None:
            d.pop("threats", None)
        if self.battle == BattleSpec() and not self.is_battle:
            d.pop("battle", None)
        for a in d.get("assets") or []:
            if isinstance(a, dict) and a.get("value") == 1.0:
                a.pop("value")
        return d

    @property
    def is_battle(self) -> bool:
        """Whether the scenario lists ``batteries:`` or ``threats:`` (the battle loop)."""
        return self.batteries is not None or self.threats is not None

    def battery_list(self) -> list[BatteryEntry]:
        """The batteries (``battery:`` as a list of one THAAD battery)."""
        if self.batteries is not None:
            return list(self.batteries)
        return [BatteryEntry.model_validate(self.battery.model_dump(by_alias=True))]

    def threat_list(self) -> list[ThreatEntry]:
        """The threat entries (``threat:`` as a list of one)."""
        if self.threats is not None:
            return list(self.threats)
        return [ThreatEntry.model_validate(self.threat.model_dump(by_alias=True))]

    def single(self, battery: Battery, threat: ThreatSpec) -> Scenario:
        """This scenario with one battery and one threat (for the per-threat stages)."""
        b = Battery.model_validate(
            battery.model_dump(
                by_alias=True,
                exclude={"kind", "tier", "sspk", "launch_interval_s", "reload_time_s"},
            )
        )
        t = ThreatSpec.model_validate(
            threat.model_dump(by_alias=True, exclude={"count", "launch_time_s", "spacing_s"})
        )
        return self.model_copy(update={"battery": b, "threat": t, "batteries": None,
                                       "threats": None})  # fmt: skip

    @model_validator(mode="after")
    def _aim_name_matches(self) -> Scenario:
        aim = self.threat.aim
        for a in self.assets:
            if aim.name and a.name.casefold() == aim.name.casefold():
                d = ground_distance_m(aim.lat_deg, aim.lon_deg, a.lat_deg, a.lon_deg)
                if d > AIM_MATCH_M:
                    raise ThaadInputError(
                        f"threat.aim: named '{aim.name}' but {d / 1e3:.0f} km from the asset "
                        f"'{a.name}' ({a.lat_deg:.4f}, {a.lon_deg:.4f}); aim by name "
                        f"(threat.aim={a.name}, or --aim {a.name}) or rename the aim point"
                    )
        return self

    def interceptor_core(self) -> Interceptor:
        return self.battery.interceptor.core(self.lethality.lethal_radius_m)

    def seeker_core(self) -> Any:
        from thaad.core.seeker import Seeker

        it, se = self.battery.interceptor, self.sensing
        return Seeker(
            for_half_rad=math.radians(it.seeker_field_of_regard_deg), ir_rv=se.ir_rv,
            ir_stage=se.ir_stage, ir_debris=se.ir_debris, ir_sigma_ln=it.seeker_ir_noise,
            los_alpha=it.seeker_los_alpha,
        )  # fmt: skip

    def lethality_core(self) -> Any:
        from thaad.core.doctrine import LETHALITY_FIXED, LETHALITY_MISS, Lethality

        le = self.lethality
        return Lethality(
            model=LETHALITY_FIXED if le.model == "fixed" else LETHALITY_MISS,
            lethal_radius_m=le.lethal_radius_m, sspk=le.sspk,
            ka_accuracy=self.doctrine.kill_assessment_accuracy,
        )  # fmt: skip

    def fire_control_core(self) -> FireControl:
        return self.battery.fire_control.core(self.doctrine)

    def digest(self, include_seed: bool = True) -> str:
        """SHA-256 of the canonical JSON of the validated scenario (for reproducibility)."""
        d = self.model_dump(mode="json", by_alias=True)
        if self.threat.file:  # the file's content, not only its name
            raw = Path(self.threat.file).read_bytes()
            d["threat"]["file_sha256"] = hashlib.sha256(raw).hexdigest()
        if not include_seed:
            d.pop("seed")
        for a in d.get("assets", []):  # the default value leaves a single-threat digest as it was
            if a.get("value") == 1.0:
                a.pop("value")
        for k, default in (("batteries", None), ("threats", None)):
            if d.get(k) is default:
                d.pop(k, None)
        if d.get("battle") == BattleSpec().model_dump(mode="json"):
            d.pop("battle")
        text = json.dumps(d, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    def threat_rcs(self) -> tuple[float, float]:
        tc = self.threat.definition()
        boost = self.threat.rcs_boost_m2 or tc.rcs_boost_m2
        rv = self.threat.rcs_rv_m2 or tc.rcs_rv_m2
        return boost, rv


def ground_distance_m(lat1_deg: float, lon1_deg: float, lat2_deg: float, lon2_deg: float) -> float:
    """Great-circle distance on the mean-radius sphere (haversine), m."""
    p1, p2 = math.radians(lat1_deg), math.radians(lat2_deg)
    dl = math.radians(lon2_deg - lon1_deg)
    h = math.sin(0.5 * (p2 - p1)) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(0.5 * dl) ** 2
    return 2.0 * R_MEAN_M * math.asin(min(1.0, math.sqrt(h)))


def asset_named(assets: list[Any], name: str, field: str) -> dict[str, Any]:
    """The asset of a scenario's ``assets`` list called ``name`` (case-insensitive), as a dict."""
    for a in assets:
        d = a.model_dump() if isinstance(a, Site) else a
        if isinstance(d, dict) and str(d.get("name", "")).casefold() == name.casefold():
            d = dict(d)
            d.pop("value", None)  # an asset's value is not part of an aim point
            return d
    names = [str(a.name if isinstance(a, Site) else a.get("name")) for a in assets
             if isinstance(a, Site | dict)]  # fmt: skip
    known = f"known: {', '.join(names)}" if names else "the scenario has no assets"
    raise ThaadInputError(f"{field}: '{name}' is not an asset of the scenario ({known})")


def _aim_overrides(data: dict, keys: set[str]) -> None:
    """Keep the aim point's name and coordinates together after ``--set``: a new name that
    is an asset moves the aim point there; new coordinates without a new name drop the old
    name (or take the name of the asset they land on)."""
    threat = data.get("threat")
    aim = threat.get("aim") if isinstance(threat, dict) else None
    if not isinstance(aim, dict):
        return
    assets = data.get("assets") or []
    moved = bool({"threat.aim.lat_deg", "threat.aim.lon_deg"} & keys)
    if "threat.aim.name" in keys and not moved and aim.get("name"):
        try:
            site = asset_named(assets, str(aim["name"]), "threat.aim.name")
        except ThaadInputError:
            return  # a label of the user's own, not an asset: the coordinates stay
        aim.update({k: site[k] for k in ("lat_deg", "lon_deg", "name") if k in site})
    elif moved and "threat.aim.name" not in keys:
        aim["name"] = ""
        try:
            lat, lon = float(aim["lat_deg"]), float(aim["lon_deg"])
        except (KeyError, TypeError, ValueError):
            return
        for a in assets:
            if isinstance(a, dict) and {"lat_deg", "lon_deg"} <= a.keys():
                try:
                    d = ground_distance_m(lat, lon, float(a["lat_deg"]), float(a["lon_deg"]))
                except (TypeError, ValueError):
                    continue
                if d <= AIM_MATCH_M:
                    aim["name"] = a.get("name", "")
                    break


def _format_validation_error(err: ValidationError, prefix: str = "") -> str:
    e = err.errors()[0]
    loc = ".".join(str(p) for p in e["loc"] if p != "__root__")
    msg = e["msg"]
    if e["type"] == "extra_forbidden":
        msg = "unknown key"
    elif e["type"] == "missing":
        msg = "required field is missing"
    elif e["type"] == "value_error":
        msg = msg.removeprefix("Value error, ")
    elif isinstance(e.get("input"), (str, int, float, bool)) or e.get("input") is None:
        msg = f"{msg} (got {_short(e.get('input'))})"
    extra = f" ({len(err.errors()) - 1} more)" if len(err.errors()) > 1 else ""
    if not loc:  # a check across fields names its own field
        return f"{prefix}{msg}{extra}"
    return f"{prefix}{loc}: {msg}{extra}"


def set_dotted(data: dict, path: str, value: Any) -> None:
    """Set ``data[a][b][c] = value`` for ``path = 'a.b.c'`` (list items by index)."""
    parts = path.split(".")
    if not path or any(not p for p in parts):
        raise ThaadInputError(f"--set {path}: not a dotted key path")
    node: Any = data
    for i, p in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            try:
                idx = int(p)
                node[idx]
            except (ValueError, IndexError):
                raise ThaadInputError(f"--set {path}: '{p}' is not an index of the list") from None
            if last:
                node[idx] = value
            else:
                node = node[idx]
            continue
        if not isinstance(node, dict):
            where = ".".join(parts[:i])
            raise ThaadInputError(f"--set {path}: '{where}' is not a section")
        if last:
            node[p] = value
        else:
            node = node.setdefault(p, {})


class _CappedLoader(yaml.SafeLoader):
    """PyYAML's safe loader with a cap on nesting depth (checked while composing)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise ThaadInputError(f"nested more than {MAX_YAML_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _expanded_size(node: Any) -> int:
    """Nodes in the document with every alias expanded (memoized: linear in unique nodes)."""
    memo: dict[int, int] = {}

    def size(n: Any) -> int:
        if id(n) in memo:
            return memo[id(n)]
        total = 1
        if isinstance(n, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in n.value)
        elif isinstance(n, yaml.SequenceNode):
            total += sum(size(v) for v in n.value)
        memo[id(n)] = total = min(total, MAX_YAML_NODES + 1)
        return total

    return size(node)


def safe_yaml(text: str) -> Any:
    """Parse one YAML document safely: plain data only, nesting and alias expansion capped.

    Raises ``ThaadInputError`` (no field prefix) for a deep or alias-bomb document, and
    ``yaml.YAMLError`` for malformed YAML (more than one document included).
    """
    loader = _CappedLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node) > MAX_YAML_NODES:
            raise ThaadInputError(f"more than {MAX_YAML_NODES:,} values once aliases expand")
        return loader.construct_document(node)
    except RecursionError:
        raise ThaadInputError(f"nested more than {MAX_YAML_DEPTH} levels deep") from None
    finally:
        loader.dispose()


def parse_override(text: str) -> tuple[str, Any]:
    """``KEY=VALUE`` with the value read as a YAML scalar."""
    if "=" not in text:
        raise ThaadInputError(f"--set {_short(text)}: expected KEY=VALUE")
    key, raw = text.split("=", 1)
    try:
        value = safe_yaml(raw) if raw.strip() else ""
    except yaml.YAMLError:
        raise ThaadInputError(f"--set {key}: value {_short(raw)} is not a YAML value") from None
    except ThaadInputError as exc:
        raise ThaadInputError(f"--set {key}: value {exc}") from None
    return key.strip(), value


def _check_interceptor_betas(ic: InterceptorSpec) -> None:
    """Dry body and kill vehicle at least ``MIN_INTERCEPTOR_BETA_KGPM2`` (mass over CdA)."""
    cda = ic.cd * math.pi * (0.5 * ic.diameter_m) ** 2
    dry = ic.mass_kg - ic.propellant_kg
    for key, beta, what in (
        ("battery.interceptor.kv_mass_kg", ic.kv_mass_kg / ic.kv_cda_m2 if ic.kv_cda_m2 else None,
         "kill vehicle's kv_mass_kg / kv_cda_m2"),
        ("battery.interceptor.mass_kg", dry / cda if cda else None,
         "burnt-out interceptor's (mass_kg - propellant_kg) / (cd area)"),
    ):  # fmt: skip
        if beta is not None and beta < MIN_INTERCEPTOR_BETA_KGPM2:
            raise ThaadInputError(
                f"{key}: the {what} is {beta:.3g} kg/m2, below "
                f"{MIN_INTERCEPTOR_BETA_KGPM2:g} kg/m2 (a feather, not a kill vehicle)"
            )


def load_scenario(
    path: str | Path | None = None, overrides: list[str] | None = None, seed: int | None = None
) -> Scenario:
    """Load, override and validate a scenario (the default Seongju one when ``path`` is None)."""
    from thaad.io import MAX_SCENARIO_BYTES, read_text

    p = Path(path) if path is not None else DEFAULT_SCENARIO
    if p.is_dir():
        raise ThaadInputError(f"scenario '{p}' is a directory, not a YAML file")
    text = read_text(p, "scenario file", MAX_SCENARIO_BYTES)
    try:
        data = safe_yaml(text)
    except ThaadInputError as exc:
        raise ThaadInputError(f"scenario '{p}': {exc}") from None
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        where = f" (line {line + 1})" if line is not None else ""
        raise ThaadInputError(f"scenario '{p}' is not valid YAML{where}") from None
    except RecursionError:
        raise ThaadInputError(f"scenario '{p}' is nested too deeply") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ThaadInputError(f"scenario '{p}': the top level must be a mapping of keys")
    keys: set[str] = set()
    for text in overrides or []:
        key, value = parse_override(text)
        set_dotted(data, key, value)
        keys.add(key)
    _aim_overrides(data, keys)
    if seed is not None:
        data["seed"] = seed
    try:
        sc = Scenario.model_validate(data)
    except ValidationError as err:
        raise ThaadInputError(_format_validation_error(err)) from None
    sc.fire_control_core()  # cross-field checks
    _check_interceptor_betas(sc.battery.interceptor)
    r = sc.battery.radar
    if r.min_elevation_deg > r.max_elevation_deg - MIN_ELEVATION_SPAN_DEG:
        raise ThaadInputError(
            f"battery.radar.min_elevation_deg: must be at least {MIN_ELEVATION_SPAN_DEG:g} deg "
            f"below max_elevation_deg ({r.min_elevation_deg:g} and {r.max_elevation_deg:g})"
        )
    return sc
