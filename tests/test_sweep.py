"""thaad sweep: grids of scenario values, common random numbers, identity across backends,
resume, and bad input (issue: studies that outgrow one machine)."""

import itertools
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from thaad.analysis.sweep import parse_spec, read_sweep, run_sweep
from thaad.errors import ThaadInputError

FIXED = ["lethality.model=fixed"]


def test_spec_forms():
    assert parse_spec("a.b=1,2,3").values == (1, 2, 3)
    assert parse_spec("a.b=salvo,shoot-look-shoot").values == ("salvo", "shoot-look-shoot")
    np.testing.assert_allclose(parse_spec("k=0.5:0.9:5").values, [0.5, 0.6, 0.7, 0.8, 0.9])
    np.testing.assert_allclose(parse_spec("k=log:0.1:10:3").values, [0.1, 1.0, 10.0])
    for bad, msg in (
        ("k=1:2:0", "empty"),
        ("k=", "empty"),
        ("k=1,,2", "empty"),
        ("k=log:0:1:3", "positive"),
        ("k", "KEY=SPEC"),
        ("k=a:b:3", "numbers"),
    ):
        with pytest.raises(ThaadInputError, match=msg):
            parse_spec(bad)


def test_common_random_numbers_make_kill_monotone_per_draw(tmp_path):
    """With the fixed lethality model a shot kills when its uniform draw is below sspk, and
    every point sees the same draws: raising sspk can only turn a survival into a kill, draw
    by draw (shoot-look-shoot, two shots), and P(kill) follows 1-(1-p)^n closely."""
    s = run_sweep(["lethality.sspk=0.3:0.9:4"], 120, tmp_path / "s", sets=FIXED, workers=1,
                  chunk=50, progress=False)  # fmt: skip
    from thaad.analysis.montecarlo import read_draws

    hits = [read_draws(tmp_path / "s" / "points" / f"p{i:05d}").to_pandas()["intercepted"]
            for i in range(4)]  # fmt: skip
    for lo, hi in itertools.pairwise(hits):
        assert not (lo & ~hi).any()
    ds = read_sweep(tmp_path / "s")
    assert ds["p_kill"].dims == ("lethality.sspk",)
    p = ds["lethality.sspk"].values
    expect = 1 - (1 - p) ** 2
    # two shots per threat in this geometry; 120 draws: 4 binomial sigmas at most
    sig = np.sqrt(expect * (1 - expect) / 120)
    assert np.all(np.abs(ds["p_kill"].values - expect) <= 4 * sig + 0.02)
    assert s["points"] == 4 and s["infeasible_points"] == 0


def test_grid_identical_for_workers_and_dask_and_resumes(tmp_path):
    from distributed import LocalCluster

    args = dict(sets=FIXED, chunk=15, progress=False)
    vary = ["lethality.sspk=0.6,0.8", "doctrine.mode=shoot-look-shoot,salvo"]
    run_sweep(vary, 30, tmp_path / "w1", workers=1, **args)
    run_sweep(vary, 30, tmp_path / "w2", workers=2, **args)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:  # fmt: skip
        run_sweep(vary, 30, tmp_path / "dk", scheduler=cluster.scheduler_address, **args)
    a = pd.read_parquet(tmp_path / "w1" / "points.parquet")
    for other in ("w2", "dk"):
        b = pd.read_parquet(tmp_path / other / "points.parquet")
        pd.testing.assert_frame_equal(a.drop(columns=[]), b)
    ds = read_sweep(tmp_path / "w1")
    assert ds["p_kill"].dims == ("lethality.sspk", "doctrine.mode")
    assert ds["p_kill"].shape == (2, 2)
    # a killed sweep: drop some chunks and resume to the same table
    chunks = sorted((tmp_path / "w1" / "points").glob("p*/draws/chunk-*.parquet"))
    for f in chunks[1::2]:
        f.unlink()
    with pytest.raises(ThaadInputError, match="--resume"):
        run_sweep(vary, 30, tmp_path / "w1", workers=1, **args)
    run_sweep(vary, 30, tmp_path / "w1", workers=1, resume=True, **args)
    pd.testing.assert_frame_equal(a, pd.read_parquet(tmp_path / "w1" / "points.parquet"))
    # a changed definition in the same directory is refused
    with pytest.raises(ThaadInputError, match="another sweep"):
        run_sweep(vary, 40, tmp_path / "w1", workers=1, resume=True, **args)


def test_zip_and_infeasible_point_is_a_result(tmp_path):
    s = run_sweep(["threat.class=srbm-600,srbm-300", "lethality.sspk=0.7,0.9"], 10,
                  tmp_path / "z", sets=FIXED, zipped=True, workers=1, progress=False)  # fmt: skip
    rows = s["table"]
    assert rows[0]["infeasible"] is None and rows[0]["draws"] == 10
    # Daegu is beyond an srbm-300's reach from the default launch point
    assert "reach" in rows[1]["infeasible"] and rows[1]["draws"] == 0
    ds = xr.open_dataset(tmp_path / "z" / "sweep.nc", engine="h5netcdf")
    assert ds["p_kill"].dims == ("point",) and np.isnan(ds["p_kill"].values[1])
    ds.close()


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "thaad.cli", "sweep", *args],
                          capture_output=True, text=True, timeout=300, cwd=cwd)  # fmt: skip


@pytest.mark.parametrize(
    "args, msg",
    [
        (["--vary", "lethality.nope=1,2"], "lethality.nope"),
        (["--vary", "lethality.sspk=0.5,1.5", "--set", "lethality.model=fixed"], "sspk"),
        (["--vary", "lethality.sspk=0.5:0.9:0"], "empty"),
        (["--vary", "lethality.sspk=0:1:20", "--vary", "doctrine.shots=1:2:20"], "--yes"),
        (["--vary", "lethality.sspk=0.5,0.6", "--zip", "--vary", "doctrine.shots=1,2,3"], "--zip"),
        (["--vary", "lethality.sspk=0.5", "--scheduler", "tcp://127.0.0.1:9"], "cannot reach"),
        (["--vary", "lethality.sspk=0.5", "--scheduler", ""], "--scheduler"),
    ],
)
def test_bad_sweep_input_is_one_line(tmp_path, args, msg):
    r = _cli(*args, "--draws", "5", "--out", str(tmp_path / "o"), "--no-progress")
    assert r.returncode == 2, r.stderr
    assert msg in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.stderr


def test_cli_table_and_files(tmp_path):
    r = _cli("--vary", "lethality.sspk=0.5,0.9", "--set", "lethality.model=fixed", "--draws",
             "20", "--workers", "1", "--out", str(tmp_path / "c"), "--no-progress")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "lethality: fixed single-shot probability" in r.stdout
    for f in ("sweep.nc", "points.parquet", "sweep.png", "sweep-summary.json", "sweep.json"):
        assert (tmp_path / "c" / f).stat().st_size > 0
    s = json.loads((tmp_path / "c" / "sweep-summary.json").read_text())
    assert [row["lethality.sspk"] for row in s["table"]] == [0.5, 0.9]


def _kill_when(proc, pattern_dir, glob, n, timeout_s=300):
    import os
    import signal
    import time

    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if len(list(pattern_dir.glob(glob))) >= n or proc.poll() is not None:
            break
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return len(list(pattern_dir.glob(glob)))


@pytest.mark.parametrize("command", ["sweep", "footprint"])
def test_killed_run_resumes_to_the_uninterrupted_result(tmp_path, command):
    """SIGKILL part-way, then --resume: the same table as a run that was never killed."""
    if command == "sweep":
        args = ["sweep", "--vary", "lethality.sspk=0.5,0.7,0.9", "--set", "lethality.model=fixed",
                "--draws", "40", "--chunk", "10", "--workers", "1", "--no-progress"]  # fmt: skip
        glob, result = "points/*/draws/chunk-*.parquet", "points.parquet"
    else:
        args = ["footprint", "--launch", "39.2,125.67", "--mode", "full", "--grid", "5",
                "--extent-km", "150", "--draws", "4", "--workers", "1", "--no-progress",
                "--set", "lethality.model=fixed"]  # fmt: skip
        glob, result = "cells/cells-*.parquet", "footprint.nc"
    base = [sys.executable, "-m", "thaad.cli", *args]
    ref, cut = tmp_path / "ref", tmp_path / "cut"
    assert subprocess.run([*base, "--out", str(ref)], capture_output=True).returncode == 0
    proc = subprocess.Popen([*base, "--out", str(cut)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    n = _kill_when(proc, cut, glob, 3)
    assert n >= 1 and n < len(list(ref.glob(glob))), "the run was not killed part-way"
    r = subprocess.run([*base, "--out", str(cut), "--resume"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert len(list(cut.glob(glob))) == len(list(ref.glob(glob)))
    if command == "sweep":
        pd.testing.assert_frame_equal(pd.read_parquet(ref / result), pd.read_parquet(cut / result))
    else:
        with xr.open_dataset(ref / result, engine="h5netcdf") as a, \
                xr.open_dataset(cut / result, engine="h5netcdf") as b:  # fmt: skip
            np.testing.assert_array_equal(a["p_kill"].values, b["p_kill"].values)
