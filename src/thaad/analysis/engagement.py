"""The Python API: load a scenario, run it, get a result; fly one trajectory.

>>> import thaad
>>> sc = thaad.load_scenario()            # the default Seongju scenario
>>> res = thaad.run(sc)                   # doctest: +SKIP
>>> res.intercepted, round(res.intercept_alt_m / 1e3)   # doctest: +SKIP
"""

from __future__ import annotations

import functools
import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from thaad.core import engagement as ceng
from thaad.core.constants import R_MEAN_M
from thaad.core.earth import (
    ecef_to_geodetic,
    enu_basis,
    geodetic_to_ecef,
    great_circle,
)
from thaad.core.firecontrol import FlyoutGrid
from thaad.core.flight import EV_APOGEE, EV_IMPACT, Env, ballistic_phase, fly, path_at
from thaad.core.interceptor import Interceptor, build_flyout_grid, build_flyout_table
from thaad.core.kepler import ballistic_solution
from thaad.core.threat import Aim, flight_path_angle, fly_threat, impact_and_apogee
from thaad.errors import ThaadInputError
from thaad.model.catalog import ThreatClass, resolve_threat
from thaad.model.scenario import Scenario, load_scenario
from thaad.model.shapes import Glide, check_shape, ideal_conic, solve_full, solve_pullup
from thaad.version import __version__

if TYPE_CHECKING:
    from thaad.analysis.battle import BattleResult

__all__ = [
    "EngagementResult",
    "TrajectoryResult",
    "fly_trajectory",
    "lethality_text",
    "load_scenario",
    "run",
]

OBJECT_NAMES = ("rv", "stage", "debris")


def lethality_text(sc: Scenario, kinematic: bool = False) -> str:
    """Which lethality model a kill probability comes from, in words: ``miss-distance model:
    a kill when the interceptor passes within 0.5 m`` or ``fixed single-shot kill probability
    sspk=0.8 per shot (shoot-look-shoot, up to 2 shots)``. ``kinematic``: a kinematic
    footprint, which flies no engagement and always counts ``sspk`` per feasible shot."""
    lt = sc.lethality
    shots = f"{sc.doctrine.mode}, up to {sc.doctrine.shots} shots"
    if kinematic:
        return (f"fixed single-shot kill probability sspk={lt.sspk:g} per feasible shot "
                f"({shots}; a kinematic footprint flies no engagement)")  # fmt: skip
    if lt.model == "fixed":
        return f"fixed single-shot kill probability sspk={lt.sspk:g} per shot ({shots})"
    return (
        f"miss-distance model: a kill when the interceptor passes within {lt.lethal_radius_m:g} m"
    )


def object_name(index: int, extra_kinds: tuple[str, ...] = ()) -> str:
    """The name of a radar object: ``rv``, ``stage``, ``debris-1``, ``debris-2``, ...
    (the core's object index: 0 the RV, 1 the spent stage, 2+ the extra objects). With
    ``extra_kinds`` (the kind of each extra object: ``debris``, ``decoy``, ``fragment``)
    the extras are numbered within their kind: ``decoy-1``, ``fragment-2``."""
    i = int(index)
    if i < 2:
        return OBJECT_NAMES[i]
    k = i - 2
    if k < len(extra_kinds):
        kind = extra_kinds[k]
        return f"{kind}-{extra_kinds[: k + 1].count(kind)}"
    return f"debris-{i - 1}"


def extra_kinds(sc: Scenario) -> tuple[str, ...]:
    """The kind of each of the scene's extra objects, in the core's order: the debris,
    then each penetration-aid group's objects (:meth:`SensingSpec.core`)."""
    out = ["debris"] * sc.sensing.debris_count
    for g in sc.threat.penaids:
        out += [g.kind] * g.count
    return tuple(out)


TABLE_DT_S = 0.5
TABLE_N_T = 500
TABLE_N_EL = 90


@functools.lru_cache(maxsize=8)
def flyout_table(itc: Interceptor, env: Env):
    """The interceptor's fly-out table (cached per interceptor and model switches)."""
    return build_flyout_table(
        itc, env, math.radians(8.0), math.radians(89.0), TABLE_N_EL, TABLE_DT_S, TABLE_N_T
    )


def _geo(r: np.ndarray, earth: int) -> tuple[float, float, float]:
    lat, lon, h = ecef_to_geodetic(float(r[0]), float(r[1]), float(r[2]), earth)
    return math.degrees(lat), math.degrees(lon), h


@dataclass
class EngagementResult:
    """The outcome of one engagement (SI units, angles in degrees)."""

    intercepted: bool
    miss_distance_m: float | None
    intercept_time_s: float | None
    intercept_alt_m: float | None
    intercept_ground_range_m: float | None
    intercept_lat_deg: float | None
    intercept_lon_deg: float | None
    interceptors_fired: int
    seed: int
    events: list[dict[str, Any]]
    threat: dict[str, Any]
    scenario_name: str
    scenario_sha256: str
    version: str = __version__
    history: dict[str, Any] = field(default_factory=dict, repr=False)

    def to_dict(self, history: bool = False) -> dict[str, Any]:
        d = asdict(self)
        if not history:
            d.pop("history")
        return d


PULLUP_MISS_MAX_M = 1000.0  # a pull-up shot that misses its aim point by more is refused


def _solve_threat(sc: Scenario, env: Env):
    tc = sc.threat.definition()
    d = math.radians
    lo, la, th = sc.threat.launch, sc.threat.aim, sc.threat
    names = {"aim": "threat.aim", "shape": "threat.shape", "apogee": "threat.apogee_km",
             "angle": "threat.burnout_angle_deg"}  # fmt: skip
    psi = great_circle(d(lo.lat_deg), d(lo.lon_deg), d(la.lat_deg), d(la.lon_deg))[0]
    check_shape(th.shape, psi, th.apogee_km, th.burnout_angle_deg, names)
    if th.shape == "pull-up":
        mis, aim, miss = solve_pullup(
            tc, env, (d(lo.lat_deg), d(lo.lon_deg), lo.alt_m),
            (d(la.lat_deg), d(la.lon_deg), la.alt_m), th.apogee_km, th.glide(), names,
        )  # fmt: skip
        if miss > PULLUP_MISS_MAX_M:
            raise ThaadInputError(
                f"threat.aim: {tc.name} on the pull-up shape falls {miss / 1e3:,.1f} km short "
                f"of the aim point (its glide's reach; threat.apogee_km, threat.lift_to_drag)"
            )
        return tc, mis, aim
    aim = solve_full(
        tc, env, (d(lo.lat_deg), d(lo.lon_deg), lo.alt_m), (d(la.lat_deg), d(la.lon_deg), la.alt_m),
        th.shape, th.apogee_km, th.burnout_angle_deg, names,
    )  # fmt: skip
    return tc, tc.missile(), aim


@dataclass
class Prepared:
    """Everything the core needs for a scenario's engagements, converted once."""

    scenario: Scenario
    env: Env
    threat_name: str
    mis: Any
    aim: Aim
    rcs_boost_m2: float
    rcs_rv_m2: float
    radar: Any
    interceptor: Interceptor
    fire_control: Any
    launchers: np.ndarray
    el_grid: np.ndarray
    tof_grid: np.ndarray
    lethality: Any  # thaad.core.doctrine.Lethality
    seeker: Any  # thaad.core.seeker.Seeker
    drange_dcutoff_mps: float  # d(ground range)/d(cutoff time), for aim-point dispersions
    range_m: float
    scene: Any = None  # thaad.core.scene.Scene
    threat: Any = None  # thaad.model.catalog.ThreatClass (a catalogue class or a file's)


GRID_D_RHO_M = 1000.0
GRID_N_RHO = 321
GRID_D_ALT_M = 1000.0
GRID_N_ALT = 221


@functools.lru_cache(maxsize=8)
def flyout_grid(itc: Interceptor, env: Env) -> tuple[np.ndarray, np.ndarray]:
    """The fly-out table inverted onto a 1 km (ground range, height) grid (cached)."""
    els, rho, alt, _ = flyout_table(itc, env)
    return build_flyout_grid(els, rho, alt, TABLE_DT_S, GRID_D_RHO_M, GRID_N_RHO,
                             GRID_D_ALT_M, GRID_N_ALT)  # fmt: skip


def prepare(sc: Scenario) -> Prepared:
    """Solve the threat's aim and build the core's parameter tuples and tables."""
    env = sc.models.env()
    tc, mis, aim = _solve_threat(sc, env)
    rcs_b, rcs_rv = sc.threat_rcs()
    itc = sc.interceptor_core()
    el_g, tof_g = flyout_grid(itc, env)
    # sensitivity of range to the cutoff time (for aim-point errors along the range)
    d = 0.05
    lat0, lon0 = aim.lat0_rad, aim.lon0_rad
    # (ballistic: a pull-up threat's glide homes on the aim point and would hide it)
    mis_b = mis._replace(glide_ld=0.0)
    # (impact_and_apogee, not its wrapper fly_to_impact: the threat's solve compiled it)
    _, la1, lo1, _, _ = impact_and_apogee(mis_b, aim._replace(t_cutoff_s=aim.t_cutoff_s - d),
                                          env, 1e-9)  # fmt: skip
    _, la2, lo2, _, _ = impact_and_apogee(mis_b, aim._replace(t_cutoff_s=aim.t_cutoff_s - 2 * d),
                                          env, 1e-9)  # fmt: skip
    r1 = great_circle(lat0, lon0, la1, lo1)[0] * R_MEAN_M
    r2 = great_circle(lat0, lon0, la2, lo2)[0] * R_MEAN_M
    scene = sc.sensing.core(sc)
    if not tc.separates and any(g.count > 0 for g in sc.threat.penaids):
        raise ThaadInputError(
            f"threat.penaids: {tc.name}'s payload does not separate, so it releases none"
        )
    if not tc.separates:
        # one body and nothing else: discrimination has nothing to reject, so the lethal
        # window takes in the body's cross-section from nose-on to broadside (x2 margins)
        lo_rcs = min(scene.rcs_lethal_min_m2, 0.5 * min(rcs_rv, mis.rcs_broadside_m2))
        hi_rcs = max(scene.rcs_lethal_max_m2, 2.0 * max(rcs_rv, mis.rcs_broadside_m2))
        scene = scene._replace(rcs_lethal_min_m2=lo_rcs, rcs_lethal_max_m2=hi_rcs)
    return Prepared(
        scenario=sc, env=env, threat_name=tc.name, mis=mis, aim=aim, rcs_boost_m2=rcs_b,
        rcs_rv_m2=rcs_rv, radar=sc.battery.radar_core(), interceptor=itc,
        fire_control=sc.fire_control_core(),
        launchers=np.array(sc.battery.launcher_sites(), dtype=np.float64),
        el_grid=el_g, tof_grid=tof_g,
        lethality=sc.lethality_core(), seeker=sc.seeker_core(),
        drange_dcutoff_mps=(r1 - r2) / d, range_m=r1,
        scene=scene, threat=tc,
    )  # fmt: skip


def engage_once(prep: Prepared, rng: np.random.Generator, disperse: bool, record: bool):
    """One engagement with the core; with ``disperse`` the scenario's dispersions are drawn
    from ``rng`` first (threat steering and aim, interceptor thrust and pointing)."""
    aim = prep.aim
    itc = prep.interceptor
    pointing = 0.0
    if disperse:
        ds = prep.scenario.dispersions
        n = rng.standard_normal(6)
        d_down = ds.threat_aim_m * n[3]
        d_cross = ds.threat_aim_m * n[4]
        cutoff = aim.t_cutoff_s + ds.threat_cutoff_s * n[2] + d_down / prep.drange_dcutoff_mps
        aim = aim._replace(
            az_rad=aim.az_rad + ds.threat_azimuth_mrad * 1e-3 * n[0] + d_cross / prep.range_m,
            pitch_final_rad=aim.pitch_final_rad + ds.threat_pitch_mrad * 1e-3 * n[1],
            t_cutoff_s=min(cutoff, prep.mis.burn_s),
        )
        itc = itc._replace(thrust_n=itc.thrust_n * (1.0 + ds.interceptor_thrust_frac * n[5]))
        pointing = ds.interceptor_pointing_mrad * 1e-3
    threat, battery = _core_inputs(prep, aim, itc)
    return ceng.engage(threat, battery, prep.scene, prep.seeker, prep.lethality, prep.env,
                       pointing, rng, record)  # fmt: skip


def _look_args(sc: Scenario) -> tuple:
    """Arguments of the types :func:`thaad.core.engagement.engage` passes the radar look
    (:func:`thaad.core.scene.multi_look`), built from the scenario alone (the values are not
    used): for the compile plans."""
    from thaad.core.scene import Objects, new_sense_state

    n = 2
    objs = Objects(np.zeros((n, 2)), np.zeros((n, 2, 7)), np.zeros((n, 2, 7)),
                   np.zeros(n, np.int64), 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, np.zeros(n),
                   np.zeros(n))  # fmt: skip
    return (objs, new_sense_state(n, ceng.TRACK_CAPACITY), sc.sensing.core(sc), 0.0,
            sc.battery.radar_core(), np.zeros(3), np.zeros((3, 3)), sc.models.env(),
            np.random.default_rng(0), np.zeros(7), np.zeros((7, 7)), np.zeros((1, 5)),
            np.int64(0), True)  # fmt: skip


def command_first(sc: Scenario) -> list[tuple[Any, tuple]]:
    """What the command compiles first, before it solves the threat, while a helper compiles
    :func:`helper_plan` (a cold cache): the radar scan of the look. The helper, which
    compiles the interceptor's fly-out first, finds it in the cache when it comes to the
    look; the two processes' shares then take about as long (``bench/compile.py``)."""
    from thaad.core.scene import radar_scan

    objs, ss, _, t, rd, site, enu, env, rng = _look_args(sc)[:9]
    return [(radar_scan, (objs, ss, t, rd, site, enu, env, np.int64(0), rng))]


def helper_plan(sc: Scenario) -> list[tuple[Any, tuple]]:
    """What a helper process compiles while the command solves the threat (a cold cache,
    :mod:`thaad.analysis.precompile`): the engagement loop's largest callees (an
    interceptor's fly-out, then the radar look with the multi-object tracker, then a shot's
    settling), each with
    arguments of the types :func:`thaad.core.engagement.engage` passes them (the values are
    not used). Built from the scenario alone, without solving anything."""
    from thaad.core.events import new_event_log, sorted_events
    from thaad.core.guidance import fly_shot, new_shots
    from thaad.core.scene import engaged_object, multi_look

    look = _look_args(sc)
    objs, ss, x = look[0], look[1], look[9]
    shot = (new_shots(ceng.MAX_SHOTS, 1), np.int64(0), 0.0, objs, x, 0.0, sc.interceptor_core(),
            sc.seeker_core(), sc.models.env(), look[8], new_event_log())  # fmt: skip
    ys = np.zeros((2, 7))
    from thaad.core.doctrine import new_doctrine_state

    settle = (shot[0], np.int64(0), 0.0, 0.0, True, x, sc.lethality_core(),
              sc.fire_control_core(), new_doctrine_state(), shot[-1], np.zeros(ceng.N_SUMMARY),
              look[8])  # fmt: skip
    return [(fly_shot, shot), (multi_look, look), (ceng._settle, settle),
            # engage's own small callees and the truth interpolator the run calls after it:
            # else compiled after the wait, on the critical path
            (ceng._truth_rv, (objs, 0.0, np.zeros(7))), (engaged_object, (ss,)),
            (sorted_events, (new_event_log(),)),
            (path_at, (np.zeros(2), ys[:, :3], ys[:, 3:6], np.zeros(1)))]  # fmt: skip


def command_share(prep: Prepared) -> None:
    """The command's share of the compiling while a helper compiles :func:`helper_plan`:
    the engagement's threat flight and objects (flown once) and fire control, with the types
    :func:`thaad.core.engagement.engage` passes them."""
    from thaad.analysis.precompile import compile_plan
    from thaad.core.doctrine import new_doctrine_state
    from thaad.core.events import new_event_log
    from thaad.core.firecontrol import new_fire_state
    from thaad.core.guidance import new_shots
    from thaad.core.scene import build_objects
    from thaad.core.threat import threat_derivs

    mis, aim, env, scene = prep.mis, prep.aim, prep.env, prep.scene
    ts, ys, tb, _, _, _, _, ts_st, ys_st, _ = fly_threat(mis, aim, env, ceng.THREAT_RTOL,
                                                         ceng.THREAT_MAX_STEP_S)  # fmt: skip
    fs = threat_derivs(ts, ys, mis, aim, env)
    k = ts_st.shape[0] if scene.multi_object else 1
    rng = np.random.default_rng(0)
    build_objects(ts, ys, fs, tb, ts_st[:k], ys_st[:k], mis, env, scene,
                  scene.n_debris if scene.multi_object else 0, prep.rcs_boost_m2, prep.rcs_rv_m2,
                  rng)  # fmt: skip
    _, battery = _core_inputs(prep, aim, prep.interceptor)
    x, P = np.zeros(7), np.zeros((7, 7))
    shots, log, ds = new_shots(ceng.MAX_SHOTS, 1), new_event_log(), new_doctrine_state()
    fire = (0.0, x, P, 0.0, 0.0, 0.0, battery, env, new_fire_state(), ds, shots, 0.0, rng, log)
    compile_plan([(ceng._fire_control, fire)])


def _core_inputs(prep: Prepared, aim: Aim, itc: Interceptor):
    """The core's threat and battery tuples of an engagement (fresh launcher rounds)."""
    rounds = np.full(len(prep.launchers), prep.scenario.battery.launchers.rounds, np.int64)
    threat = ceng.ThreatIn(mis=prep.mis, aim=aim, rcs_boost_m2=prep.rcs_boost_m2,
                           rcs_rv_m2=prep.rcs_rv_m2)  # fmt: skip
    grid = FlyoutGrid(el_rad=prep.el_grid, tof_s=prep.tof_grid, d_rho_m=GRID_D_RHO_M,
                      d_alt_m=GRID_D_ALT_M)  # fmt: skip
    battery = ceng.BatteryIn(radar=prep.radar, interceptor=itc, fire_control=prep.fire_control,
                             launchers=prep.launchers, rounds=rounds, grid=grid)  # fmt: skip
    return threat, battery


def run(scenario: Scenario | None = None, seed: int | None = None,
        compile_helper: bool = False) -> EngagementResult | BattleResult:  # fmt: skip
    """Fly one engagement of the scenario; ``seed`` overrides the scenario's.

    The threat flies its nominal (solved) trajectory; the radar's and seeker's noise come from
    ``numpy.random.default_rng(seed)``. Monte Carlo draws add the scenario's dispersions.
    A battle scenario (``batteries:`` or ``threats:``) gives its
    :class:`~thaad.analysis.battle.BattleResult` (every threat and battery, the battle
    model) instead.
    ``compile_helper`` (a cold numba cache): a second process compiles :func:`helper_plan`
    while this one solves the threat (the same result, sooner on two or more cores).
    """
    sc = scenario if scenario is not None else load_scenario()
    if sc.is_battle:
        from thaad.analysis.battle import BattleResult, run_battle

        return BattleResult.from_dict(run_battle(sc, seed))
    seed = sc.seed if seed is None else seed
    helper = None
    if compile_helper:
        from thaad.analysis import precompile

        helper = precompile.start(lambda: helper_plan(sc))
    try:
        if helper is not None:
            precompile.compile_plan(command_first(sc))
        prep = prepare(sc)
        if helper is not None:
            command_share(prep)
            helper.join()
    finally:
        if helper is not None:
            helper.kill()
    env, tc, aim = prep.env, prep.threat, prep.aim
    out = engage_once(prep, np.random.default_rng(seed), False, True)
    summary, events, ts, ys, track, meas, paths, path_len, seeker_obj = out
    site = sc.battery.site
    lat_s, lon_s = math.radians(site.lat_deg), math.radians(site.lon_deg)

    def ground_from_battery(r: np.ndarray) -> float:
        lat, lon, _ = ecef_to_geodetic(float(r[0]), float(r[1]), float(r[2]), env.earth)
        return great_circle(lat_s, lon_s, lat, lon)[0] * R_MEAN_M

    def truth_at(t: float) -> np.ndarray:
        return path_at(ts, ys[:, :3], ys[:, 3:6], np.array([t]))[0]

    kinds = extra_kinds(sc)
    ev_list = []
    for t, kind, idx, value in events:
        name = ceng.EVENT_NAMES[int(kind)]
        e: dict[str, Any] = {"t_s": round(float(t), 3), "kind": name}
        if name == "track_firm" and int(idx) > 0:  # multi-object: track number, true object
            e["track"] = int(idx)
            e["object"] = object_name(value, kinds)
        elif int(idx) >= 0:
            e["interceptor"] = int(idx) + 1  # numbered from 1, as the text and the report say
        if name == "interceptor_launch":
            e["launcher"] = int(value) + 1
        r = truth_at(float(t))
        lat, lon, h = _geo(r, env.earth)
        if name.startswith("threat") or name in ("first_detection", "track_firm"):
            e["threat_alt_m"] = round(h, 1)
        if name == "first_detection":
            e["range_m"] = round(float(value), 1)
        if name == "seeker_acquisition":
            e["range_m"] = round(float(value), 1)
            e["object"] = object_name(int(seeker_obj[int(idx)]), kinds).split("-")[0]
        if name == "divert_exhausted":
            e["dv_used_mps"] = round(float(value), 1)
        if name == "interceptor_burnout":
            e["speed_mps"] = round(float(value), 1)
        if name in ("intercept", "miss"):
            e["miss_distance_m"] = float(value)
            e["alt_m"] = round(h, 1)
            e["ground_range_m"] = round(ground_from_battery(r), 1)
        if name == "threat_impact":
            e["lat_deg"] = round(lat, 5)
            e["lon_deg"] = round(lon, 5)
        ev_list.append(e)

    intercepted = bool(summary[ceng.S_INTERCEPTED] > 0.5)
    ix = summary[ceng.S_X : ceng.S_X + 3]
    if intercepted:
        ilat, ilon, ialt = _geo(ix, env.earth)
        igr = ground_from_battery(ix)
    else:
        ilat = ilon = ialt = igr = None
    miss = float(summary[ceng.S_MISS_M])
    yb_idx = int(np.searchsorted(ts, aim.t_cutoff_s, side="left"))
    apo = max(_geo(y, env.earth)[2] for y in ys)
    imp = ys[-1]
    threat_info = {
        "class": tc.name,
        "launch": sc.threat.launch.model_dump(),
        "aim": sc.threat.aim.model_dump(),
        "azimuth_deg": math.degrees(aim.az_rad) % 360.0,
        "cutoff_s": aim.t_cutoff_s,
        "burnout_speed_mps": float(np.linalg.norm(ys[yb_idx, 3:6])),
        "burnout_alt_m": _geo(ys[yb_idx], env.earth)[2],
        "apogee_alt_m": apo,
        "impact_time_s": float(summary[ceng.S_T_IMPACT]),
        "impact_lat_deg": _geo(imp, env.earth)[0],
        "impact_lon_deg": _geo(imp, env.earth)[1],
    }
    if tc.path is not None:  # a threat file: where it came from and its sources
        threat_info["file"] = tc.path
        threat_info["source"] = tc.reference
        threat_info["separates"] = tc.separates
    history = {
        "threat": {
            "t_s": ts.tolist(),
            "ecef_m": ys[:, :3].tolist(),
            "ecef_mps": ys[:, 3:6].tolist(),
        },
        "track": {
            "t_s": track[:, 0].tolist(),
            "ecef_m": track[:, 1:4].tolist(),
            "ecef_mps": track[:, 4:7].tolist(),
            "sigma_pos_m": track[:, 7].tolist(),
            "nis": [None if math.isnan(v) else v for v in track[:, 8]],
        },
        "measurements": {
            "t_s": meas[:, 0].tolist(),
            "range_m": meas[:, 1].tolist(),
            "az_rad": meas[:, 2].tolist(),
            "el_rad": meas[:, 3].tolist(),
            "object": [object_name(v, kinds) for v in meas[:, 4]],
        },
        "interceptors": [
            {
                "t_s": paths[j, : path_len[j], 0].tolist(),
                "ecef_m": paths[j, : path_len[j], 1:4].tolist(),
                "speed_mps": paths[j, : path_len[j], 4].tolist(),
                "seeker_object": None
                if seeker_obj[j] < 0
                else object_name(int(seeker_obj[j]), kinds).split("-")[0],
            }
            for j in range(int(summary[ceng.S_FIRED]))
        ],
        "battery": {
            "radar_ecef_m": geodetic_to_ecef(lat_s, lon_s, site.alt_m, env.earth).tolist(),
            "launchers_deg": [
                [math.degrees(a), math.degrees(b), c] for a, b, c in sc.battery.launcher_sites()
            ],
        },
    }
    return EngagementResult(
        intercepted=intercepted,
        miss_distance_m=None if math.isnan(miss) else miss,
        intercept_time_s=float(summary[ceng.S_T_INTERCEPT]) if intercepted else None,
        intercept_alt_m=ialt,
        intercept_ground_range_m=igr,
        intercept_lat_deg=ilat,
        intercept_lon_deg=ilon,
        interceptors_fired=int(summary[ceng.S_FIRED]),
        seed=int(seed),
        events=ev_list,
        threat=threat_info,
        scenario_name=sc.name,
        scenario_sha256=sc.digest(),
        history=history,
    )


@dataclass
class TrajectoryResult:
    """One threat trajectory (SI, degrees).

    ``t_s``/``ecef``: the booster then the RV (the cutoff instant appears twice).
    ``stage_t_s``/``stage_ecef``: the spent last stage from cutoff to its impact (full
    model only). ``analytic``: the closed-form values (ideal model only).
    """

    threat: str
    model: str
    shape: str
    burnout_speed_mps: float
    burnout_flight_path_deg: float
    burnout_time_s: float
    burnout_alt_m: float
    flight_time_s: float
    apogee_alt_m: float
    ground_range_m: float
    impact_lat_deg: float
    impact_lon_deg: float
    launch_azimuth_deg: float
    aim_miss_m: float
    t_s: np.ndarray = field(repr=False)
    ecef: np.ndarray = field(repr=False)  # (n, 6) position and velocity
    analytic: dict[str, float] | None = None
    apogee_time_s: float | None = None
    impact_speed_mps: float | None = None
    stage_flight_time_s: float | None = None
    stage_impact_lat_deg: float | None = None
    stage_impact_lon_deg: float | None = None
    stage_impact_speed_mps: float | None = None
    stage_t_s: np.ndarray | None = field(default=None, repr=False)
    stage_ecef: np.ndarray | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("t_s", "ecef", "stage_t_s", "stage_ecef"):
            d.pop(k)
        return d

    def table(self, earth: int) -> dict[str, list[float]]:
        """Time history columns: t_s, lat_deg, lon_deg, alt_m, ECEF position and velocity."""
        geo = np.array([_geo(y, earth) for y in self.ecef])
        return {
            "t_s": self.t_s.tolist(),
            "lat_deg": geo[:, 0].tolist(),
            "lon_deg": geo[:, 1].tolist(),
            "alt_m": geo[:, 2].tolist(),
            "x_m": self.ecef[:, 0].tolist(),
            "y_m": self.ecef[:, 1].tolist(),
            "z_m": self.ecef[:, 2].tolist(),
            "vx_mps": self.ecef[:, 3].tolist(),
            "vy_mps": self.ecef[:, 4].tolist(),
            "vz_mps": self.ecef[:, 5].tolist(),
        }


def _check_latlon(name: str, lat: float, lon: float) -> None:
    if not (-90.0 <= lat <= 90.0):
        raise ThaadInputError(f"{name}: latitude {lat} is outside [-90, 90]")
    if not (-180.0 <= lon <= 180.0):
        raise ThaadInputError(f"{name}: longitude {lon} is outside [-180, 180]")


def fly_trajectory(
    launch_deg: tuple[float, float],
    aim_deg: tuple[float, float],
    threat: str | ThreatClass = "srbm-600",
    shape: str = "min-energy",
    model: str = "full",
    max_step_s: float = 2.0,
    apogee_km: float | None = None,
    burnout_angle_deg: float | None = None,
    threat_file: str | None = None,
    glide: Glide | None = None,
) -> TrajectoryResult:
    """Fly one threat from a launch point at an aim point.

    ``model='ideal'`` is the textbook case (Bate, Mueller and White sec. 6.2): spherical,
    non-rotating Earth of radius 6,371 km, point gravity, vacuum, impulsive burnout on the
    surface with whatever speed the shape needs. ``model='full'`` switches everything on
    (WGS-84, rotation, J2, US76) and flies the class's booster, which reaches only so far.
    ``shape`` is one of :data:`thaad.model.shapes.SHAPES`; ``lofted`` and ``depressed`` take
    ``apogee_km`` or ``burnout_angle_deg`` (see :mod:`thaad.model.shapes`). ``threat`` is a
    catalogue class's name or a :class:`ThreatClass`; ``threat_file`` a threat file (it wins).
    A payload that does not separate has no spent stage (the ``stage_*`` fields are None).
    ``pull-up`` (full model) takes ``apogee_km`` and ``glide`` (default :class:`Glide`);
    an aim point beyond the glide's reach is missed short (``aim_miss_m``).
    """
    _check_latlon("--launch", *launch_deg)
    _check_latlon("--aim", *aim_deg)
    tc = resolve_threat(threat, threat_file)
    if model not in ("ideal", "full"):
        raise ThaadInputError(f"--model: '{model}' is not one of ideal, full")
    d = math.radians
    lat0, lon0 = d(launch_deg[0]), d(launch_deg[1])
    lat1, lon1 = d(aim_deg[0]), d(aim_deg[1])
    psi, az = great_circle(lat0, lon0, lat1, lon1)
    if psi * R_MEAN_M < 1.0e3:
        raise ThaadInputError("--aim: the aim point is less than 1 km from the launch point")
    check_shape(shape, psi, apogee_km, burnout_angle_deg)
    if model == "ideal":
        env = Env(0, 0, 0, 0)
        psi_c, gamma = ideal_conic(tc, psi, shape, apogee_km, burnout_angle_deg)
        v, tof, r_apo = ballistic_solution(psi_c, gamma, R_MEAN_M)
        r0 = geodetic_to_ecef(lat0, lon0, 0.0, 0)
        b = enu_basis(lat0, lon0)
        hdir = math.sin(az) * b[0] + math.cos(az) * b[1]
        vel = v * (math.cos(gamma) * hdir + math.sin(gamma) * b[2])
        y0 = np.concatenate([r0, vel, [1.0]])
        ts, ys, ev_t, ev_y = fly(0.0, y0, 10.0 * tof + 100.0, ballistic_phase(0.0), env, 1e-12,
                                 max_step_s, 0.0, 1.0e5)  # fmt: skip
        yi = ev_y[EV_IMPACT]
        ilat, ilon, _ = ecef_to_geodetic(yi[0], yi[1], yi[2], 0)
        has_apo = not math.isnan(ev_t[EV_APOGEE])
        apo_alt = _geo(ev_y[EV_APOGEE], 0)[2] if has_apo else 0.0
        miss = great_circle(ilat, ilon, lat1, lon1)[0] * R_MEAN_M
        return TrajectoryResult(
            threat=tc.name, model="ideal", shape=shape, burnout_speed_mps=v,
            burnout_flight_path_deg=math.degrees(gamma), burnout_time_s=0.0, burnout_alt_m=0.0,
            flight_time_s=float(ev_t[EV_IMPACT]), apogee_alt_m=apo_alt,
            ground_range_m=great_circle(lat0, lon0, ilat, ilon)[0] * R_MEAN_M,
            impact_lat_deg=math.degrees(ilat), impact_lon_deg=math.degrees(ilon),
            launch_azimuth_deg=math.degrees(az) % 360.0, aim_miss_m=miss,
            t_s=ts, ecef=ys[:, :6],
            analytic={"burnout_speed_mps": v, "burnout_flight_path_deg": math.degrees(gamma),
                      "flight_time_s": tof, "apogee_alt_m": r_apo - R_MEAN_M,
                      "ground_range_m": psi_c * R_MEAN_M},
            apogee_time_s=float(ev_t[EV_APOGEE]) if has_apo else None,
            impact_speed_mps=float(np.linalg.norm(yi[3:6])),
        )  # fmt: skip
    from thaad.model.scenario import Models

    env = Models().env()
    if shape == "pull-up":  # the miss, if any, is stated in aim_miss_m
        mis, aim, _ = solve_pullup(
            tc, env, (lat0, lon0, 0.0), (lat1, lon1, 0.0), float(apogee_km), glide or Glide()
        )  # type: ignore[arg-type]
    else:
        mis = tc.missile()
        aim = solve_full(tc, env, (lat0, lon0, 0.0), (lat1, lon1, 0.0), shape, apogee_km,
                         burnout_angle_deg)  # fmt: skip
    out = fly_threat(mis, aim, env, 1e-10, max_step_s)
    ts, ys, tb, yb, t_ap, t_imp, yi, ts_st, ys_st, y_ap = out
    ilat, ilon, _ = ecef_to_geodetic(yi[0], yi[1], yi[2], env.earth)
    slat, slon, _ = ecef_to_geodetic(ys_st[-1, 0], ys_st[-1, 1], ys_st[-1, 2], env.earth)
    apo = _geo(y_ap, env.earth)[2] if not math.isnan(t_ap) else max(_geo(y, env.earth)[2]
                                                                   for y in ys)  # fmt: skip
    if not tc.separates:
        ts_st = ys_st = None
    return TrajectoryResult(
        threat=tc.name, model="full", shape=shape,
        burnout_speed_mps=float(np.linalg.norm(yb[3:6])),
        burnout_flight_path_deg=math.degrees(flight_path_angle(yb)), burnout_time_s=float(tb),
        burnout_alt_m=_geo(yb, env.earth)[2], flight_time_s=float(t_imp), apogee_alt_m=apo,
        ground_range_m=great_circle(lat0, lon0, ilat, ilon)[0] * R_MEAN_M,
        impact_lat_deg=math.degrees(ilat), impact_lon_deg=math.degrees(ilon),
        launch_azimuth_deg=math.degrees(aim.az_rad) % 360.0,
        aim_miss_m=great_circle(ilat, ilon, lat1, lon1)[0] * R_MEAN_M,
        t_s=ts, ecef=ys[:, :6],
        apogee_time_s=None if math.isnan(t_ap) else float(t_ap),
        impact_speed_mps=float(np.linalg.norm(yi[3:6])),
        stage_flight_time_s=None if ts_st is None else float(ts_st[-1]),
        stage_impact_lat_deg=None if ts_st is None else math.degrees(slat),
        stage_impact_lon_deg=None if ts_st is None else math.degrees(slon),
        stage_impact_speed_mps=None if ts_st is None else float(np.linalg.norm(ys_st[-1, 3:6])),
        stage_t_s=ts_st, stage_ecef=None if ys_st is None else ys_st[:, :6],
    )  # fmt: skip
