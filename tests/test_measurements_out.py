"""thaad run --measurements: the radar's own detections out, in thaad track's input format,
and back in (issue 10, "measurements out")."""

import csv
import json
import math

from thaad.cli import main
from thaad.core.constants import R_MEAN_M


def test_run_measurements_round_trip_through_track(tmp_path, capsys):
    meas = tmp_path / "meas.csv"
    assert main(["run", "--out", str(tmp_path / "run"), "--measurements", str(meas)]) == 0
    capsys.readouterr()
    with meas.open() as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["t_s", "range_m", "azimuth_deg", "elevation_deg", "object_id"]
    history = json.loads((tmp_path / "run" / "history.json").read_text())
    assert len(rows) == len(history["measurements"]["t_s"]) > 100
    ids = {r["object_id"] for r in rows}
    assert "rv" in ids and "stage" in ids  # one id per true object, as the history names them
    assert len(ids) == len(set(history["measurements"]["object"]))
    result = json.loads((tmp_path / "run" / "result.json").read_text())
    # replay them through thaad track from the battery's site
    sc = main(["track", str(meas), "--sensor", "36.0513,128.2229,680", "--json"])
    assert sc == 0
    d = json.loads(capsys.readouterr().out)
    rv = [t for t in d["tracks"] if t.get("object_id") == "rv"]
    assert len(rv) == 1
    # the RV's track predicts where the unopposed threat would land: the aim point (Daegu)
    aim = result["threat"]["aim"]
    lat, lon = math.radians(rv[0]["impact_lat_deg"]), math.radians(rv[0]["impact_lon_deg"])
    la, lo = math.radians(aim["lat_deg"]), math.radians(aim["lon_deg"])
    miss_m = R_MEAN_M * math.acos(
        min(1.0, math.sin(lat) * math.sin(la) + math.cos(lat) * math.cos(la) * math.cos(lon - lo))
    )
    assert miss_m < 20e3  # predicted from the measurements alone, before the intercept


def test_bad_measurements_path_is_refused_before_the_run(tmp_path, capsys):
    assert main(["run", "--out", str(tmp_path / "r"), "--measurements",
                 str(tmp_path / "no" / "such" / "m.csv")]) == 2  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--measurements" in err[0]
    assert not (tmp_path / "r").exists()


def test_a_battle_refuses_measurements_in_one_line(tmp_path, capsys):
    """A battle flies no per-look radar (track windows): --measurements is refused, not
    ignored, before anything runs."""
    meas = tmp_path / "meas.csv"
    argv = ["run", "scenarios/layered.yaml", "--out", str(tmp_path / "r"), "--measurements",
            str(meas)]  # fmt: skip
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("thaad: error: --measurements: a battle")
    assert not meas.exists() and not (tmp_path / "r").exists()
