"""Fuzzing the ``thaad`` command with Hypothesis: no input ends in a traceback, a hang or a
non-finite result.

The property, for every generated command line: either exit status 2 with exactly one line on
stderr (``thaad: error: ...`` or argparse's ``thaad CMD: error: ...``) and nothing written to
the output directory; or exit status 0, nothing on stderr, no ``nan``/``inf`` printed, and every
number in the JSON files written finite and physically plausible (angles within a turn,
probabilities in [0, 1], times and distances not negative).

Scenario values are generated for every field of the pydantic schema (walked, nested sections
and the assets list included): inside the field's range (``thaad.model.scenario.Range``), at
its ends and just beyond, and the usual suspects (0, -0, tiny, huge, inf, NaN, huge integers,
wrong types, unicode, a lone surrogate). Command-line numbers are fuzzed the same way.

Profiles (environment variable ``THAAD_FUZZ``): ``ci`` (the default: derandomized, a few
hundred examples, under a minute warm) and ``full`` (``make fuzz``: over 1,500 examples,
random). The counts by outcome are printed at the end of the pytest run (see conftest.py).

To extend: add a builder to ``COMMANDS``: ``builder(draw, out_dir) -> argv`` (``draw`` is
Hypothesis's ``st.data().draw``), with the number of examples per profile.
"""

from __future__ import annotations

import contextlib
import faulthandler
import io
import json
import math
import os
import re
import tempfile
import typing
import warnings
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from thaad.cli import main
from thaad.model.catalog import THREATS
from thaad.model.scenario import Scenario, Site, field_range

PROFILE = os.environ.get("THAAD_FUZZ", "ci")
if PROFILE not in ("ci", "full"):
    raise ValueError(f"THAAD_FUZZ={PROFILE!r}: use ci or full")
HANG_S = 120.0  # one command longer than this is a hang: faulthandler dumps stacks and exits

# outcomes by (command, outcome); conftest.py prints them after the run
TALLY: Counter[tuple[str, str]] = Counter()

# ---------------------------------------------------------------------------------------------
# values

INF = math.inf
SPECIAL_NUMBERS = [0, -0.0, -1, 1e-320, 1e-12, 1e300, -1e300, INF, -INF, math.nan,
                   2**64, -(2**64), 1180591620717411303424, 10**400]  # fmt: skip
WRONG_TYPES = [True, None, "abc", "", [], {}, [1, 2], {"a": 1}, "名前", "\u202e", "\udcff",
               "a\nb", "1e3", "x" * 300]  # fmt: skip


def _model_of(ann: typing.Any) -> type[BaseModel] | None:
    for a in (ann, *typing.get_args(ann)):
        if isinstance(a, type) and issubclass(a, BaseModel):
            return a
    return None


def scenario_leaves(model: type[BaseModel] = Scenario, prefix: str = "") -> list[tuple]:
    """``(dotted key, FieldInfo)`` for every leaf field of the schema, nested ones included."""
    out = []
    for name, info in model.model_fields.items():
        key = prefix + (info.alias or name)
        ann = info.annotation
        if typing.get_origin(ann) is list:  # assets: the default scenario has a list to index
            out += scenario_leaves(Site, key + ".0.")
            continue
        sub = _model_of(ann)
        if sub is not None:
            out += scenario_leaves(sub, key + ".")
        else:
            out.append((key, info))
    return out


LEAVES = scenario_leaves()


def mostly(valid: st.SearchStrategy, *others: st.SearchStrategy) -> st.SearchStrategy:
    """``valid`` four times in five, else one of ``others`` (so that many cases run through)."""
    return st.integers(0, 4).flatmap(lambda i: valid if i else st.one_of(*others))


def _edges(r) -> list[float]:
    lo, hi = r.lo, r.hi
    span = hi - lo
    return [lo, hi, lo - 1e-9 * max(abs(lo), 1.0), hi + 1e-9 * max(abs(hi), 1.0),
            lo - 0.01 * span, hi + 0.01 * span, 0.5 * (lo + hi), -hi, 10 * hi]  # fmt: skip


def value_strategy(key: str, info) -> st.SearchStrategy:
    """In range (weighted up, so many scenarios run), at and beyond the ends, specials."""
    ann = info.annotation
    r = field_range(info)
    args = typing.get_args(ann)
    bad = st.sampled_from(SPECIAL_NUMBERS + WRONG_TYPES)
    if r is not None:
        is_int = ann is int or (int in args and float not in args)
        if is_int:
            inside = st.integers(int(r.lo), int(r.hi))
        else:
            inside = st.floats(r.lo, r.hi, exclude_min=r.lo_open, exclude_max=r.hi_open)
        return mostly(inside, st.sampled_from(_edges(r)), bad)
    if typing.get_origin(ann) is typing.Literal:
        return st.one_of(st.sampled_from(args), st.sampled_from(args), bad)
    if ann is bool:
        return st.one_of(st.booleans(), bad)
    if key.endswith("class"):
        return st.one_of(st.sampled_from(sorted(THREATS)), bad)
    return st.one_of(st.sampled_from(["Seoul", "Ünïcödé 名前", "", "x" * 200]), bad)


def yaml_text(v: typing.Any) -> str:
    """A value as ``--set`` reads it (YAML)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, float):
        if math.isnan(v):
            return ".nan"
        if math.isinf(v):
            return ".inf" if v > 0 else "-.inf"
        return repr(v)
    if isinstance(v, int):
        return str(v)
    return json.dumps(v)  # strings (escaped: lone surrogates too), lists and mappings


@st.composite
def overrides(draw, keys: list[tuple] | None = None, max_n: int = 3) -> list[str]:
    """``--set KEY=VALUE`` arguments: up to ``max_n`` scenario fields with fuzzed values."""
    leaves = keys or LEAVES
    n = draw(st.integers(0, max_n))
    out = []
    for _ in range(n):
        key, info = draw(st.sampled_from(leaves))
        v = draw(value_strategy(key, info))
        out += ["--set", f"{key}={yaml_text(v)}"]
    return out


def number_text(lo: float, hi: float, integer: bool = False) -> st.SearchStrategy[str]:
    """A command-line number: in range, at the ends and beyond, or not a number at all."""
    inside = st.integers(int(lo), int(hi)) if integer else st.floats(lo, hi)
    edges = [lo, hi, lo - 1, hi + 1, 10 * hi + 1, -hi - 1]
    return mostly(
        inside.map(str),
        st.sampled_from(edges).map(lambda x: str(int(x)) if integer else repr(float(x))),
        st.sampled_from(["nan", "inf", "-inf", "1e309", "0", "-0", "1e-320", "abc", "",
                         "0x10", "1_000", str(2**64), "١٢"]),
    )  # fmt: skip


def latlon_text(alt: bool = False) -> st.SearchStrategy[str]:
    """``LAT,LON`` (``LAT,LON,ALT_M``): mostly a valid point, else any of the three fuzzed."""

    def text(la, lo, h):
        return f"{la},{lo}" + (f",{h}" if alt else "")

    valid = st.builds(text, st.floats(-90, 90), st.floats(-180, 180), st.floats(-500, 10000))
    fuzzed = st.builds(text, number_text(-90, 90), number_text(-180, 180),
                       number_text(-500, 10000))  # fmt: skip
    return mostly(valid, fuzzed)


# ---------------------------------------------------------------------------------------------
# command builders: (draw, out_dir) -> argv


def build_run(draw, out: str) -> list[str]:
    return ["run", "--out", out, *draw(overrides())]


def build_montecarlo(draw, out: str) -> list[str]:
    n = draw(st.one_of(st.sampled_from(["1", "2", "3"]), number_text(1, 3, integer=True)))
    return ["montecarlo", "--draws", n, "--workers", "1", "--no-progress", "--out", out,
            *draw(overrides())]  # fmt: skip


RADAR_KEYS = [(k, i) for k, i in LEAVES if k.startswith("battery.radar.")]


def build_coverage(draw, out: str) -> list[str]:
    argv = ["coverage", "--radar", draw(latlon_text(alt=True))]
    argv += ["--rcs", draw(number_text(1e-6, 1e4))]
    argv += ["--target-alt-km", draw(number_text(0, 5000))]
    if draw(st.booleans()):
        argv += ["--min-elevation-deg", draw(number_text(-2, 85))]
    if draw(st.booleans()):
        argv += ["--boresight-az-deg", draw(number_text(-360, 720))]
    if draw(st.booleans()):
        argv += ["--tracks", draw(number_text(0, 10000, integer=True))]
    if draw(st.integers(0, 4)) == 0:  # the map and GeoJSON are slower: one case in five
        argv += ["--out", out]
    return argv + draw(overrides(RADAR_KEYS, max_n=2))


def build_trajectory(draw, out: str) -> list[str]:
    if draw(st.integers(0, 2)):  # two in three: a plausible shot from a fixed launch point
        argv = ["trajectory", "--launch", "39.2,125.67",
                "--aim", draw(st.sampled_from(["35.87,128.60", "38.9,125.9", "35.18,129.08"])),
                "--threat", draw(st.sampled_from(["srbm-600", "mrbm-1000", "mrbm-1300"])),
                "--model", draw(st.sampled_from(["full", "ideal"]))]  # fmt: skip
        shape = draw(st.sampled_from(["min-energy", "max-range", "lofted", "depressed"]))
        argv += ["--shape", shape]
        if shape == "lofted":
            argv += ["--burnout-angle-deg", repr(draw(st.floats(50.0, 75.0)))]
        elif shape == "depressed":
            argv += ["--burnout-angle-deg", repr(draw(st.floats(15.0, 35.0)))]
    else:
        argv = ["trajectory", "--launch", draw(latlon_text()), "--aim", draw(latlon_text()),
                "--threat", draw(st.sampled_from([*sorted(THREATS), "icbm", ""])),
                "--shape", draw(st.sampled_from(["min-energy", "lofted", "depressed",
                                                 "max-range"])),
                "--model", draw(st.sampled_from(["full", "ideal"]))]  # fmt: skip
        if draw(st.booleans()):
            argv += ["--apogee-km", draw(number_text(1, 10000))]
        elif draw(st.booleans()):
            argv += ["--burnout-angle-deg", draw(number_text(0, 90))]
    if draw(st.integers(0, 4)) == 0:
        argv += ["--csv", str(Path(out) / "t.csv")]
    return argv


def build_footprint(draw, out: str) -> list[str]:
    return ["footprint", "--launch", draw(st.sampled_from(["39.2,125.67", "40.0,124.5"])),
            "--grid", draw(number_text(2, 4, integer=True)),
            "--extent-km", draw(number_text(1, 600)), "--no-progress", "--out", out,
            *draw(overrides(max_n=2))]  # fmt: skip


# name -> (builder, examples in the ci profile, examples in the full profile)
COMMANDS = {
    "run": (build_run, 150, 800),
    "trajectory": (build_trajectory, 80, 300),
    "coverage": (build_coverage, 50, 250),
    "montecarlo": (build_montecarlo, 20, 150),
    "footprint": (build_footprint, 0, 60),
}

# ---------------------------------------------------------------------------------------------
# the property

ERROR_LINE = re.compile(r"^thaad( [a-z]+)?: error: \S")
NON_FINITE_WORD = re.compile(r"(?<![\w.])-?(nan|inf|infinity)(?![\w])", re.IGNORECASE)


def _files(d: Path) -> list[Path]:
    return [p for p in d.rglob("*") if p.is_file()] if d.exists() else []


def _bad_constant(name: str) -> float:
    raise AssertionError(f"non-finite JSON constant {name}")


def check_number(key: str, v: float, where: str) -> None:
    """Finite, and within the physical range the key's unit and meaning imply."""
    assert math.isfinite(v), f"{where}: {key} = {v}"
    if key in ("seed",) or key.endswith("_per_s") or key.endswith("sha256"):
        return
    assert abs(v) < 1e12, f"{where}: {key} = {v} is implausibly large"
    if key.endswith("_deg") and key != "launchers_deg":  # history: [lat_deg, lon_deg, alt_m]
        assert -360.0 <= v <= 360.0, f"{where}: {key} = {v}"
    if key.startswith("p_kill") or key in ("pd_at_threshold", "search_fraction", "sspk"):
        assert -1e-12 <= v <= 1.0 + 1e-12, f"{where}: {key} = {v}"
    if key.endswith(("miss_distance_m", "miss_m", "ground_range_m", "slant_range_m",
                     "area_km2", "sigma_m")):  # fmt: skip
        assert v >= 0.0, f"{where}: {key} = {v}"


def check_json(x, where: str, key: str = "") -> None:
    if isinstance(x, dict):
        for k, v in x.items():
            check_json(v, where, str(k))
    elif isinstance(x, list):
        for v in x:
            check_json(v, where, key)
    elif isinstance(x, (int, float)) and not isinstance(x, bool):
        check_number(key, float(x), where)


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """``thaad.cli.main(argv)`` in this process: (exit status, stdout, stderr). A user or
    runtime warning (what a user would see on stderr) is appended to stderr."""
    so, se = io.StringIO(), io.StringIO()
    faulthandler.dump_traceback_later(HANG_S, exit=True)
    try:
        with (contextlib.redirect_stdout(so), contextlib.redirect_stderr(se),
              warnings.catch_warnings(record=True) as caught):  # fmt: skip
            warnings.simplefilter("default")
            try:
                rc = main(argv)
            except SystemExit as exc:  # argparse
                rc = exc.code if isinstance(exc.code, int) else 2
    finally:
        faulthandler.cancel_dump_traceback_later()
    shown = [w for w in caught if issubclass(w.category, (UserWarning, RuntimeWarning))]
    err = se.getvalue() + "".join(f"{w.category.__name__}: {w.message}\n" for w in shown)
    return rc, so.getvalue(), err


def check_outcome(name: str, argv: list[str], out: Path) -> str:
    """Run one command line and assert the property; returns ``"exit 0"`` or ``"exit 2"``."""
    try:
        rc, stdout, stderr = run_cli(argv)
        assert "Traceback" not in stderr, stderr
        if rc == 2:
            lines = stderr.splitlines()
            assert len(lines) == 1, f"{len(lines)} lines on stderr: {stderr!r}"
            assert ERROR_LINE.match(lines[0]), lines[0]
            assert not _files(out), f"exit 2 but wrote {_files(out)}"
            outcome = "exit 2"
        else:
            assert rc == 0, f"exit status {rc}: {stderr!r}"
            assert stderr == "", f"exit 0 with stderr {stderr!r}"
            m = NON_FINITE_WORD.search(stdout)
            assert m is None, f"printed {m.group(0)!r}: {stdout!r}"
            for f in _files(out):
                if f.suffix in (".json", ".geojson"):
                    check_json(json.loads(f.read_text(), parse_constant=_bad_constant), f.name)
            outcome = "exit 0"
    except BaseException:
        TALLY[(name, "failure")] += 1
        raise
    TALLY[(name, outcome)] += 1
    return outcome


def _settings(name: str) -> settings:
    ci, full = COMMANDS[name][1:]
    return settings(
        max_examples=ci if PROFILE == "ci" else full,
        derandomize=PROFILE == "ci",
        deadline=None,
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.filter_too_much],
    )  # fmt: skip


def _make_test(name: str):
    builder = COMMANDS[name][0]

    @_settings(name)
    @given(data=st.data())
    def test(data):
        with tempfile.TemporaryDirectory(prefix="thaad-fuzz-") as tmp:
            out = Path(tmp) / "out"
            argv = builder(data.draw, str(out))
            data.draw(st.just(argv), label="argv")
            check_outcome(name, argv, out)

    test.__name__ = f"test_fuzz_{name}"
    return test


for _name, (_b, _ci, _full) in COMMANDS.items():
    if (_ci if PROFILE == "ci" else _full) > 0:
        globals()[f"test_fuzz_{_name}"] = _make_test(_name)


def test_every_schema_field_is_fuzzed_and_every_number_has_a_range():
    """The walk reaches every leaf (nested sections and the assets list), and every numeric
    field carries a finite range, so no number reaches the core unbounded."""
    keys = {k for k, _ in LEAVES}
    assert {"seed", "battery.radar.system_temp_k", "sensing.debris_dv_mps", "threat.class",
            "assets.0.lat_deg", "battery.site.alt_m", "doctrine.shots"} <= keys  # fmt: skip
    assert len(keys) >= 100
    for key, info in LEAVES:
        ann = info.annotation
        if ann in (int, float) or {int, float} & set(typing.get_args(ann)):
            r = field_range(info)
            assert r is not None, f"{key} has no Range"
            assert math.isfinite(r.lo) and math.isfinite(r.hi) and r.lo < r.hi, key
