"""``thaad app``: the interactive explorer of a scenario, served on 127.0.0.1."""

from __future__ import annotations

import argparse

from thaad.cli.view import _port


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "app",
        help="explore a scenario interactively in the browser (127.0.0.1 only)",
        description="Serve, on 127.0.0.1 only, a map of the scenario's region (the Natural "
        "Earth coastlines and borders that ship with thaad; nothing is fetched from outside) "
        "where the battery and the launch point can be dragged and the threat, trajectory "
        "shape (with its apogee or burnout angle, or the pull-up glide's parameters), radar "
        "mode, face, RCS, doctrine and single-shot kill probability picked. "
        "Each change recomputes the kinematic defended footprint (P(kill) colours, the "
        "threshold contour, the defended area, the assets' kill probability) and the radar's "
        "coverage; a click on the map flies one engagement at that aim point (timeline, "
        "altitude profile, and the 3-D viewer when CesiumJS is installed). The page's state "
        "is in its URL; Export writes the scenario YAML that reproduces it. Ctrl-C stops.",
        epilog="Examples:\n  thaad app --open\n  thaad app scenarios/seongju.yaml --port 8800\n"
        "URL parameters: battery=LAT,LON launch=LAT,LON threat=CLASS shape= apogee=KM "
        "burnout_angle=DEG lift_to_drag= manoeuvre_start=KM load_factor=G dive_angle=DEG "
        "radar= face=DEG rcs=M2 doctrine= shots= sspk= threshold= alt=KM grid=N extent=KM\n"
        "API: /api/footprint?..., /api/coverage?..., /api/engage?...&aim=LAT,LON, "
        "/api/export?...\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", nargs="?", help="scenario YAML (default: scenarios/seongju.yaml)")
    p.add_argument("--port", type=_port, default=8766, metavar="P",
                   help="port on 127.0.0.1 (default 8766; 0 picks a free one)")  # fmt: skip
    p.add_argument("--runs", metavar="DIR",
                   help="engagement run directories (default: a temporary one)")  # fmt: skip
    p.add_argument("--open", action="store_true", help="open the page in the default browser")
    return p


def run(args: argparse.Namespace) -> int:
    from thaad.output.app import make_app_server

    server = make_app_server(args.scenario, args.port, args.runs)
    if server.note:
        print(f"thaad app: {server.note}", flush=True)
    print(f"thaad app: {server.base.name} at {server.url}  (Ctrl-C stops)", flush=True)
    if args.open:
        import webbrowser

        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("thaad app: stopped")
    finally:
        server.server_close()
    return 0
