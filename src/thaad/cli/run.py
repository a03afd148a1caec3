"""``thaad run``: one engagement of a scenario, its timeline, and ``DIR/result.json``."""

from __future__ import annotations

import argparse
import sys

from thaad.cli._common import latlon, nonneg_int, out_dir, record
from thaad.output.text import format_event


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "run",
        help="fly one engagement and print its timeline",
        description="Fly one engagement of a scenario (the default Seongju one when none is "
        "given), print the timeline and write DIR/result.json, DIR/history.json, the resolved "
        "DIR/scenario.yaml and DIR/provenance.json. DIR is created if its parent exists. A battle "
        "scenario (batteries: or threats:) runs the kinematic battle model (each shot drawn at "
        "its sspk, not flown) over every threat and battery and writes the same files.",
        epilog="Examples:\n  thaad run\n  thaad run scenarios/seongju.yaml --seed 3 --out runs/a\n"
        "  thaad run --aim Busan\n"
        "  thaad run --set threat.aim.lat_deg=35.18 --set threat.aim.lon_deg=129.08 --json\n"
        "  thaad run --out runs/a --report\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", nargs="?", help="scenario YAML (default: scenarios/seongju.yaml)")
    p.add_argument("--seed", type=nonneg_int, help="random seed (overrides the scenario's)")
    p.add_argument("--out", default="out", metavar="DIR", help="output directory (default: out)")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a scenario value by dotted path, e.g. battery.radar.half_fov_deg=45",
    )
    p.add_argument(
        "--aim",
        metavar="ASSET|LAT,LON",
        help="aim the threat at a named asset of the scenario (e.g. Busan) or at LAT,LON",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    p.add_argument(
        "--measurements", metavar="FILE.csv",
        help="also write the radar's measurements in thaad track's input format (t_s, "
        "range_m, azimuth_deg, elevation_deg, object_id); replay them with thaad track "
        "FILE.csv --sensor LAT,LON,ALT_M at the battery's site (single-threat scenarios: a "
        "battle's radars are track windows, without measurements)",
    )  # fmt: skip
    p.add_argument(
        "--report", action="store_true", help="also write DIR/report.html (see thaad report)"
    )
    return p


def run(args: argparse.Namespace) -> int:
    from thaad.analysis.engagement import run as run_engagement
    from thaad.io import dir_lock, output_file, to_json
    from thaad.model.scenario import load_scenario

    sc = load_scenario(args.scenario, overrides=[*args.set, *aim_overrides(args.aim)],
                       seed=args.seed)  # fmt: skip
    if args.measurements:
        if sc.is_battle:
            from thaad.errors import ThaadInputError

            raise ThaadInputError(
                "--measurements: a battle has no radar measurements to write (its radars are "
                "modelled by track windows); run a single-threat scenario for them"
            )
        output_file(args.measurements, "--measurements")  # refuse a bad path before the run
    out = out_dir(args, "run", sc)
    if sc.is_battle:
        return _run_battle(args, sc, out)
    with dir_lock(out):
        from thaad.cli._warmup import cold_modules

        res = run_engagement(sc, compile_helper=bool(cold_modules("run")))
        d = res.to_dict()
        _write_run(args, out, sc, d, res.history)
    if args.measurements:
        write_measurements(args.measurements, res.history)
    report = _report(args, out)
    if args.json:
        sys.stdout.write(to_json(d) + "\n")
        return 0
    th = res.threat
    print(f"{sc.name}: {th['class']} from {th['launch']['name'] or 'launch point'} at "
          f"{th['aim']['name'] or 'aim point'} (seed {res.seed})")  # fmt: skip
    for e in res.events:
        print(format_event(e))
    from thaad.analysis.engagement import lethality_text

    if res.intercepted:
        print(
            f"INTERCEPT at {res.intercept_alt_m / 1e3:.1f} km altitude, "
            f"{res.intercept_ground_range_m / 1e3:.1f} km from the battery, miss distance "
            f"{res.miss_distance_m:.3f} m; {res.interceptors_fired} interceptor(s) fired"
        )
        print(f"  lethality: {lethality_text(sc)}")
    else:
        miss = "" if res.miss_distance_m is None else f" (closest miss {res.miss_distance_m:.2f} m)"
        print(f"NO INTERCEPT{miss}; {res.interceptors_fired} interceptor(s) fired")
        from thaad.analysis.diagnosis import explain_no_intercept

        why = explain_no_intercept(sc, d, res.history)
        if why is not None:
            print(f"  why: {why.text}")
    print(f"wrote {out / 'result.json'}")
    if report is not None:
        print(f"wrote {report}")
    return 0


def aim_overrides(aim: str | None) -> list[str]:
    """``--aim NAME`` or ``--aim LAT,LON`` as ``--set`` overrides of ``threat.aim``."""
    if not aim:
        return []
    if "," in aim:
        try:
            lat, lon = latlon(aim)
        except argparse.ArgumentTypeError as exc:
            from thaad.errors import ThaadInputError

            raise ThaadInputError(f"--aim: {exc}") from None
        return [f"threat.aim.lat_deg={lat!r}", f"threat.aim.lon_deg={lon!r}"]
    import json

    return [f"threat.aim={json.dumps(aim)}"]  # quoted: a name is text, never a number


def write_measurements(path: str, history: dict) -> None:
    """The run's radar measurements as the CSV that ``thaad track`` reads: one row per
    detection, the true object it came from as its ``object_id`` (``rv``, ``stage``,
    ``debris-1``, ...), angles in degrees as the radar measured them (geometric, at the
    battery's site)."""
    import numpy as np

    from thaad.analysis.track import measurements_csv
    from thaad.io import atomic_write_text

    m = history["measurements"]
    z = np.column_stack([m["range_m"], m["az_rad"], m["el_rad"]]) if m["t_s"] else np.empty((0, 3))
    atomic_write_text(path, measurements_csv(np.asarray(m["t_s"]), z, list(m["object"])),
                      "--measurements")  # fmt: skip


def pk_lines(table: list[dict]) -> list[str]:
    """The battle's single-shot kill probabilities as text: one line per battery and threat
    entry it can engage (``pk_table`` of a battle's result)."""
    out = []
    for r in table:
        if r["pk"] is None:
            continue
        ci = r.get("pk_ci95")
        ci_txt = f" (95% CI {ci[0]:.3f}-{ci[1]:.3f})" if ci else ""
        extra = f"; {r['no_shot']} of {r['draws']} flown draws fired no shot" if r.get(
            "no_shot") else ""  # fmt: skip
        out.append(f"  Pk {r['battery']} vs {r['threat']}: {r['pk']:.3f}{ci_txt}, "
                   f"{r['source']}{extra}")  # fmt: skip
    return out


def _write_run(args: argparse.Namespace, out, sc, result: dict, history: dict) -> None:
    """DIR/result.json, DIR/history.json and their provenance (under the caller's lock)."""
    from thaad.io import write_json

    write_json(out / "result.json", result)
    write_json(out / "history.json", history)
    record(args, "run", out, sc, ["result.json", "history.json"])


def _report(args: argparse.Namespace, out):
    """DIR/report.html with ``--report`` (its path), else None."""
    if not args.report:
        return None
    from thaad.output.report import write_report

    return write_report(out)


def _run_battle(args: argparse.Namespace, sc, out) -> int:
    """A battle scenario (``batteries:`` or ``threats:``): every threat and battery."""
    from thaad.analysis.battle import run_battle
    from thaad.io import dir_lock, to_json

    with dir_lock(out):
        d = run_battle(sc)
        _write_run(args, out, sc, d, d.pop("history"))
    report = _report(args, out)
    if args.json:
        sys.stdout.write(to_json(d) + "\n")
        return 0
    print(f"{sc.name}: {len(d['threats'])} threats, {len(d['batteries'])} batteries "
          f"(seed {d['seed']}); {d['model']}")  # fmt: skip
    for e in d["events"]:
        where = f" by {e['battery']}" if "battery" in e else ""
        extra = f" at {e['asset']}" if "asset" in e else ""
        print(f"  t={e['t_s']:8.1f} s  {e['kind']:<20} {e['threat']}{where}{extra}")
    for b in d["batteries"]:
        print(f"  {b['name']} ({b['tier']} tier): fired {b['interceptors_fired']}, "
              f"left {b['interceptors_left']} of {b['rounds']}; {b['tracks_dropped']} "
              f"track(s) dropped (revisit up to {b['max_revisit_s']:.1f} s)")  # fmt: skip
    for line in pk_lines(d.get("pk_table") or []):
        print(line)
    verdict = "NO LEAKERS" if d["intercepted"] else f"{d['leakers']} LEAKER(S)"
    print(f"{verdict}; {d['interceptors_fired']} interceptor(s) fired ({d['model']})")
    print(f"wrote {out / 'result.json'}")
    if report is not None:
        print(f"wrote {report}")
    return 0
