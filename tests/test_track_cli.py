"""``thaad track``: measurements in, tracks out; every bad row named by its line, exit 2."""

import csv
import json
import math
import subprocess
import sys

import numpy as np
import pytest

from thaad.cli import main

SENSOR = "36.0513,128.2229,680"


@pytest.fixture(scope="module")
def flight():
    import thaad

    return thaad.fly_trajectory((39.2, 125.67), (35.8714, 128.6014), max_step_s=0.5)


@pytest.fixture(scope="module")
def meas_csv(tmp_path_factory, flight):
    """The default threat seen from Seongju once a second (GNN: no object_id), with a false
    alarm every 7 s that must not make a track."""
    from thaad.analysis.track import simulate_measurements

    t, z, _ = simulate_measurements(flight.t_s, flight.ecef, (36.0513, 128.2229, 680.0),
                                    flight.burnout_time_s + 5.0, dt_s=1.0, seed=5)  # fmt: skip
    rows = ["t_s,range_m,azimuth_deg,elevation_deg"]
    for i in range(len(t)):
        rows.append(f"{t[i]:.3f},{z[i, 0]:.3f},{math.degrees(z[i, 1]):.8f},"
                    f"{math.degrees(z[i, 2]):.8f}")  # fmt: skip
        if i % 7 == 3:  # a false alarm 30 km away in the same scan
            rows.append(f"{t[i]:.3f},{z[i, 0] + 30e3:.3f},{math.degrees(z[i, 1]) + 1:.8f},"
                        f"{math.degrees(z[i, 2]):.8f}")  # fmt: skip
    p = tmp_path_factory.mktemp("meas") / "meas.csv"
    p.write_text("\n".join(rows) + "\n")
    return p, len(t)


def test_track_json_and_csv(meas_csv, flight, tmp_path, capsys):
    path, n_true = meas_csv
    out = tmp_path / "tracks.csv"
    rc = main(["track", str(path), "--sensor", SENSOR, "--json", "--out", str(out)])
    assert rc == 0
    d = json.loads(capsys.readouterr().out)
    assert d["association"] == "gnn" and d["filter"] == "ekf"
    assert len(d["tracks"]) == 1
    tr = d["tracks"][0]
    for k in ("impact_lat_deg", "impact_lon_deg", "impact_sigma_major_m", "impact_cov_en_m2"):
        assert tr[k] is not None
    assert tr["n_updates"] == n_true  # every true detection, no false alarm
    n_false = d["n_measurements"] - n_true
    assert len(d["unused_lines"]) == n_false > 30
    s = tr["states"][-1]
    assert set(s) == {"t_s", "ecef_m", "ecef_mps", "sigma_pos_m"}
    assert (
        math.hypot(
            tr["impact_lat_deg"] - flight.impact_lat_deg,
            (tr["impact_lon_deg"] - flight.impact_lon_deg) * 0.81,
        )
        * 111e3
        < 150.0
    )
    with out.open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == n_true
    assert float(rows[-1]["x_m"]) == pytest.approx(s["ecef_m"][0])
    assert float(rows[0]["impact_lat_deg"]) == pytest.approx(tr["impact_lat_deg"])


def test_track_with_object_ids_and_ukf(tmp_path, flight, capsys):
    from thaad.analysis.track import measurements_csv, simulate_measurements

    sensor = (36.0513, 128.2229, 680.0)
    t, z, _ = simulate_measurements(flight.t_s, flight.ecef, sensor, 200.0, dt_s=2.0, seed=1)
    t2, z2, _ = simulate_measurements(flight.t_s, flight.ecef, sensor, 201.0, dt_s=2.0, seed=2)
    t_all = np.concatenate([t, t2])
    order = np.argsort(t_all, kind="stable")
    ids = ["A"] * len(t) + ["B"] * len(t2)
    p = tmp_path / "m.csv"
    p.write_text(measurements_csv(t_all[order], np.concatenate([z, z2])[order],
                                  [ids[i] for i in order]))  # fmt: skip
    assert main(["track", str(p), "--sensor", SENSOR, "--filter", "ukf"]) == 0
    text = capsys.readouterr().out
    assert "object A" in text and "object B" in text and "UKF" in text and "impact" in text


BAD = [
    ("t_s,range_m,azimuth_deg,elevation_deg,speed\n1,1,1,1,1\n", "line 1: unknown column 'speed'"),
    ("t_s,range_m,azimuth_deg\n1,1,1\n", "line 1: required column 'elevation_deg' is missing"),
    ("t_s,range_m,azimuth_deg,elevation_deg\n1,1e5,10,5\n2,1e5,10\n", "line 3: expected 4"),
    ("t_s,range_m,azimuth_deg,elevation_deg\n1,1e5,10,5\n2,abc,10,5\n", "line 3: range_m 'abc'"),
    ("t_s,range_m,azimuth_deg,elevation_deg\n1,1e5,10,5\n2,1e5,nan,5\n", "line 3: azimuth_deg"),
    ("t_s,range_m,azimuth_deg,elevation_deg\n5,1e5,10,5\n4,1e5,10,5\n", "line 3: t_s 4.0"),
    ("t_s,range_m,azimuth_deg,elevation_deg\n1,1e5,10,95\n", "line 2: elevation_deg 95.0"),
    ("t_s,range_m,azimuth_deg,elevation_deg\n1,-3,10,5\n", "line 2: range_m -3.0 is not"),
    ("t_s,range_m,azimuth_deg,elevation_deg\n", "no measurement rows"),
    ("", "empty"),
]


@pytest.mark.parametrize(("text", "needle"), BAD)
def test_bad_csv_names_the_line(tmp_path, text, needle, capsys):
    p = tmp_path / "bad.csv"
    p.write_text(text)
    assert main(["track", str(p), "--sensor", SENSOR]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and needle in err[0], err


def test_bad_input_from_the_shell_is_one_line(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("t_s,range_m,azimuth_deg,elevation_deg\n1,1e5,10,5\n0.5,1e5,10,5\n")
    r = subprocess.run([sys.executable, "-m", "thaad.cli", "track", str(p), "--sensor", SENSOR],
                       capture_output=True, text=True, timeout=300)  # fmt: skip
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == [
        "thaad: error: bad.csv line 3: t_s 0.5 is earlier than the row before (1.0): time "
        "goes backwards"
    ]
    missing = str(tmp_path / "none.csv")
    r = subprocess.run([sys.executable, "-m", "thaad.cli", "track", missing, "--sensor", SENSOR],
                       capture_output=True, text=True, timeout=300)  # fmt: skip
    assert r.returncode == 2 and "does not exist" in r.stderr
