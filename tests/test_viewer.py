"""``thaad view``'s server: 127.0.0.1 only, its own files, CesiumJS and the run directory;
every other path refused (403 or 404), never its content."""

import http.client
import json
import re
import shutil
import socket
import sys
from pathlib import Path

import pytest

from thaad.cli import main
from thaad.output.viewer import CESIUM_VERSION, HOST, make_server

ROOT = Path(__file__).resolve().parents[1]


def get(server, path, method="GET", host=None):
    port = server.server_address[1]
    c = http.client.HTTPConnection(HOST, port, timeout=30)
    c.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    c.putheader("Host", host or f"{HOST}:{port}")
    c.endheaders()
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, r.getheader("Content-Type"), body


def test_binds_to_loopback_only(viewer_server):
    assert viewer_server.server_address[0] == "127.0.0.1"
    assert viewer_server.url.startswith("http://127.0.0.1:")


def test_serves_the_viewer_cesium_and_the_run(viewer_server, run_dir):
    st, ct, body = get(viewer_server, "/")
    assert st == 200 and ct.startswith("text/html")
    assert b"cesium/Cesium.js" in body and b"viewer.js" in body
    st, ct, body = get(viewer_server, "/viewer.js")
    assert st == 200 and ct == "text/javascript" and b"TileMapServiceImageryProvider" in body
    st, ct, _ = get(viewer_server, "/cesium/Cesium.js", "HEAD")
    assert st == 200 and ct == "text/javascript"
    st, _, _ = get(viewer_server, "/cesium/Assets/Textures/NaturalEarthII/tilemapresource.xml")
    assert st == 200
    st, ct, body = get(viewer_server, "/run/engagement.czml")
    assert st == 200 and ct == "application/json"
    ids = {p["id"] for p in json.loads(body)}
    assert {"document", "threat", "interceptor-1", "battery", "radar-fov", "intercept"} <= ids
    st, _, body = get(viewer_server, "/run/result.json")
    assert st == 200 and json.loads(body) == json.loads((run_dir / "result.json").read_text())


def test_serves_natural_earth_coastlines_and_borders(viewer_server):
    """The imagery has no borders: the server hands out the shipped Natural Earth 1:50m
    coastlines and land borders (thaad.model.geo) as GeoJSON for the globe to draw."""
    import numpy as np

    st, ct, body = get(viewer_server, "/geo/boundaries.geojson")
    assert st == 200 and ct == "application/json"
    fc = json.loads(body)
    kinds = {f["properties"]["kind"]: f["geometry"] for f in fc["features"]}
    assert set(kinds) == {"coast", "border"}
    coast = np.array([p for line in kinds["coast"]["coordinates"] for p in line])
    border = np.array([p for line in kinds["border"]["coordinates"] for p in line])
    # Busan (35.18 N, 129.08 E) is a port: the coastline passes within 0.1 deg (about 10 km)
    assert np.min(np.hypot(coast[:, 0] - 129.0756, coast[:, 1] - 35.1796)) < 0.1
    # the Korean land border runs across the peninsula between 37.7 N and 38.7 N
    dmz = border[(border[:, 0] > 126.5) & (border[:, 0] < 128.5)]
    dmz = dmz[(dmz[:, 1] > 37.5) & (dmz[:, 1] < 38.8)]
    assert len(dmz) > 20 and dmz[:, 0].max() - dmz[:, 0].min() > 1.5
    st, _, _ = get(viewer_server, "/geo/other.geojson")
    assert st == 404


@pytest.fixture(scope="module")
def guarded(run_dir, tmp_path_factory):
    """A run directory with a symlink to a secret file outside it, served on a free port."""
    import threading

    base = tmp_path_factory.mktemp("guard")
    secret = base / "secret.txt"
    secret.write_text("TOP-SECRET-4711")
    d = base / "run"
    shutil.copytree(run_dir, d)
    (d / "link-out").symlink_to(secret)
    (d / "dir-out").symlink_to(base, target_is_directory=True)
    server = make_server(d, port=0)
    server.quiet = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, secret
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "path",
    [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/run/..%2f..%2f..%2fsecret.txt",
        "/run/%2e%2e/secret.txt",
        "/cesium/../../../../../etc/passwd",
        "/cesium/%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json",
        "/cesium/..%5c..%5cpackage.json",
        "/run/link-out",
        "/run/dir-out/secret.txt",
        "//etc/passwd",
        "/run//etc/passwd",
        "/run/%2Fetc%2Fpasswd",
        "/etc/passwd",
        "/secret.txt",
        "/run/nothing-here.json",
        "/__init__.py/../../viewer.py",
        "/cesium/",
        "/run/%00",
        "/run/%ff%fe",
        "http://127.0.0.1/etc/passwd",
    ],
)
def test_requests_outside_the_served_roots_are_refused(guarded, path):
    server, _ = guarded
    st, _, body = get(server, path)
    assert st in (403, 404), (path, st)
    assert b"TOP-SECRET" not in body and b"root:" not in body


def test_foreign_host_header_is_refused(guarded):
    """Against DNS rebinding: a page of another origin that resolves to 127.0.0.1."""
    server, _ = guarded
    st, _, body = get(server, "/run/result.json", host="evil.example:80")
    assert st == 403 and b"intercepted" not in body


def test_only_get_and_head(guarded):
    server, _ = guarded
    st, _, _ = get(server, "/run/result.json", "POST")
    assert st == 501


def test_view_bad_input_is_one_line_and_exit_2(run_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("THAAD_CESIUM_DIR", str(tmp_path))
    assert main(["view", str(run_dir), "--port", "0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "CesiumJS not found" in err[0]
    # the one command that fetches it, into this environment
    assert f"npm install --prefix {sys.prefix}/share/thaad-web cesium@{CESIUM_VERSION}" in err[0]
    monkeypatch.delenv("THAAD_CESIUM_DIR")
    with socket.socket() as s:  # a port that is taken
        s.bind((HOST, 0))
        s.listen()
        assert main(["view", str(run_dir), "--port", str(s.getsockname()[1])]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot listen" in err[0]


def test_cesium_version_is_the_one_the_setup_installs():
    make = (ROOT / "Makefile").read_text()
    assert re.search(r"^CESIUM_VERSION := (.+)$", make, re.M).group(1) == CESIUM_VERSION
