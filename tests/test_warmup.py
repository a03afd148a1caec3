"""The first-run notice: a cold numba cache is found without importing numba (the index's
source stamp against the source, as numba checks it), and the notice is one stderr line that
never mixes with the command's output."""

import hashlib
import pickle
import sys

from thaad.cli import _warmup, main


def _index(path, version, stamp):
    with path.open("wb") as f:
        pickle.dump(version, f)
        f.write(pickle.dumps((stamp, {})))


def test_cold_and_fresh_cache(tmp_path, monkeypatch):
    core = tmp_path / "core"
    (core / "__pycache__").mkdir(parents=True)
    src = core / "radar.py"
    src.write_text("x = 1\n")
    monkeypatch.setattr(_warmup, "CORE", core)
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    assert _warmup.cold_modules("coverage") == ["radar"]  # no index at all
    from importlib.metadata import version

    tag = f"py{sys.version_info.major}{sys.version_info.minor}"
    idx = core / "__pycache__" / f"radar.detect-10.{tag}.nbi"
    _index(idx, version("numba"), hashlib.sha256(src.read_bytes()).digest())
    assert _warmup.cold_modules("coverage") == []
    src.write_text("x = 2\n")  # the source changed: numba would recompile
    assert _warmup.cold_modules("coverage") == ["radar"]
    _index(idx, version("numba"), hashlib.sha256(src.read_bytes()).digest())
    assert _warmup.cold_modules("coverage") == []
    _index(idx, "0.0.1", hashlib.sha256(src.read_bytes()).digest())  # another numba
    assert _warmup.cold_modules("coverage") == ["radar"]
    st = src.stat()  # numba before 0.61 stamped (mtime, size)
    _index(idx, version("numba"), (st.st_mtime, st.st_size))
    assert _warmup.cold_modules("coverage") == []
    assert _warmup.cold_modules("threats") == []  # compiles nothing


def test_notice_is_one_line_on_stderr_before_the_output(monkeypatch, capsys):
    monkeypatch.delenv("THAAD_NO_COMPILE_NOTICE", raising=False)
    monkeypatch.setattr(_warmup, "cold_modules", lambda command: ["threat"])
    out0 = sys.stdout
    assert main(["threats"]) == 0
    cap = capsys.readouterr()
    assert cap.err.splitlines() == [_warmup.MESSAGE]
    assert cap.out.startswith("class ")
    assert sys.stdout is out0  # the streams are put back


def test_no_notice_when_warm(monkeypatch, capsys):
    monkeypatch.setattr(_warmup, "cold_modules", lambda command: [])
    assert main(["threats"]) == 0
    assert capsys.readouterr().err == ""
