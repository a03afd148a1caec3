"""``thaad view``: a local web server for a CesiumJS globe that plays an engagement.

The server binds to 127.0.0.1 only and serves exactly three things:

- ``/`` and the viewer's own files (``thaad/web``: ``index.html``, ``viewer.js``,
  ``viewer.css``);
- ``/cesium/...``: CesiumJS's ``Build/Cesium`` folder, installed from the npm registry at
  set-up time (``make`` runs ``npm install --prefix .venv/share/thaad-web cesium@VERSION``;
  ``THAAD_CESIUM_DIR`` points elsewhere), with its bundled Natural Earth II imagery: no
  Cesium ion token, nothing fetched from outside;
- ``/run/engagement.czml`` (made from the run directory on start, :mod:`thaad.output.export`) and
  the run directory's own files under ``/run/``;
- ``/geo/boundaries.geojson``: the shipped Natural Earth 1:50m coastlines and land borders
  (:mod:`thaad.model.geo`) as a GeoJSON FeatureCollection, drawn over the imagery (which has
  none).

Anything else is refused: a path with a ``..`` or ``.`` segment (after percent-decoding),
a backslash or NUL, a file that resolves (symlinks followed) outside its root: 403; a name
that is not there: 404. Requests whose ``Host`` is not this server's loopback address are
refused (403) against DNS rebinding. Only GET and HEAD are answered.
"""

from __future__ import annotations

import mimetypes
import os
import shutil
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import unquote

from thaad.errors import ThaadInputError

__all__ = ["CESIUM_VERSION", "ViewerServer", "boundaries_geojson", "find_cesium", "make_server"]

CESIUM_VERSION = "1.145.0"
"""The CesiumJS release the set-up installs (kept in step with the Makefile)."""

HOST = "127.0.0.1"
WEB_PACKAGE = "thaad.web"
CZML_NAME = "engagement.czml"
BOUNDARIES_NAME = "boundaries.geojson"
TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".czml": "application/json",
    ".wasm": "application/wasm",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".xml": "application/xml",
    ".glb": "model/gltf-binary",
    ".gltf": "model/gltf+json",
    ".ktx2": "image/ktx2",
    ".yaml": "text/plain; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


def find_cesium() -> Path:
    """CesiumJS's ``Build/Cesium`` folder: ``$THAAD_CESIUM_DIR``, else the set-up's install
    under the virtual environment (``<prefix>/share/thaad-web/node_modules/cesium``)."""
    rel = Path("share", "thaad-web", "node_modules", "cesium", "Build", "Cesium")
    env = os.environ.get("THAAD_CESIUM_DIR")
    if env:  # an explicit choice is the only candidate
        candidates = [Path(env)]
    else:
        candidates = [Path(sys.prefix) / rel, Path(__file__).resolve().parents[3] / ".venv" / rel]
    for c in candidates:
        if (c / "Cesium.js").is_file():
            return c.resolve()
    where = env or str(candidates[0])
    prefix = Path(sys.prefix, "share", "thaad-web")
    raise ThaadInputError(
        f"CesiumJS not found at '{where}': fetch it with `npm install --prefix {prefix} "
        f"cesium@{CESIUM_VERSION}` (in a checkout: make web), or set THAAD_CESIUM_DIR to a "
        "Build/Cesium folder"
    )


def boundaries_geojson() -> bytes:
    """Coastlines and land borders (Natural Earth 1:50m, :func:`thaad.model.geo._coast_and_borders`)
    as GeoJSON: two features, ``{"kind": "coast"}`` and ``{"kind": "border"}``, each a
    MultiLineString, coordinates rounded to 1e-4 deg (11 m)."""
    import json

    from thaad.model.geo import _coast_and_borders

    feats = []
    for kind, geom in zip(("coast", "border"), _coast_and_borders(), strict=True):
        lines = [geom] if geom.geom_type == "LineString" else list(getattr(geom, "geoms", []))
        coords = [[[round(x, 4), round(y, 4)] for x, y, *_ in line.coords] for line in lines]
        feats.append({"type": "Feature", "properties": {"kind": kind},
                      "geometry": {"type": "MultiLineString", "coordinates": coords}})  # fmt: skip
    doc = {"type": "FeatureCollection", "features": feats}
    return json.dumps(doc, separators=(",", ":")).encode("utf-8")


def _inside(root: Path, rel: str) -> Path | HTTPStatus:
    """``root/rel`` if it is a file inside ``root`` (symlinks resolved), else the status. A
    name the file system cannot hold (a segment over 255 bytes, too many links) is 404."""
    try:
        target = (root / rel).resolve()
        if not target.is_relative_to(root):
            return HTTPStatus.FORBIDDEN
        if not target.is_file():
            return HTTPStatus.NOT_FOUND
    except (OSError, ValueError):
        return HTTPStatus.NOT_FOUND
    return target


class ViewerServer(ThreadingHTTPServer):
    """The viewer's HTTP server: the three roots and the CZML made at start."""

    daemon_threads = True
    allow_reuse_address = (
        True  # rebind at once after a restart (TIME_WAIT); never shares a live port
    )

    def __init__(self, run_dir: Path, cesium_dir: Path, czml: bytes, port: int = 0) -> None:
        self.run_dir = run_dir.resolve()
        self.cesium_dir = cesium_dir.resolve()
        self.web_dir = Path(str(resources.files(WEB_PACKAGE))).resolve()
        self.web_files = {p.name for p in self.web_dir.iterdir() if p.is_file()}
        self.czml = czml
        self._boundaries: bytes | None = None
        self.quiet = False
        super().__init__((HOST, port), Handler)

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up mid-answer is not an error worth a traceback; anything
        else is one line on stderr, never a traceback."""
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError) or self.quiet:
            return
        sys.stderr.write(f"thaad view: {client_address[0]}: {type(exc).__name__}: {exc}\n")

    @property
    def boundaries(self) -> bytes:
        """The coastlines and borders GeoJSON, made on first request."""
        if self._boundaries is None:
            self._boundaries = boundaries_geojson()
        return self._boundaries

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"


class Handler(BaseHTTPRequestHandler):
    server: ViewerServer
    server_version = "thaad-view"
    sys_version = ""

    def log_message(self, format: str, *args) -> None:
        if not self.server.quiet:
            sys.stderr.write(f"thaad view: {self.address_string()} {format % args}\n")

    def _send(self, status: HTTPStatus, body: bytes, ctype: str, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _refuse(self, status: HTTPStatus, head: bool) -> None:
        text = f"{status.value} {status.phrase}\n".encode()
        self._send(status, text, "text/plain; charset=utf-8", head)

    def _file(self, path: Path, head: bool) -> None:
        ctype = TYPES.get(path.suffix.lower()) or (
            mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        )
        try:
            f = path.open("rb")
            size = os.fstat(f.fileno()).st_size
        except OSError:
            self._refuse(HTTPStatus.NOT_FOUND, head)
            return
        with f:
            self._send_file(f, size, ctype, head)

    def _send_file(self, f, size: int, ctype: str, head: bool) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(size))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            shutil.copyfileobj(f, self.wfile)

    def route(self) -> Path | bytes | HTTPStatus:
        """What a request's path names: a file, the CZML, or a refusal."""
        host = (self.headers.get("Host") or "").lower()
        port = self.server.server_address[1]
        if host not in (f"{HOST}:{port}", f"localhost:{port}"):
            return HTTPStatus.FORBIDDEN
        raw = self.path.split("?", 1)[0].split("#", 1)[0]
        if not raw.startswith("/") or raw.startswith("//"):
            return HTTPStatus.NOT_FOUND
        path = unquote(raw, errors="strict")
        if "\\" in path or "\x00" in path:
            return HTTPStatus.FORBIDDEN
        parts = path.split("/")[1:]
        if any(p in (".", "..") for p in parts):
            return HTTPStatus.FORBIDDEN
        if path in ("/", "/index.html"):
            return self.server.web_dir / "index.html"
        if len(parts) == 1:
            name = parts[0]
            return (
                self.server.web_dir / name
                if name in self.server.web_files
                else HTTPStatus.NOT_FOUND
            )
        root, rel = parts[0], "/".join(parts[1:])
        if not rel or any(p == "" for p in parts[1:]):
            return HTTPStatus.NOT_FOUND
        if root == "run":
            if rel == CZML_NAME:
                return self.server.czml
            return _inside(self.server.run_dir, rel)
        if root == "cesium":
            return _inside(self.server.cesium_dir, rel)
        if root == "geo" and rel == BOUNDARIES_NAME:
            return self.server.boundaries
        return HTTPStatus.NOT_FOUND

    def _answer(self, head: bool) -> None:
        try:
            what = self.route()
        except (UnicodeDecodeError, OSError, ValueError):
            what = HTTPStatus.NOT_FOUND
        if isinstance(what, HTTPStatus):
            self._refuse(what, head)
        elif isinstance(what, bytes):
            self._send(HTTPStatus.OK, what, TYPES[".czml"], head)
        else:
            self._file(what, head)

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)


def make_server(run_dir: str | Path, port: int = 0) -> ViewerServer:
    """Check the run directory and CesiumJS, make the CZML, and bind the server."""
    from thaad.output.export import czml_text
    from thaad.output.rundir import load_run

    run = load_run(run_dir)
    cesium = find_cesium()
    czml = czml_text(run).encode("utf-8")
    try:
        return ViewerServer(run.path, cesium, czml, port)
    except OSError as exc:
        raise ThaadInputError(
            f"--port {port}: cannot listen on {HOST}:{port} ({exc.strerror})"
        ) from None
