"""``thaad run``: one engagement of a scenario, its timeline, and ``DIR/result.json``."""

from __future__ import annotations

import argparse
import sys

from thaad.commands._common import nonneg_int


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "run",
        help="fly one engagement and print its timeline",
        description="Fly one engagement of a scenario (the default Seongju one when none is "
        "given), print the timeline and write DIR/result.json and DIR/history.json.",
        epilog="Examples:\n  thaad run\n  thaad run scenarios/seongju.yaml --seed 3 --out runs/a\n"
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
    p.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    p.add_argument(
        "--report", action="store_true", help="also write DIR/report.html (see thaad report)"
    )
    return p


def event_details(e: dict) -> str:
    """The details of one event of ``result.json`` as text (used by the report too)."""
    bits = []
    if "interceptor" in e:
        bits.append(f"#{e['interceptor'] + 1}")
    if "launcher" in e:
        bits.append(f"from launcher {e['launcher'] + 1}")
    if "track" in e:
        bits.append(f"track {e['track']} (on the {e['object']})")
    elif "object" in e:
        bits.append(f"on the {e['object']}")
    if "threat_alt_m" in e:
        bits.append(f"threat at {e['threat_alt_m'] / 1e3:.1f} km")
    if "range_m" in e:
        bits.append(f"range {e['range_m'] / 1e3:.1f} km")
    if "speed_mps" in e:
        bits.append(f"{e['speed_mps']:.0f} m/s")
    if "miss_distance_m" in e:
        bits.append(f"miss {e['miss_distance_m']:.3f} m")
    if "alt_m" in e:
        bits.append(f"alt {e['alt_m'] / 1e3:.1f} km")
    if "ground_range_m" in e:
        bits.append(f"{e['ground_range_m'] / 1e3:.1f} km from the battery")
    if "lat_deg" in e:
        bits.append(f"at {e['lat_deg']:.3f}N {e['lon_deg']:.3f}E")
    return ", ".join(bits)


def _fmt_event(e: dict) -> str:
    kind = e["kind"].replace("_", " ")
    return f"  T+{e['t_s']:8.2f} s  {kind:<22s} {event_details(e)}"


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from thaad.api import run as run_engagement
    from thaad.io import to_json, write_json
    from thaad.scenario import load_scenario

    sc = load_scenario(args.scenario, overrides=args.set, seed=args.seed)
    res = run_engagement(sc)
    out = Path(args.out)
    d = res.to_dict()
    write_json(out / "result.json", d)
    write_json(out / "history.json", res.history)
    from thaad.io import atomic_write_text

    atomic_write_text(out / "scenario.yaml", _dump_yaml(sc))
    report = None
    if args.report:
        from thaad.report import write_report

        report = write_report(out)
    if args.json:
        sys.stdout.write(to_json(d) + "\n")
        return 0
    th = res.threat
    print(f"{sc.name}: {th['class']} from {th['launch']['name'] or 'launch point'} at "
          f"{th['aim']['name'] or 'aim point'} (seed {res.seed})")  # fmt: skip
    for e in res.events:
        print(_fmt_event(e))
    if res.intercepted:
        print(
            f"INTERCEPT at {res.intercept_alt_m / 1e3:.1f} km altitude, "
            f"{res.intercept_ground_range_m / 1e3:.1f} km from the battery, miss distance "
            f"{res.miss_distance_m:.3f} m; {res.interceptors_fired} interceptor(s) fired"
        )
    else:
        miss = "" if res.miss_distance_m is None else f" (closest miss {res.miss_distance_m:.2f} m)"
        print(f"NO INTERCEPT{miss}; {res.interceptors_fired} interceptor(s) fired")
    print(f"wrote {out / 'result.json'}")
    if report is not None:
        print(f"wrote {report}")
    return 0


def _dump_yaml(sc) -> str:
    import yaml

    return yaml.safe_dump(sc.model_dump(mode="json", by_alias=True), sort_keys=False)
