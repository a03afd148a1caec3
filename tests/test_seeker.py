"""The seeker's choice among objects and the decoy that fools it.

The seeker homes on the brightest object in its field of regard and range, by a noisy
(log-normal) measurement of each object's infrared-brightness proxy: with no noise it picks
the brightest; with noise ``s`` it picks A over B with probability
``Phi(ln(I_A / I_B) / (s sqrt 2))`` (the difference of two normal errors). Objects outside
the field of regard or beyond the acquisition range are not seen.
"""

import math

import numpy as np
import pytest

import thaad
from thaad.core.scene import Objects
from thaad.core.seeker import Seeker, seeker_pick


def _still(positions):
    n = len(positions)
    t = np.tile(np.array([0.0, 1e4]), (n, 1))
    y = np.zeros((n, 2, 7))
    for i, p in enumerate(positions):
        y[i, :, :3] = p
        y[i, :, 6] = 1.0
    return Objects(t, y, np.zeros((n, 2, 7)), np.full(n, 2, np.int64), -1.0, 1.0, 0.1, 5.0, 0.01)


SK = Seeker(for_half_rad=math.radians(2.0), ir_rv=1.0, ir_stage=0.5, ir_debris=0.1,
            ir_sigma_ln=0.0, los_alpha=0.3)  # fmt: skip
LOOK = np.array([1.0, 0.0, 0.0])
KV = np.zeros(3)


def test_the_seeker_picks_the_brightest_object_it_can_see():
    rng = np.random.default_rng(0)
    rv, stage, debris = [30e3, 0, 0], [30e3, 300.0, 0], [29e3, -200.0, 0]
    obj = _still([rv, stage, debris])
    o, r = seeker_pick(obj, 1.0, KV, LOOK, 40e3, SK, rng, np.empty(7))
    assert o == 0 and r == pytest.approx(30e3)
    # the stage made brighter than the RV wins
    o, _ = seeker_pick(obj, 1.0, KV, LOOK, 40e3, SK._replace(ir_stage=2.0), rng, np.empty(7))
    assert o == 1
    # outside the field of regard (5 deg off) or beyond the range, an object is not seen
    far_off = [30e3, 30e3 * math.tan(math.radians(5.0)), 0]
    o, _ = seeker_pick(_still([far_off, stage]), 1.0, KV, LOOK, 40e3, SK, rng, np.empty(7))
    assert o == 1
    o, r = seeker_pick(_still([[50e3, 0, 0]]), 1.0, KV, LOOK, 40e3, SK, rng, np.empty(7))
    assert o == -1 and math.isnan(r)


def test_a_noisy_seeker_picks_by_the_normal_law():
    rng = np.random.default_rng(3)
    s = 0.5
    obj = _still([[30e3, 0, 0], [30e3, 300.0, 0]])  # RV 1.0 against stage 0.5
    n = 4000
    picks = [seeker_pick(obj, 1.0, KV, LOOK, 40e3, SK._replace(ir_sigma_ln=s), rng, np.empty(7))[0]
             for _ in range(n)]  # fmt: skip
    p = 0.5 * (1.0 + math.erf(math.log(2.0) / (s * math.sqrt(2.0)) / math.sqrt(2.0)))
    got = picks.count(0) / n
    assert abs(got - p) < 4 * math.sqrt(p * (1 - p) / n)


def test_a_bright_decoy_draws_the_seeker_and_the_kv_misses():
    """Debris given five times the RV's brightness, released slowly and heavy enough (the
    RV's ballistic coefficient) to stay in the field of regard: the seeker homes on a piece
    of debris and the KV misses the RV by tens of metres or more (the default engagement
    misses by centimetres)."""
    sc = thaad.load_scenario(
        overrides=["sensing.ir_debris=5.0", "sensing.debris_dv_mps=0.5",
                   "sensing.debris_beta_kgpm2=4880", "doctrine.shots=1"]
    )  # fmt: skip
    r = thaad.run(sc)
    acq = [e for e in r.events if e["kind"] == "seeker_acquisition"]
    assert acq and acq[0]["object"] == "debris"
    assert not r.intercepted
    assert r.miss_distance_m > 10.0
