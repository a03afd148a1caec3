"""Draw the documentation gallery: run thaad's commands at small grids, keep their maps.

Run by ``make gallery`` (not by the site's build: it flies trajectories and takes a minute or
two, more on a cold numba cache). It runs

- ``thaad footprint`` from a generic launch point in central North Korea: does the Seongju
  battery defend Seoul?
- ``thaad coverage`` of the Seongju radar, terminal and forward-based: what does it see of
  China?
- ``thaad saturation`` of ``scenarios/raid.yaml``: how many missiles saturate the battery?
- ``thaad footprint`` of ``scenarios/layered.yaml``: the layered defence with a lower tier;
- ``thaad footprint`` against the quasi-ballistic ``srbm-qb``: the low-flying threat.

and writes ``docs/gallery/*.png`` (each checked to be under 300 kB) and
``docs/gallery/index.md`` with the commands, what they printed and the pictures. The written
files are committed, so the site builds without running anything.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MAX_PNG_BYTES = 300_000

# (name, title, thaad arguments, what it shows); {out} is the output directory
JOBS = [
    (
        "footprint-seoul",
        "Does the Seongju battery defend Seoul?",
        [
            "footprint",
            "--launch",
            "39.2,125.67",
            "--grid",
            "60",
            "--extent-km",
            "400",
            "--no-progress",
            "--out",
            "{out}",
        ],
        "footprint.png",
        "The defended footprint of the default scenario against a srbm-600 launched from a "
        "generic point in central North Korea (39.2 N, 125.67 E) on minimum-energy paths: "
        "the kill probability of every aim point within 400 km of the battery (kinematic "
        "mode, a 60 x 60 grid; `make gallery` keeps it small, the footprint guide's figures use "
        "`--grid 200`). Interceptor envelope 40-150 km altitude and 200 km range, "
        "shoot-look-shoot with two shots, single-shot kill probability 0.8. A threat aimed "
        "at Seoul peaks at about 63 km and is still 245 km from Seongju when it falls below "
        "40 km: no point of its path lies inside the interceptor's envelope.",
    ),
    (
        "coverage-terminal",
        "What the radar sees, terminal mode",
        [
            "coverage",
            "--radar",
            "36.0513,128.2229,680",
            "--mode",
            "terminal",
            "--rcs",
            "0.01",
            "--target-alt-km",
            "100",
            "--out",
            "{out}",
        ],
        "coverage.png",
        "The Seongju radar in terminal mode (volume search of the face, +/-60 deg about "
        "315 deg, 5-15 deg elevation every 10 s) against a 0.01 m^2 object at 100 km: the "
        "search finds it nowhere (at its search range it sits above 15 deg); once in track it "
        "is kept out to the track range (blue). The dotted sector is the range-only region.",
    ),
    (
        "coverage-forward-based",
        "What the radar sees, forward-based mode (the question China asked)",
        [
            "coverage",
            "--radar",
            "36.0513,128.2229,680",
            "--mode",
            "forward-based",
            "--rcs",
            "0.01",
            "--target-alt-km",
            "100",
            "--out",
            "{out}",
        ],
        "coverage.png",
        "The same radar in forward-based mode (a low fence, 5-7 deg elevation every 20 s) "
        "against the same object: the search range (555 km) reaches just past the nearest "
        "Chinese land (the tip of Shandong, dotted: the range-only region), but there the "
        "object sits at 8.5 deg, above the fence, and in the fence (617-747 km) it is beyond "
        "the search range: the search finds it nowhere. Cued, it is kept in track to 553 km "
        "(blue). What the radar sees of missiles in flight: [the China question](../china.md).",
    ),
    (
        "raid-saturation",
        "Raid saturation: how many missiles does it take?",
        [
            "saturation",
            "scenarios/raid.yaml",
            "--sizes",
            "1,4,8,12,13,16,24",
            "--draws",
            "200",
            "--out",
            "{out}",
        ],
        "saturation.png",
        "`scenarios/raid.yaml`: Seongju (6 launchers x 8 rounds) against salvos of SRBMs at "
        "Daegu, Busan and Ulsan, shoot-look-shoot with up to two shots. Each shot kills with "
        "the battery's single-shot kill probability against its threat entry, flown: 64 "
        "dispersed single-shot engagements of the staged core per entry with the "
        "miss-distance lethality (0.5 m) killed 64 of 64 (Pk 1.000, 95 % interval "
        "0.943-1.000); the battle's own shots are not flown. So every threat the radar holds "
        "is killed with one round, and the leakers are the tracks the radar drops when its "
        "track capacity runs out (5 objects per threat, 40 ms looks, half of the radar's time "
        "for tracks, at most 5 s between looks): 12 threats are held, the 13th leaks, and "
        "each further missile adds a leaker (more than 1 from 14 on; 16 is the first size of "
        "this table past 1), long before the magazine runs out.",
    ),
    (
        "layered",
        "Layered defence: THAAD above, a PAC-3-like lower tier below",
        [
            "footprint",
            "scenarios/layered.yaml",
            "--launch",
            "39.2,125.67",
            "--grid",
            "40",
            "--extent-km",
            "400",
            "--no-progress",
            "--out",
            "{out}",
        ],
        "footprint.png",
        "`scenarios/layered.yaml`: the Seongju battery plus generic lower-tier batteries near "
        "Seoul and at Pyeongtaek (70 km range, 24 km ceiling from public figures), against "
        "the scenario's first threat entry, an srbm-300 launched from 39.2 N, 125.67 E (the "
        "white hole: too close for it to be aimed). The combined kill probability of every "
        "aim point: the upper tier first, the lower tier against what the upper tier's kill "
        "assessment says survived. The srbm-300 never reaches Seongju's 40 km floor within "
        "its 200 km, so only the lower tier defends, around Seoul and Pyeongtaek.",
    ),
    (
        "low-flying",
        "The low-flying threat: a quasi-ballistic pull-up under the 40 km floor",
        [
            "footprint",
            "--launch",
            "39.2,125.67",
            "--set",
            "threat.class=srbm-qb",
            "--set",
            "threat.shape=pull-up",
            "--set",
            "threat.apogee_km=50",
            "--grid",
            "41",
            "--extent-km",
            "400",
            "--no-progress",
            "--out",
            "{out}",
        ],
        "footprint.png",
        "The same battery and launch point as the first picture against a KN-23-class "
        "`srbm-qb` flying a 50 km apogee and an aerodynamic pull-up (lift-to-drag 2): it "
        "glides below 40 km, and the defended area against this launch point is gone "
        "(compare the srbm-600's footprint above).",
    ),
]


def _thaad(args: list[str]) -> str:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run(
        [sys.executable, "-m", "thaad.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"thaad {' '.join(args)} failed:\n{proc.stderr}")
    return proc.stdout


def _keep(line: str) -> bool:
    """Lines that do not change from run to run (no timings, no temporary paths)."""
    return not line.startswith("wrote ") and "cells/s" not in line


def _shrink(png: Path) -> None:
    """Re-encode a PNG with a palette if it is over the size limit."""
    if png.stat().st_size <= MAX_PNG_BYTES:
        return
    from PIL import Image

    with Image.open(png) as im:
        im.convert("RGB").quantize(colors=256).save(png, optimize=True)
    if png.stat().st_size > MAX_PNG_BYTES:
        raise SystemExit(f"{png.name}: {png.stat().st_size} bytes, over {MAX_PNG_BYTES}")


def main() -> int:
    sections = []
    with tempfile.TemporaryDirectory(prefix="thaad-gallery-") as tmp:
        for name, title, args, png, caption in JOBS:
            out = Path(tmp) / name
            argv = [a.replace("{out}", str(out)) for a in args]
            shown = " ".join(a.replace("{out}", f"runs/{name}") for a in args)
            print(f"thaad {shown}", file=sys.stderr)
            text = _thaad(argv)
            dest = HERE / f"{name}.png"
            shutil.copyfile(out / png, dest)
            _shrink(dest)
            printed = "\n".join(ln for ln in text.splitlines() if _keep(ln))
            sections.append(
                f"## {title}\n\n```text\n$ thaad {shown}\n{printed}\n```\n\n"
                f"![{title}]({name}.png)\n\n{caption}\n"
            )
    page = (
        "# Gallery\n\n"
        "Pictures that thaad's commands draw, made by `make gallery` "
        "(`docs/gallery/make_gallery.py`) with the default scenario; run the commands "
        "yourself to redraw them, or change the assumptions with `--set` and see. Each "
        "command's options and files are in the [user guide](../guide/index.md).\n\n"
        + "\n".join(sections)
    )
    (HERE / "index.md").write_text(page, encoding="utf-8")
    print(f"wrote {HERE / 'index.md'} and {len(JOBS)} pictures", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
