"""Files, paths, run directories and workers (issue 10): every odd file, path or shared
directory is one line on stderr naming the file or field, exit 2; nothing is replaced that
is not a regular file; runs sharing a directory never mix; workers die with their run."""

import fcntl
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import thaad
from thaad.analysis.montecarlo import read_draws, run_montecarlo
from thaad.cli import main
from thaad.errors import ThaadInputError
from thaad.io import read_input, read_json

TRAJ = ["trajectory", "--launch", "39.2,125.67", "--aim", "35.87,128.60"]


def one_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "Traceback" not in err[0]
    return err[0]


# ----------------------------------------------------------------------------- run directories


def _edit(d: Path, name: str, change) -> None:
    data = json.loads((d / name).read_text())
    change(data)
    (d / name).write_text(json.dumps(data))  # json.dumps writes NaN as NaN, as Python may


def _set(path, value):
    def change(data):
        obj = data
        for k in path[:-1]:
            obj = obj[k]
        obj[path[-1]] = value

    return change


CORRUPT = [
    ("result.json", _set(["intercept_alt_m"], "123770.6"), "result.json: intercept_alt_m"),
    ("result.json", _set(["threat", "aim"], None), "result.json: threat.aim"),
    ("result.json", _set(["threat", "aim", "lat_deg"], None), "result.json: threat.aim.lat_deg"),
    ("result.json", _set(["seed"], 7.5), "result.json: seed"),
    ("result.json", _set(["intercepted"], "yes"), "result.json: intercepted"),
    ("result.json", _set(["events", 1, "t_s"], "65"), "result.json: events[1].t_s"),
    (
        "history.json",
        _set(["threat", "ecef_m", 5, 1], float("nan")),
        "history.json: threat.ecef_m[5][1]: is not a finite number",
    ),
    ("history.json", _set(["threat", "ecef_m", 5], [1.0, 2.0]), "history.json: threat.ecef_m[5]"),
    ("history.json", lambda h: h["threat"]["t_s"].pop(), "threat's series differ in length"),
    ("history.json", _set(["track", "sigma_pos_m"], [1.0]), "track's series differ in length"),
    (
        "history.json",
        _set(["interceptors", 0, "speed_mps", 3], None),
        "history.json: interceptors[0].speed_mps[3]",
    ),
    ("history.json", _set(["battery", "radar_ecef_m"], "here"), "history.json: battery"),
]


@pytest.mark.parametrize("cmd", ["report", "export", "view"])
@pytest.mark.parametrize(("name", "change", "needle"), CORRUPT)
def test_corrupt_run_directory_is_one_line(run_dir, tmp_path, capsys, cmd, name, change, needle):
    d = tmp_path / "bad"
    shutil.copytree(run_dir, d)
    _edit(d, name, change)
    extra = ["--czml", str(tmp_path / "x.czml")] if cmd == "export" else []
    assert main([cmd, str(d), *extra]) == 2
    line = one_line(capsys)
    assert needle in line, line
    assert not (tmp_path / "x.czml").exists()


@pytest.mark.parametrize("name", ["result.json", "history.json"])
def test_deeply_nested_json_is_one_line(run_dir, tmp_path, capsys, name):
    d = tmp_path / "deep"
    shutil.copytree(run_dir, d)
    (d / name).write_text("[" * 200_000 + "]" * 200_000)
    assert main(["report", str(d)]) == 2
    assert f"{name}: nested deeper than 64 levels" in one_line(capsys)


@pytest.mark.parametrize(
    "garbage",
    [
        b"CDF\x01 this is not netCDF",
        b"\x89HDF\r\n\x1a\n" + bytes(range(256)) * 8,
        np.random.default_rng(3).bytes(4096),
    ],
)
def test_garbage_footprint_file_is_one_line(run_dir, tmp_path, capsys, garbage):
    d = tmp_path / "fp"
    shutil.copytree(run_dir, d)
    (d / "footprint.nc").write_bytes(garbage)
    assert main(["report", str(d)]) == 2
    assert "footprint.nc: cannot be read as netCDF" in one_line(capsys)


# ----------------------------------------------------------------------------- inputs


@pytest.fixture
def fifo(tmp_path):
    p = tmp_path / "pipe"
    os.mkfifo(p)
    return p


ODD_INPUTS = [
    ("fifo", "is a FIFO, not a regular file"),
    ("/dev/zero", "is a character device, not a regular file"),
    ("/dev/urandom", "is a character device, not a regular file"),
    ("/proc/self/mem", "cannot be read (Input/output error)"),
]


@pytest.mark.parametrize(("src", "needle"), ODD_INPUTS)
def test_odd_scenario_and_csv_inputs_are_refused(fifo, capsys, src, needle):
    path = str(fifo) if src == "fifo" else src
    t0 = time.perf_counter()
    assert main(["run", path, "--out", str(fifo.parent / "o")]) == 2
    assert needle in one_line(capsys)
    assert main(["track", path, "--sensor", "36.05,128.22,680"]) == 2
    line = one_line(capsys)
    assert needle in line and line.startswith("thaad: error: measurement file")
    assert time.perf_counter() - t0 < 30.0  # never hangs on a FIFO nor reads /dev/zero forever


def test_input_size_is_capped(tmp_path, capsys):
    big = tmp_path / "big.yaml"
    with open(big, "wb") as f:  # sparse: 17 MiB on paper, nothing on disk
        f.truncate(17 * 1024 * 1024)
    assert main(["run", str(big), "--out", str(tmp_path / "o")]) == 2
    assert "is larger than 16 MiB, the most thaad reads" in one_line(capsys)
    small = tmp_path / "s.json"
    small.write_text('{"a": 1}')
    assert read_json(small) == {"a": 1}
    with pytest.raises(ThaadInputError, match="larger than"):
        read_input(small, "file", max_bytes=4)
    assert read_input(small, "file", max_bytes=8) == b'{"a": 1}'


def test_deeply_nested_scenario_is_one_line(tmp_path, capsys):
    p = tmp_path / "deep.yaml"
    p.write_text("a: " + "[" * 50_000 + "]" * 50_000 + "\n")
    assert main(["run", str(p), "--out", str(tmp_path / "o")]) == 2
    assert "deep.yaml" in one_line(capsys)


def test_run_file_that_is_a_fifo_is_one_line(run_dir, tmp_path, capsys):
    d = tmp_path / "fifo-run"
    shutil.copytree(run_dir, d)
    (d / "history.json").unlink()
    os.mkfifo(d / "history.json")
    assert main(["export", str(d), "--kml", str(tmp_path / "x.kml")]) == 2
    assert "history.json' is a FIFO, not a regular file" in one_line(capsys)


# ----------------------------------------------------------------------------- output paths


def test_outputs_to_directories_files_and_long_names(tmp_path, capsys):
    (tmp_path / "dir").mkdir()
    (tmp_path / "file.txt").write_text("keep me\n")
    long = "x" * 300 + ".csv"
    cases = [
        (["--csv", str(tmp_path / "dir")], "--csv: '" + str(tmp_path / "dir") + "' is a directory"),
        (["--csv", str(tmp_path / "file.txt" / "a.csv")], "is not a directory"),
        (["--csv", str(tmp_path / "nope" / "a.csv")], "nope' does not exist"),
        (["--csv", str(tmp_path / long)], "is 304 bytes, over the file system's limit of 255"),
        (["--csv", "/dev/null"], "--csv: '/dev/null' is a character device; thaad writes only"),
        (["--plot", str(tmp_path / "dir")], "--plot: '" + str(tmp_path / "dir") + "' is a dir"),
    ]
    for opts, needle in cases:
        assert main([*TRAJ, *opts]) == 2, opts
        line = one_line(capsys)
        assert needle in line, line
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)  # (run as root) never replaced
    assert (tmp_path / "file.txt").read_text() == "keep me\n"
    # a name that fits, though the temporary name the old writer made from it did not
    fits = tmp_path / ("y" * 251 + ".csv")
    assert main([*TRAJ, "--csv", str(fits)]) == 0
    assert fits.read_text().startswith("t_s,")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_fifo_and_symlink_targets(tmp_path, fifo, capsys):
    assert main([*TRAJ, "--csv", str(fifo)]) == 2
    assert "is a FIFO; thaad writes only to regular files" in one_line(capsys)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    target = tmp_path / "real.csv"
    target.write_text("old\n")
    os.chmod(target, 0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    assert main([*TRAJ, "--csv", str(link)]) == 0
    capsys.readouterr()
    assert link.is_symlink() and os.readlink(link) == str(target)  # followed, not replaced
    assert target.read_text().startswith("t_s,")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # its permissions kept


@pytest.mark.parametrize(
    "cmd",
    [["run"], ["montecarlo", "--draws", "5"], ["footprint", "--launch", "39.2,125.67"],
     ["coverage", "--radar", "36.05,128.22,680", "--rcs", "0.01", "--target-alt-km", "100"]],
)  # fmt: skip
def test_out_dir_that_is_a_file_or_lacks_its_parent(tmp_path, capsys, cmd):
    f = tmp_path / "afile"
    f.write_text("x")
    assert main([*cmd, "--out", str(f)]) == 2
    assert f"--out: '{f}' is a file, not a directory" in one_line(capsys)
    deep = tmp_path / "missing" / "run"
    assert main([*cmd, "--out", str(deep)]) == 2
    assert "its parent" in one_line(capsys) and not (tmp_path / "missing").exists()
    assert main([*cmd, "--out", str(tmp_path / ("d" * 256))]) == 2
    assert "over the file system's limit of 255" in one_line(capsys)


def test_report_out_is_checked(run_dir, tmp_path, capsys):
    assert main(["report", str(run_dir), "--out", str(tmp_path)]) == 2
    assert f"--out: '{tmp_path}' is a directory" in one_line(capsys)
    assert main(["export", str(run_dir), "--kml", "/dev/null"]) == 2
    assert "--kml: '/dev/null' is a character device" in one_line(capsys)


# ----------------------------------------------------------------------------- Monte Carlo


def _mc(tmp_path, *opts):
    return main(["montecarlo", "--workers", "1", "--no-progress", "--set",
                 "lethality.model=fixed", *opts])  # fmt: skip


def test_second_run_with_another_seed_is_refused(tmp_path, capsys):
    d = tmp_path / "mc"
    assert _mc(tmp_path, "--draws", "20", "--seed", "1", "--chunk", "10", "--out", str(d)) == 0
    capsys.readouterr()
    before = sorted(p.name for p in (d / "draws").iterdir())
    assert _mc(tmp_path, "--draws", "20", "--seed", "2", "--chunk", "10", "--out", str(d)) == 2
    assert "already holds a Monte Carlo run" in one_line(capsys)
    assert _mc(tmp_path, "--draws", "20", "--seed", "2", "--out", str(d), "--resume") == 2
    assert "another seed (1, now 2)" in one_line(capsys)
    assert _mc(tmp_path, "--draws", "20", "--seed", "1", "--chunk", "7", "--out", str(d),
               "--resume") == 2  # fmt: skip
    assert "another chunk size (10, now 7)" in one_line(capsys)
    assert sorted(p.name for p in (d / "draws").iterdir()) == before
    m = json.loads((d / "manifest.json").read_text())
    s = json.loads((d / "montecarlo.json").read_text())
    prov = json.loads((d / "provenance.json").read_text())["commands"]["montecarlo"]
    assert m["seed"] == s["seed"] == prov["seed"] == 1
    assert m["scenario_sha256"] == s["scenario_sha256"] == prov["scenario_sha256"]
    assert prov["scenario_sha256"] == thaad.load_scenario(d / "scenario.yaml").digest()


def test_concurrent_run_into_one_directory_is_refused(tmp_path, capsys):
    d = tmp_path / "busy"
    d.mkdir()
    fd = os.open(d / ".lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as another thaad process would
        assert _mc(tmp_path, "--draws", "5", "--out", str(d)) == 2
        assert "another thaad command is writing to" in one_line(capsys)
        assert main(["run", "--out", str(d)]) == 2
        assert "another thaad command is writing to" in one_line(capsys)
    finally:
        os.close(fd)
    assert not (d / "manifest.json").exists() and not (d / "result.json").exists()


def test_stray_and_damaged_chunks_and_extension(tmp_path, capsys):
    sc = thaad.load_scenario(overrides=["lethality.model=fixed"])
    d = tmp_path / "mc"
    s = run_montecarlo(sc, 30, d, workers=1, chunk=20, progress=False)
    assert s["draws"] == 30
    # a chunk of another chunking left in draws/ is not counted
    first = d / "draws" / "chunk-0000000000-0000000020.parquet"
    shutil.copy(first, d / "draws" / "chunk-0000000000-0000000010.parquet")
    assert run_montecarlo(sc, 30, d, workers=1, resume=True, progress=False)["draws"] == 30
    assert len(read_draws(d)) == 30
    # an empty chunk is one line to the report and recomputed on --resume
    ref = read_draws(d).to_pandas()
    first.write_bytes(b"")
    assert main(["report", str(d)]) == 2
    assert "chunk-0000000000-0000000020.parquet: cannot be read as Parquet" in one_line(capsys)
    s = run_montecarlo(sc, 30, d, workers=1, resume=True, progress=False)
    assert s["draws"] == 30 and s["resumed_draws"] == 10
    assert read_draws(d).to_pandas().equals(ref)
    # --resume with more draws extends the finished run; the same draws as one run of 50
    s = run_montecarlo(sc, 50, d, workers=1, resume=True, progress=False)
    assert s["draws"] == 50 and s["resumed_draws"] == 30
    m = json.loads((d / "manifest.json").read_text())
    assert m["chunks"] == [[0, 20], [20, 30], [30, 50]]
    fresh = run_montecarlo(sc, 50, tmp_path / "fresh", workers=1, chunk=7, progress=False)
    assert read_draws(d).to_pandas().equals(read_draws(tmp_path / "fresh").to_pandas())
    assert s["p_kill"] == fresh["p_kill"]
    with pytest.raises(ThaadInputError, match="would drop"):
        run_montecarlo(sc, 40, d, workers=1, resume=True, progress=False)


def test_empty_scheduler_is_refused(tmp_path, capsys):
    d = str(tmp_path / "s")
    assert main(["montecarlo", "--draws", "5", "--scheduler", "", "--out", d]) == 2
    assert "--scheduler: an empty address" in one_line(capsys)
    assert not (tmp_path / "s").exists()


# ----------------------------------------------------------------------------- provenance


def test_commands_sharing_a_directory_keep_their_files(tmp_path, capsys):
    d = tmp_path / "shared"
    assert main(["run", "--out", str(d)]) == 0
    assert _mc(tmp_path, "--draws", "10", "--out", str(d)) == 2  # another scenario: refused
    assert "holds the output of thaad run for another scenario" in one_line(capsys)
    assert main(["montecarlo", "--workers", "1", "--no-progress", "--draws", "10",
                 "--out", str(d)]) == 0  # fmt: skip
    assert main(["footprint", "--launch", "39.2,125.67", "--grid", "6", "--no-progress",
                 "--out", str(d)]) == 0  # fmt: skip
    capsys.readouterr()
    mc = json.loads((d / "montecarlo.json").read_text())
    fp = json.loads((d / "footprint.json").read_text())
    res = json.loads((d / "result.json").read_text())
    prov = json.loads((d / "provenance.json").read_text())
    assert set(prov["commands"]) == {"run", "montecarlo", "footprint"}
    sha = thaad.load_scenario(d / "scenario.yaml").digest()
    assert mc["scenario_sha256"] == fp["scenario_sha256"] == res["scenario_sha256"] == sha
    assert prov["commands"]["footprint"]["command_line"].startswith("thaad footprint --launch")
    assert prov["commands"]["run"]["version"] == thaad.__version__
    assert not (d / "summary.json").exists()
    assert main(["report", str(d)]) == 0
    html = (d / "report.html").read_text()
    assert f"Kill probability {mc['p_kill']:.3f}" in html
    assert f"Defended area {fp['defended_area_km2']:,.0f} km²" in html
    assert "thaad montecarlo --workers 1 --no-progress --draws 10 --out" in html


def test_old_summary_json_is_still_read(tmp_path):
    from thaad.output.rundir import load_run

    d = tmp_path / "old"
    d.mkdir()
    (d / "summary.json").write_text(json.dumps({"draws": 10, "p_kill": 0.5, "seed": 1}))
    run = load_run(d, need_engagement=False)
    assert run.montecarlo["p_kill"] == 0.5 and run.footprint is None


def test_coverage_out_writes_provenance(tmp_path, capsys):
    d = tmp_path / "cov"
    assert main(["coverage", "--radar", "36.05,128.22,680", "--rcs", "0.01",
                 "--target-alt-km", "100", "--out", str(d), "--set",
                 "battery.radar.search_frame_s=5"]) == 0  # fmt: skip
    prov = json.loads((d / "provenance.json").read_text())["commands"]["coverage"]
    assert prov["overrides"] == ["battery.radar.search_frame_s=5"]
    assert thaad.load_scenario(d / "scenario.yaml").battery.radar.search_frame_s == 5.0
    assert {"coverage.json", "coverage.geojson", "coverage.png"} <= {p.name for p in d.iterdir()}


# ----------------------------------------------------------------------------- viewer


def test_viewer_long_path_segment_is_404_quietly(run_dir, capsys):
    import http.client
    import threading

    from thaad.output.viewer import HOST, make_server

    server = make_server(run_dir, port=0)
    server.quiet = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        for path in ("/run/" + "a" * 256, "/run/" + "b" * 5000 + "/x", "/cesium/" + "c" * 300):
            c = http.client.HTTPConnection(HOST, port, timeout=30)
            c.request("GET", path)
            r = c.getresponse()
            r.read()
            c.close()
            assert r.status == 404, path
    finally:
        server.shutdown()
        server.server_close()
    err = capsys.readouterr().err
    assert "Traceback" not in err and "OSError" not in err


# ----------------------------------------------------------------------------- workers


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_workers_die_with_their_run(tmp_path, sig):
    import psutil

    proc = subprocess.Popen(
        [sys.executable, "-m", "thaad.cli", "montecarlo", "--draws", "100000", "--chunk", "5",
         "--workers", "2", "--no-progress", "--out", str(tmp_path / "mc")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    parent = psutil.Process(proc.pid)
    deadline = time.time() + 240
    workers: list = []
    while time.time() < deadline:  # both workers started and flying draws
        workers = [c for c in parent.children(recursive=True)
                   if "resource_tracker" not in " ".join(c.cmdline())]  # fmt: skip
        if len(workers) >= 2 and list((tmp_path / "mc" / "draws").glob("chunk-*")):
            break
        time.sleep(0.2)
    assert len(workers) >= 2, "the workers did not start"
    children = parent.children(recursive=True)
    os.kill(proc.pid, sig)
    proc.wait(timeout=30)
    _gone, alive = psutil.wait_procs(children, timeout=10)
    assert not alive, [p.pid for p in alive]


def test_full_footprint_recomputes_a_damaged_batch(tmp_path):
    from thaad.analysis.footprint import run_footprint

    sc = thaad.load_scenario(overrides=["lethality.model=fixed"])
    d = tmp_path / "full"
    kw = {"grid": 2, "extent_km": 100.0, "mode": "full", "draws": 2, "workers": 1,
          "progress": False}  # fmt: skip
    ref = run_footprint(sc, (39.2, 125.67), d, **kw)
    batches = sorted((d / "cells").glob("cells-*.parquet"))
    assert batches
    batches[0].write_bytes(b"")  # a torn write, a full disk
    again = run_footprint(sc, (39.2, 125.67), d, resume=True, **kw)
    assert again["defended_area_km2"] == ref["defended_area_km2"]
    assert again["assets"] == ref["assets"]
    assert batches[0].stat().st_size > 0
    assert json.loads((d / "footprint.json").read_text())["mode"] == "full"
