"""Objects the radar sees (RV, spent stage, debris), the multi-object sensing of an
engagement, and discrimination: the default engagement engages and kills the RV."""

import math

import numpy as np
import pytest

import thaad
from thaad.core import scene as S
from thaad.core.earth import enu_basis, geodetic_to_ecef


def test_default_engagement_engages_the_rv_among_stage_and_debris(default_result):
    r = default_result
    assert r.intercepted
    firm = [e for e in r.events if e["kind"] == "track_firm"]
    assert firm and all(e["object"] == "rv" for e in firm)
    from thaad.output.text import event_details

    assert f"track {firm[0]['track']} (on the rv)" in event_details(firm[0])
    seen = r.history["measurements"]["object"]
    assert {"rv", "stage", "debris-1"} <= set(seen)
    debris = sorted({o for o in seen if o.startswith("debris")})
    assert debris == [f"debris-{k + 1}" for k in range(len(debris))]  # one name per piece
    # the engaged track's NIS is that of a consistent 3-D measurement filter
    nis = np.array([v for v in r.history["track"]["nis"] if v is not None])
    assert 2.0 < nis.mean() < 4.5


def test_the_single_object_model_is_still_there():
    sc = thaad.load_scenario(overrides=["sensing.model=single-object"])
    r = thaad.run(sc)
    assert r.intercepted
    assert set(r.history["measurements"]["object"]) == {"rv"}
    assert all("track" not in e for e in r.events)  # no track numbers: one object
    acq = [e for e in r.events if e["kind"] == "seeker_acquisition"]
    assert acq and all(e["object"] == "rv" for e in acq)


@pytest.fixture(scope="module")
def objects():
    from thaad.analysis.engagement import prepare
    from thaad.core.threat import fly_threat, threat_derivs

    prep = prepare(thaad.load_scenario())
    mis, aim, env = prep.mis, prep.aim, prep.env
    ts, ys, tb, _, _, t_imp, _, ts_st, ys_st, _ = fly_threat(mis, aim, env, 1e-9, 2.0)
    fs = threat_derivs(ts, ys, mis, aim, env)
    obj = S.build_objects(ts, ys, fs, tb, ts_st, ys_st, mis, env, prep.scene, 3, 5.0, 0.1,
                          np.random.default_rng(1))  # fmt: skip
    return obj, prep, t_imp


def test_stage_falls_short_and_debris_drift_apart(objects):
    obj, prep, t_imp = objects
    assert obj.n.shape[0] == 5
    t_st_end = obj.t[1, obj.n[1] - 1]
    # the tumbling stage (beta 130 kg/m2) brakes hard in the air: it lands after the RV
    # (4,880 kg/m2) and short of it
    assert t_st_end > t_imp + 30.0
    r_launch = geodetic_to_ecef(prep.aim.lat0_rad, prep.aim.lon0_rad, 0.0, 1)
    d_stage = np.linalg.norm(obj.y[1, obj.n[1] - 1, :3] - r_launch)
    d_rv = np.linalg.norm(obj.y[0, obj.n[0] - 1, :3] - r_launch)
    assert d_stage < d_rv - 10e3
    y = np.empty(7)
    y_rv = np.empty(7)
    assert S.object_state(obj, 0, obj.t_sep + 100.0, y_rv)

    # debris (50 kg/m2), released at 36 km where the air still brakes them hard, fall
    # behind the RV: tens of km after 100 s, more after 200 s
    def lag(d, dt):
        assert S.object_state(obj, 0, obj.t_sep + dt, y_rv)
        assert S.object_state(obj, d, obj.t_sep + dt, y)
        return np.linalg.norm(y_rv[:3] - r_launch) - np.linalg.norm(y[:3] - r_launch)

    for d in range(2, 5):
        assert 10e3 < lag(d, 100.0) < 500e3
        assert lag(d, 200.0) > lag(d, 100.0)
    assert not S.object_state(obj, 1, t_st_end + 1.0, y)  # gone after its impact
    assert S.object_rcs(obj, 0, obj.t_sep - 1.0) == obj.rcs_boost_m2
    assert S.object_rcs(obj, 0, obj.t_sep + 1.0) == obj.rcs_rv_m2
    assert S.object_rcs(obj, 1, obj.t_sep + 1.0) == obj.rcs_stage_m2


def _still_objects(positions, rcs):
    """Objects parked at fixed ECEF points (two equal rows, zero derivatives)."""
    n = len(positions)
    t = np.tile(np.array([0.0, 1e4]), (n, 1))
    y = np.zeros((n, 2, 7))
    for i, p in enumerate(positions):
        y[i, :, :3] = p
        y[i, :, 6] = 1.0
    return S.Objects(t, y, np.zeros((n, 2, 7)), np.full(n, 2, np.int64), -1.0, rcs[0], rcs[0],
                     rcs[1] if n > 1 else 1.0, 1.0)  # fmt: skip


def test_detections_follow_the_swerling_pd_and_the_snr_scaled_noise():
    """An object where a Swerling 1 target's Pd is 0.5 (SNR 12.77 dB at Pfa 1e-6) is detected
    half the time, with range errors of sigma_range_m(SNR)."""
    from thaad.core.radar import (
        pd_swerling,
        required_snr_db,
        sigma_range_m,
        snr_constant_dwell,
        time_budget,
    )
    from thaad.core.tracks import new_track_table  # noqa: F401  (the state holds a table)

    sc = thaad.load_scenario()
    rd = sc.battery.radar_core()
    env = sc.models.env()
    site = geodetic_to_ecef(rd.lat_rad, rd.lon_rad, rd.alt_m, env.earth)
    enu = enu_basis(rd.lat_rad, rd.lon_rad)
    snr = 10 ** (required_snr_db(0.5, rd.pfa, rd.swerling) / 10)
    _, dwell = time_budget(rd, 0)
    rng_m = (snr_constant_dwell(rd, dwell) * 0.1 / snr) ** 0.25  # about 1,030 km
    az, el = rd.boresight_az_rad, math.radians(8.0)
    p = site + rng_m * (math.cos(el) * (math.sin(az) * enu[0] + math.cos(az) * enu[1])
                        + math.sin(el) * enu[2])  # fmt: skip
    obj = _still_objects([p], (0.1,))
    ss = S.new_sense_state(1, 1)
    rng = np.random.default_rng(5)
    n = 1500
    hits = []
    for i in range(n):
        if S.radar_scan(obj, ss, float(i), rd, site, enu, env, 0, rng):
            hits.append(ss.Z[0, 0] - rng_m)
    pd = pd_swerling(snr, rd.pfa, rd.swerling)
    assert pd == pytest.approx(0.5, abs=1e-6)
    assert abs(len(hits) / n - pd) < 4 * math.sqrt(pd * (1 - pd) / n)
    assert np.std(hits) == pytest.approx(sigma_range_m(rd, snr), rel=0.1)
    assert sigma_range_m(rd, snr) > rd.sigma_range_m  # the thermal part shows at low SNR


def test_unresolved_objects_give_one_detection():
    """Two objects 5 m apart (one 15 m range cell, one beam) are one detection, labelled
    with the brighter; 2 km apart they are two."""
    sc = thaad.load_scenario()
    rd = sc.battery.radar_core()
    env = sc.models.env()
    site = geodetic_to_ecef(rd.lat_rad, rd.lon_rad, rd.alt_m, env.earth)
    enu = enu_basis(rd.lat_rad, rd.lon_rad)
    az, el = rd.boresight_az_rad, math.radians(20.0)
    u = math.cos(el) * (math.sin(az) * enu[0] + math.cos(az) * enu[1]) + math.sin(el) * enu[2]
    rng = np.random.default_rng(0)
    for gap, want in [(5.0, 1), (2000.0, 2)]:
        obj = _still_objects([site + 200e3 * u, site + (200e3 + gap) * u], (0.1, 5.0))
        ss = S.new_sense_state(2, 1)
        k = S.radar_scan(obj, ss, 1.0, rd, site, enu, env, 0, rng)
        assert k == want
        if want == 1:
            assert ss.who[0] == 1  # the 5 m2 stage hides the 0.1 m2 RV
