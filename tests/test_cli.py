"""The ``thaad`` command: outputs, overrides and bad input (one line, exit status 2)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from thaad.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "thaad.cli", *args], capture_output=True, text=True, cwd=cwd,
        timeout=600,
    )  # fmt: skip


def test_run_json_has_the_promised_keys(tmp_path, capsys):
    rc = main(["run", "--json", "--out", str(tmp_path)])
    assert rc == 0
    d = json.loads(capsys.readouterr().out)
    for k in ("intercepted", "miss_distance_m", "intercept_alt_m", "intercept_ground_range_m",
              "interceptors_fired", "seed", "events"):  # fmt: skip
        assert k in d
    assert d["intercepted"] is True
    assert all("t_s" in e and "kind" in e for e in d["events"])
    assert json.loads((tmp_path / "result.json").read_text()) == d
    assert (tmp_path / "history.json").exists()


def test_run_prints_the_timeline(tmp_path, capsys):
    assert main(["run", "--out", str(tmp_path), "--seed", "4"]) == 0
    text = capsys.readouterr().out
    words = ["threat launch", "threat burnout", "threat apogee", "first detection", "track firm"]
    words += ["interceptor launch", "seeker acquisition", "INTERCEPT"]
    for word in words:
        assert word in text


def test_set_override_changes_the_scenario(tmp_path, capsys):
    rc = main(["run", "--json", "--out", str(tmp_path), "--set", "battery.launchers.rounds=0"])
    assert rc == 0
    d = json.loads(capsys.readouterr().out)
    assert d["intercepted"] is False and d["interceptors_fired"] == 0


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["run", "--set", "battery.radar.half_fov_deg=abc"], "battery.radar.half_fov_deg"),
        (["run", "--set", "battery.radar.colour=red"], "battery.radar.colour: unknown key"),
        (["run", "--set", "threat.launch.lat_deg=95"], "threat.launch.lat_deg"),
        (["run", "no/such/file.yaml"], "does not exist"),
        (["run", "--set", "threat.aim.lat_deg=31.0", "--set", "threat.aim.lon_deg=131"],
         "maximum range"),
        (["trajectory", "--launch", "39,125", "--aim", "91,0"], "outside [-90, 90]"),
        (["trajectory", "--launch", "39.2,125.67", "--aim", "31,131"], "maximum range"),
        (["trajectory", "--launch", "39,125", "--aim", "35,128", "--threat", "icbm-x"],
         "threat class 'icbm-x' is unknown"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, needle):
    p = run_cli(*args, "--out", str(tmp_path)) if args[0] == "run" else run_cli(*args)
    assert p.returncode == 2, p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    assert needle in lines[0]
    assert "Traceback" not in p.stderr


def test_bad_yaml_file(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("battery: [unclosed\n")
    p = run_cli("run", str(f), "--out", str(tmp_path))
    assert p.returncode == 2 and "not valid YAML" in p.stderr


def test_trajectory_json_and_csv(tmp_path, capsys):
    csv = tmp_path / "t.csv"
    rc = main(["trajectory", "--launch", "0,0", "--aim", "0,9", "--model", "ideal", "--json",
               "--csv", str(csv)])  # fmt: skip
    assert rc == 0
    d = json.loads(capsys.readouterr().out)
    for k in ("burnout_speed_mps", "burnout_flight_path_deg", "flight_time_s", "apogee_alt_m",
              "ground_range_m", "impact_lat_deg", "impact_lon_deg"):  # fmt: skip
        assert k in d
    # 9 degrees of arc = 1000.8 km; BMW: gamma = (180 - 9)/4 = 42.75 deg
    assert d["burnout_flight_path_deg"] == pytest.approx(42.75)
    assert d["impact_lon_deg"] == pytest.approx(9.0, abs=0.01)
    header = csv.read_text().splitlines()[0].split(",")
    assert header[:4] == ["t_s", "lat_deg", "lon_deg", "alt_m"]
    assert {"x_m", "vx_mps"} <= set(header)


def test_default_scenario_file_is_the_packaged_one():
    text = (ROOT / "scenarios" / "seongju.yaml").read_text()
    assert "Seongju" in text and "lat_deg: 36.0513" in text


def test_a_closed_pipe_ends_quietly(tmp_path, monkeypatch, capsys):
    """``thaad run | head``: the reader goes away; no traceback, exit status 0."""

    class ClosedPipe:
        def __init__(self):
            self._f = open(tmp_path / "sink", "w")

        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self):
            pass

        def fileno(self):
            return self._f.fileno()

    pipe = ClosedPipe()
    monkeypatch.setattr(sys, "stdout", pipe)
    assert main(["run", "--out", str(tmp_path)]) == 0
    pipe._f.close()
    assert "Traceback" not in capsys.readouterr().err
