"""Compute the China analysis (docs/china.md): what a forward-based TPY-2 at Seongju sees of
generic ICBM flights from China to the United States, and of generic North Korean flights.

Run by hand (``PYTHONPATH=src python docs/gallery/make_china.py``; a minute or two on a warm
numba cache). It writes, under ``docs/gallery/china/``:

- ``coverage.md``: ``thaad coverage`` of 0.01 and 1 m^2 objects at 100 km in each mode;
- ``table.md`` and ``rows.json``: one row per flight (launch, aim, radar face, RV cross-section,
  mode) from :func:`thaad.analysis.visibility.family`;
- ``summary.md``: per launch region and face, the best case over its aim points;
- ``map-<region>-<face>.png``: the ground tracks and their tracked arcs;
- ``case-<region>-<face>.png``: the SNR and track error of the flight of that region and face
  tracked longest.

Every launch and aim point is generic, rounded to a degree, chosen from geography alone (a
plain, a coast, the middle of a country): no claim about any real site is made or implied.
The written files are committed, so the site builds without running anything.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = HERE / "china"
sys.path.insert(0, str(ROOT / "src"))

SEONGJU = (36.0513, 128.2229, 680.0)
FACES = [315.0, 0.0, 270.0]
# generic launch regions, two points each (degrees, rounded)
REGIONS = {
    "north-east China": [(44.0, 125.0), (47.0, 130.0)],
    "central China": [(35.0, 110.0), (38.0, 106.0)],
    "North Korea": [(40.0, 127.0)],
}
US_AIMS = [(47.0, -122.0), (40.0, -100.0), (39.0, -77.0)]  # north-west, plains, east coast
GUAM = (13.0, 145.0)
RCS = [0.01, 1.0]  # RV cross-sections, m^2 (nose-on small RV; a large or broadside one)
MODES = ["forward-based", "terminal"]


def _fmt(v, f="{:.0f}", none="-"):
    return none if v is None else f.format(v)


def main() -> int:
    from thaad.analysis.coverage import coverage
    from thaad.analysis.visibility import family, visibility
    from thaad.io import atomic_write_bytes
    from thaad.model.scenario import load_scenario
    from thaad.output.maps import plot_track_arcs
    from thaad.output.plots import plot_visibility

    OUT.mkdir(parents=True, exist_ok=True)
    # the missile alone (booster, then the RV): no spent stage or debris flying with it. With
    # them (the default multi-object scene) the stage, 10 m^2, flies within one 15 m range
    # cell of the RV in vacuum and hides it: the track then follows the stage (docs/china.md)
    sc = load_scenario(overrides=["sensing.model=single-object"])
    # --- coverage --------------------------------------------------------------------------
    lines = ["| mode | RCS (m^2) | search band (deg) | detection (km ground) | detection area "
             "(km^2), of it China | track (km ground) | track area (km^2), of it China | "
             "range-only area (km^2), of it China |",
             "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for mode in MODES:
        for rcs in RCS:
            c = coverage(SEONGJU, mode, rcs, 100.0)

            def iv(x):
                return "none" if x is None else f"{x[0] / 1e3:.0f}-{x[1] / 1e3:.0f}"

            lines.append(
                f"| {mode} | {rcs:g} | {c.search_elevation_deg[0]:g}-"
                f"{c.search_elevation_deg[1]:g} | {iv(c.detection_ground_range_m)} | "
                f"{c.detection_area_km2:,.0f}, {c.detection_area_by_country_km2.get('CHN', 0):,.0f}"
                f" | {iv(c.track_ground_range_m)} | {c.track_area_km2:,.0f}, "
                f"{c.track_area_by_country_km2.get('CHN', 0):,.0f} | {c.coverage_area_km2:,.0f}, "
                f"{c.area_by_country_km2.get('CHN', 0):,.0f} |"
            )
    (OUT / "coverage.md").write_text("\n".join(lines) + "\n")

    # --- flights -----------------------------------------------------------------------------
    rows = []
    for mode in MODES:
        for rcs in RCS:
            for region, launches in REGIONS.items():
                nk = region == "North Korea"
                for threat, aims in ([("icbm", US_AIMS), ("irbm", [GUAM])] if nk
                                     else [("icbm", US_AIMS)]):  # fmt: skip
                    got = family(SEONGJU, mode, launches, aims, boresights=FACES,
                                 threat=threat, rcs_m2=rcs, seed=2017, scenario=sc)  # fmt: skip
                    for r in got:
                        r["region"] = region
                        r["threat"] = threat
                        r["rcs_rv_m2"] = rcs
                        r["mode"] = mode
                    rows += got
    slim = [{k: v for k, v in r.items() if k not in ("ground_track", "tracked_arc")}
            for r in rows]  # fmt: skip
    (OUT / "rows.json").write_text(json.dumps(slim, indent=1) + "\n")

    head = ("| region | threat | launch | aim | mode | face | RV m^2 | first detection s (phase, "
            "km) | tracked s | after cutoff s | FC quality (after cutoff) | best sigma m |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|---|")  # fmt: skip
    out = [head]
    for r in rows:
        ll = f"{r['launch_deg'][0]:g}, {r['launch_deg'][1]:g}"
        aa = f"{r['aim_deg'][0]:g}, {r['aim_deg'][1]:g}"
        if "error" in r:
            out.append(f"| {r['region']} | {r['threat']} | {ll} | {aa} | {r['mode']} | "
                       f"{r['boresight_az_deg']:g} | {r['rcs_rv_m2']:g} | out of reach "
                       "| | | | |")  # fmt: skip
            continue
        fd = ("never" if r["first_detection_t_s"] is None else
              f"{r['first_detection_t_s']:.0f} ({r['first_detection_phase']}, "
              f"{r['first_detection_range_m'] / 1e3:.0f})")  # fmt: skip
        fc = ("yes" if r["fire_control_quality"] else "no") + (
            " (yes)" if r["fire_control_quality_after_cutoff"] else " (no)"
        )
        out.append(f"| {r['region']} | {r['threat']} | {ll} | {aa} | {r['mode']} | "
                   f"{r['boresight_az_deg']:g} | {r['rcs_rv_m2']:g} | {fd} | "
                   f"{r['tracked_s']:.0f} | {r['tracked_after_cutoff_s']:.0f} | {fc} | "
                   f"{_fmt(r['min_sigma_pos_m'])} |")  # fmt: skip
    (OUT / "table.md").write_text("\n".join(out) + "\n")

    # --- summary per region and face (forward-based) -------------------------------------------
    summ = ["| region | threat | face | RV m^2 | flights detected | earliest detection s "
            "(phase) | longest track s (after cutoff) | any FC-quality track (after cutoff) |",
            "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for region in REGIONS:
        for threat in ["icbm", "irbm"] if region == "North Korea" else ["icbm"]:
            for face in FACES:
                for rcs in RCS:
                    sel = [r for r in rows if r["region"] == region and r["threat"] == threat
                           and r["boresight_az_deg"] == face and r["rcs_rv_m2"] == rcs
                           and r["mode"] == "forward-based" and "error" not in r]  # fmt: skip
                    if not sel:
                        continue
                    det = [r for r in sel if r["first_detection_t_s"] is not None]
                    first = min(det, key=lambda r: r["first_detection_t_s"]) if det else None
                    longest = max(sel, key=lambda r: r["tracked_s"])
                    post = max(r["tracked_after_cutoff_s"] for r in sel)
                    fc = any(r["fire_control_quality"] for r in sel)
                    fcp = any(r["fire_control_quality_after_cutoff"] for r in sel)
                    fd = ("never" if first is None else
                          f"{first['first_detection_t_s']:.0f} "
                          f"({first['first_detection_phase']})")  # fmt: skip
                    summ.append(f"| {region} | {threat} | {face:g} | {rcs:g} | {len(det)} of "
                                f"{len(sel)} | {fd} | {longest['tracked_s']:.0f} ({post:.0f}) | "
                                f"{'yes' if fc else 'no'} "
                                f"({'yes' if fcp else 'no'}) |")  # fmt: skip
    (OUT / "summary.md").write_text("\n".join(summ) + "\n")

    # --- a map per face; one plot per case (region and face): forward-based, RV 0.01 m^2 ------
    for f in OUT.glob("*.png"):
        f.unlink()
    for face in FACES:
        sel = [r for r in rows if r["boresight_az_deg"] == face and r["rcs_rv_m2"] == RCS[0]
               and r["mode"] == "forward-based" and "error" not in r]  # fmt: skip
        title = (f"forward-based TPY-2 at Seongju, face {face:g} deg: generic launches from "
                 f"China and North Korea (RV {RCS[0]:g} m$^2$); red: in track")  # fmt: skip
        png = plot_track_arcs(sel, SEONGJU[0], SEONGJU[1], title, extent=(100.0, 160.0, 20.0, 60.0),
                              sector=(face, 60.0, 1500e3), dpi=80)  # fmt: skip
        atomic_write_bytes(OUT / f"map-{face:g}.png", png)
        for region in REGIONS:
            slug = region.split()[0].lower().replace("-", "")
            mine = [r for r in sel if r["region"] == region]
            best = max(mine, key=lambda r: (r["tracked_s"], r["in_view_s"]))
            res = visibility(SEONGJU, "forward-based", tuple(best["launch_deg"]),
                             tuple(best["aim_deg"]), threat=best["threat"], rcs_m2=RCS[0],
                             boresight_az_deg=face, seed=2017, scenario=sc)  # fmt: skip
            plot_visibility(res, OUT / f"case-{slug}-{face:g}.png", dpi=70)
    for f in sorted(OUT.glob("*.png")):
        assert f.stat().st_size < 300_000, f
    print((OUT / "coverage.md").read_text())
    print((OUT / "summary.md").read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
