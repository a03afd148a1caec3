"""``thaad visibility``: the engagement's search and track run against one flight.

A missile flown due north, away from the radar, keeps one azimuth from it (0 deg) and rises
through the forward-based mode's 5-7 deg fence while it boosts. With the face turned 40 deg
away and the search sector narrowed to +-20 deg the missile is in the field of view (+-60
deg) and well within the track form's range, but never in the searched volume: search never
finds it, so it is never tracked. With the face toward it and a short frame it is found
within one frame of entering the fence (the raster, :func:`thaad.core.radar.search_visited`,
covers each direction once per frame).
"""

import json
import math

import numpy as np
import pytest

from thaad.analysis.visibility import MIDCOURSE_ALT_M, family, phase_of, visibility
from thaad.cli import main
from thaad.core import radar as crd
from thaad.model.scenario import load_scenario

SEONGJU = (36.0513, 128.2229, 680.0)
LAUNCH = (38.5, 128.2229)  # 272 km north of Seongju
AIM = (43.5, 128.2229)  # 556 km farther north


def test_never_in_the_searched_volume_is_never_detected():
    sc = load_scenario(overrides=["battery.radar.search_half_az_deg=20"])
    r = visibility(SEONGJU, "forward-based", LAUNCH, AIM, threat="srbm-600",
                   boresight_az_deg=40.0, scenario=sc, seed=3)  # fmt: skip
    assert r.in_view_s > 60.0  # in the face's view for a minute or more
    assert r.in_search_sector_s == 0.0
    assert r.first_detection_t_s is None and r.first_detection_phase is None
    assert r.tracked_s == 0.0 and not r.fire_control_quality
    # it passed well inside the track form's range of its booster (5 m2) and of its RV
    rd = sc.battery.model_copy(update={}).radar_core()
    view = np.array(r.history["in_view"])
    rng = np.array(r.history["range_m"], dtype=float)
    assert rng[view].min() < 0.5 * crd.detection_range_m(rd, r.rcs_rv_m2)
    assert rng[view].min() < 0.2 * crd.detection_range_m(rd, r.rcs_boost_m2)


def test_rising_through_the_fence_is_detected_within_a_frame():
    frame = 4.0
    sc = load_scenario(overrides=[f"battery.radar.search_frame_s={frame}"])
    r = visibility(SEONGJU, "forward-based", LAUNCH, AIM, threat="srbm-600",
                   boresight_az_deg=0.0, scenario=sc, seed=3)  # fmt: skip
    t = np.array(r.history["t_s"])
    ins = np.array(r.history["in_search"])
    t_in = t[np.argmax(ins)]
    # it stays in the 2-deg fence longer than a frame
    assert ins.sum() * 0.5 > frame
    assert t_in <= r.first_detection_t_s <= t_in + frame + 0.5
    assert r.first_detection_phase == "boost"
    assert r.first_detection_range_m == pytest.approx(
        r.history["range_m"][int(np.argmax(t == r.first_detection_t_s))]
    )
    # its apparent elevation then lies in the band
    i = int(np.argmax(t == r.first_detection_t_s))
    h = r.history["alt_m"][i]
    g = crd.ground_range_from_slant_m(680.0, h, r.history["range_m"][i])
    el = math.degrees(crd.apparent_elevation_rad(680.0, h, g))
    assert 4.8 < el < 7.2  # geometric elevation in the sector test, apparent here
    # once found it is tracked (M-of-N confirmation) while in view, at fire-control quality
    assert r.tracked_s > 30.0 and r.fire_control_quality
    assert r.fire_control_t_s >= r.first_track_t_s >= r.first_detection_t_s
    assert r.tracked_fraction == pytest.approx(r.tracked_s / r.flight_time_s)
    err = np.array([np.nan if v is None else v for v in r.history["pos_err_m"]])
    assert np.nanmedian(err) < 1000.0


def test_phases():
    assert phase_of(10.0, 20e3, 60.0, 300.0) == "boost"
    assert phase_of(70.0, 80e3, 60.0, 300.0) == "ascent"
    assert phase_of(200.0, MIDCOURSE_ALT_M, 60.0, 300.0) == "midcourse"
    assert phase_of(400.0, 50e3, 60.0, 300.0) == "descent"
    assert phase_of(70.0, 50e3, 60.0, None) == "ascent"


def test_cli_json_plot_and_family(tmp_path, capsys):
    out = tmp_path / "v"
    rc = main(["visibility", "--radar", "36.0513,128.2229,680", "--mode", "forward-based",
               "--boresight-az-deg", "0", "--launch", "38.5,128.2229", "--aim", "43.5,128.2229",
               "--threat", "srbm-600", "--rcs", "0.05", "--seed", "3",
               "--set", "battery.radar.search_frame_s=4", "--json", "--out", str(out)])  # fmt: skip
    assert rc == 0
    d = json.loads(capsys.readouterr().out)
    for k in ("first_detection_t_s", "first_detection_range_m", "first_detection_phase",
              "tracked_s", "tracked_fraction", "fire_control_quality"):  # fmt: skip
        assert k in d
    assert d["rcs_rv_m2"] == 0.05 and len(d["history"]["snr_db"]) == len(d["history"]["t_s"])
    assert (out / "visibility.png").read_bytes()[:4] == b"\x89PNG"
    rows = family(SEONGJU, "forward-based", [LAUNCH, (38.5, 129.0)], [AIM],
                  boresights=[0.0], threat="srbm-600", seed=3)  # fmt: skip
    assert len(rows) == 2 and all("tracked_s" in r for r in rows)
    assert rows[0]["tracked_arc"] and rows[0]["ground_track"][0][0] == pytest.approx(38.5, abs=0.01)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--launch", "91,0"], "latitude 91.0"),
        (["--rcs", "-1"], "--rcs"),
        (["--fc-sigma-m", "0"], "--fc-sigma-m"),
        (["--threat", "nope"], "unknown"),
        (["--aim", "10,170"], "reach"),
        (["--launch", "30:40:0,120:125:3"], "point count"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, needle, capsys):
    base = {"--radar": "36.0513,128.2229,680", "--launch": "38.5,128.2229",
            "--aim": "43.5,128.2229", "--threat": "srbm-600"}  # fmt: skip
    for i in range(0, len(args), 2):
        base[args[i]] = args[i + 1]
    argv = ["visibility"] + [x for kv in base.items() for x in kv]
    with pytest.raises(SystemExit) as exc:
        raise SystemExit(main(argv))
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and needle in err
