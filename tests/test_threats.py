"""The threat catalogue, staged flight, trajectory shapes in the full model, batched flights,
and the ``thaad threats`` / ``thaad trajectory`` commands (output and bad input).

Public figures: see docs/parameters.md (threat classes) and the CSIS Missile Threat report
of the 14 May 2017 Hwasong-12 test (787 km, 2,111 km apogee, about 30 minutes).
"""

import json
import math
from pathlib import Path

import numpy as np
import pytest

import thaad
from thaad.cli import main
from thaad.core.constants import G0_MPS2
from thaad.core.earth import ecef_to_geodetic, great_circle
from thaad.core.flight import Env
from thaad.core.threat import (
    SHAPE_MIN_ENERGY,
    Aim,
    aim_point_on_sphere,
    fly_batch,
    fly_free_batch,
    fly_threat,
    fly_to_impact,
    impact_and_apogee,
    max_range_m,
    solve_aim,
    stage_mass_kg,
    threat_derivs,
)
from thaad.errors import ThaadInputError
from thaad.model.catalog import THREATS, threat_class

ROOT = Path(__file__).resolve().parents[1]
FULL = Env(1, 1, 1, 1)
LAUNCH = (39.0, 125.7)


def aim_at(range_km, az_deg=100.0):
    lat, lon = aim_point_on_sphere(math.radians(LAUNCH[0]), math.radians(LAUNCH[1]),
                                   math.radians(az_deg), range_km * 1e3)  # fmt: skip
    return math.degrees(lat), math.degrees(lon)


def test_catalogue_has_the_issue_classes_with_consistent_masses():
    assert set(THREATS) == {
        "srbm-300",
        "srbm-600",
        "srbm-qb",
        "mrbm-1000",
        "mrbm-1300",
        "irbm",
        "icbm",
    }
    assert len(THREATS["icbm"].stages) == 3
    assert len(THREATS["irbm"].stages) == 2
    for tc in THREATS.values():
        mis = tc.missile()
        assert mis.m0_kg == pytest.approx(
            sum(s.propellant_kg + s.dry_kg for s in tc.stages) + tc.m_rv_kg
        )
        for s in tc.stages:
            assert 200.0 < s.isp_s < 320.0  # liquid/solid motors of the class
            assert s.thrust_n / (tc.m0_kg * G0_MPS2) > 1.2 or s is not tc.stages[0]
        # the mass after the last burn is the RV plus the last stage's dry mass
        last = mis.n_stages - 1
        m_end = stage_mass_kg(mis, last) - mis.stage_mdot_kgps[last] * mis.stage_burn_s[last]
        assert m_end == pytest.approx(tc.m_rv_kg + tc.stages[-1].dry_kg)


@pytest.mark.parametrize("name", sorted(THREATS))
def test_documented_reach_is_what_the_full_model_gives(name):
    """catalog.py and docs/parameters.md state the burnout speed and maximum range in the
    full model, due north from 40 N; recompute them (0.5 %) and find them in the docs."""
    tc = THREATS[name]
    mis = tc.missile()
    rng, pitch = max_range_m(mis, math.radians(40.0), 0.0, 0.0, 0.0, FULL)
    out = fly_threat(mis, Aim(math.radians(40.0), 0.0, 0.0, 0.0, mis.burn_s, pitch), FULL,
                     1e-10, 2.0)  # fmt: skip
    assert rng / 1e3 == pytest.approx(tc.max_range_km, rel=5e-3)
    assert np.linalg.norm(out[3][3:6]) == pytest.approx(tc.burnout_speed_mps, rel=5e-3)
    # the class reaches its nominal range
    assert tc.max_range_km >= tc.nominal_range_km
    doc = (ROOT / "docs" / "parameters.md").read_text()
    row = next(line for line in doc.splitlines() if line.startswith(f"| {name} |"))
    assert f"{tc.max_range_km:,.0f} km" in row and f"{tc.burnout_speed_mps:,.0f} m/s" in row


def test_staged_flight_spent_stage_and_derivatives():
    """Two stages: staging drops the first stage's dry mass; after cutoff the RV and the
    spent stage fly on separately; the spent stage (low beta) falls short and slower."""
    tc = threat_class("irbm")
    mis = tc.missile()
    aim_deg = aim_at(3000.0)
    res = thaad.fly_trajectory(LAUNCH, aim_deg, threat="irbm", model="full")
    assert res.aim_miss_m < 1000.0
    assert res.burnout_time_s > tc.stages[0].burn_s  # cut off in the second stage
    # the spent stage starts where the RV starts and lands short of it, slower
    k_rv = np.searchsorted(res.t_s, res.burnout_time_s, side="left") + 1  # the RV's first row
    assert res.t_s[k_rv] == res.burnout_time_s
    assert np.array_equal(res.stage_ecef[0], res.ecef[k_rv])
    gc = great_circle
    d = math.radians
    st_rng = gc(d(LAUNCH[0]), d(LAUNCH[1]), d(res.stage_impact_lat_deg),
                d(res.stage_impact_lon_deg))[0] * 6371e3  # fmt: skip
    assert st_rng < res.ground_range_m - 1e3  # drag acts only in the last minute or so
    assert res.stage_impact_speed_mps < 0.5 * res.impact_speed_mps
    assert res.stage_flight_time_s > res.flight_time_s
    # the history: staging and cutoff each repeat an instant; mass derivatives by phase
    lat1, lon1 = d(aim_deg[0]), d(aim_deg[1])
    aim, status, _ = solve_aim(mis, d(LAUNCH[0]), d(LAUNCH[1]), 0.0, lat1, lon1, 0.0, FULL,
                               SHAPE_MIN_ENERGY, 0.0, 1.0)  # fmt: skip
    assert status == 0
    ts, ys, tb = fly_threat(mis, aim, FULL, 1e-10, 2.0)[:3]
    rep = np.flatnonzero(np.diff(ts) == 0.0)
    assert len(rep) == 2
    assert ts[rep[0]] == pytest.approx(tc.stages[0].burn_s)
    assert ts[rep[1]] == pytest.approx(tb)
    assert ys[rep[0], 6] - ys[rep[0] + 1, 6] == pytest.approx(tc.stages[0].dry_kg)
    assert ys[rep[1] + 1, 6] == pytest.approx(tc.m_rv_kg)
    fs = threat_derivs(ts, ys, mis, aim, FULL)
    assert np.allclose(fs[: rep[0] + 1, 6], -tc.stages[0].mdot_kgps)
    assert np.allclose(fs[rep[0] + 1 : rep[1] + 1, 6], -tc.stages[1].mdot_kgps)
    assert np.all(fs[rep[1] + 1 :, 6] == 0.0)


@pytest.mark.parametrize(
    ("cls", "range_km", "shape", "kw"),
    [
        ("mrbm-1300", 1000.0, "depressed", {"burnout_angle_deg": 20.0}),
        ("mrbm-1000", 700.0, "lofted", {"burnout_angle_deg": 60.0}),
        ("srbm-600", 450.0, "lofted", {"apogee_km": 250.0}),
        ("mrbm-1300", 900.0, "depressed", {"apogee_km": 150.0}),
    ],
)  # fmt: skip
def test_shaped_trajectories_hit_the_aim_within_1_km(cls, range_km, shape, kw):
    res = thaad.fly_trajectory(LAUNCH, aim_at(range_km), threat=cls, shape=shape, **kw)
    assert res.aim_miss_m < 1000.0
    if "burnout_angle_deg" in kw:
        assert res.burnout_flight_path_deg == pytest.approx(kw["burnout_angle_deg"], abs=0.01)
    else:
        assert res.apogee_alt_m == pytest.approx(kw["apogee_km"] * 1e3, rel=1e-3)
    me = thaad.fly_trajectory(LAUNCH, aim_at(range_km), threat=cls)
    if shape == "lofted":
        assert res.apogee_alt_m > me.apogee_alt_m and res.flight_time_s > me.flight_time_s
    else:
        assert res.apogee_alt_m < me.apogee_alt_m and res.flight_time_s < me.flight_time_s


def test_max_range_shape_flies_the_class_reach_toward_the_aim():
    aim_deg = aim_at(500.0, az_deg=0.0)
    full = thaad.fly_trajectory(LAUNCH, aim_deg, threat="mrbm-1000", shape="max-range")
    assert full.ground_range_m == pytest.approx(THREATS["mrbm-1000"].max_range_km * 1e3,
                                                rel=0.01)  # fmt: skip
    # lands on the great circle through the aim point
    d = math.radians
    _, az_aim = great_circle(d(LAUNCH[0]), d(LAUNCH[1]), d(aim_deg[0]), d(aim_deg[1]))
    _, az_imp = great_circle(d(LAUNCH[0]), d(LAUNCH[1]), d(full.impact_lat_deg),
                             d(full.impact_lon_deg))  # fmt: skip
    assert abs(az_imp - az_aim) * full.ground_range_m < 100.0
    # ideal: BMW eq. 6.2-20 with the class's burnout speed, sin(psi/2) = Q/(2 - Q)
    ideal = thaad.fly_trajectory(LAUNCH, aim_deg, threat="mrbm-1000", shape="max-range",
                                 model="ideal")  # fmt: skip
    q = 2889.0**2 * 6371e3 / 3.986004418e14
    assert ideal.ground_range_m == pytest.approx(2 * math.asin(q / (2 - q)) * 6371e3, rel=1e-4)
    assert ideal.burnout_speed_mps == pytest.approx(2889.0)


def test_batched_flights_match_single_flights_and_disperse():
    mis = threat_class("srbm-600").missile()
    lat0, lon0 = math.radians(LAUNCH[0]), math.radians(LAUNCH[1])
    aim = Aim(lat0, lon0, 0.0, math.radians(120.0), 60.0, math.radians(40.0))
    rng = np.random.default_rng(3)
    n = 64
    daz, dtc, dpi = 1e-3 * rng.standard_normal(n), 0.3 * rng.standard_normal(n), np.zeros(n)
    daz[0] = dtc[0] = 0.0
    t_imp, lat, lon = fly_batch(mis, aim, FULL, daz, dtc, dpi, 1e-9)
    for k in (0, 5):
        a = Aim(lat0, lon0, 0.0, aim.az_rad + daz[k], aim.t_cutoff_s + dtc[k], aim.pitch_final_rad)
        _, la, lo, ti = fly_to_impact(mis, a, FULL, 1e-9)
        assert (t_imp[k], lat[k], lon[k]) == (ti, la, lo)
    spread = [
        great_circle(lat[0], lon[0], la, lo)[0] * 6371e3 for la, lo in zip(lat, lon, strict=True)
    ]
    assert 1e3 < np.median(spread) < 50e3  # 1 mrad and 0.3 s scatter kilometres
    # free flight of N objects from their burnout states: the RV lands where fly_threat says
    out = fly_threat(mis, aim, FULL, 1e-9, 60.0)
    y0 = np.tile(out[3], (3, 1))
    y0[:, 6] = mis.m_rv_kg
    cda = np.full(3, mis.m_rv_kg / mis.beta_rv_kgpm2)
    cda[2] *= 10.0  # a tenth of the ballistic coefficient falls short
    t_f, y_f = fly_free_batch(out[2], y0, cda, FULL, 1e-9)
    assert np.linalg.norm(y_f[0, :3] - out[6][:3]) < 1.0
    assert t_f[0] == pytest.approx(out[5], abs=1e-6)
    lat2, lon2, _ = ecef_to_geodetic(y_f[2, 0], y_f[2, 1], y_f[2, 2], 1)
    lat1, lon1, _ = ecef_to_geodetic(y_f[0, 0], y_f[0, 1], y_f[0, 2], 1)
    assert great_circle(lat0, lon0, lat2, lon2)[0] < great_circle(lat0, lon0, lat1, lon1)[0]


def test_threats_command_table_and_json(capsys):
    assert main(["threats"]) == 0
    text = capsys.readouterr().out
    for name in THREATS:
        assert name in text
    assert "4,543" in text and "two-stage" in text
    assert main(["threats", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in rows] == list(THREATS)
    irbm = next(r for r in rows if r["name"] == "irbm")
    assert len(irbm["stages"]) == 2 and irbm["max_range_km"] == 4543.0
    assert {"thrust_n", "burn_s", "propellant_kg", "dry_kg"} <= set(irbm["stages"][0])


def test_trajectory_command_shapes_json(capsys, tmp_path):
    lat, lon = aim_at(1000.0)
    rc = main(["trajectory", "--launch", "39.0,125.7", "--aim", f"{lat},{lon}", "--threat",
               "mrbm-1300", "--shape", "depressed", "--burnout-angle-deg", "20",
               "--json"])  # fmt: skip
    assert rc == 0
    d = json.loads(capsys.readouterr().out)
    for k in ("burnout_speed_mps", "burnout_flight_path_deg", "flight_time_s", "apogee_alt_m",
              "ground_range_m", "impact_lat_deg", "impact_lon_deg",
              "stage_impact_lat_deg"):  # fmt: skip
        assert k in d
    assert d["shape"] == "depressed" and d["burnout_flight_path_deg"] == pytest.approx(20, abs=0.01)
    png = tmp_path / "p.png"
    rc = main(["trajectory", "--launch", "0,0", "--aim", "0,9", "--model", "ideal", "--shape",
               "lofted", "--apogee-km", "1000", "--plot", str(png)])  # fmt: skip
    assert rc == 0
    out = capsys.readouterr().out
    assert "apogee" in out and "1000.0 km" in out and f"wrote {png}" in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--threat", "srbm-300", "--aim", "35.0,129.0"],
         "reach of srbm-300 (302 km toward it from this launch point; the class's maximum "
         "range is 301 km due north from 40 N)"),
        (["--threat", "irbm"], "too close for irbm on a minimum-energy trajectory"),
        (["--shape", "lofted", "--burnout-angle-deg", "95"], "outside (0, 90)"),
        (["--shape", "depressed", "--burnout-angle-deg", "0"], "outside (0, 90)"),
        (["--shape", "lofted", "--burnout-angle-deg", "30"], "above the minimum-energy angle"),
        (["--shape", "lofted"], "needs --apogee-km or --burnout-angle-deg"),
        (["--shape", "lofted", "--apogee-km", "900", "--burnout-angle-deg", "60"], "not both"),
        (["--apogee-km", "300"], "applies to the lofted and depressed shapes"),
        (["--shape", "depressed", "--apogee-km", "400"], "below the minimum-energy apogee"),
        (["--shape", "lofted", "--apogee-km", "3000"], "cannot reach the aim point"),
        (["--shape", "lofted", "--apogee-km", "-5"], "not a positive altitude"),
        (["--shape", "lofted", "--apogee-km", "abc"], "is not a number"),
        (["--model", "ideal", "--shape", "lofted", "--burnout-angle-deg", "89.9"],
         "needs escape speed"),
    ],
)  # fmt: skip
def test_trajectory_bad_input_is_one_line_and_exit_2(capsys, args, needle):
    base = ["trajectory", "--launch", "39.2,125.67", "--aim", "35.87,128.60"]
    if "--aim" in args:
        base = base[:3]
    try:
        rc = main(base + args)
    except SystemExit as exc:  # argparse's own errors
        rc = exc.code
    err = capsys.readouterr().err
    assert rc == 2
    assert len(err.strip().splitlines()) == 1, err
    assert needle in err and "Traceback" not in err


def test_one_reach_for_the_error_and_the_max_range_shot(capsys):
    """The reach an out-of-range error states is the range --shape max-range flies toward
    the same aim point (one computation, thaad.model.shapes.reach_m), beside the class's
    one catalogue figure."""
    import json

    from thaad.model.catalog import THREATS

    base = ["trajectory", "--threat", "srbm-600", "--launch", "39.2,125.67"]
    assert main([*base, "--aim", "33.0,130.0"]) == 2
    err = capsys.readouterr().err
    reach_km = float(err.split("(")[1].split(" km toward it")[0])
    assert f"maximum range is {THREATS['srbm-600'].max_range_km:,.0f} km due north" in err
    assert main([*base, "--aim", "33.0,130.0", "--shape", "max-range", "--json"]) == 0
    flown_km = json.loads(capsys.readouterr().out)["ground_range_m"] / 1e3
    assert abs(flown_km - reach_km) <= 0.5 + 1e-9  # the error rounds to the kilometre


def test_scenario_takes_a_shape():
    """``threat.shape`` and its parameter in a scenario reach the targeting."""
    from thaad.analysis.engagement import _solve_threat

    sc = thaad.load_scenario(overrides=["threat.class=mrbm-1000", "threat.shape=lofted",
                                        "threat.apogee_km=400"])  # fmt: skip
    env = sc.models.env()
    tc, mis, aim = _solve_threat(sc, env)
    assert tc.name == "mrbm-1000"
    _, lat, lon, _, h_ap = impact_and_apogee(mis, aim, env, 1e-10)
    assert h_ap == pytest.approx(400e3, rel=1e-3)
    assert great_circle(lat, lon, math.radians(35.8714), math.radians(128.6014))[0] * 6371e3 < 1e3
    with pytest.raises(ThaadInputError, match=r"threat\.burnout_angle_deg"):
        thaad.load_scenario(overrides=["threat.burnout_angle_deg=120"])
    sc = thaad.load_scenario(overrides=["threat.shape=lofted"])
    with pytest.raises(ThaadInputError, match=r"threat\.shape: lofted needs threat\.apogee_km"):
        _solve_threat(sc, sc.models.env())
