"""The battle: raids against several batteries in tiers, checked against closed forms.

Closed forms (fixed single-shot kill probability ``p``, perfect kill assessment; the public
reference's "salvo of n independent shots: P_kill = 1 - (1 - p)^n; several layers multiply
their leakages", /work/shared/reference/public-figures.md): N threats each given a salvo of 2
leak ``N (1 - p)^2`` on average; an upper tier ``p1`` then a lower tier ``p2``, one shot each,
leak ``(1 - p1)(1 - p2)``; a raid larger than the inventory leaks at least the unengaged.
"""

import math

import numpy as np
import pytest

from thaad.analysis.battle import assign_tier, battle_draws, prepare_battle, run_battle
from thaad.cli.main import main
from thaad.errors import ThaadInputError
from thaad.model.scenario import load_scenario

DAEGU = "{name: Daegu, lat_deg: 35.8714, lon_deg: 128.6014}"
LAUNCH = "{lat_deg: 39.2, lon_deg: 125.67}"
SEONGJU = "{name: Seongju, lat_deg: 36.0513, lon_deg: 128.2229, alt_m: 680.0}"


def _scenario(tmp_path, batteries: str, count: int, extra: str = "", spacing: float = 5.0):
    text = f"""
name: test battle
sensing: {{model: single-object}}
lethality: {{model: fixed, sspk: 0.6}}
batteries:
{batteries}
threats:
  - {{launch: {LAUNCH}, aim: {DAEGU}, count: {count}, spacing_s: {spacing}}}
{extra}
"""
    p = tmp_path / "battle.yaml"
    p.write_text(text)
    return load_scenario(p)


ONE = f"  - {{name: A, kind: thaad, site: {SEONGJU}}}\n"


def test_a_salvo_of_two_leaks_n_times_one_minus_p_squared(tmp_path):
    sc = _scenario(tmp_path, ONE, 10, "doctrine: {mode: salvo, shots: 2}")
    prep = prepare_battle(sc)
    assert np.all(prep.shots == 2)  # the window fits the salvo for every threat
    x = assign_tier(prep, [0], list(range(10)), prep.rounds, 2)
    assert x.tolist() == [[2] * 10]
    rows = battle_draws(sc, 1, 0, 4000, prep)
    expected = 10 * (1 - 0.6) ** 2  # 1.6
    se = math.sqrt(10 * 0.16 * 0.84 / 4000)
    assert abs(rows[:, 0].mean() - expected) < 4 * se
    assert np.all(rows[:, 2] == 20)


def test_upper_then_lower_tier_leak_the_product(tmp_path):
    bats = (
        f"  - {{name: Upper, kind: thaad, site: {SEONGJU}, sspk: 0.7}}\n"
        f"  - {{name: Lower, kind: thaad, tier: lower, site: {SEONGJU}, sspk: 0.5}}\n"
    )
    sc = _scenario(tmp_path, bats, 1, "doctrine: {shots: 1}")
    rows = battle_draws(sc, 2, 0, 20000)
    expected = (1 - 0.7) * (1 - 0.5)  # 0.15
    assert abs(rows[:, 0].mean() - expected) < 4 * math.sqrt(expected * (1 - expected) / 20000)
    # the lower tier fires only at what the upper tier's assessment says survived
    assert abs(rows[:, 2].mean() - (1 + 0.3)) < 0.02


def test_a_raid_larger_than_the_inventory_leaks_at_least_the_unengaged(tmp_path):
    bats = f"  - {{name: A, kind: thaad, site: {SEONGJU}, launchers: {{count: 1, rounds: 4}}}}\n"
    sc = _scenario(tmp_path, bats, 10, "doctrine: {shots: 1}")
    rows = battle_draws(sc, 3, 0, 200)
    assert np.all(rows[:, 0] >= 6)
    assert np.all(rows[:, 2] == 4)


def test_short_rounds_spread_one_shot_over_every_threat_first(tmp_path):
    """30 threats, 48 rounds, up to 2 shots: every threat gets one shot, 18 a second (not two
    at the first 24): maximum marginal return, p = 0.6 > 0.6 x 0.4."""
    sc = _scenario(tmp_path, ONE, 30, "doctrine: {shots: 2}", spacing=2.0)
    prep = prepare_battle(sc)
    assert np.all(prep.shots[0] >= 1)
    x = assign_tier(prep, [0], list(range(30)), prep.rounds, 2)
    assert x.sum() == 48 and x.min() == 1 and x.max() == 2


def test_a_raid_stretches_the_revisit_and_drops_tracks():
    """Multi-object sensing: 5 objects a threat (RV, stage, 3 debris); 40 ms a look, half the
    time to tracks, a track may go 5 s unrefreshed: 5 x 0.5 / 0.04 = 62.5 objects, so 12
    threats (60 objects, a 4.8 s revisit) are held and the other 8 of the 20 launched within
    38 s are dropped (a 13th would need 65 x 0.04 / 0.5 = 5.2 s)."""
    sc = load_scenario("scenarios/raid.yaml")
    r = run_battle(sc)
    b = r["batteries"][0]
    assert b["max_objects_in_track"] == 60
    assert b["max_revisit_s"] == pytest.approx(5.2)
    assert b["tracks_dropped"] == 8
    assert r["leakers"] >= b["tracks_dropped"]
    assert r["interceptors_left"]["Seongju"] == 48 - r["interceptors_fired"]
    assert {"threat", "battery"} <= set(next(e for e in r["events"]
                                             if e["kind"] == "interceptor_launch"))  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ("batteries: []", "batteries"),
        ("batteries: [{name: A, kind: thaad}, {name: a, kind: thaad}]", "batteries.1.name"),
        ("batteries: [{name: A, kind: sm3}]", "batteries.0.kind"),
        ("threats: []", "threats"),
        ("threats: [{count: 0}]", "threats.0.count"),
        ("battle: {assignment: optimal}", "battle.assignment"),
    ],
)
def test_bad_battle_input_is_one_line_exit_2(tmp_path, capsys, change, field):
    p = tmp_path / "bad.yaml"
    p.write_text(change + "\n")
    with pytest.raises(ThaadInputError, match=field.replace(".", r"\.")):
        load_scenario(p)
    assert main(["run", str(p), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.splitlines()  # (a compile notice may come first)
    assert err[-1].startswith("thaad: error: ") and field in err[-1]
    assert sum(line.startswith("thaad: error") for line in err) == 1


def test_pac3_kind_sets_the_lower_tier_defaults():
    sc = load_scenario(overrides=["batteries=[{name: P, kind: pac3, "
                                  "fire_control: {max_intercept_range_km: 60}}]"])  # fmt: skip
    b = sc.batteries[0]
    assert b.tier_name == "lower"
    assert b.fire_control.max_intercept_alt_km == 24.0
    assert b.fire_control.max_intercept_range_km == 60.0  # a given key overrides the kind's
    assert b.interceptor.mass_kg == 316.0


def test_raid_of_size_scales_the_entries_in_proportion():
    from thaad.analysis.saturation import raid_of_size

    sc = load_scenario("scenarios/raid.yaml")  # 8 at Daegu, 6 at Busan, 6 at Ulsan
    assert [e.count for e in raid_of_size(sc, 10).threats] == [4, 3, 3]
    assert [e.count for e in raid_of_size(sc, 1).threats] == [1]
    assert sum(e.count for e in raid_of_size(sc, 64).threats) == 64


def test_saturation_table_and_resume(tmp_path, capsys):
    """Two raid sizes of single-object threats at Daegu with one shot each at p = 0.6 and a
    4-round battery: 2 threats leak 2 x 0.4; 8 threats leak at least the 4 unengaged."""
    p = tmp_path / "s.yaml"
    p.write_text(f"""
sensing: {{model: single-object}}
lethality: {{model: fixed, sspk: 0.6}}
doctrine: {{shots: 1}}
batteries: [{{name: A, site: {SEONGJU}, launchers: {{count: 1, rounds: 4}}}}]
threats: [{{launch: {LAUNCH}, aim: {DAEGU}, count: 2, spacing_s: 5}}]
""")
    out = tmp_path / "sat"
    argv = ["saturation", str(p), "--sizes", "2,8", "--draws", "2000", "--workers", "1",
            "--out", str(out), "--json"]  # fmt: skip
    assert main(argv) == 0
    import json

    s = json.loads(capsys.readouterr().out)
    rows = {r["size"]: r for r in s["table"]}
    assert abs(rows[2]["mean_leakers"] - 0.8) < 4 * math.sqrt(2 * 0.24 / 2000)
    assert rows[8]["mean_leakers"] >= 4.0 and rows[8]["mean_interceptors_fired"] == 4.0
    assert s["first_size_with_mean_leakers_over_1"] == 8
    for name in ("saturation.parquet", "saturation.csv", "saturation.png"):
        assert (out / name).stat().st_size > 0
    (out / "points" / "size-00008.json").write_text("{")  # damaged: flown again on --resume
    assert main([*argv, "--resume"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["table"] == s["table"]
    assert main(argv) == 2  # the same study again without --resume is refused


def test_run_json_and_montecarlo_on_a_battle(tmp_path, capsys):
    import json

    assert main(["run", "scenarios/layered.yaml", "--out", str(tmp_path / "r"), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert set(d["interceptors_left"]) == {"Seongju", "Seoul PAC-3", "Pyeongtaek PAC-3"}
    assert len(d["threats"]) == 16
    keys = {"id", "class", "aim", "intercepted", "interceptors_fired", "intercept_alt_m",
            "battery", "tier"}  # fmt: skip
    assert all(keys <= set(t) for t in d["threats"])
    assert d["leakers"] == sum(not t["intercepted"] for t in d["threats"])
    assert d["intercepted"] == (d["leakers"] == 0)
    for t in d["threats"]:  # the lower tier intercepts below 24 km, THAAD above 40 km
        if t["tier"] == "lower":
            assert t["intercept_alt_m"] <= 24e3
        elif t["tier"] == "upper":
            assert t["intercept_alt_m"] >= 40e3
    mc = tmp_path / "mc"
    assert main(["montecarlo", "scenarios/layered.yaml", "--draws", "400", "--out", str(mc),
                 "--json"]) == 0  # fmt: skip
    s = json.loads(capsys.readouterr().out)
    assert s["mean_leakers_ci95"][0] <= s["mean_leakers"] <= s["mean_leakers_ci95"][1]
    assert 0.0 <= s["p_zero_leakers"] <= 1.0 and 0.0 < s["p_kill"] <= 1.0
    # Daegu is defended by THAAD alone: each of its 6 threats whose track the Seongju radar
    # holds gets up to 2 shots at the flown Pk (the table's), n (1 - Pk)^2 leakers; a track
    # the radar drops under the raid's load (objects x dwell / track share past
    # max_track_interval_s) leaks for certain. Seongju's search (apparent elevation, 4/3
    # Earth) finds the Seoul-bound srbm-300s it cannot engage early enough that they hold
    # its track time when the last srbm-600 (T16) comes: 5 of the 6 are engageable.
    (pk,) = [r for r in s["pk_table"] if r["battery"] == "Seongju" and r["pk"] is not None]
    assert pk["threat"] == "srbm-600 at Daegu" and pk["source"] == "flown (64 draws)"
    (seongju,) = [b for b in d["batteries"] if b["name"] == "Seongju"]
    n_held = seongju["threats_engageable"]
    assert n_held == 5 and seongju["tracks_dropped"] == 4
    assert [t["id"] for t in d["threats"] if t["interceptors_fired"] == 0] == ["T16"]
    assert s["assets"]["Daegu"]["mean_leakers"] == pytest.approx(
        n_held * (1 - pk["pk"]) ** 2 + (6 - n_held), abs=0.12)  # fmt: skip
    assert "flown single-shot engagements" in s["model"]


def test_a_launch_rate_limit_leaves_shots_unfired(tmp_path):
    """One launch every 1,000 s: the first shot of the raid takes the only slot any window
    holds, every other threat leaks (the windows last far less than 1,000 s)."""
    bats = f"  - {{name: A, kind: thaad, site: {SEONGJU}, launch_interval_s: 1000}}\n"
    sc = _scenario(tmp_path, bats, 5, "doctrine: {shots: 1}")
    r = run_battle(sc)
    assert r["interceptors_fired"] == 1
    assert r["leakers"] >= 4
    assert r["batteries"][0]["shots_lost_to_launch_rate"] == 4
    # 10 s apart: the second launch waits for its slot, 10 s after the first
    bats = f"  - {{name: A, kind: thaad, site: {SEONGJU}, launch_interval_s: 10}}\n"
    r = run_battle(_scenario(tmp_path, bats, 2, "doctrine: {shots: 1}", spacing=0.0))
    t = sorted(e["t_s"] for e in r["events"] if e["kind"] == "interceptor_launch")
    assert len(t) == 2 and t[1] - t[0] == pytest.approx(10.0, abs=1e-3)


def test_a_reload_refills_the_launchers_for_the_later_threats(tmp_path):
    """One launcher of 2 rounds, one shot a threat, 6 threats 20 s apart: 2 fired; with a
    reload between the third and fourth threats' first launches, 2 more."""
    bats = f"  - {{name: A, kind: thaad, site: {SEONGJU}, launchers: {{count: 1, rounds: 2}}}}\n"
    sc = _scenario(tmp_path, bats, 6, "doctrine: {shots: 1}", spacing=20.0)
    prep = prepare_battle(sc)
    first = prep.t_launch_s[0, :, 0]
    assert np.all(np.diff(first) > 0)
    assert run_battle(sc)["interceptors_fired"] == 2
    reload = 0.5 * (first[2] + first[3])
    bats = (f"  - {{name: A, kind: thaad, site: {SEONGJU}, launchers: {{count: 1, rounds: 2}}, "
            f"reload_time_s: {reload}}}\n")  # fmt: skip
    r = run_battle(_scenario(tmp_path, bats, 6, "doctrine: {shots: 1}", spacing=20.0))
    assert r["interceptors_fired"] == 4
    assert r["interceptors_left"]["A"] == 0
    assert r["leakers"] >= 2


def test_battery_stays_valid_as_a_list_of_one_and_single_threat_dumps_are_unchanged(tmp_path):
    p = tmp_path / "one.yaml"
    p.write_text(f"threats: [{{launch: {LAUNCH}, aim: {DAEGU}, count: 3, spacing_s: 4}}]\n")
    sc = load_scenario(p)
    assert sc.is_battle and [b.name for b in sc.battery_list()] == ["Seongju"]
    r = run_battle(sc)
    assert len(r["threats"]) == 3 and r["interceptors_left"]["Seongju"] <= 48
    # a scenario without batteries:/threats: dumps exactly the keys it had before
    d = load_scenario().model_dump(mode="json", by_alias=True)
    assert not {"batteries", "threats", "battle"} & set(d)
    assert all("value" not in a for a in d["assets"])


def test_layered_footprint_multiplies_the_tiers_leakage(tmp_path):
    """Two batteries at Seongju, an upper (sspk 0.7) and a lower (0.5) tier, one shot each:
    at Daegu P(kill) = 1 - 0.3 x 0.5 = 0.85; kill assessment 0.5 gives 0.7 + 0.3 x 0.5 x 0.5."""
    from thaad.analysis.battle import layered_footprint

    bats = (
        f"  - {{name: Upper, kind: thaad, site: {SEONGJU}, sspk: 0.7}}\n"
        f"  - {{name: Lower, kind: thaad, tier: lower, site: {SEONGJU}, sspk: 0.5}}\n"
    )
    extra = f"doctrine: {{shots: 1}}\nassets: [{DAEGU}]"
    r = layered_footprint(_scenario(tmp_path, bats, 1, extra), (39.2, 125.67), grid=4)
    a = r["assets"]["Daegu"]
    assert a["by_battery"] == {"Upper": pytest.approx(0.7), "Lower": pytest.approx(0.5)}
    assert a["p_kill"] == pytest.approx(0.85)
    extra = f"doctrine: {{shots: 1, kill_assessment_accuracy: 0.5}}\nassets: [{DAEGU}]"
    r = layered_footprint(_scenario(tmp_path, bats, 1, extra), (39.2, 125.67), grid=4)
    assert r["assets"]["Daegu"]["p_kill"] == pytest.approx(0.7 + 0.3 * 0.5 * 0.5)


def test_footprint_of_a_battle_is_the_layered_map(tmp_path, capsys):
    import json

    out = tmp_path / "fp"
    argv = ["footprint", "scenarios/layered.yaml", "--launch", "39.2,125.67", "--grid", "4",
            "--out", str(out), "--json"]  # fmt: skip
    assert main(argv) == 0
    s = json.loads(capsys.readouterr().out)
    # Seoul: the Seoul PAC-3's two shots at 0.8; Seongju cannot reach a threat at Seoul
    assert s["assets"]["Seoul"]["p_kill"] == pytest.approx(1 - 0.2**2)
    assert s["assets"]["Seoul"]["by_battery"]["Seongju"] == 0.0
    assert (out / "footprint.png").stat().st_size > 0
    # written like the single battery's footprint: the netCDF grid (combined and per battery),
    # the threshold contour and the summary with the asset table; the report reads them
    import xarray as xr

    with xr.open_dataset(out / "footprint.nc") as ds:
        assert list(ds["battery"].values) == ["Seongju", "Seoul PAC-3", "Pyeongtaek PAC-3"]
        pk, by_b = ds["p_kill"].values, ds["p_kill_by_battery"].values
    assert pk.shape == (4, 4) and by_b.shape == (3, 4, 4)
    # the map combines every battery: no cell is below its best battery, none above the
    # product rule of independent tiers (perfect kill assessment)
    ok = ~np.isnan(pk)
    best = np.nanmax(np.nan_to_num(by_b, nan=0.0), axis=0)
    assert np.all(pk[ok] >= best[ok] - 1e-12)
    assert np.all(pk[ok] <= 1 - np.prod(1 - np.nan_to_num(by_b, nan=0.0), axis=0)[ok] + 1e-12)
    fp = json.loads((out / "footprint.json").read_text())
    assert fp["assets"]["Seoul"]["defended"] is True and fp["mode"] == "kinematic-layered"
    assert "kinematic battle model" in fp["model"]
    gj = json.loads((out / "footprint.geojson").read_text())
    assert gj["type"] == "FeatureCollection"
    assert main(["report", str(out)]) == 0
    html = (out / "report.html").read_text()
    assert 'id="fig-footprint"' in html and "Seoul" in html


def test_battle_montecarlo_chunks_resume_and_workers_give_identical_draws(tmp_path, capsys):
    """The battle's Monte Carlo runs through the single engagement's machinery (per-draw
    Parquet chunks, manifest, --resume, worker processes): a resumed run (one chunk lost, one
    torn) and a 2-worker run hold the very draws of an uninterrupted 1-worker run; the mean
    leakers is the closed form N (1 - p)^2 (salvo of 2 at p = 0.6, 3 threats: 0.48)."""
    import json

    import thaad
    from thaad.analysis.montecarlo import read_draws, run_montecarlo

    sc = _scenario(tmp_path, ONE, 3, "doctrine: {mode: salvo, shots: 2}")
    ref = run_montecarlo(sc, 400, tmp_path / "ref", workers=1, chunk=50, progress=False)
    a = read_draws(tmp_path / "ref").to_pandas()
    assert list(a.columns) == ["draw", "leakers", "p_kill", "interceptors_fired",
                               "leakers_at:Daegu"]  # fmt: skip
    assert np.all(a["interceptors_fired"] == 6)
    se = math.sqrt(3 * 0.16 * 0.84 / 400)
    assert abs(ref["mean_leakers"] - 3 * 0.16) < 4 * se
    assert ref["mean_leakers_ci95"][0] <= ref["mean_leakers"] <= ref["mean_leakers_ci95"][1]
    assert ref["p_kill"] == pytest.approx(1 - ref["mean_leakers"] / 3, abs=1e-12)
    assert ref["assets"]["Daegu"]["mean_leakers"] == ref["mean_leakers"]
    assert "kinematic battle model" in ref["model"]
    # a partial run (150 draws), extended, then one chunk lost and one torn, resumed
    cut = tmp_path / "cut"
    run_montecarlo(sc, 150, cut, workers=1, chunk=50, progress=False)
    run_montecarlo(sc, 400, cut, workers=1, resume=True, progress=False)
    chunks = sorted((cut / "draws").glob("chunk-*.parquet"))
    chunks[1].unlink()
    chunks[4].write_bytes(b"torn")
    s = run_montecarlo(sc, 400, cut, workers=1, resume=True, progress=False)
    assert s["resumed_draws"] == 300
    assert read_draws(cut).to_pandas().equals(a)
    w2 = run_montecarlo(sc, 400, tmp_path / "w2", workers=2, chunk=30, progress=False)
    assert read_draws(tmp_path / "w2").to_pandas().equals(a)
    for k in ("mean_leakers", "mean_leakers_ci95", "p_zero_leakers", "p_kill",
              "mean_interceptors_fired"):  # fmt: skip
        assert s[k] == ref[k] == w2[k], k
    # the CLI says which model every figure comes from; the notebook API gives the frame
    args = ["--draws", "400", "--workers", "1", "--chunk", "50", "--no-progress"]
    assert main(["montecarlo", str(tmp_path / "battle.yaml"), *args, "--out",
                 str(tmp_path / "cli")]) == 0  # fmt: skip
    text = capsys.readouterr().out
    assert "kinematic battle model" in text.splitlines()[0]
    assert f"mean_leakers             {ref['mean_leakers']:.4f}" in text
    df = thaad.montecarlo(sc, 400, seed=sc.seed)
    assert df.equals(a) and df.attrs["mean_leakers"] == ref["mean_leakers"]
    summary = json.loads((tmp_path / "cli" / "montecarlo.json").read_text())
    assert summary["p_zero_leakers"] == ref["p_zero_leakers"]
    # its report gives the battle's figures, not a single engagement's kill probability
    assert main(["report", str(tmp_path / "cli")]) == 0
    html = (tmp_path / "cli" / "report.html").read_text()
    assert f"Mean leakers {ref['mean_leakers']:.3f} per battle" in html
    assert "kinematic battle model" in html and "Kill probability" not in html


def test_thaad_run_on_a_battle_returns_every_threat(tmp_path, capsys):
    """``thaad.run`` of a battle scenario is the battle (not its first threat alone): the
    same result as ``thaad run --json``, with every threat's flown path and every shot in its
    history, each shot's planned intercept point on its threat's path."""
    import json

    import thaad
    from thaad.analysis.battle import BattleResult

    sc = _scenario(tmp_path, ONE, 3, "doctrine: {mode: salvo, shots: 2}")
    r = thaad.run(sc)
    assert isinstance(r, BattleResult)
    assert [t["id"] for t in r.threats] == ["T1", "T2", "T3"]
    assert r.leakers == sum(not t["intercepted"] for t in r.threats)
    assert r.interceptors_fired == 6 and r.interceptors_left == {"A": 48 - 6}
    assert "kinematic battle model" in r.model
    assert main(["run", str(tmp_path / "battle.yaml"), "--out", str(tmp_path / "r"),
                 "--json"]) == 0  # fmt: skip
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(r.to_dict()))
    h = r.history
    assert len(h["threats"]) == 3 and len(h["shots"]) == 6
    for k in h["shots"]:
        assert k["battery"] == "A" and k["flight_time_s"] > 0
        th = next(t for t in h["threats"] if t["id"] == k["threat"])
        # the planned point is the threat's own path at the intercept time (2 s samples:
        # linear between them is within a few hundred metres of the Hermite truth)
        alt = np.interp(k["intercept_time_s"], th["t_s"], th["alt_m"])
        assert abs(alt - k["intercept_alt_m"]) < 500.0
    for t in r.threats:  # a killed threat's intercept is its killing shot's
        kills = [k for k in h["shots"] if k["threat"] == t["id"] and k["outcome"] == "intercept"]
        assert len(kills) == (1 if t["intercepted"] else 0)
        if kills:
            assert t["intercept_time_s"] == kills[0]["intercept_time_s"]


def _flown(tmp_path, radius: float, count: int = 3, draws: int = 16, extra: str = ""):
    """The one-battery raid at Daegu with the miss-distance lethality (Pk flown)."""
    sc = _scenario(tmp_path, ONE, count, "doctrine: {shots: 1}\n" + extra)
    le = sc.lethality.model_copy(update={"model": "miss-distance", "lethal_radius_m": radius})
    return sc.model_copy(
        update={"lethality": le, "battle": sc.battle.model_copy(update={"pk_draws": draws})}
    )


def test_fixed_lethality_draws_every_shot_at_sspk(tmp_path):
    """With lethality.model fixed (the closed forms above) the table is sspk, not flown."""
    sc = _scenario(tmp_path, ONE, 2, "doctrine: {shots: 1}")
    prep = prepare_battle(sc)
    (row,) = prep.pk_table
    assert row["source"] == "sspk (lethality.model fixed)" and row["pk"] == 0.6
    assert row["draws"] == 0 and np.all(prep.p == 0.6)
    assert "sspk" in run_battle(sc)["model"]


def test_a_tiny_lethal_radius_flies_pk_zero_and_every_threat_leaks(tmp_path):
    """1 mm lethal radius: the flown single-shot engagements miss by centimetres (the
    default's median is about 2 cm), so THAAD's flown Pk is 0 and every threat leaks."""
    sc = _flown(tmp_path, 1e-3)
    r = run_battle(sc)
    (row,) = r["pk_table"]
    assert row["source"] == "flown (16 draws)" and row["fired"] + row["no_shot"] == 16
    assert row["fired"] >= 12 and row["kills"] == 0 and row["pk"] == 0.0
    assert row["pk_ci95"][1] < 0.25  # Wilson upper bound of 0 kills in >= 12 shots
    assert row["miss_median_m"] > 1e-3
    # every threat leaks; a shot at Pk 0 lowers no expected leakage, so none is spent
    assert r["leakers"] == 3 and r["interceptors_fired"] == 0
    assert "flown single-shot engagements" in r["model"]


def test_a_huge_lethal_radius_flies_pk_one(tmp_path, capsys):
    """1 km lethal radius: every flown shot kills, so Pk is 1 and nothing leaks; thaad run
    prints the table and the model, the report shows the table."""
    r = run_battle(_flown(tmp_path, 1000.0))
    (row,) = r["pk_table"]
    assert row["fired"] >= 12 and row["kills"] == row["fired"] and row["pk"] == 1.0
    assert r["leakers"] == 0
    out = tmp_path / "r"
    assert main(["run", str(tmp_path / "battle.yaml"), "--set", "lethality.model=miss-distance",
                 "--set", "lethality.lethal_radius_m=1000", "--set", "battle.pk_draws=16",
                 "--out", str(out), "--report"]) == 0  # fmt: skip
    text = capsys.readouterr().out
    assert "Pk A vs srbm-600 at Daegu: 1.000 (95% CI 0.8" in text
    assert "from 16 flown single-shot engagements" in text
    html = (out / "report.html").read_text()
    assert 'id="battle-pk"' in html and "flown (16 draws)" in html


def test_the_flown_pk_table_is_deterministic_and_shared_by_workers(tmp_path):
    """Two preparations give the same table; a 1-worker and a 2-worker battle Monte Carlo
    give the same table and draws; a worker draws at the table it is handed (not its own)."""
    import json

    from thaad.analysis import montecarlo as mc

    sc = _flown(tmp_path, 0.02, draws=12)
    t1 = prepare_battle(sc).pk_table
    assert prepare_battle(sc).pk_table == t1
    assert 0.0 < t1[0]["pk"] < 1.0  # a 2 cm radius: some flown shots miss it
    s1 = mc.run_montecarlo(sc, 40, tmp_path / "w1", workers=1, chunk=10, progress=False)
    s2 = mc.run_montecarlo(sc, 40, tmp_path / "w2", workers=2, chunk=10, progress=False)
    assert s1["pk_table"] == s2["pk_table"] == json.loads(json.dumps(t1))
    assert main(["report", str(tmp_path / "w1")]) == 0  # the report shows the table
    html = (tmp_path / "w1" / "report.html").read_text()
    assert 'id="mc-pk"' in html and "flown (12 draws)" in html
    assert mc.read_draws(tmp_path / "w1").to_pandas().equals(
        mc.read_draws(tmp_path / "w2").to_pandas())  # fmt: skip
    mc._PREPARED.clear()
    zero = [{**r, "pk": 0.0} for r in t1]
    out = mc.run_battle_chunk(sc.model_dump_json(by_alias=True), 1, 0, 5, json.dumps(zero))
    assert np.all(out["leakers"] == 3)
    mc._PREPARED.clear()


def test_a_pair_the_staged_core_cannot_fly_falls_back_to_sspk_and_says_why(tmp_path, monkeypatch):
    """When the flown engagement of a pair is refused (a one-line input error from the staged
    core's preparation), the pair's Pk is lethality.sspk and the table says why."""
    from thaad.analysis import montecarlo as mc

    def refuse(*args, **kwargs):
        raise ThaadInputError("threat.aim: out of reach")

    monkeypatch.setattr(mc, "run_chunk", refuse)
    prep = prepare_battle(_flown(tmp_path, 0.5))
    (row,) = prep.pk_table
    assert row["pk"] == 0.6 and np.all(prep.p == 0.6)
    assert row["source"] == ("sspk (the staged core cannot fly this pair: threat.aim: out of "
                             "reach)")  # fmt: skip
