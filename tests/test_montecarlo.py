"""Monte Carlo: closed-form doctrine checks, determinism across backends, kill and resume.

Closed forms: a salvo of n independent shots of single-shot kill probability p kills with
1 - (1 - p)^n; shoot-look-shoot with time for n looks reaches the same probability while
firing on average sum_{k<n} (1 - p)^k interceptors (e.g. Wilkening, "A Simple Model for
Calculating Ballistic Missile Defense Effectiveness", Science & Global Security 8, 2000).
"""

import json
import math
import os
import signal
import subprocess
import sys
import time

import pytest

import thaad
from thaad.analysis.montecarlo import read_draws, run_montecarlo, wilson_interval
from thaad.errors import ThaadInputError

P = 0.5
N = 300


def _sc(*overrides):
    return thaad.load_scenario(overrides=list(overrides))


@pytest.fixture(scope="module")
def salvo(tmp_path_factory):
    sc = _sc("lethality.model=fixed", f"lethality.sspk={P}", "doctrine.mode=salvo")
    return run_montecarlo(sc, N, tmp_path_factory.mktemp("salvo"), workers=1, chunk=100,
                          progress=False)  # fmt: skip


@pytest.fixture(scope="module")
def sls(tmp_path_factory):
    sc = _sc("lethality.model=fixed", f"lethality.sspk={P}", "doctrine.mode=shoot-look-shoot")
    return run_montecarlo(sc, N, tmp_path_factory.mktemp("sls"), workers=1, chunk=100,
                          progress=False)  # fmt: skip


def test_salvo_matches_one_minus_leakage_to_the_n(salvo):
    expected = 1 - (1 - P) ** 2
    sigma = math.sqrt(expected * (1 - expected) / N)
    assert abs(salvo["p_kill"] - expected) < 3.5 * sigma
    lo, hi = salvo["p_kill_ci95"]
    assert lo < expected < hi
    assert salvo["mean_interceptors_fired"] == pytest.approx(2.0)


def test_shoot_look_shoot_same_kill_fewer_interceptors(sls, salvo):
    expected = 1 - (1 - P) ** 2
    sigma = math.sqrt(expected * (1 - expected) / N)
    assert abs(sls["p_kill"] - expected) < 3.5 * sigma
    # expected shots 1 + (1 - p) = 1.5, binomial spread of the second shot
    assert sls["mean_interceptors_fired"] == pytest.approx(1.5, abs=3.5 * math.sqrt(0.25 / N))
    assert sls["mean_interceptors_fired"] < salvo["mean_interceptors_fired"] - 0.3
    # the look: the second intercept is lower than the first
    alt = sls["intercept_alt_m"]
    assert alt["min"] < alt["max"] - 10e3


def test_wilson_interval_reference_values():
    # Wilson (1927) / Agresti and Coull (1998): 0 of 10 gives [0, 0.2775]
    lo, hi = wilson_interval(0, 10)
    assert lo == 0.0 and hi == pytest.approx(0.2775, abs=1e-4)
    lo, hi = wilson_interval(50, 100)
    assert lo == pytest.approx(0.4038, abs=1e-4) and hi == pytest.approx(0.5962, abs=1e-4)


def test_results_identical_for_any_worker_count_and_dask(tmp_path):
    from distributed import LocalCluster

    sc = _sc("lethality.model=fixed", "lethality.sspk=0.7")
    run_montecarlo(sc, 60, tmp_path / "w1", workers=1, chunk=20, progress=False)
    run_montecarlo(sc, 60, tmp_path / "w2", workers=2, chunk=7, progress=False)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster:  # fmt: skip
        run_montecarlo(sc, 60, tmp_path / "dask", scheduler=cluster.scheduler_address,
                       chunk=13, progress=False)  # fmt: skip
    a = read_draws(tmp_path / "w1").to_pandas()
    for other in ("w2", "dask"):
        b = read_draws(tmp_path / other).to_pandas()
        assert a.equals(b), other
    s1 = json.loads((tmp_path / "w1" / "montecarlo.json").read_text())
    s2 = json.loads((tmp_path / "dask" / "montecarlo.json").read_text())
    assert s1["p_kill"] == s2["p_kill"] and s1["intercept_alt_m"] == s2["intercept_alt_m"]


def test_killed_run_resumes_to_the_uninterrupted_result(tmp_path):
    args = ["--draws", "600", "--chunk", "20", "--workers", "1", "--no-progress",
            "--set", "lethality.model=fixed"]  # fmt: skip
    ref = tmp_path / "ref"
    cut = tmp_path / "cut"
    run_montecarlo(_sc("lethality.model=fixed"), 600, ref, workers=2, chunk=20, progress=False)
    proc = subprocess.Popen([sys.executable, "-m", "thaad.cli", "montecarlo", *args,
                             "--out", str(cut)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.time() + 300
    while time.time() < deadline:
        if len(list((cut / "draws").glob("chunk-*.parquet"))) >= 3 or proc.poll() is not None:
            break
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    n_before = len(list((cut / "draws").glob("chunk-*.parquet")))
    assert n_before >= 1 and n_before < 30, "the run was not killed part-way"
    cmd = [sys.executable, "-m", "thaad.cli", "montecarlo", *args, "--out", str(cut)]
    r = subprocess.run([*cmd, "--resume", "--json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert s["draws"] == 600 and s["resumed_draws"] == 20 * n_before
    a = read_draws(ref).to_pandas()
    b = read_draws(cut).to_pandas()
    assert a.equals(b)
    assert list(b["draw"]) == list(range(600))
    assert not list((cut / "draws").glob(".chunk.*"))  # no torn temporaries left visible


def test_bad_montecarlo_input(tmp_path):
    sc = _sc()
    with pytest.raises(ThaadInputError, match="--draws"):
        run_montecarlo(sc, 0, tmp_path / "a", progress=False)
    run_montecarlo(sc, 5, tmp_path / "b", workers=1, progress=False)
    before = sorted(p.name for p in (tmp_path / "b" / "draws").iterdir())
    with pytest.raises(ThaadInputError, match="another seed"):
        run_montecarlo(sc, 5, tmp_path / "b", seed=99, workers=1, resume=True, progress=False)
    with pytest.raises(ThaadInputError, match="another scenario"):
        run_montecarlo(_sc("doctrine.shots=1"), 5, tmp_path / "b", workers=1, resume=True,
                       progress=False)  # fmt: skip
    with pytest.raises(ThaadInputError, match="already holds"):
        run_montecarlo(sc, 5, tmp_path / "b", workers=1, progress=False)
    assert sorted(p.name for p in (tmp_path / "b" / "draws").iterdir()) == before
    r = subprocess.run([sys.executable, "-m", "thaad.cli", "montecarlo", "--draws", "5",
                        "--out", str(tmp_path / "c"), "--scheduler", "tcp://127.0.0.1:9"],
                       capture_output=True, text=True, timeout=120)  # fmt: skip
    assert r.returncode == 2 and "cannot reach" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    r = subprocess.run([sys.executable, "-m", "thaad.cli", "montecarlo", "--draws", "-3",
                        "--out", str(tmp_path / "d")], capture_output=True, text=True)  # fmt: skip
    assert r.returncode == 2 and "--draws" in r.stderr
