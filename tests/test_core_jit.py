"""The core's compilation rules (:mod:`thaad.core.jit`): with the hot path compiled without
numba's reference counting (``leaf``), an engagement still releases every array it
allocates and frees none twice, whichever filter and sensing model it runs."""

import json
import os
import subprocess
import sys

LEAK_SCRIPT = """
import gc, json
import thaad
from numba.core.runtime import rtsys
from thaad.analysis.engagement import engage_once, prepare
from thaad.analysis.montecarlo import draw_rng
out = {}
for sets in ([], ["sensing.filter=ukf"], ["sensing.model=single-object"]):
    prep = prepare(thaad.load_scenario(None, sets))
    r = engage_once(prep, draw_rng(1, 0), True, True)
    del r
    gc.collect()
    a = rtsys.get_allocation_stats()
    for i in range(4):
        r = engage_once(prep, draw_rng(1, i), True, i % 2 == 0)
        fired = float(r[0][6])
        del r
    gc.collect()
    b = rtsys.get_allocation_stats()
    out[",".join(sets) or "default"] = [b.alloc - a.alloc, b.free - a.free, fired]
print(json.dumps(out))
"""


def test_an_engagement_releases_every_array_it_allocates():
    """NRT's own allocation counters (``NUMBA_NRT_STATS``) over four engagements after a
    first one: as many frees as allocations. A leaf that returned an array to a counting
    caller, or a counted function that returned one to a leaf, would leak or free twice."""
    env = dict(os.environ, NUMBA_NRT_STATS="1", THAAD_NO_COMPILE_HELPER="1")
    res = subprocess.run([sys.executable, "-c", LEAK_SCRIPT], env=env, capture_output=True,
                         text=True, timeout=900)  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]
    got = json.loads(res.stdout.strip().splitlines()[-1])
    assert set(got) == {"default", "sensing.filter=ukf", "sensing.model=single-object"}
    for name, (alloc, free, fired) in got.items():
        assert alloc > 0, name  # the counters count
        assert alloc == free, (name, alloc, free)
        assert fired >= 1, name  # a real engagement: an interceptor flew
