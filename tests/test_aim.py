"""Aim by name: ``threat.aim: Busan`` (or ``--aim Busan``) names an asset of the scenario; the
aim point's name and coordinates stay together or the scenario is refused in one line."""

import json
import math

import pytest

from thaad.cli import main
from thaad.errors import ThaadInputError
from thaad.model.scenario import ground_distance_m, load_scenario

BUSAN = (35.1796, 129.0756)  # the default scenario's asset list
DAEGU = (35.8714, 128.6014)


def test_aim_by_asset_name_takes_its_coordinates():
    for over in (["threat.aim=Busan"], ["threat.aim=busan"], ["threat.aim.name=Busan"]):
        aim = load_scenario(overrides=over).threat.aim
        assert (aim.name, aim.lat_deg, aim.lon_deg) == ("Busan", *BUSAN), over


def test_unknown_asset_names_the_known_ones():
    with pytest.raises(ThaadInputError, match=r"threat.aim: 'Tokyo' is not an asset.*Busan"):
        load_scenario(overrides=["threat.aim=Tokyo"])


def test_moved_coordinates_drop_the_old_name_or_take_the_asset_there():
    aim = load_scenario(overrides=["threat.aim.lat_deg=35.5"]).threat.aim
    assert aim.name == "" and aim.lat_deg == 35.5
    sc = load_scenario(overrides=["threat.aim.lat_deg=35.18", "threat.aim.lon_deg=129.08"])
    assert sc.threat.aim.name == "Busan"  # 0.4 km from the asset: within the 1 km match


def test_a_name_that_contradicts_the_coordinates_is_refused(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text(
        "threat: {aim: {name: Busan, lat_deg: 35.8714, lon_deg: 128.6014}}\n"
        "assets: [{name: Busan, lat_deg: 35.1796, lon_deg: 129.0756}]\n"
    )
    with pytest.raises(ThaadInputError) as err:
        load_scenario(f)
    msg = str(err.value)
    assert msg.startswith("threat.aim: named 'Busan' but 88 km from the asset") and "\n" not in msg
    # the same distance by the spherical law of cosines on the 6371 km sphere: 88.08 km
    (p1, l1), (p2, l2) = (tuple(map(math.radians, x)) for x in (DAEGU, BUSAN))
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(l2 - l1)
    assert ground_distance_m(*DAEGU, *BUSAN) == pytest.approx(6371e3 * math.acos(c), abs=1.0)


def test_run_aims_at_busan_by_name(tmp_path, capsys):
    assert main(["run", "--aim", "Busan", "--json", "--out", str(tmp_path)]) == 0
    d = json.loads(capsys.readouterr().out)
    th = d["threat"]
    assert th["aim"]["name"] == "Busan"
    # the unopposed impact point is the solved aim point (targeting to 1 m)
    miss = ground_distance_m(th["impact_lat_deg"], th["impact_lon_deg"], *BUSAN)
    assert miss < 50.0


def test_run_aim_unknown_is_one_line(tmp_path, capsys):
    assert main(["run", "--aim", "Tokyo", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "'Tokyo' is not an asset" in err[0]
