"""``thaad view``: play an engagement on a CesiumJS globe served from 127.0.0.1."""

from __future__ import annotations

import argparse


def _port(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number") from None
    if not 0 <= v <= 65535:
        raise argparse.ArgumentTypeError(f"{v} is not a port number (0-65535)")
    return v


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "view",
        help="play an engagement on a 3-D globe in the browser (127.0.0.1 only)",
        description="Serve, on 127.0.0.1 only, a CesiumJS globe that plays the engagement of "
        "a run directory from its CZML: clock and timeline controls, objects selectable with "
        "their altitude and speed, the radar's field of view. Works with no network: the "
        "imagery is the Natural Earth II that ships with CesiumJS. Ctrl-C stops the server.",
        epilog="Examples:\n  thaad run --out runs/a && thaad view runs/a\n"
        "  thaad view runs/a --port 8800 --open\n"
        "URL parameters: ?t=200 sets the clock to T+200 s (paused); ?select=threat selects "
        "an object.\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("dir", metavar="DIR", help="output directory of thaad run")
    p.add_argument(
        "--port",
        type=_port,
        default=8765,
        metavar="P",
        help="port on 127.0.0.1 (default 8765; 0 picks a free one)",
    )
    p.add_argument("--open", action="store_true", help="open the page in the default browser")
    return p


def run(args: argparse.Namespace) -> int:
    from thaad.output.viewer import make_server

    server = make_server(args.dir, args.port)
    print(f"thaad view: {args.dir} at {server.url}  (Ctrl-C stops)", flush=True)
    if args.open:
        import webbrowser

        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("thaad view: stopped")
    finally:
        server.server_close()
    return 0
