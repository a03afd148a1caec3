"""The compile helper of a cold ``thaad run`` (:mod:`thaad.analysis.precompile`).

It must compile the engagement loop's callees for exactly the types the engagement passes
them (otherwise the command compiles them a second time, and the helper only costs CPU),
give the same engagement, and cost the command nothing when it fails: it writes nothing and
the command compiles what is missing itself.
"""

import os
import sys
import time

import pytest

import thaad
from thaad.analysis import engagement as ae
from thaad.analysis import precompile


def _counts(funcs):
    return {f.py_func.__qualname__: len(f.signatures) for f in funcs}


def test_plans_use_the_engagement_s_types():
    # type the engagement afresh (a dispatcher without a cache, so that its callees are
    # looked up, from the cache or compiled, for the types it passes them); the helper's
    # plan and the command's share then add no specialisation to any of them
    import numba
    import numpy as np

    from thaad.core import engagement as ceng
    from thaad.core import scene as cscene
    from thaad.core.doctrine import new_doctrine_state
    from thaad.core.events import new_event_log
    from thaad.core.firecontrol import new_fire_state
    from thaad.core.flight import path_at
    from thaad.core.guidance import new_shots
    from thaad.core.scene import build_objects, new_sense_state
    from thaad.core.threat import fly_threat, threat_derivs

    sc = thaad.load_scenario()
    prep = ae.prepare(sc)
    threat, battery = ae._core_inputs(prep, prep.aim, prep.interceptor)
    args = (threat, battery, prep.scene, prep.seeker, prep.lethality, prep.env, 0.0,
            np.random.default_rng(0), True)  # fmt: skip
    numba.njit(ceng.engage.py_func).compile(tuple(numba.typeof(a) for a in args))
    # loaded from a warm cache, the look does not look up the radar scan it calls (the
    # command's first plan): type its sensing afresh with the arguments the look passes it
    # (its own first nine), which looks the radar scan up for the engagement's types
    (look_sig,) = cscene.multi_look.signatures
    opts = {k: v for k, v in cscene.sense_and_track.targetoptions.items() if k != "nopython"}
    numba.njit(**opts)(cscene.sense_and_track.py_func).compile(look_sig[:9])
    # the run's truth interpolator, called as the run calls it on the engagement's output
    ts, ys = ae.engage_once(prep, np.random.default_rng(0), False, True)[2:4]
    path_at(ts, ys[:, :3], ys[:, 3:6], np.array([ts[1]]))
    plan = ae.helper_plan(sc)
    first = ae.command_first(sc)
    assert [d.py_func.__qualname__ for d, _ in first] == ["radar_scan"]
    assert [d.py_func.__qualname__ for d, _ in plan] == [
        "fly_shot",
        "multi_look",
        "_settle",
        "_truth_rv",
        "engaged_object",
        "sorted_events",
        "path_at",
    ]
    mine = [build_objects, fly_threat, threat_derivs, ceng._fire_control]
    mine += [new_shots, new_fire_state, new_doctrine_state, new_event_log, new_sense_state]
    plans = [d for d, _ in first + plan]
    before = _counts(plans + mine)
    assert min(before.values()) >= 1
    precompile.compile_plan(first)
    precompile.compile_plan(plan)
    ae.command_share(prep)
    assert _counts(plans + mine) == before


def test_run_with_the_helper_is_the_same_engagement(default_result, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.delenv("THAAD_NO_COMPILE_HELPER", raising=False)
    res = ae.run(thaad.load_scenario(), compile_helper=True)
    assert precompile.LAST["helper_cpu_s"] >= 0.0
    assert res.to_dict(history=True) == default_result.to_dict(history=True)


def test_helper_joins_fails_quietly_and_can_be_stopped(monkeypatch, capfd):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.delenv("THAAD_NO_COMPILE_HELPER", raising=False)
    h = precompile.start(lambda: [])
    assert h is not None and h.join() and h.status == 0

    def noisy():
        print("from the helper")
        raise RuntimeError("a plan that fails")

    h = precompile.start(noisy)
    assert h is not None and not h.join() and h.status == 1
    assert capfd.readouterr() == ("", "")  # nothing reaches the command's streams
    h = precompile.start(lambda: time.sleep(60) or [])
    t0 = time.perf_counter()
    h.kill()
    assert h.status == -9 and time.perf_counter() - t0 < 10.0
    monkeypatch.setenv("THAAD_NO_COMPILE_HELPER", "1")
    assert precompile.start(lambda: []) is None


@pytest.mark.parametrize(("cpus", "platform"), [(1, "linux"), (None, "linux"), (4, "darwin"),
                                                (4, "win32")])  # fmt: skip
def test_no_helper_on_one_cpu_or_off_linux(monkeypatch, cpus, platform):
    monkeypatch.setattr(os, "cpu_count", lambda: cpus)
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.delenv("THAAD_NO_COMPILE_HELPER", raising=False)
    assert precompile.start(lambda: []) is None


@pytest.mark.parametrize(("given", "want"), [(None, 1), ("3", 3), ("2", 2)])
def test_core_compiles_at_numba_opt_1_unless_set(given, want):
    # level 1: the same numbers bit for bit at about three quarters of the compile time
    # (thaad.core's docstring); a NUMBA_OPT the user set is left alone
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "NUMBA_OPT"}
    if given is not None:
        env["NUMBA_OPT"] = given
    code = (
        "import numba, thaad.core.flight, numba.core.config as c; c.reload_config(); "
        "print(int(c.OPT))"
    )  # numba first: thaad's setting holds from numba's next compile
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)  # fmt: skip
    assert int(out.stdout) == want
