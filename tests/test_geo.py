"""Tests of thaad.model.geo (boundaries, geodesic areas, sectors) and the base map.

Reference figures:
- South Korea, total area 100,210 km^2: Ministry of Land, Infrastructure and Transport
  cadastral statistics, as reported by KBS World (world.kbs.co.kr, news Seq_Code=30832); the
  CIA World Factbook gives 99,720 km^2. Natural Earth's generalized 1:50m shape is allowed 10%.
- North Korea, total area 120,538 km^2: CIA World Factbook.
- Geodesic circle of radius r: area ~ pi r^2 (the ellipsoid's curvature shrinks it by about
  r^2 / (12 R^2), 2e-5 at r = 100 km).
"""

import math
from importlib import resources

import numpy as np
import pytest

from thaad.model import geo
from thaad.output import maps

SEONGJU = (36.0513, 128.2229)  # lat, lon of the THAAD site at Seongju, South Korea


def _rel(a, b):
    return abs(a - b) / abs(b)


# ----------------------------------------------------------------------------- shipped data


def test_data_is_shipped_small_and_valid():
    root = resources.files("thaad.data")
    size = sum(len(p.read_bytes()) for p in root.iterdir() if p.is_file())
    assert size < 3_000_000
    countries = geo.load_countries()
    assert len(countries) > 200
    codes = [c for _, c, _ in countries]
    assert len(set(codes)) == len(codes)
    for name, _, g in countries:
        assert g.is_valid, name
        assert g.geom_type in ("Polygon", "MultiPolygon"), name
        minx, miny, maxx, maxy = g.bounds
        assert -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90, name
    names = {c: n for n, c, _ in countries}
    for code, name in [
        ("CHN", "China"),
        ("PRK", "North Korea"),
        ("KOR", "South Korea"),
        ("JPN", "Japan"),
        ("RUS", "Russia"),
        ("TWN", "Taiwan"),
        ("MNG", "Mongolia"),
    ]:
        assert names[code] == name


def test_load_countries_is_cached():
    a, b = geo.load_countries(), geo.load_countries()
    assert a == b
    assert a[0][2] is b[0][2]


# ----------------------------------------------------------------------------- areas


def test_circle_area_100km():
    circle = geo.circle_polygon(*SEONGJU, 100e3)
    area = geo.geodesic_area_km2(circle)
    assert _rel(area, math.pi * 100.0**2) < 0.005
    # every vertex at 100 km, geodesically
    from pyproj import Geod

    lon, lat = np.asarray(circle.exterior.coords).T
    _, _, d = Geod(ellps="WGS84").inv(
        np.full(lon.shape, SEONGJU[1]), np.full(lat.shape, SEONGJU[0]), lon, lat
    )
    assert np.allclose(d, 100e3, rtol=1e-9)


def test_country_areas_match_published_figures():
    by_code = {c: g for _, c, g in geo.load_countries()}
    kor = geo.geodesic_area_km2(by_code["KOR"])
    prk = geo.geodesic_area_km2(by_code["PRK"])
    assert _rel(kor, 100_210.0) < 0.10
    assert _rel(prk, 120_538.0) < 0.10
    # Russia: 17,098,246 km^2 (UN Demographic Yearbook); the shape is cut at the antimeridian
    assert _rel(geo.geodesic_area_km2(by_code["RUS"]), 17_098_246.0) < 0.03


def test_area_is_orientation_independent():
    from shapely.geometry import Polygon

    ccw = Polygon(
        [(127, 36), (128, 36), (128, 37), (127, 37)],
        [[(127.2, 36.2), (127.2, 36.4), (127.4, 36.4), (127.4, 36.2)]],
    )
    cw = Polygon(ccw.exterior.coords[::-1], [ccw.interiors[0].coords[::-1]])
    a, b = geo.geodesic_area_km2(ccw), geo.geodesic_area_km2(cw)
    assert a == pytest.approx(b, rel=1e-12)
    # one-degree cell minus a 0.2-degree hole: 0.96 of ~ 111.0 * 89.4 km^2 at 36.5 N
    assert a == pytest.approx(0.96 * 111.0 * 111.32 * math.cos(math.radians(36.5)), rel=0.01)


def test_country_of_capitals():
    assert geo.country_of(37.57, 126.98) == "KOR"  # Seoul
    assert geo.country_of(39.9, 116.4) == "CHN"  # Beijing
    assert geo.country_of(39.02, 125.75) == "PRK"  # Pyongyang
    assert geo.country_of(35.68, 139.69) == "JPN"  # Tokyo
    assert geo.country_of(25.03, 121.56) == "TWN"  # Taipei
    assert geo.country_of(47.92, 106.92) == "MNG"  # Ulaanbaatar
    assert geo.country_of(43.12, 131.89) == "RUS"  # Vladivostok
    assert geo.country_of(*SEONGJU) == "KOR"
    assert geo.country_of(35.0, 124.0) is None  # Yellow Sea
    assert geo.country_of(37.0, 131.0) is None  # East Sea / Sea of Japan


def test_area_by_country_600km_around_seongju():
    circle = geo.circle_polygon(*SEONGJU, 600e3)
    parts = geo.area_by_country_km2(circle)
    total = geo.geodesic_area_km2(circle)
    assert parts["CHN"] > 0.0  # Liaodong and Shandong tips
    assert 90_000.0 < parts["KOR"] < 110_000.0  # all of South Korea lies within 600 km
    assert parts["PRK"] > 0.0
    assert parts["JPN"] > 0.0
    assert parts["sea"] > 0.0
    assert all(v > 0.0 for v in parts.values())
    assert _rel(sum(parts.values()), total) < 0.005
    assert set(parts) == {"CHN", "KOR", "PRK", "JPN", "sea"}


def test_area_by_country_across_antimeridian_and_large():
    fiji = geo.circle_polygon(-17.0, 179.5, 300e3)  # longitudes run past 180
    assert fiji.bounds[2] > 180.0
    parts = geo.area_by_country_km2(fiji)
    assert parts["FJI"] > 10_000.0  # Fiji is 18,274 km^2, nearly all within 300 km
    assert _rel(sum(parts.values()), geo.geodesic_area_km2(fiji)) < 1e-6
    big = geo.circle_polygon(*SEONGJU, 4000e3)
    parts = geo.area_by_country_km2(big)
    assert {"CHN", "KOR", "PRK", "JPN", "RUS", "MNG", "TWN"} <= set(parts)
    assert _rel(sum(parts.values()), geo.geodesic_area_km2(big)) < 0.005


def test_circle_around_pole():
    r_m = 2000e3
    cap = geo.circle_polygon(80.0, 10.0, r_m)
    assert cap.is_valid
    # spherical cap with the WGS-84 mean radius: 2 pi R^2 (1 - cos(r/R))
    R = 6371.0088
    expect = 2.0 * math.pi * R**2 * (1.0 - math.cos(r_m / 1e3 / R))
    assert _rel(geo.geodesic_area_km2(cap), expect) < 0.005


# ----------------------------------------------------------------------------- sectors


def test_sector_area_and_shape():
    full = geo.geodesic_area_km2(geo.circle_polygon(*SEONGJU, 1000e3))
    sector = geo.sector_polygon(*SEONGJU, 1000e3, az_center_deg=300.0, half_width_deg=60.0)
    assert sector.is_valid
    assert _rel(geo.geodesic_area_km2(sector), full / 3.0) < 0.005
    # apex at the site; boresight point at 500 km inside, the back direction outside
    from shapely.geometry import Point

    lon, lat = np.asarray(sector.exterior.coords).T
    assert (lon[0], lat[0]) == (SEONGJU[1], SEONGJU[0])
    assert sector.contains(Point(SEONGJU[1] - 5.0, SEONGJU[0] + 2.5))  # ~WNW, az ~ 298 deg
    assert not sector.contains(Point(SEONGJU[1] + 3.0, SEONGJU[0] - 1.5))  # ESE


def test_sector_full_circle():
    c = geo.circle_polygon(*SEONGJU, 500e3)
    s = geo.sector_polygon(*SEONGJU, 500e3, az_center_deg=0.0, half_width_deg=180.0)
    assert s.equals(c)
    with pytest.raises(ValueError):
        geo.sector_polygon(80.0, 0.0, 2000e3, az_center_deg=0.0, half_width_deg=30.0)


# ----------------------------------------------------------------------------- maps


def test_plot_base_map_png(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import to_rgb
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 5), dpi=80)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    maps.plot_base_map(ax, (118.0, 138.0, 30.0, 44.0))
    out = tmp_path / "base.png"
    fig.savefig(out)
    assert out.stat().st_size > 5_000

    canvas.draw()
    img = np.asarray(canvas.buffer_rgba())[..., :3].astype(float) / 255.0
    assert img.std() > 0.05  # not blank

    def pixel(lon, lat):
        x, y = ax.transData.transform((lon, lat))
        return img[int(img.shape[0] - y), int(x)]

    assert np.allclose(pixel(128.3, 36.4), to_rgb(maps.LAND_COLOR), atol=0.02)  # inland Korea
    assert np.allclose(pixel(123.7, 34.3), to_rgb(maps.SEA_COLOR), atol=0.02)  # Yellow Sea
    assert ax.get_aspect() == pytest.approx(1.0 / math.cos(math.radians(37.0)))
    assert ax.get_xlim() == (118.0, 138.0)
