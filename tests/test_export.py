"""``thaad export``: CZML (validated back through czml3's schema models) and KML (parsed back with
ElementTree) hold the paths with time, the battery, the radar's field of view and the intercept,
at the positions of the run (geodesic distances by pyproj's WGS-84 Geod, Karney 2013)."""

import json
import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from czml3 import Document
from pyproj import Geod

from thaad.cli import main
from thaad.output.export import EPOCH_ISO
from thaad.output.rundir import load_run

GEOD = Geod(ellps="WGS84")
KML = "{http://www.opengis.net/kml/2.2}"
GX = "{http://www.google.com/kml/ext/2.2}"


@pytest.fixture(scope="module")
def exported(run_dir, tmp_path_factory):
    d = tmp_path_factory.mktemp("export")
    czml, kml = d / "e.czml", d / "e.kml"
    assert main(["export", str(run_dir), "--czml", str(czml), "--kml", str(kml)]) == 0
    return czml, kml


def _path_top_m(res) -> float:
    """Highest point of the threat's path up to the intercept: the apogee if the intercept
    came after it (the default since issue 9: search, seeker and shroud moved it ~20 s past
    the apogee), else the intercept."""
    t_apo = [e["t_s"] for e in res["events"] if e["kind"] == "threat_apogee"]
    if t_apo and t_apo[0] < res["intercept_time_s"]:
        return res["threat"]["apogee_alt_m"]
    return res["intercept_alt_m"]


def _packets(czml_path):
    return {p["id"]: p for p in json.loads(czml_path.read_text())}


def test_czml_is_valid_and_has_every_object(run_dir, exported):
    czml, _ = exported
    Document.model_validate_json(czml.read_text())  # the CZML schema, via czml3's models
    pk = _packets(czml)
    res = json.loads((run_dir / "result.json").read_text())
    want = {
        "document",
        "threat",
        "threat-unopposed",
        "battery",
        "radar-fov",
        "radar-boresight",
        "radar-track",
        "intercept",
        "launch-point",
        "aim-point",
        "asset-seoul",
    }
    want |= {f"interceptor-{j + 1}" for j in range(res["interceptors_fired"])}
    want |= {f"launcher-{k + 1}" for k in range(6)}
    assert want <= set(pk)
    clock = pk["document"]["clock"]
    start, end = clock["interval"].split("/")
    assert start.startswith("2000-01-01T00:00:00") and EPOCH_ISO.startswith("2000-01-01")
    assert end > "2000-01-01T00:03:22.56"  # after the intercept at T+202.56 s


def test_czml_threat_path_ends_at_the_intercept(run_dir, exported):
    pk = _packets(exported[0])
    res = json.loads((run_dir / "result.json").read_text())
    s = np.array(pk["threat"]["position"]["cartographicDegrees"]).reshape(-1, 4)
    assert pk["threat"]["position"]["epoch"] == EPOCH_ISO
    assert np.all(np.diff(s[:, 0]) > 0.0)
    assert s[0, 0] == 0.0
    assert abs(s[-1, 0] - res["intercept_time_s"]) < 1e-3
    th = res["threat"]
    _, _, d0 = GEOD.inv(s[0, 1], s[0, 2], th["launch"]["lon_deg"], th["launch"]["lat_deg"])
    assert d0 < 1.0  # metres: the path starts on the launch point
    _, _, d1 = GEOD.inv(s[-1, 1], s[-1, 2], res["intercept_lon_deg"], res["intercept_lat_deg"])
    assert d1 < 100.0 and abs(s[-1, 3] - res["intercept_alt_m"]) < 100.0
    assert abs(s[:, 3].max() - _path_top_m(res)) < 1000.0
    speed = np.array(pk["threat"]["properties"]["speed_mps"]["number"]).reshape(-1, 2)
    assert np.allclose(speed[:, 0], s[:, 0])
    assert abs(speed[:, 1].max() - th["burnout_speed_mps"]) < 5.0
    # the interceptor leaves a launcher and ends at the intercept
    i = np.array(pk["interceptor-1"]["position"]["cartographicDegrees"]).reshape(-1, 4)
    lau = pk["launcher-1"]["position"]["cartographicDegrees"]
    assert GEOD.inv(i[0, 1], i[0, 2], lau[0], lau[1])[2] < 50.0
    assert GEOD.inv(i[-1, 1], i[-1, 2], res["intercept_lon_deg"], res["intercept_lat_deg"])[2] < 50
    ic = pk["intercept"]["position"]["cartographicDegrees"]
    assert ic == pytest.approx(
        [res["intercept_lon_deg"], res["intercept_lat_deg"], res["intercept_alt_m"]]
    )


def test_czml_radar_field_of_view_is_the_face_sector(run_dir, exported):
    pk = _packets(exported[0])
    run = load_run(run_dir)
    r = run.scenario.battery.radar
    lat, lon, _ = run.site
    ring = np.array(pk["radar-fov"]["polygon"]["positions"]["cartographicDegrees"]).reshape(-1, 3)
    az, _, dist = GEOD.inv(np.full(len(ring), lon), np.full(len(ring), lat), ring[:, 0], ring[:, 1])
    far = dist > 1.0
    off = (az[far] - r.boresight_az_deg + 180.0) % 360.0 - 180.0
    # vertices are written to 1e-6 deg (0.1 m): 1e-3 deg of azimuth is 0.5 m at 30 km
    assert np.max(np.abs(off)) == pytest.approx(r.half_fov_deg, abs=1e-3)
    rng = run.radar_coverage["range_m"]
    assert abs(dist.max() - rng) < 1.0
    # the detection range of a 0.1 m^2 RV brackets the public 1,000 km figure (docs/parameters)
    assert 900e3 < rng < 1100e3


def test_kml_holds_time_tagged_tracks_and_the_battery(run_dir, exported):
    _, kml = exported
    root = ET.parse(kml).getroot()
    res = json.loads((run_dir / "result.json").read_text())
    marks = {pm.get("id"): pm for pm in root.iter(KML + "Placemark")}
    assert {
        "threat",
        "interceptor-1",
        "battery",
        "radar-fov",
        "intercept",
        "launch-point",
        "aim-point",
        "asset-seoul",
        "launcher-6",
    } <= set(marks)
    trk = marks["threat"].find(GX + "Track")
    when = [w.text for w in trk.findall(KML + "when")]
    coords = np.array([[float(v) for v in c.text.split()] for c in trk.findall(GX + "coord")])
    assert len(when) == len(coords) > 100
    assert when == sorted(when) and when[0].startswith("2000-01-01T00:00:00")
    assert trk.find(KML + "altitudeMode").text == "absolute"
    assert abs(coords[:, 2].max() - _path_top_m(res)) < 1000.0
    pt = marks["intercept"].find(f"{KML}Point/{KML}coordinates").text.split(",")
    assert [float(v) for v in pt] == pytest.approx(
        [res["intercept_lon_deg"], res["intercept_lat_deg"], res["intercept_alt_m"]], abs=0.1
    )
    ring = marks["radar-fov"].find(f".//{KML}LinearRing/{KML}coordinates").text.split()
    assert ring[0] == ring[-1]  # closed, as KML requires
    style = root.find(f".//{KML}Style[@id='threat']/{KML}LineStyle/{KML}color").text
    assert style == "ff2b39c0"  # aabbggrr of (192, 57, 43)
    bat = marks["battery"].find(f"{KML}Point/{KML}coordinates").text.split(",")
    assert float(bat[1]) == pytest.approx(36.0513) and float(bat[0]) == pytest.approx(128.2229)


def test_export_defaults_to_both_files_in_the_run_directory(run_dir, tmp_path, capsys):
    import shutil

    d = tmp_path / "copy"
    shutil.copytree(run_dir, d)
    assert main(["export", str(d)]) == 0
    out = capsys.readouterr().out
    assert f"wrote {d / 'engagement.czml'}" in out and f"wrote {d / 'engagement.kml'}" in out
    Document.model_validate_json((d / "engagement.czml").read_text())
    assert ET.parse(d / "engagement.kml").getroot().tag == KML + "kml"


def test_czml_of_a_spherical_earth_run_keeps_its_heights(tmp_path):
    """On models.earth=spherical the heights above the sphere are kept: the path starts at
    height 0 on the launch point, not at the WGS-84 height of the same Cartesian point
    (which differs by up to 21 km: a - R_mean at the equator, 7.1 km; R_mean - b, 14.4 km)."""
    d = tmp_path / "sph"
    assert main(["run", "--out", str(d), "--set", "models.earth=spherical"]) == 0
    c = tmp_path / "s.czml"
    assert main(["export", str(d), "--czml", str(c)]) == 0
    s = np.array(_packets(c)["threat"]["position"]["cartographicDegrees"]).reshape(-1, 4)
    assert abs(s[0, 3]) < 1.0
    assert math.isclose(s[0, 2], 39.2, abs_tol=1e-6)
