"""``thaad coverage``: the limits, the covered region, the areas by country, the Seongju
question, and bad input."""

import json
import math
import subprocess
import sys

import pytest

from thaad.analysis.coverage import coverage
from thaad.cli import main
from thaad.core import radar as crd

SEONGJU = (36.0513, 128.2229, 680.0)


@pytest.fixture(scope="module")
def terminal():
    return coverage(SEONGJU, "terminal", 0.01, 100.0)


@pytest.fixture(scope="module")
def forward():
    return coverage(SEONGJU, "forward-based", 0.01, 100.0)


def test_limits_are_the_radar_equations(terminal):
    import thaad

    rd = thaad.load_scenario().battery.radar_core()
    r = terminal
    assert r.detection_range_m == pytest.approx(crd.search_range_m(rd, 0.01, 1.0), rel=1e-12)
    assert r.track_range_m == pytest.approx(crd.detection_range_m(rd, 0.01), rel=1e-12)
    # the search is 10 dB of dwell short of the 40 ms track dwell: (40 / 3.76)^(1/4) = 1.81
    assert r.track_range_m / r.detection_range_m == pytest.approx(
        (rd.dwell_s / r.search_dwell_s) ** 0.25, rel=1e-9
    )
    assert r.horizon_range_m == pytest.approx(crd.horizon_ground_range_m(680.0, 100e3))
    assert r.elevation_range_m == pytest.approx(
        crd.ground_range_at_elevation_m(680.0, 100e3, math.radians(5.0))
    )
    assert r.coverage_range_m == min(r.radar_equation_ground_range_m, r.horizon_range_m,
                                     r.elevation_range_m)  # fmt: skip
    assert r.limited_by == "radar equation"
    # ground range of a 313 km slant range to 100 km altitude: about 295 km
    assert r.radar_equation_ground_range_m == pytest.approx(295e3, rel=0.01)


def test_elevation_mask_is_the_same_in_the_engagement(terminal):
    """One elevation convention: the engagement's and the footprint's detection test
    (``thaad.core.radar.visible``) stops seeing a 100 km object along the boresight at the
    ground range where ``thaad coverage`` puts its minimum-elevation limit (747 km from
    Seongju with 5 deg on the 4/3 Earth; a geometric-elevation mask would stop at 691 km)."""
    import thaad
    from thaad.core.constants import R_MEAN_M
    from thaad.core.earth import destination, enu_basis, geodetic_to_ecef

    rd = thaad.load_scenario().battery.radar_core()._replace(max_range_m=1e9)  # elevation only
    site = geodetic_to_ecef(rd.lat_rad, rd.lon_rad, rd.alt_m, 1)
    enu = enu_basis(rd.lat_rad, rd.lon_rad)

    def seen(g):
        lat, lon = destination(rd.lat_rad, rd.lon_rad, rd.boresight_az_rad, g / R_MEAN_M)
        return crd.visible(rd, site, enu, geodetic_to_ecef(lat, lon, 100e3, 1), 1e6, 1)[0]

    lo, hi = 100e3, 1500e3
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if seen(mid) else (lo, mid)
    assert lo == pytest.approx(terminal.elevation_range_m, abs=1.0)
    assert lo == pytest.approx(747.4e3, abs=0.5e3)


def test_area_is_the_sector_and_splits_by_country(terminal):
    r = terminal
    # a spherical cap sector: 2 pi R^2 (1 - cos(d/R)) * (120/360), WGS-84 within 0.5 %
    rr = 6371e3
    cap = 2 * math.pi * rr**2 * (1 - math.cos(r.coverage_range_m / rr)) / 3 / 1e6
    assert r.coverage_area_km2 == pytest.approx(cap, rel=5e-3)
    assert sum(r.area_by_country_km2.values()) == pytest.approx(r.coverage_area_km2, rel=1e-6)
    assert set(r.area_by_country_km2) == {"KOR", "PRK", "sea"}
    assert r.countries["KOR"]["nearest_land_m"] == pytest.approx(0.0, abs=1.0)


def test_seongju_question_terminal_sees_no_china_forward_based_does(terminal, forward):
    """The question of 2016-17: a 0.01 m2 object at 100 km, boresight 315 deg (toward North
    Korea), 5 deg minimum elevation. China's nearest land (Shandong's tip, Chengshantou) lies
    about 515 km west-north-west of Seongju."""
    assert "CHN" not in terminal.area_by_country_km2
    assert forward.limited_by == "radar equation"
    assert forward.detection_range_m > 1.7 * terminal.detection_range_m
    chn = forward.countries["CHN"]
    assert 505e3 < chn["nearest_land_m"] < 530e3
    assert chn["reach_beyond_nearest_land_m"] == pytest.approx(
        forward.coverage_range_m - chn["nearest_land_m"]
    )
    assert 0 < forward.area_by_country_km2["CHN"] < 10_000


def test_big_objects_hit_the_elevation_limit_and_the_horizon():
    r = coverage(SEONGJU, "forward-based", 100.0, 100.0)
    assert r.limited_by == "minimum elevation"
    assert r.coverage_range_m == pytest.approx(r.elevation_range_m)
    # below the radar's own horizon dip (-0.84 deg at 680 m) only the horizon limits
    r2 = coverage(SEONGJU, "forward-based", 100.0, 100.0, min_elevation_deg=-2.0)
    assert r2.limited_by == "horizon"
    assert r2.coverage_range_m == pytest.approx(r2.horizon_range_m)
    # tracks take radar time: 2 tracks of a 40 ms dwell every 0.5 s leave 84 % for search
    r3 = coverage(SEONGJU, "terminal", 0.01, 100.0, tracks=2)
    assert r3.search_fraction == pytest.approx(1 - 2 * 0.04 / 0.5)
    assert r3.detection_range_m == pytest.approx(
        coverage(SEONGJU, "terminal", 0.01, 100.0).detection_range_m * 0.84**0.25, rel=1e-9
    )


def test_cli_json_map_and_geojson(tmp_path, capsys):
    png = tmp_path / "cov.png"
    gj = tmp_path / "cov.geojson"
    rc = main(["coverage", "--radar", "36.0513,128.2229,680", "--mode", "forward-based",
               "--rcs", "0.01", "--target-alt-km", "100", "--boresight-az-deg", "290",
               "--json", "--map", str(png), "--geojson", str(gj)])  # fmt: skip
    assert rc == 0
    d = json.loads(capsys.readouterr().out)
    for k in ("detection_range_m", "horizon_range_m", "coverage_range_m", "coverage_area_km2",
              "area_by_country_km2", "limited_by"):  # fmt: skip
        assert k in d
    assert d["boresight_az_deg"] == 290.0 and d["area_by_country_km2"]["CHN"] > 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    g = json.loads(gj.read_text())
    region = g["features"][0]
    assert region["geometry"]["type"] == "Polygon"
    assert region["properties"]["coverage_area_km2"] == pytest.approx(d["coverage_area_km2"])
    lon, _lat = zip(*region["geometry"]["coordinates"][0], strict=True)
    assert min(lon) < 122.7  # reaches past Shandong's tip


def test_cli_text(capsys):
    assert main(["coverage", "--radar", "36.0513,128.2229,680", "--rcs", "0.1",
                 "--target-alt-km", "100"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "limited by the radar equation" in out and "KOR" in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--radar", "36,128", "--rcs", "1", "--target-alt-km", "100"], "LAT,LON,ALT_M"),
        (["--radar", "96,128,0", "--rcs", "1", "--target-alt-km", "100"], "outside [-90, 90]"),
        (["--radar", "36,128,0", "--rcs", "-1", "--target-alt-km", "100"], "--rcs"),
        (["--radar", "36,128,0", "--rcs", "nan", "--target-alt-km", "100"], "finite"),
        (["--radar", "36,128,0", "--rcs", "1", "--target-alt-km", "100", "--mode", "x"],
         "--mode"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(args, needle):
    p = subprocess.run([sys.executable, "-m", "thaad.cli", "coverage", *args],
                       capture_output=True, text=True, timeout=300)  # fmt: skip
    assert p.returncode == 2, p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in p.stderr


def test_out_dir_feeds_the_report(tmp_path, capsys):
    out = tmp_path / "cov"
    assert main(["coverage", "--radar", "36.0513,128.2229,680", "--mode", "forward-based",
                 "--rcs", "0.01", "--target-alt-km", "100", "--out", str(out)]) == 0  # fmt: skip
    d = json.loads((out / "coverage.json").read_text())
    assert d["area_by_country_km2"]["CHN"] > 0
    assert (out / "coverage.png").stat().st_size > 20_000
    import os

    mask = os.umask(0)
    os.umask(mask)
    assert (out / "coverage.png").stat().st_mode & 0o777 == 0o666 & ~mask  # not mkstemp's 0600
    assert json.loads((out / "coverage.geojson").read_text())["type"] == "FeatureCollection"
    capsys.readouterr()
    assert main(["report", str(out)]) == 0
    html = (out / "report.html").read_text()
    assert "Coverage and regions" in html and "CHN" in html


def test_positional_scenario_gives_the_radar_site_and_mode(tmp_path, capsys):
    """Like the other commands, coverage takes a scenario; its battery's site and radar mode
    are the defaults of --radar and --mode (the Seongju values otherwise)."""
    f = tmp_path / "s.yaml"
    f.write_text("battery: {site: {lat_deg: 37.0, lon_deg: 127.5, alt_m: 100.0},"
                 " radar: {mode: forward-based}}\n")  # fmt: skip
    assert main(["coverage", str(f), "--rcs", "0.1", "--target-alt-km", "100", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert (d["radar_lat_deg"], d["radar_lon_deg"], d["radar_alt_m"]) == (37.0, 127.5, 100.0)
    assert d["mode"] == "forward-based"
    assert main(["coverage", "--rcs", "0.1", "--target-alt-km", "100", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert (d["radar_lat_deg"], d["radar_lon_deg"], d["mode"]) == (36.0513, 128.2229, "terminal")


# --- the search-consistent regions (issue 13) -----------------------------------------------


@pytest.mark.parametrize(
    ("mode", "rcs", "alt_km"),
    [("terminal", 0.1, 100.0), ("terminal", 1.0, 100.0), ("forward-based", 1.0, 100.0),
     ("forward-based", 1.0, 300.0), ("terminal", 0.01, 30.0)],
)  # fmt: skip
def test_search_region_lies_in_the_searched_band(mode, rcs, alt_km):
    """Every point of the detection region sits, at the object's altitude, at an apparent
    elevation (4/3 Earth) inside the searched band, and within the search range; the edges
    are where one of them ends (to the 1 m of the bisection): the top of the band inside, the
    bottom of the band, the search range or the instrumented range outside."""
    from thaad.core.visibility import slant_range_m

    r = coverage(SEONGJU, mode, rcs, alt_km)
    lo, hi = r.search_elevation_deg
    assert hi - lo == pytest.approx(10.0 if mode == "terminal" else 2.0)
    inner, outer = r.detection_ground_range_m
    h = alt_km * 1e3
    for g in [inner + (outer - inner) * f for f in (0.0, 0.25, 0.5, 0.75, 1.0)]:
        el = math.degrees(crd.apparent_elevation_rad(680.0, h, g))
        assert lo - 1e-3 <= el <= hi + 1e-3
        assert slant_range_m(680.0, h, g) <= r.detection_range_m + 1.0
    # the inner edge is the top of the band (the object overhead is not searched)
    el_in = math.degrees(crd.apparent_elevation_rad(680.0, h, inner))
    assert el_in == pytest.approx(hi, abs=1e-3)
    # the outer edge: the bottom of the band, or the search range, whichever comes first
    el_out = math.degrees(crd.apparent_elevation_rad(680.0, h, outer))
    g_det = crd.ground_range_from_slant_m(680.0, h, r.detection_range_m)
    g_max = crd.ground_range_from_slant_m(680.0, h, 1500e3)
    assert (el_out == pytest.approx(lo, abs=1e-3) or outer == pytest.approx(g_det, abs=2.0)
            or outer == pytest.approx(g_max, abs=2.0))  # fmt: skip
    # the detection region is inside the track region
    t0, t1 = r.track_ground_range_m
    assert t0 <= inner and outer <= t1


def test_small_object_is_never_found_by_the_forward_based_fence(forward):
    """Issue 13's arithmetic: 0.01 m2 at 100 km sits at 8.5 deg at the 543 km the search
    range reaches, above the 5-7 deg fence; in the fence (617-747 km) it is beyond the
    555 km search range. The search finds it nowhere; once in track it is kept to 553 km."""
    r = forward
    assert r.search_elevation_deg == pytest.approx([5.0, 7.0])
    el = math.degrees(crd.apparent_elevation_rad(680.0, 100e3, 543e3))
    assert el == pytest.approx(8.5, abs=0.1)
    assert crd.ground_range_at_elevation_m(680.0, 100e3, math.radians(7.0)) == pytest.approx(
        617e3, abs=1e3
    )
    assert r.detection_ground_range_m is None and r.detection_area_by_country_km2 == {}
    assert r.track_ground_range_m[0] == 0.0
    assert r.track_ground_range_m[1] == pytest.approx(
        crd.ground_range_from_slant_m(680.0, 100e3, r.track_range_m), abs=2.0
    )
    assert "CHN" in r.track_area_by_country_km2


def test_detection_range_scales_as_rcs_to_the_quarter():
    """Where the search range alone sets the outer edge (terminal mode, 30 km, the band
    from 0 deg so that the elevation limit lies far out), 16 times the cross-section doubles
    the slant range of the outer edge (R^4 proportional to sigma)."""
    from thaad.core.visibility import slant_range_m

    out = []
    for rcs in (0.01, 0.16):
        r = coverage(SEONGJU, "terminal", rcs, 30.0, min_elevation_deg=0.0)
        g = r.detection_ground_range_m[1]
        assert r.elevation_range_m > g + 1e3  # not the elevation limit
        out.append(slant_range_m(680.0, 30e3, g))
    assert out[1] / out[0] == pytest.approx(2.0, rel=1e-4)
    assert out[0] == pytest.approx(coverage(SEONGJU, "terminal", 0.01, 30.0, min_elevation_deg=0.0)
                                   .detection_range_m, abs=5.0)  # fmt: skip


def test_json_and_geojson_carry_both_regions(tmp_path, capsys):
    rc = main(["coverage", "--radar", "36.0513,128.2229,680", "--mode", "terminal", "--rcs",
               "1", "--target-alt-km", "100", "--json", "--geojson",
               str(tmp_path / "c.gj")])  # fmt: skip
    assert rc == 0
    d = json.loads(capsys.readouterr().out)
    for k in ("search_elevation_deg", "detection_ground_range_m", "track_ground_range_m",
              "detection_area_by_country_km2", "track_area_by_country_km2"):  # fmt: skip
        assert k in d
    a, b = d["detection_ground_range_m"]
    assert 0 < a < b and d["detection_area_km2"] > 0
    assert sum(d["detection_area_by_country_km2"].values()) == pytest.approx(
        d["detection_area_km2"], rel=1e-3
    )
    kinds = [f["properties"]["kind"] for f in json.loads((tmp_path / "c.gj").read_text())[
        "features"]]  # fmt: skip
    assert kinds == ["coverage", "radar", "detection", "track"]
