"""Defended footprints: closed-form kill probabilities, outputs, and the full mode.

A cell with ``n`` feasible shots of single-shot kill probability ``p`` is defended with
``1 - (1 - p)^n`` (independent shots; Wilkening, Science & Global Security 8, 2000).
"""

import json
import math
import subprocess
import sys

import numpy as np
import pytest
import xarray as xr
from shapely.geometry import Point, shape

import thaad
from thaad.analysis.footprint import cell_areas_km2, run_footprint
from thaad.errors import ThaadInputError
from thaad.output.maps import plot_footprint_dir

LAUNCH = (39.2, 125.67)


@pytest.fixture(scope="module")
def fp(tmp_path_factory):
    out = tmp_path_factory.mktemp("fp")
    sc = thaad.load_scenario()
    s = run_footprint(sc, LAUNCH, out, grid=40, extent_km=350, progress=False)
    plot_footprint_dir(out, sc, LAUNCH, s)
    return out, s


def test_kill_probabilities_take_the_closed_form_values(fp):
    out, _s = fp
    ds = xr.open_dataset(out / "footprint.nc", engine="h5netcdf")
    p = 0.8
    pk = ds["p_kill"].values
    shots = ds["shots"].values
    ok = ~np.isnan(pk)
    assert np.allclose(pk[ok], 1 - (1 - p) ** shots[ok])
    assert set(np.unique(shots[ok]).astype(int)) <= {0, 1, 2}
    assert (shots[ok] == 2).any() and (shots[ok] == 0).any()
    ds.close()


def test_seongju_defends_daegu_and_busan_not_seoul(fp):
    _, s = fp
    a = s["assets"]
    assert a["Daegu"]["defended"] and a["Daegu"]["p_kill"] == pytest.approx(0.96)
    assert a["Busan"]["defended"]
    assert not a["Seoul"]["defended"] and a["Seoul"]["p_kill"] == 0.0
    assert 40e3 <= a["Daegu"]["first_intercept_alt_m"] <= 150e3
    # 0.96 = 1 - (1 - 0.8)^2: the summary says it is the fixed sspk, not a flown engagement
    assert s["lethality"].startswith("fixed single-shot kill probability sspk=0.8 per feasible")
    assert s["battery"] == {"name": "Seongju", "lat_deg": 36.0513, "lon_deg": 128.2229}


def test_contour_and_area_agree_with_the_grid(fp):
    out, s = fp
    gj = json.loads((out / "footprint.geojson").read_text())
    region = shape(gj["features"][0]["geometry"])
    daegu = s["assets"]["Daegu"]
    seoul = s["assets"]["Seoul"]
    assert region.contains(Point(daegu["lon_deg"], daegu["lat_deg"]))
    assert not region.contains(Point(seoul["lon_deg"], seoul["lat_deg"]))
    ds = xr.open_dataset(out / "footprint.nc", engine="h5netcdf")
    lats, lons = ds["latitude"].values, ds["longitude"].values
    area = cell_areas_km2(lats, lons)
    defended = np.nan_to_num(ds["p_kill"].values) >= s["threshold"]
    assert s["defended_area_km2"] == pytest.approx(area[defended].sum())
    assert 1e4 < s["defended_area_km2"] < 4e5
    ds.close()
    assert (out / "footprint.png").stat().st_size > 20_000


def test_cell_areas_sum_to_the_spherical_band():
    lats = np.linspace(30.0, 40.0, 101)
    lons = np.linspace(120.0, 130.0, 201)
    a = cell_areas_km2(lats, lons).sum()
    # band between the outer cell edges: R^2 dlon (sin(lat2) - sin(lat1))
    dlat, dlon = 0.1, 0.05
    exact = (
        6371.0**2
        * math.radians(10 + dlon)
        * (math.sin(math.radians(40 + dlat / 2)) - math.sin(math.radians(30 - dlat / 2)))
    )
    assert a == pytest.approx(exact, rel=1e-3)


def test_salvo_fires_every_shot_at_the_first_opportunity(tmp_path):
    sc = thaad.load_scenario(overrides=["doctrine.mode=salvo", "doctrine.shots=3",
                                        "lethality.sspk=0.6"])  # fmt: skip
    s = run_footprint(sc, LAUNCH, tmp_path, grid=6, extent_km=100, progress=False)  # fmt: skip
    assert s["assets"]["Daegu"]["p_kill"] == pytest.approx(1 - 0.4**3)


def test_full_mode_agrees_with_kinematic_near_the_battery(tmp_path):
    sc = thaad.load_scenario(overrides=["assets=[]"])
    s = run_footprint(sc, LAUNCH, tmp_path / "full", grid=2, extent_km=30, mode="full",
                      draws=2, workers=1, progress=False)  # fmt: skip
    ds = xr.open_dataset(tmp_path / "full" / "footprint.nc", engine="h5netcdf")
    # every aim point within 30 km of the battery is defended: kills in every draw
    assert np.all(ds["p_kill"].values == 1.0)
    ds.close()
    assert s["defended_area_km2"] > 0


@pytest.mark.parametrize(("args", "needle"), [
    (["--grid", "1"], "--grid"), (["--extent-km", "0"], "--extent-km"),
    (["--threshold", "1.5"], "--threshold"),
])  # fmt: skip
def test_bad_footprint_input(tmp_path, args, needle):
    r = subprocess.run([sys.executable, "-m", "thaad.cli", "footprint", "--launch", "39.2,125.67",
                        "--out", str(tmp_path), *args], capture_output=True, text=True)  # fmt: skip
    assert r.returncode == 2 and needle in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_full_footprint_identical_for_workers_and_dask_and_resumes(tmp_path):
    """The full footprint at scale: batches of cells on 1 or 2 local processes or a Dask
    cluster of worker processes give the same kill probabilities cell for cell, and a run
    that lost batches (killed) resumes to the same result without flying the rest again."""
    from distributed import LocalCluster

    from thaad.analysis.footprint import cells_per_task

    sc = thaad.load_scenario(overrides=["lethality.model=fixed"])
    kw = dict(grid=5, extent_km=150, mode="full", draws=4, progress=False)
    assert cells_per_task(25, 4) == 1
    s1 = run_footprint(sc, LAUNCH, tmp_path / "w1", workers=1, **kw)
    run_footprint(sc, LAUNCH, tmp_path / "w2", workers=2, **kw)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:  # fmt: skip
        run_footprint(sc, LAUNCH, tmp_path / "dk", scheduler=cluster.scheduler_address, **kw)

    def pk(d):
        with xr.open_dataset(d / "footprint.nc", engine="h5netcdf") as ds:
            return ds["p_kill"].values.copy()

    ref = pk(tmp_path / "w1")
    assert np.isfinite(ref).sum() >= 5  # some cells are defended or at least threatened
    for other in ("w2", "dk"):
        np.testing.assert_array_equal(ref, pk(tmp_path / other))
    batches = sorted((tmp_path / "w1" / "cells").glob("cells-*.parquet"))
    assert len(batches) == 25
    for f in batches[::3]:
        f.unlink()
    with pytest.raises(ThaadInputError, match="--resume"):
        run_footprint(sc, LAUNCH, tmp_path / "w1", workers=1, **kw)
    s2 = run_footprint(sc, LAUNCH, tmp_path / "w1", workers=1, resume=True, **kw)
    np.testing.assert_array_equal(ref, pk(tmp_path / "w1"))
    assert s2["defended_area_km2"] == s1["defended_area_km2"]
    with pytest.raises(ThaadInputError, match="another full footprint"):
        run_footprint(sc, LAUNCH, tmp_path / "w1", workers=1, resume=True,
                      **{**kw, "draws": 5})  # fmt: skip


def test_kinematic_and_full_agree_on_the_defended_cells(tmp_path):
    """The kinematic footprint follows the engagement's own rules (search, firm-track looks,
    doctrine, launcher geometry, trajectory shape): on a 12 x 12 grid it calls the same
    cells defended as full engagements (2 draws each) in at least 90 % of the cells."""
    sc = thaad.load_scenario(overrides=["assets=[]"])
    kw = dict(grid=12, extent_km=300, progress=False)
    run_footprint(sc, LAUNCH, tmp_path / "k", **kw)
    run_footprint(sc, LAUNCH, tmp_path / "f", mode="full", draws=2, workers=1, **kw)
    with xr.open_dataset(tmp_path / "k" / "footprint.nc", engine="h5netcdf") as k, \
            xr.open_dataset(tmp_path / "f" / "footprint.nc", engine="h5netcdf") as f:  # fmt: skip
        dk = np.nan_to_num(k["p_kill"].values, nan=0.0) >= 0.5
        df = np.nan_to_num(f["p_kill"].values, nan=0.0) >= 0.5
    agree = np.mean(dk == df)
    assert dk.any() and (~dk).any()  # the grid spans defended and undefended cells
    assert agree >= 0.9, f"agreement {agree:.2f}"


def test_a_lofted_threat_changes_the_footprint(tmp_path):
    kw = dict(grid=12, extent_km=300, progress=False)
    me = run_footprint(thaad.load_scenario(overrides=["assets=[]"]), LAUNCH, tmp_path / "m", **kw)
    lo = run_footprint(thaad.load_scenario(overrides=["assets=[]", "threat.shape=lofted",
                                                      "threat.apogee_km=300"]),
                       LAUNCH, tmp_path / "l", **kw)  # fmt: skip
    assert lo["defended_area_km2"] != pytest.approx(me["defended_area_km2"], rel=0.05)
