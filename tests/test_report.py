"""``thaad report``: one self-contained HTML file per output directory, with every parameter's
value and source, the engagement's figures, and the analysis sections when their files exist.

Reference values:
- A consistent filter's position error e against sigma = sqrt(trace P): E[|e|^2] = trace P, so
  the mean of (|e|/sigma)^2 is 1 (Bar-Shalom, Li and Kirubarajan, *Estimation with
  Applications to Tracking and Navigation*, sec. 5.4, the NEES of the position block over its
  dimension); |e| <= 3 sigma holds for at least 1 - 1/9 of the points by Chebyshev's
  inequality, and for over 97 % of them for a Gaussian error in 3-D.
- Cubic Hermite interpolation is exact for cubic polynomials (Burden and Faires, *Numerical
  Analysis*, sec. 3.4).
"""

import base64
import html.parser
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from thaad.cli import main
from thaad.model.scenario import load_scenario
from thaad.output.report import parameter_rows, parameter_sources
from thaad.output.rundir import load_run

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "parameters.md"


class _Scan(html.parser.HTMLParser):
    """Collects images, links and the rows of the parameter table."""

    def __init__(self):
        super().__init__()
        self.imgs, self.urls, self.ids, self.rows = [], [], [], []
        self._table = None
        self._row = None
        self._cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        for k in ("src", "href"):
            if k in a:
                self.urls.append(a[k])
        if tag == "img":
            self.imgs.append(a.get("src", ""))
        if tag == "table":
            self._table = a.get("id")
        if tag == "tr" and self._table == "parameters":
            self._row = []
        if tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        if tag == "tr" and self._row:
            self.rows.append(self._row)
            self._row = None
        if tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def scan(path: Path) -> _Scan:
    s = _Scan()
    s.feed(path.read_text(encoding="utf-8"))
    return s


def _png_size(uri: str) -> tuple[int, int]:
    assert uri.startswith("data:image/png;base64,")
    raw = base64.b64decode(uri.split(",", 1)[1])
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(raw[16:20], "big"), int.from_bytes(raw[20:24], "big")


# ----------------------------------------------------------------------------- the report


def test_run_report_writes_one_self_contained_file(run_dir):
    rep = run_dir / "report.html"
    s = scan(rep)
    res = json.loads((run_dir / "result.json").read_text())
    text = rep.read_text(encoding="utf-8")
    # nothing linked from outside: every src/href is inline data or an in-page anchor
    assert s.urls, "no images or links at all"
    for u in s.urls:
        assert u.startswith(("data:", "#")), u
    # the engagement's four figures, as real PNGs of a readable size
    for fig in ("fig-timeline", "fig-altitude", "fig-map", "fig-tracking"):
        assert fig in s.ids
    assert len(s.imgs) == 4
    for uri in s.imgs:
        w, h = _png_size(uri)
        assert w >= 600 and h >= 150
    # provenance: version, seed and scenario hash as in result.json
    for needle in (res["scenario_sha256"], f"thaad {res['version']}", f"--seed {res['seed']}"):
        assert needle in text
    alt_km = res["intercept_alt_m"] / 1e3
    assert f"INTERCEPT at {alt_km:.1f} km altitude" in text
    assert len(re.findall(r'<tr><td class="num">\d+</td>', text)) == len(res["events"])
    # no analysis sections without their files
    for sec in ("montecarlo", "footprint", "coverage"):
        assert sec not in s.ids


def test_every_parameter_has_its_value_and_a_source(run_dir):
    s = scan(run_dir / "report.html")
    sc = load_scenario(run_dir / "scenario.yaml")
    rows = {r[0]: r for r in s.rows}
    want = parameter_rows(sc)
    assert len(want) >= 70
    assert set(rows) == {k for k, _, _ in want}
    for key, value, src in want:
        assert src is not None, f"{key} has no source"
        assert rows[key][1] == value
        assert "no source recorded" not in rows[key][2]
    # values come from scenario.yaml: spot checks against the file itself
    data = yaml.safe_load((run_dir / "scenario.yaml").read_text())
    assert (
        rows["battery.radar.half_fov_deg"][1] == f"{data['battery']['radar']['half_fov_deg']:g} °"
    )
    assert rows["seed"][1] == str(data["seed"])
    assert rows["battery.site"][1].startswith("Seongju: 36.0513°N, 128.2229°E")
    assert rows["threat.rcs_rv_m2"][1] == "class default: 0.1 m²"
    assert "Shephard Media" in rows["battery.radar.min_elevation_deg"][2]


def _doc_rows() -> dict[tuple[str, str], str]:
    out, section = {}, None
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        elif line.startswith("|") and not line.startswith("|---"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            out.setdefault((section, cells[0]), cells[-1])
    return out


def test_sources_table_agrees_with_docs():
    rows = _doc_rows()
    table = parameter_sources()
    for key, entry in table.items():
        if "row" in entry:
            where = (entry["section"], entry["row"])
            assert where in rows, f"{key}: docs/parameters.md has no row {where}"
            assert rows[where] == entry["source"], f"{key}: source differs from docs row {where}"
    # the table names keys of the scenario, and never repeats a value
    known = {k for k, _, _ in parameter_rows(load_scenario())}
    for key, entry in table.items():
        assert any(k == key or k.startswith(key + ".") for k in known), key
        assert set(entry) <= {"row", "section", "source"}, key


def test_hermite_interpolation_is_exact_for_a_cubic():
    t = np.array([0.0, 0.7, 2.0, 2.5, 4.0])
    c = np.array([[1.0, -2.0, 0.5, 0.3], [0.0, 4.0, -1.0, 0.2], [3.0, 0.0, 2.0, -0.1]])

    def pos(tt):
        return np.stack([k[0] + k[1] * tt + k[2] * tt**2 + k[3] * tt**3 for k in c], axis=-1)

    def vel(tt):
        return np.stack([k[1] + 2 * k[2] * tt + 3 * k[3] * tt**2 for k in c], axis=-1)

    from thaad.core.flight import path_at

    tn = np.linspace(0.0, 4.0, 41)
    got = path_at(t, pos(t), vel(t), tn)
    assert np.max(np.abs(got[:, :3] - pos(tn))) < 1e-12
    assert np.max(np.abs(got[:, 3:] - vel(tn))) < 1e-12  # the velocity is the cubic's slope
    # a repeated time (staging) keeps the state after it; outside the samples, the ends
    tt = np.array([0.0, 1.0, 1.0, 2.0])
    r = np.array([[0.0] * 3, [1.0] * 3, [5.0] * 3, [6.0] * 3])
    v = np.ones((4, 3))
    assert path_at(tt, r, v, np.array([1.0]))[0, 0] == 5.0
    assert path_at(tt, r, v, np.array([0.999999]))[0, 0] == pytest.approx(1.0, abs=1e-5)
    assert list(path_at(tt, r, v, np.array([-1.0, 3.0]))[:, 0]) == [0.0, 6.0]


def test_tracking_error_is_consistent_with_the_filter(run_dir):
    tk = load_run(run_dir).tracking
    assert len(tk["t_s"]) > 200
    inside = np.mean(tk["error_m"] <= 3.0 * tk["sigma_m"])
    ratio = np.mean((tk["error_m"] / tk["sigma_m"]) ** 2)
    assert inside >= 0.95
    assert 0.5 < ratio < 1.5
    nis = tk["nis"][np.isfinite(tk["nis"])]
    assert 2.5 < np.mean(nis) < 3.5  # chi-square with 3 dof has mean 3


# ----------------------------------------------------------------------------- analysis outputs


def _montecarlo_files(d: Path) -> dict:
    """A small Monte Carlo output in thaad montecarlo's format: per-draw Parquet chunks
    under draws/ with its columns, and the summary its own summarize() computes."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from thaad.analysis.montecarlo import COLUMNS, summarize
    from thaad.io import write_json

    rng = np.random.default_rng(1)
    (d / "draws").mkdir(parents=True)
    for start in (0, 100):
        n = 100
        hit = rng.random(n) < 0.87
        cols = {c: np.full(n, np.nan) for c in COLUMNS}
        cols["draw"] = np.arange(start, start + n)
        cols["intercepted"] = hit
        cols["interceptors_fired"] = rng.integers(1, 3, n)
        cols["intercept_alt_m"] = np.where(hit, rng.normal(110e3, 15e3, n), np.nan)
        cols["miss_distance_m"] = rng.exponential(0.2, n)
        name = f"chunk-{start:010d}-{start + n:010d}.parquet"
        pq.write_table(pa.table(cols), d / "draws" / name)
    chunks = [(0, 100), (100, 200)]
    write_json(d / "manifest.json", {"kind": "thaad-montecarlo", "scenario_sha256": "ab" * 32,
                                     "seed": 7, "draws": 200, "chunk": 100,
                                     "chunks": chunks})  # fmt: skip
    summary = summarize(d, 7)
    summary.update({"scenario": "Seongju default", "scenario_sha256": "ab" * 32})
    write_json(d / "montecarlo.json", summary)
    return summary


def _footprint_files(d: Path) -> None:
    """A small footprint in thaad footprint's format: footprint.nc (h5netcdf) with p_kill
    (NaN where no threat lands), footprint.geojson from its contour_geojson, footprint.json."""
    import xarray as xr

    from thaad.analysis.footprint import contour_geojson
    from thaad.io import write_json

    lat = np.linspace(34.5, 38.5, 21)
    lon = np.linspace(126.0, 130.5, 23)
    dist = np.hypot(*np.meshgrid(lat - 36.05, (lon - 128.22) * 0.8, indexing="ij"))
    pk = np.clip(1.2 - dist / 1.5, 0.0, 1.0)
    pk[0, :] = np.nan
    grid = ("latitude", "longitude")
    xr.Dataset(
        {"p_kill": (grid, pk, {"units": "1"}), "shots": (grid, np.ones_like(pk))},
        coords={"latitude": ("latitude", lat), "longitude": ("longitude", lon)},
    ).to_netcdf(d / "footprint.nc", engine="h5netcdf")
    write_json(d / "footprint.geojson", contour_geojson(lat, lon, pk, 0.5))
    seoul = {"lat_deg": 37.5665, "lon_deg": 126.978, "p_kill": 0.0, "threatened": True,
             "shots": 0, "first_intercept_alt_m": None, "defended": False}  # fmt: skip
    daegu = {"lat_deg": 35.8714, "lon_deg": 128.6014, "p_kill": 0.96, "threatened": True,
             "shots": 2, "first_intercept_alt_m": 98000.0, "defended": True}  # fmt: skip
    write_json(d / "footprint.json", {
        "scenario": "Seongju default", "scenario_sha256": "cd" * 32, "version": "0.1.0",
        "seed": 2017, "mode": "kinematic", "launch_deg": [39.2, 125.67], "threat": "srbm-600",
        "grid": 21, "extent_km": 400.0, "threshold": 0.5, "defended_area_km2": 51234.0,
        "assets": {"Seoul": seoul, "Daegu": daegu}, "family_s": 1.23456789, "grid_s": 2.5,
        "cells_per_s": 176.4, "sspk": 0.8, "doctrine": "shoot-look-shoot", "shots": 2,
        "lethality": "fixed single-shot kill probability sspk=0.8 per feasible shot",
    })  # fmt: skip


def _coverage_files(d: Path) -> None:
    """A coverage region as GeoJSON with its figures, as thaad coverage writes them."""
    from shapely.geometry import mapping

    from thaad.model.geo import circle_polygon

    poly = circle_polygon(36.05, 128.22, 300e3, n=90)
    props = {"coverage_area_km2": 282000.0, "area_by_country_km2": {"KOR": 1.0}}
    feature = {"type": "Feature", "geometry": mapping(poly), "properties": props}
    (d / "coverage.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature]})
    )
    (d / "coverage.json").write_text(
        json.dumps({"detection_range_m": 1.0e6, "coverage_area_km2": 282000.0})
    )


def test_monte_carlo_and_coverage_sections_appear_with_their_files(run_dir, tmp_path):
    d = tmp_path / "both"
    shutil.copytree(run_dir, d)
    (d / "report.html").unlink()
    summary = _montecarlo_files(d)
    _coverage_files(d)
    assert main(["report", str(d)]) == 0
    s = scan(d / "report.html")
    text = (d / "report.html").read_text()
    for sec in ("montecarlo", "coverage", "fig-draws", "fig-coverage", "fig-map"):
        assert sec in s.ids, sec
    assert "footprint" not in s.ids
    assert len(s.imgs) == 6
    lo, hi = summary["p_kill_ci95"]
    head = f"Kill probability {summary['p_kill']:.3f} (95 % interval {lo:.3f} to {hi:.3f})"
    assert head + " over 200 draws" in text
    # labelled rows with units, not raw keys; the lethality model named beside the number
    alt = summary["intercept_alt_m"]
    assert (f"<th scope=\"row\">intercept altitude, median (5 % to 95 %)</th><td>"
            f"{alt['p50'] / 1e3:.1f} km ({alt['p5'] / 1e3:.1f} to {alt['p95'] / 1e3:.1f} km)"
            in text)  # fmt: skip
    assert "miss-distance model: a kill when the interceptor passes within 0.5 m" in text
    assert "intercept_alt_m.p95" not in text
    assert '<th scope="row">detection range, search (slant)</th><td>1,000 km</td>' in text
    assert '<th scope="row">covered area</th><td>282,000 km²</td>' in text
    assert "200 rows in draws/chunk-0000000000-0000000100.parquet and 1 more" in text


def test_footprint_directory_report(tmp_path):
    d = tmp_path / "fp"
    d.mkdir()
    _footprint_files(d)
    (tmp_path / "elsewhere").mkdir()
    out = tmp_path / "elsewhere" / "fp.html"
    assert main(["report", str(d), "--out", str(out)]) == 0
    s = scan(out)
    text = out.read_text()
    assert {"footprint", "fig-footprint", "assets"} <= set(s.ids)
    assert not {"montecarlo", "coverage", "fig-timeline", "parameters"} & set(s.ids)
    assert "Defended area 51,234 km² (kill probability ≥ 0.5)" in text
    assert '<tr><td>Daegu</td><td class="num">0.960</td><td>defended</td>' in text
    assert "<title>thaad report: Seongju default</title>" in text
    # statistics read from the grid: 21 x 23 cells, the first row not threatened
    assert '<th scope="row">grid cells</th><td>483 (21 latitudes × 23 longitudes)</td>' in text
    assert '<th scope="row">cells out of reach of the threat</th><td>23</td>' in text
    # the summary as labelled rows with units and rounding, not raw keys
    assert '<th scope="row">run time</th><td>trajectories 1.2 s, grid 2.5 s, 176 cells/s' in text
    assert "family_s" not in text and "1.23456789" not in text
    assert "<td>shoot-look-shoot, up to 2 shots</td>" in text
    assert "comes from the fixed single-shot kill probability sspk=0.8" in text
    assert "cd" * 32 in text  # the footprint's scenario hash, for reproduction


# ----------------------------------------------------------------------------- bad input


def _break(d: Path, how: str) -> None:
    if how == "no-result":
        (d / "result.json").unlink()
    elif how == "corrupt-result":
        (d / "result.json").write_text('{"intercepted": true, "events": [')
    elif how == "missing-key":
        r = json.loads((d / "result.json").read_text())
        del r["events"]
        (d / "result.json").write_text(json.dumps(r))
    elif how == "no-history":
        (d / "history.json").unlink()
    elif how == "short-history":
        h = json.loads((d / "history.json").read_text())
        h["threat"]["ecef_m"] = h["threat"]["ecef_m"][:-3]
        (d / "history.json").write_text(json.dumps(h))
    elif how == "edited-scenario":
        y = (d / "scenario.yaml").read_text().replace("half_fov_deg: 60.0", "half_fov_deg: 45.0")
        (d / "scenario.yaml").write_text(y)
    elif how == "binary-result":
        (d / "result.json").write_bytes(b"\xff\xfe\x00garbage")
    elif how == "corrupt-footprint":
        (d / "footprint.nc").write_bytes(b"CDF\x01 this is not netCDF")
    elif how == "corrupt-parquet":
        (d / "draws").mkdir()
        (d / "draws" / "chunk-0000000000-0000000010.parquet").write_bytes(b"PAR1 torn write")
    elif how == "corrupt-summary":
        (d / "summary.json").write_text('{"draws": 10, "p_kill": ')


@pytest.mark.parametrize(
    ("how", "needle"),
    [
        ("corrupt-result", "result.json: not valid JSON (line 1"),
        ("missing-key", "result.json: events: is missing"),
        ("no-history", "incomplete: history.json is missing"),
        ("short-history", "history.json: threat: threat's series differ in length"),
        ("edited-scenario", "scenario.yaml: does not match result.json"),
        ("binary-result", "result.json: not a UTF-8 text file"),
        ("corrupt-footprint", "footprint.nc: cannot be read as netCDF"),
        ("corrupt-parquet", "chunk-0000000000-0000000010.parquet: cannot be read as Parquet"),
        ("corrupt-summary", "summary.json: not valid JSON (line 1"),
    ],
)
def test_bad_run_directory_is_one_line_and_exit_2(run_dir, tmp_path, capsys, how, needle):
    d = tmp_path / "bad"
    shutil.copytree(run_dir, d)
    (d / "report.html").unlink()
    _break(d, how)
    assert main(["report", str(d)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and needle in err[0], err
    assert not (d / "report.html").exists()


@pytest.mark.parametrize("cmd", [["report"], ["export", "--czml", "x.czml"], ["view"]])
def test_missing_or_empty_directory(tmp_path, capsys, cmd):
    name, *opts = cmd
    assert main([name, str(tmp_path / "nope"), *opts]) == 2
    assert "does not exist" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main([name, str(tmp_path / "empty"), *opts]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "holds no thaad outputs" in err[0] or "has no result.json" in err[0]


def test_bad_input_from_the_command_line_has_no_traceback(run_dir, tmp_path):
    d = tmp_path / "bad"
    shutil.copytree(run_dir, d)
    _break(d, "corrupt-result")
    p = subprocess.run(
        [sys.executable, "-m", "thaad.cli", "report", str(d)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode == 2
    assert len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr


def test_no_intercept_report_says_why_beside_the_altitude_plot(tmp_path):
    """Aimed at Seoul the threat never enters the envelope (docs/guide/footprint.md: 245 km from
    Seongju when it falls through 40 km): the report says so above and under the plot."""
    d = tmp_path / "seoul"
    assert main(["run", "--aim", "Seoul", "--out", str(d), "--report"]) == 0
    s = scan(d / "report.html")
    text = (d / "report.html").read_text()
    assert "why" in s.ids and "fig-altitude" in s.ids
    assert "<b>Why:</b> the threat is never inside the envelope (40-150 km altitude" in text
    km = float(text.split("comes no closer than ")[1].split(" km")[0])
    assert 230.0 < km < 260.0
    caption = text.split('id="fig-altitude"')[1].split("</figcaption>")[0]
    assert "<b>No intercept:</b> the threat is never inside the envelope" in caption
