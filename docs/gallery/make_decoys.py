"""Compute the two decoy tables of docs/physics/threats.md ("Decoys and fragments"): the kill
probability of the RV against 0-8 RV-like decoys, with the filter's beta discrimination on and
off, for the default srbm-600 on Daegu and for an srbm-300 launched from 38.0 N, 126.9 E.

Run by hand (``PYTHONPATH=src python docs/gallery/make_decoys.py``; a few seconds on a warm
numba cache). Each row is a 100-draw Monte Carlo of the default scenario (seed 2017, the
default dispersions, draw ``i`` on ``default_rng([seed, i])``) with ``threat.penaids`` set to
one group of default decoys; its P(kill) and shots per draw are what ::

    thaad montecarlo --draws 100 --set 'threat.penaids=[{"kind":"decoy","count":N}]'

prints (add ``--set sensing.lethal_beta_min_kgpm2=0`` for the discrimination off, and
``--set threat.class=srbm-300 --set threat.launch.lat_deg=38.0 --set
threat.launch.lon_deg=126.9`` for the second table). The seeker column counts the shots whose
seeker homed on the RV (the ``seeker_object`` of :func:`thaad.core.engagement.engage`), which
the command does not print. Prints the two tables as markdown.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

import thaad
from thaad.analysis.engagement import engage_once, prepare
from thaad.analysis.montecarlo import draw_rng
from thaad.core import engagement as ceng
from thaad.core.scene import OBJ_THREAT
from thaad.model.scenario import Scenario

DRAWS = 100
COUNTS = (0, 1, 2, 4, 8)
SRBM_300 = {"class": "srbm-300", "launch": {"lat_deg": 38.0, "lon_deg": 126.9, "alt_m": 0.0,
                                            "name": "38.0 N, 126.9 E"}}  # fmt: skip


def row(n_decoys: int, beta_on: bool, threat: dict | None) -> tuple[float, float, int, int]:
    """P(kill the RV), shots per draw, shots homing on the RV, shots fired."""
    d = thaad.load_scenario().model_dump(by_alias=True)
    d["threat"]["penaids"] = [{"kind": "decoy", "count": n_decoys}] if n_decoys else []
    d["threat"].update(threat or {})
    if not beta_on:
        d["sensing"]["lethal_beta_min_kgpm2"] = 0.0
    sc = Scenario.model_validate(d)
    prep = prepare(sc)
    kills = fired = on_rv = 0
    for i in range(DRAWS):
        out = engage_once(prep, draw_rng(sc.seed, i), True, False)
        s = out[0]
        n = int(s[ceng.S_FIRED])
        kills += bool(s[ceng.S_INTERCEPTED] > 0.5)
        fired += n
        on_rv += int(np.sum(out[-1][:n] == OBJ_THREAT))
    return kills / DRAWS, fired / DRAWS, on_rv, fired


def main() -> None:
    print("srbm-600 on Daegu (beta discrimination on; off in brackets where it differs)\n")
    print("| decoys | P(kill the RV) | shots per draw | seeker picks on the RV |")
    print("|---|---|---|---|")
    for n in COUNTS:
        on, off = row(n, True, None), row(n, False, None)
        same = "" if on == off else f" (off: {off[0]:.2f}, {off[1]:.2f}, {off[2]} of {off[3]})"
        print(f"| {n} | {on[0]:.2f} | {on[1]:.2f} | {on[2]} of {on[3]} |{same}")
    print("\nsrbm-300 from 38.0 N, 126.9 E on Daegu\n")
    print("| decoys | P(kill the RV), beta discrimination on | off |")
    print("|---|---|---|")
    for n in COUNTS:
        print(f"| {n} | {row(n, True, SRBM_300)[0]:.2f} | {row(n, False, SRBM_300)[0]:.2f} |")


if __name__ == "__main__":
    main()
