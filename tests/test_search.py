"""The radar's search pattern: new objects are found only when the search raster's beam
passes over them.

Analytic reference: the raster covers one beamwidth-tall row of the sector after another,
each swept in azimuth, once per frame time ``T`` (Skolnik, *Introduction to Radar Systems*,
3rd ed., sec. 2.11, search radar equation). A direction at raster fraction ``f`` is covered
at ``(k + f) T``; an object that enters the searched volume at ``t_e`` and stays in its row
is covered first at ``T (ceil(t_e / T - f) + f)``, within one frame time of entering, and
reported at the first look after that.
"""

import math

import numpy as np
import pytest

import thaad
from thaad.core import scene as S
from thaad.core.constants import R_MEAN_M
from thaad.core.earth import (
    ecef_to_aer,
    ecef_to_geodetic,
    enu_basis,
    geodetic_to_ecef,
    great_circle,
)
from thaad.core.radar import (
    apparent_elevation_rad,
    beamwidth_rad,
    in_search_sector,
    search_visit_fraction,
    search_visited,
)


@pytest.fixture(scope="module")
def rd():
    return thaad.load_scenario().battery.radar_core()


def test_an_object_crossing_the_fence_is_found_within_one_frame(rd):
    rng = np.random.default_rng(1)
    dt = rd.scan_period_s
    T = rd.search_frame_s
    bw = beamwidth_rad(rd)
    w = 0.2 * bw / T  # rises slowly: five frames in its first row
    for _ in range(200):
        az = rd.boresight_az_rad + rng.uniform(-0.9, 0.9) * rd.search_half_az_rad
        t_e = rng.uniform(0.0, 100.0)

        def el(t, az=az, t_e=t_e):
            return rd.min_el_rad + w * (t - t_e)

        t_det = None
        for k in range(1, 1000):
            t = k * dt
            if search_visited(rd, t - dt, t, az, el(t)):
                t_det = t
                break
        f = search_visit_fraction(rd, az, rd.min_el_rad + 1e-9)
        t_visit = T * (math.ceil(t_e / T - f) + f)
        assert t_e <= t_visit <= t_e + T
        # reported at the first look after the visit; the direction is taken at the look, so
        # a visit in the look interval in which the object entered may count (one look early)
        want = math.ceil(t_visit / dt - 1e-9) * dt
        entered_look = math.ceil(t_e / dt - 1e-9) * dt
        assert t_det == pytest.approx(want, abs=1e-9) or t_det == pytest.approx(entered_look)
        assert t_e <= t_det <= t_e + T + dt


def test_the_sector_is_the_modes_fence(rd):
    b = rd.boresight_az_rad
    assert in_search_sector(rd, b, rd.min_el_rad + 0.5 * rd.search_el_span_rad)
    assert not in_search_sector(rd, b, rd.min_el_rad + 1.01 * rd.search_el_span_rad)
    assert not in_search_sector(rd, b + 1.01 * rd.search_half_az_rad, rd.min_el_rad + 0.01)
    fb = thaad.load_scenario(overrides=["battery.radar.mode=forward-based"])
    assert fb.battery.radar_core().search_el_span_rad < rd.search_el_span_rad


def test_radar_scan_finds_an_untracked_object_only_on_its_search_visit(rd):
    """A bright object parked in the fence: with search on and no track, the only look that
    detects it is the one whose interval holds its raster visit (one per frame; the raster's
    row is that of its apparent elevation)."""
    sc = thaad.load_scenario()
    env = sc.models.env()
    site = geodetic_to_ecef(rd.lat_rad, rd.lon_rad, rd.alt_m, env.earth)
    enu = enu_basis(rd.lat_rad, rd.lon_rad)
    az, el = rd.boresight_az_rad + 0.3, rd.min_el_rad + 0.02
    u = math.cos(el) * (math.sin(az) * enu[0] + math.cos(az) * enu[1]) + math.sin(el) * enu[2]
    t = np.array([[0.0, 1e4]])
    y = np.zeros((1, 2, 7))
    y[0, :, :3] = site + 150e3 * u
    obj = S.Objects(t, y, np.zeros((1, 2, 7)), np.full(1, 2, np.int64), -1.0, 100.0, 100.0, 1.0,
                    1.0)  # fmt: skip
    ss = S.new_sense_state(1, 4)
    ss.search[0] = 1.0
    ss.search[1] = 0.0
    rng = np.random.default_rng(2)
    dt = rd.scan_period_s
    hits = [k * dt for k in range(1, 81)
            if S.radar_scan(obj, ss, k * dt, rd, site, enu, env, 0, rng)]  # fmt: skip
    az_m, _, _ = ecef_to_aer(site, enu, y[0, 0, :3])
    lat, lon, h = ecef_to_geodetic(*y[0, 0, :3], env.earth)
    ground = great_circle(rd.lat_rad, rd.lon_rad, lat, lon)[0] * R_MEAN_M
    f = search_visit_fraction(rd, az_m, apparent_elevation_rad(rd.alt_m, h, ground))
    visits = [(m + f) * rd.search_frame_s for m in range(5)]
    want = [math.ceil(v / dt - 1e-9) * dt for v in visits if v <= 80 * dt]
    assert hits == pytest.approx(want)


def _elevation_closed_form(hr_m, ht_m, ground_m, a_m):
    """Elevation of an object at height ``ht_m`` and ground range ``ground_m`` from a radar at
    ``hr_m`` over a sphere of radius ``a_m``, rays straight: ``sin(el) = (at cos(theta) - ar)
    / R`` with ``R^2 = ar^2 + at^2 - 2 ar at cos(theta)``, ``theta = ground / a`` (Skolnik,
    *Introduction to Radar Systems*, 3rd ed., sec. 8.2: ``a = R_E`` gives the geometric
    elevation, ``a = 4/3 R_E`` the apparent one under standard refraction)."""
    ar, at, th = a_m + hr_m, a_m + ht_m, ground_m / a_m
    slant = math.sqrt(ar * ar + at * at - 2.0 * ar * at * math.cos(th))
    return math.asin((at * math.cos(th) - ar) / slant)


def test_the_search_sector_takes_the_apparent_elevation(rd):
    """One elevation convention (issue 9): the search sector's band, as every elevation limit,
    applies to the apparent elevation over the 4/3 Earth (Skolnik, *Introduction to Radar
    Systems*, 3rd ed., sec. 8.2). A 100 km object 700 km out along the boresight is 4.86 deg
    up geometrically, below the 5 deg lower edge, but 5.66 deg apparent: it is in the search
    sector, and the search finds it (footprint and battle: ``search_detects``; engagement:
    ``radar_scan``). Conversely one 340 km out is 14.63 deg up geometrically, inside the
    5-15 deg band, but 15.04 deg apparent: just outside, never found by search although in
    view. On a spherical Earth (geodetic = geocentric) both elevations are closed form."""
    from thaad.core.constants import EARTH_SPHERICAL, K_REFRACTION, R_MEAN_M
    from thaad.core.earth import destination
    from thaad.core.footprint import search_detects
    from thaad.core.radar import apparent_elevation_rad, in_view

    h = 100e3
    lo_edge = rd.min_el_rad
    hi_edge = rd.min_el_rad + rd.search_el_span_rad
    site = geodetic_to_ecef(rd.lat_rad, rd.lon_rad, rd.alt_m, EARTH_SPHERICAL)
    enu = enu_basis(rd.lat_rad, rd.lon_rad)
    env = thaad.load_scenario().models.env()._replace(earth=EARTH_SPHERICAL)
    cases = []
    for ground, inside in ((700e3, True), (340e3, False)):
        geo = _elevation_closed_form(rd.alt_m, h, ground, R_MEAN_M)
        app = _elevation_closed_form(rd.alt_m, h, ground, K_REFRACTION * R_MEAN_M)
        assert apparent_elevation_rad(rd.alt_m, h, ground) == pytest.approx(app, abs=1e-12)
        lat, lon = destination(rd.lat_rad, rd.lon_rad, rd.boresight_az_rad, ground / R_MEAN_M)
        r = geodetic_to_ecef(lat, lon, h, EARTH_SPHERICAL)
        az, el, rng_m = ecef_to_aer(site, enu, r)
        assert el == pytest.approx(geo, abs=1e-9)  # the measured angle stays geometric
        assert in_view(rd, az, app, rng_m, h, ground)
        if inside:  # geometric below the lower edge, apparent above it
            assert geo < lo_edge < app < hi_edge
            assert math.degrees(app - geo) == pytest.approx(0.806, abs=0.01)
        else:  # geometric inside the band, apparent above its upper edge
            assert lo_edge < geo < hi_edge < app
            assert math.degrees(app - geo) == pytest.approx(0.414, abs=0.01)
        assert in_search_sector(rd, az, app) == inside
        assert search_detects(rd, site, enu, r, 100.0, EARTH_SPHERICAL) == inside
        cases.append((r, az, app, inside))

    # the engagement's scan: an untracked object parked there is found on its raster visits,
    # the raster's row set by the apparent elevation; outside the band never
    dt = rd.scan_period_s
    for r, az, app, inside in cases:
        t = np.array([[0.0, 1e4]])
        y = np.zeros((1, 2, 7))
        y[0, :, :3] = r
        obj = S.Objects(t, y, np.zeros((1, 2, 7)), np.full(1, 2, np.int64), -1.0, 100.0, 100.0,
                        1.0, 1.0)  # fmt: skip
        ss = S.new_sense_state(1, 4)
        ss.search[0] = 1.0
        ss.search[1] = 0.0
        rng = np.random.default_rng(3)
        hits = [k * dt for k in range(1, 81)
                if S.radar_scan(obj, ss, k * dt, rd, site, enu, env, 0, rng)]  # fmt: skip
        if inside:
            f = search_visit_fraction(rd, az, app)
            visits = [(m + f) * rd.search_frame_s for m in range(5)]
            assert hits == pytest.approx([math.ceil(v / dt - 1e-9) * dt for v in visits
                                          if v <= 80 * dt])  # fmt: skip
        else:
            assert hits == []
