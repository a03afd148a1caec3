"""Issue 10: inputs a fuzzer found that ended in a traceback, a hang or NaN printed as a result.

Each case is reproduced through the command line (``thaad.cli.main`` in-process, or a
subprocess where the real stderr encoding matters) and must now either run to a physical
result or stop with one line on stderr and exit status 2.
"""

import json
import subprocess
import sys

import numpy as np
import pytest

from thaad.cli import main


def _one_line_error(capsys, argv, *needles):
    rc = main(argv)
    cap = capsys.readouterr()
    assert rc == 2, cap.err
    lines = cap.err.splitlines()
    assert len(lines) == 1, cap.err
    assert lines[0].startswith("thaad")
    for n in needles:
        assert n in lines[0], lines[0]
    return lines[0]


# --- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "allowed"),
    [
        ("sensing.debris_dv_mps", ".inf", "[0, 100]"),  # was a MemoryError
        ("sensing.debris_dv_mps", "1e300", "[0, 100]"),
        ("battery.radar.scan_period_s", "1e-300", "[0.01, 10]"),  # negative dimensions
        ("battery.interceptor.max_flight_s", ".inf", "[1, 3600]"),  # negative dimensions
        ("battery.radar.system_temp_k", "1e-320", "[1, 10000]"),  # ZeroDivisionError
        ("battery.interceptor.diameter_m", "1e300", "[0.01, 10]"),  # OverflowError
        ("battery.fire_control.track_n", "1180591620717411303424", "[1, 64]"),  # numba int
        ("battery.radar.sigma_range_m", ".inf", "[0.001, 10000]"),  # printed "range -inf km"
        ("battery.interceptor.seeker_noise_urad", ".inf", "[0, 100000]"),  # "miss nan m"
        ("battery.radar.peak_power_w", ".inf", "[1, 1e+09]"),  # "detection range inf km"
        ("threat.aim.lat_deg", ".nan", "[-90, 90]"),
        ("seed", "-1", "[0, 9223372036854775807]"),
    ],
)
def test_extreme_numbers_are_one_line_naming_field_value_and_range(
    tmp_path, capsys, key, value, allowed
):
    out = tmp_path / "out"
    line = _one_line_error(capsys, ["run", "--out", str(out), "--set", f"{key}={value}"],
                           key, "allowed range", allowed)  # fmt: skip
    shown = {".inf": "inf", ".nan": "nan"}.get(value, value)
    assert f": {shown} is outside" in line.replace("e+", "e")
    assert not out.exists()


def test_coverage_min_elevation_near_zenith_is_refused(capsys):
    # was "detection range nan km": the search sector ran past the zenith
    _one_line_error(capsys, ["coverage", "--radar", "36,128,680", "--rcs", "0.01",
                             "--target-alt-km", "100", "--min-elevation-deg", "89.99"],
                    "--min-elevation-deg", "[-2, 85]")  # fmt: skip


def test_coverage_search_sector_stops_at_the_faces_maximum_elevation(capsys):
    """At 85 deg minimum elevation the 10-deg search span is cut at the 90-deg limit: the
    solid angle is 2 h (sin 90 - sin 85) = 2 (60 deg) (1 - 0.99619) = 0.00798 sr."""
    rc = main(["coverage", "--radar", "36,128,680", "--rcs", "0.01", "--target-alt-km", "100",
               "--min-elevation-deg", "85", "--json"])  # fmt: skip
    assert rc == 0
    d = json.loads(capsys.readouterr().out)
    assert d["search_solid_angle_sr"] == pytest.approx(
        2 * np.radians(60.0) * (1 - np.sin(np.radians(85.0))), rel=1e-9
    )
    assert np.isfinite(d["detection_range_m"]) and d["detection_range_m"] > 0.0


@pytest.mark.parametrize("rail_s", ["0.1", "0"])
def test_short_or_no_rail_flies_to_an_intercept(tmp_path, capsys, rail_s):
    """rail_s 0.1 s stalled the clock (a 1e-15 s step); rail_s 0 gave a NaN fly-out grid and
    a silent no-intercept. Both now intercept the default threat like the 1 s rail does, near
    the default's 123.8 km altitude and well inside the 0.5 m lethal radius."""
    rc = main(["run", "--json", "--out", str(tmp_path),
               "--set", f"battery.interceptor.rail_s={rail_s}"])  # fmt: skip
    assert rc == 0
    d = json.loads(capsys.readouterr().out)
    assert d["intercepted"] is True
    assert d["miss_distance_m"] < 0.5
    assert 110e3 < d["intercept_alt_m"] < 140e3


# --- geometry ------------------------------------------------------------------------------


def test_footprint_near_a_pole_is_refused(tmp_path, capsys):
    out = tmp_path / "fp"
    _one_line_error(capsys, ["footprint", "--launch", "39.2,125.67", "--out", str(out),
                             "--set", "battery.site.lat_deg=89.99"],
                    "--extent-km", "85 deg")  # fmt: skip
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--grid", "20000"], "[2, 1000]"),
        (["--extent-km", "inf"], "--extent-km"),
        (["--mode", "full", "--grid", "1000", "--draws", "1000"], "full mode allows"),
        (["--draws", "0"], "--draws"),
    ],
)
def test_footprint_sizes_are_bounded(tmp_path, capsys, args, needle):
    out = tmp_path / "fp"
    _one_line_error(capsys, ["footprint", "--launch", "39.2,125.67", "--out", str(out), *args],
                    needle)  # fmt: skip
    assert not out.exists()


def test_coverage_over_a_pole_is_refused(capsys):
    _one_line_error(capsys, ["coverage", "--radar", "90,0,0", "--rcs", "0.01",
                             "--target-alt-km", "100"], "pole")  # fmt: skip


def test_singular_targeting_jacobian_is_a_one_line_error(capsys, monkeypatch):
    import thaad.model.shapes as shapes

    def singular(*a, **k):
        raise np.linalg.LinAlgError("Matrix is singular to machine precision.")

    monkeypatch.setattr(shapes, "solve_aim", singular)
    _one_line_error(capsys, ["trajectory", "--launch", "39,125.7", "--aim", "35,129",
                             "--shape", "lofted", "--apogee-km", "300"], "--apogee-km")  # fmt: skip


def test_geos_exception_is_a_one_line_error(capsys, monkeypatch):
    import shapely.errors

    import thaad.model.geo as geo

    def broken(*a, **k):
        raise shapely.errors.GEOSException("TopologyException: side location conflict")

    monkeypatch.setattr(geo, "area_by_country_km2", broken)
    argv = ["coverage", "--radar", "36,128,680", "--rcs", "0.01", "--target-alt-km", "100"]
    _one_line_error(capsys, argv, "geometry", "TopologyException")


def test_footprint_says_whether_an_asset_is_too_close_or_too_far(tmp_path, capsys):
    """The srbm-600 family spans 20-99 % of its ~650 km maximum range from 39.2N 125.67E:
    an asset 39 km away is too close, one 1,331 km away is out of reach."""
    assets = ("assets=[{name: Near, lat_deg: 38.9, lon_deg: 125.9}, "
              "{name: Far, lat_deg: 30.0, lon_deg: 135.0}]")  # fmt: skip
    rc = main(["footprint", "--launch", "39.2,125.67", "--grid", "2", "--no-progress",
               "--out", str(tmp_path), "--set", assets])  # fmt: skip
    assert rc == 0
    text = capsys.readouterr().out
    near = next(line for line in text.splitlines() if "Near" in line)
    far = next(line for line in text.splitlines() if "Far" in line)
    assert "too close" in near and "(39 km" in near
    assert "out of the threat's reach" in far and "1,331 km" in far
    s = json.loads((tmp_path / "footprint.json").read_text())
    assert s["assets"]["Near"]["unreached"] == "too close"
    assert s["assets"]["Far"]["unreached"] == "too far"
    assert s["assets"]["Near"]["range_from_launch_m"] == pytest.approx(39.3e3, rel=0.02)


# --- the command line ----------------------------------------------------------------------


def test_no_command_is_one_line_on_stderr_and_exit_2(capsys):
    rc = main([])
    cap = capsys.readouterr()
    assert rc == 2 and cap.out == ""
    assert len(cap.err.splitlines()) == 1 and "no command" in cap.err


@pytest.mark.parametrize("value", ["a\n---\nb\n---\nc", "[unclosed\nmore\nlines", "abc\ndef\nghi"])
def test_set_values_with_newlines_are_one_line(tmp_path, capsys, value):
    _one_line_error(capsys, ["run", "--out", str(tmp_path / "o"), "--set",
                             f"battery.radar.half_fov_deg={value}"],
                    "battery.radar.half_fov_deg")  # fmt: skip


def test_montecarlo_help_says_95_percent(capsys):
    with pytest.raises(SystemExit):
        main(["montecarlo", "--help"])
    out = capsys.readouterr().out
    assert "95% Wilson" in out and "%%" not in out


def test_a_lone_surrogate_in_a_name_is_refused(tmp_path, capsys):
    f = tmp_path / "s.yaml"
    f.write_text('name: "bad \\udcff name"\n')
    _one_line_error(capsys, ["run", str(f), "--out", str(tmp_path / "o")], "name:",
                    "not valid Unicode")  # fmt: skip


def test_errors_print_a_lone_surrogate_escaped():
    """A file name that is not valid UTF-8 (argv decodes it to a lone surrogate) is echoed
    escaped on the real stderr, not a UnicodeEncodeError."""
    p = subprocess.run([sys.executable, "-m", "thaad.cli", "run", "/nonexistent/\udcff.yaml"],
                       capture_output=True, timeout=600)  # fmt: skip
    err = p.stderr.decode("utf-8", "replace")
    assert p.returncode == 2, err
    assert len(err.splitlines()) == 1 and "\\udcff" in err and "Traceback" not in err


def test_deep_nesting_and_alias_bombs_are_one_line(tmp_path, capsys):
    deep = tmp_path / "deep.yaml"
    deep.write_text("name: " + "[" * 5000 + "]" * 5000 + "\n")
    _one_line_error(capsys, ["run", str(deep), "--out", str(tmp_path / "o")], "nested")
    lol = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, cur in zip("abcdefgh", "bcdefghi", strict=True):
        lol.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    bomb = tmp_path / "lol.yaml"
    bomb.write_text("\n".join(lol) + "\n")
    _one_line_error(capsys, ["run", str(bomb), "--out", str(tmp_path / "o")], "aliases")
    _one_line_error(capsys, ["run", "--out", str(tmp_path / "o"), "--set",
                             "name=" + "[" * 100 + "]" * 100], "nested")  # fmt: skip


def test_yaml_anchors_within_the_caps_still_load(tmp_path):
    """A scenario that reuses a site through an anchor is ordinary YAML and loads."""
    from thaad.model.scenario import load_scenario

    f = tmp_path / "a.yaml"
    f.write_text("threat:\n  aim: &busan {lat_deg: 35.1796, lon_deg: 129.0756, name: Busan}\n"
                 "assets:\n  - *busan\n")  # fmt: skip
    sc = load_scenario(f)
    assert sc.assets[0].name == "Busan" and sc.threat.aim.lat_deg == pytest.approx(35.1796)


def test_docs_list_every_range_as_the_schema_has_it():
    """docs/parameters.md, *Allowed ranges*: one row per ranged key (sites once)."""
    import re
    from pathlib import Path

    from test_fuzz import LEAVES

    from thaad.model.scenario import field_range

    text = (Path(__file__).resolve().parents[1] / "docs" / "parameters.md").read_text()
    rows = dict(re.findall(r"^\| `([^`]+)` \| ([\[(][^|]+[\])]) \|", text, re.MULTILINE))
    n = 0
    for key, info in LEAVES:
        r = field_range(info)
        if r is None:
            continue
        parts = key.split(".")
        if parts[-1] in ("lat_deg", "lon_deg", "alt_m") and (
            "site" in parts or parts[0] in ("threat", "assets")
        ):
            key = "<site>." + parts[-1]
        assert rows.get(key) == str(r), key
        n += 1
    assert n >= 90


def test_assignment_with_no_finite_cost_ends():
    """The Hungarian assignment looped for ever when a row had no finite cost left; such a
    row now stays unassigned (-1) and the finite rows keep their optimum (1 + 1 = 2 here)."""
    from thaad.core.association import assign

    cost = np.array([[1.0, 5.0, 9.0], [np.nan, np.nan, np.nan], [5.0, 1.0, 9.0]])
    col = assign(cost)
    assert col[1] == -1
    assert sorted(col[[0, 2]]) == [0, 1] and cost[0, col[0]] + cost[2, col[2]] == 2.0


def test_a_southern_or_western_point_is_a_value_not_an_option(capsys):
    """``--radar -33.9,151.2,40`` was read as an unknown option ("expected one argument")."""
    rc = main(["coverage", "--radar", "-33.9,151.2,40", "--rcs", "0.01", "--target-alt-km",
               "100", "--json"])  # fmt: skip
    assert rc == 0
    d = json.loads(capsys.readouterr().out)
    assert d["radar_lat_deg"] == pytest.approx(-33.9) and d["radar_lon_deg"] == 151.2


@pytest.mark.parametrize(
    ("override", "key", "beta"),
    [
        # 0.33 kg over 0.01 m^2 = 33 kg/m^2: the kill vehicle flew off to 5.7e16 m (fuzz find)
        ("battery.interceptor.kv_mass_kg=0.3333", "battery.interceptor.kv_mass_kg", "33.3"),
        # (900 - 660) kg over 0.3 * pi * 2.5^2 m^2 = 40.7 kg/m^2
        ("battery.interceptor.diameter_m=5", "battery.interceptor.mass_kg", "40.7"),
    ],
)
def test_feather_light_interceptors_are_refused(tmp_path, capsys, override, key, beta):
    _one_line_error(capsys, ["run", "--out", str(tmp_path / "o"), "--set", override], key,
                    f"is {beta} kg/m2, below 200 kg/m2")  # fmt: skip
