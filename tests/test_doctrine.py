"""Doctrine and kill assessment: shoot-look-shoot re-fires after the look, a salvo fires
its shots at its spacing, and a kill assessment that is right with probability p < 1
sometimes calls a miss a kill, so no second shot follows (Wilkening, "A Simple Model for
Calculating Ballistic Missile Defense Effectiveness", Science & Global Security 8, 2000,
for the doctrine; the assessment error is a Bernoulli draw, checked against its binomial
spread)."""

import math

import numpy as np

import thaad
from thaad.core.doctrine import (
    assess_kill,
    may_fire,
    new_doctrine_state,
    on_launch,
    on_outcome,
)
from thaad.core.firecontrol import DOCTRINE_SALVO


def _fc(**kw):
    return thaad.load_scenario().fire_control_core()._replace(**kw)


def test_shoot_look_shoot_fires_again_only_after_the_look():
    fc = _fc(shots=2, assess_s=5.0)
    ds = new_doctrine_state()
    assert may_fire(ds, fc, 10.0, 0)
    on_launch(ds, fc, 10.0)
    assert not may_fire(ds, fc, 20.0, 1)  # one in the air
    on_outcome(ds, fc, 60.0, False)  # missed at 60 s
    assert not may_fire(ds, fc, 64.9, 0)  # still looking
    assert may_fire(ds, fc, 65.0, 0)
    on_launch(ds, fc, 65.0)
    on_outcome(ds, fc, 90.0, False)
    assert not may_fire(ds, fc, 200.0, 0)  # both shots spent


def test_a_salvo_fires_its_shots_at_the_spacing():
    fc = _fc(shots=3, doctrine=DOCTRINE_SALVO, salvo_spacing_s=1.0)
    ds = new_doctrine_state()
    on_launch(ds, fc, 10.0)
    assert not may_fire(ds, fc, 10.5, 1)
    assert may_fire(ds, fc, 11.0, 1)  # the salvo goes on with one in the air
    on_launch(ds, fc, 11.0)
    on_launch(ds, fc, 12.0)
    assert not may_fire(ds, fc, 13.0, 3)


def test_a_declared_kill_stops_the_doctrine():
    fc = _fc(shots=4)
    ds = new_doctrine_state()
    on_launch(ds, fc, 0.0)
    on_outcome(ds, fc, 50.0, True)
    assert not may_fire(ds, fc, 100.0, 0)


def test_kill_assessment_errs_with_one_minus_its_accuracy():
    rng = np.random.default_rng(11)
    n, acc = 4000, 0.8
    wrong = sum(assess_kill(False, acc, rng) for _ in range(n))
    assert abs(wrong / n - (1 - acc)) < 4 * math.sqrt(acc * (1 - acc) / n)
    assert all(assess_kill(True, 1.0, rng) for _ in range(10))
    assert not any(assess_kill(False, 1.0, rng) for _ in range(10))


def test_an_imperfect_kill_assessment_sometimes_prevents_the_second_shot():
    """Every shot misses (a 1-micrometre lethal radius); with assessment accuracy 0.5 about
    half the engagements stop after the first shot, each with a false kill assessment of
    that shot, and the others fire the second shot."""
    sc = thaad.load_scenario(overrides=["lethality.lethal_radius_m=1e-6",
                                        "doctrine.kill_assessment_accuracy=0.5"])  # fmt: skip
    fired = []
    for seed in range(16):
        r = thaad.run(sc, seed=seed)
        false_ka = [e["interceptor"] for e in r.events if e["kind"] == "false_kill_assessment"]
        assert not r.intercepted
        assert (r.interceptors_fired == 1) == (1 in false_ka)  # called a kill after shot 1
        fired.append(r.interceptors_fired)
    ones = fired.count(1)
    assert 2 <= ones <= 14  # binomial(16, 0.5): outside this with probability < 0.5%
    assert set(fired) == {1, 2}
