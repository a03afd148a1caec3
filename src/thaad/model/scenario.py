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
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
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


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Site(_Model):
    lat_deg: float = Field(ge=-90.0, le=90.0)
    lon_deg: float = Field(ge=-180.0, le=180.0)
    alt_m: float = Field(0.0, ge=-500.0, le=10000.0)
    name: str = ""


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
    boresight_az_deg: float = Field(315.0, ge=0.0, lt=360.0)
    half_fov_deg: float = Field(60.0, gt=0.0, le=180.0)
    min_elevation_deg: float = Field(5.0, ge=-2.0, lt=90.0)
    max_elevation_deg: float = Field(90.0, gt=0.0, le=90.0)
    peak_power_w: float = Field(81.0e3, gt=0.0)
    aperture_m2: float = Field(9.2, gt=0.0)
    aperture_efficiency: float = Field(0.8, gt=0.0, le=1.0)
    frequency_hz: float = Field(9.5e9, gt=1e8, lt=1e12)
    system_temp_k: float = Field(500.0, gt=0.0)
    losses_db: float = Field(10.0, ge=0.0)
    dwell_s: float = Field(0.04, gt=0.0)
    snr_detect_db: float = 13.0
    max_range_km: float = Field(1500.0, gt=0.0)
    sigma_range_m: float = Field(10.0, gt=0.0)
    sigma_angle_mrad: float = Field(0.3, gt=0.0)
    scan_period_s: float = Field(0.5, gt=0.0, le=10.0)
    # search pattern: None takes the mode's value (thaad.model.catalog.RADAR_MODES)
    search_half_az_deg: float | None = Field(None, gt=0.0, le=180.0)
    search_el_span_deg: float | None = Field(None, gt=0.0, le=90.0)
    search_frame_s: float | None = Field(None, gt=0.0)
    false_alarm_prob: float = Field(1e-6, gt=0.0, lt=1.0)
    swerling: int = Field(1, ge=0, le=4)
    bandwidth_mhz: float = Field(10.0, gt=0.0)
    monopulse_slope: float = Field(1.6, gt=0.0)
    track_time_fraction: float = Field(0.5, gt=0.0, le=1.0)


class LauncherSpec(_Model):
    count: int = Field(6, ge=1, le=16)
    rounds: int = Field(8, ge=0, le=16)
    offset_m: float = Field(450.0, ge=0.0, le=50000.0)
    fan_half_angle_deg: float = Field(30.0, ge=0.0, le=180.0)


class InterceptorSpec(_Model):
    mass_kg: float = Field(900.0, gt=0.0)
    propellant_kg: float = Field(660.0, gt=0.0)
    burn_s: float = Field(15.0, gt=0.0)
    isp_s: float = Field(270.0, gt=0.0)
    diameter_m: float = Field(0.34, gt=0.0)
    cd: float = Field(0.3, ge=0.0)
    kv_mass_kg: float = Field(60.0, gt=0.0)
    kv_cda_m2: float = Field(0.01, ge=0.0)
    rail_s: float = Field(1.0, ge=0.0)
    accel_limit_mps2: float = Field(100.0, gt=0.0)
    time_constant_s: float = Field(0.1, gt=0.0, le=5.0)
    nav_gain: float = Field(4.0, gt=2.0, le=10.0)
    seeker_range_km: float = Field(40.0, gt=0.0)
    seeker_noise_urad: float = Field(50.0, ge=0.0)
    seeker_frame_hz: float = Field(100.0, gt=0.0)
    seeker_field_of_regard_deg: float = Field(2.0, gt=0.0, le=90.0)  # half-angle
    seeker_ir_noise: float = Field(0.3, ge=0.0)  # 1-sigma error of the measured log brightness
    seeker_los_alpha: float = Field(0.3, gt=0.0, lt=1.0)  # LOS alpha-beta filter gain
    max_flight_s: float = Field(250.0, gt=0.0)
    shroud_cda_m2: float = Field(0.014, ge=0.0)  # Cd 0.15 (pointed nose) x body cross-section
    shroud_mass_kg: float = Field(5.0, ge=0.0)
    shroud_sep_alt_km: float = Field(35.0, ge=0.0)
    shroud_sep_s: float = Field(30.0, ge=0.0)
    divert_propellant_kg: float = Field(10.0, ge=0.0)
    divert_isp_s: float = Field(290.0, gt=0.0)

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
    shots: int = Field(2, ge=1, le=16)
    kill_assessment_s: float = Field(5.0, ge=0.0)
    salvo_spacing_s: float = Field(1.0, ge=0.0)
    kill_assessment_accuracy: float = Field(1.0, ge=0.0, le=1.0)


class LethalitySpec(_Model):
    """When an interceptor kills: from the simulated miss distance, or a fixed probability."""

    model: Literal["miss-distance", "fixed"] = "miss-distance"
    lethal_radius_m: float = Field(0.5, gt=0.0)
    sspk: float = Field(0.8, ge=0.0, le=1.0)


class DispersionSpec(_Model):
    """One-sigma errors drawn per Monte Carlo draw (radar and seeker noise are the sensors')."""

    threat_azimuth_mrad: float = Field(1.0, ge=0.0)
    threat_pitch_mrad: float = Field(1.0, ge=0.0)
    threat_cutoff_s: float = Field(0.05, ge=0.0)
    threat_aim_m: float = Field(500.0, ge=0.0)
    interceptor_thrust_frac: float = Field(0.01, ge=0.0, lt=0.5)
    interceptor_pointing_mrad: float = Field(5.0, ge=0.0)


class FireControlSpec(_Model):
    min_intercept_alt_km: float = Field(40.0, ge=0.0)
    max_intercept_alt_km: float = Field(150.0, gt=0.0)
    max_intercept_range_km: float = Field(200.0, gt=0.0)
    reaction_s: float = Field(5.0, ge=0.0)
    replan_s: float = Field(1.0, gt=0.0)
    max_track_sigma_m: float = Field(1000.0, gt=0.0)
    track_m: int = Field(3, ge=1)
    track_n: int = Field(5, ge=1)
    process_noise_m2ps3: float = Field(1.0, ge=0.0)
    filter_beta_kgpm2: float = Field(4880.0, gt=0.0)

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
    name: str = "Seongju"
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
            d(r.search_el_span_deg or mode.search_el_span_deg),
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


class ThreatSpec(_Model):
    threat_class: str = Field("srbm-600", alias="class")
    launch: Site = Site(lat_deg=39.2, lon_deg=125.67, alt_m=0.0, name="generic launch point")
    aim: Site = Site(lat_deg=35.8714, lon_deg=128.6014, alt_m=0.0, name="Daegu")
    shape: Literal["min-energy", "lofted", "depressed", "max-range"] = "min-energy"
    apogee_km: float | None = Field(None, gt=0.0)
    burnout_angle_deg: float | None = Field(None, gt=0.0, lt=90.0)
    rcs_boost_m2: float | None = Field(None, gt=0.0)
    rcs_rv_m2: float | None = Field(None, gt=0.0)
    file: str | None = None  # a threat file (thaad.model.threatfile); wins over `class`

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @field_validator("threat_class")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in THREATS:
            raise ValueError(f"unknown threat class '{v}' (known: {', '.join(sorted(THREATS))})")
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

    value: float = Field(1.0, gt=0.0)


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
    sspk: float | None = Field(None, ge=0.0, le=1.0)  # the battle's kill probability per shot
    launch_interval_s: float = Field(0.0, ge=0.0)  # launch-rate limit: time between launches
    reload_time_s: float | None = Field(None, ge=0.0)  # battle time the launchers are refilled

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

    count: int = Field(1, ge=1, le=1000)
    launch_time_s: float = Field(0.0, ge=0.0)
    spacing_s: float = Field(0.0, ge=0.0)


class BattleSpec(_Model):
    """How the batteries share the raid."""

    assignment: Literal["greedy"] = "greedy"
    tiers: Literal["layered"] = "layered"
    max_track_interval_s: float = Field(5.0, gt=0.0)
    asset_radius_km: float = Field(25.0, gt=0.0)


class SensingSpec(_Model):
    """What the radar sees of a threat and how its tracks are kept (``thaad.core.scene``)."""

    model: Literal["single-object", "multi-object"] = "multi-object"
    filter: Literal["ekf", "ukf"] = "ekf"
    rcs_stage_m2: float | None = Field(None, gt=0.0)  # None: the class's booster RCS
    debris_count: int = Field(3, ge=0, le=16)
    rcs_debris_m2: float = Field(0.01, gt=0.0)
    debris_beta_kgpm2: float = Field(50.0, gt=0.0)
    debris_dv_mps: float = Field(3.0, ge=0.0)
    lethal_rcs_min_m2: float = Field(0.03, gt=0.0)
    lethal_rcs_max_m2: float = Field(0.3, gt=0.0)
    max_misses: int = Field(6, ge=1)
    gate_chi2: float = Field(16.27, gt=0.0)
    # infrared-brightness proxies (relative radiant intensity) the KV's seeker sees
    ir_rv: float = Field(1.0, gt=0.0)
    ir_stage: float = Field(0.5, gt=0.0)
    ir_debris: float = Field(0.1, gt=0.0)

    def core(self, sc: Scenario) -> Any:
        from thaad.core.scene import Scene
        from thaad.core.tracking import FILTER_EKF, FILTER_UKF
        from thaad.core.tracks import TrackerParams

        if self.lethal_rcs_min_m2 >= self.lethal_rcs_max_m2:
            raise ThaadInputError("sensing.lethal_rcs_min_m2: must be below lethal_rcs_max_m2")
        fc = sc.battery.fire_control
        b0 = 1.0 / fc.filter_beta_kgpm2
        tp = TrackerParams(
            FILTER_UKF if self.filter == "ukf" else FILTER_EKF, fc.track_m, fc.track_n,
            self.max_misses, self.gate_chi2, fc.process_noise_m2ps3, (0.05 * b0) ** 2 / 100.0,
            b0, 1.0e-3, 3000.0, 50.0e3,
        )  # fmt: skip
        return Scene(
            self.model == "multi-object", self.rcs_stage_m2 or sc.threat_rcs()[0],
            self.debris_count, self.rcs_debris_m2, self.debris_beta_kgpm2, self.debris_dv_mps,
            self.lethal_rcs_min_m2, self.lethal_rcs_max_m2, tp,
        )  # fmt: skip


class Scenario(_Model):
    name: str = "Seongju default"
    description: str = ""
    seed: int = Field(2017, ge=0)
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
    else:
        msg = msg.removeprefix("Value error, ")
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


def parse_override(text: str) -> tuple[str, Any]:
    """``KEY=VALUE`` with the value read as a YAML scalar."""
    if "=" not in text:
        raise ThaadInputError(f"--set {text}: expected KEY=VALUE")
    key, raw = text.split("=", 1)
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError:
        raise ThaadInputError(f"--set {key}: value '{raw}' is not a YAML scalar") from None
    return key.strip(), value


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
        data = yaml.safe_load(text)
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
    return sc
