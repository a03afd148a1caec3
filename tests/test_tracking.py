"""The ballistic tracker: the filters' Jacobian, NEES consistency over seeded runs (EKF and
UKF), the ballistic coefficient estimated during reentry, the predicted impact point, the
optimal assignment, M-of-N initiation, association of close objects and track deletion."""

import math

import numpy as np
import pytest
from reference_tracking import ekf_predict, ekf_update, fly, process_noise

from thaad.core import tracking as T
from thaad.core.earth import ecef_to_aer, enu_basis, geodetic_to_ecef
from thaad.core.flight import Env

ENV = Env(1, 1, 1, 1)  # WGS-84, rotation, J2, US76
LAT0, LON0 = math.radians(36.0), math.radians(128.0)
SITE = geodetic_to_ecef(LAT0, LON0, 0.0, 1)
ENU = enu_basis(LAT0, LON0)


def _start_state(lat_deg, lon_deg, alt_m, speed, az_deg, gamma_deg, b):
    lat, lon = math.radians(lat_deg), math.radians(lon_deg)
    e = enu_basis(lat, lon)
    az, g = math.radians(az_deg), math.radians(gamma_deg)
    v = speed * (math.cos(g) * (math.sin(az) * e[0] + math.cos(az) * e[1]) + math.sin(g) * e[2])
    return np.concatenate([geodetic_to_ecef(lat, lon, alt_m, 1), v, [b]])


def _measure(x, rng, sr, sa):
    az, el, r = ecef_to_aer(SITE, ENU, x[:3])
    return np.array([r + sr * rng.standard_normal(), az + sa * rng.standard_normal(),
                     el + sa * rng.standard_normal()])  # fmt: skip


def test_jacobian_matches_the_flow_by_finite_differences():
    """The EKF's A = df/dx against central differences of the RK4 flow over a short step:
    Phi(h) = I + A h + O(h^2). Point gravity: the Jacobian leaves out the J2 gradient (a
    0.2 % term), which the flow itself keeps."""
    env = Env(1, 1, 0, 1)
    x = _start_state(37.0, 127.0, 40e3, 2500.0, 140.0, -30.0, 1 / 2000)
    a = np.empty((7, 7))
    T.dynamics_jacobian_into(x, x[6], env, a)
    h = 1e-3
    scale = np.array([10.0, 10.0, 10.0, 1.0, 1.0, 1.0, 1e-5])
    num = np.empty((7, 7))
    for j in range(7):
        d = np.zeros(7)
        d[j] = scale[j]
        num[:, j] = (fly(x + d, h, env) - fly(x - d, h, env)) / (2 * scale[j] * h)
    num -= np.eye(7) / h
    # velocity rows: gravity gradient, drag's density and velocity terms, d(drag)/db
    for i in range(3, 6):
        for j in range(7):
            assert num[i, j] == pytest.approx(a[i, j], rel=2e-3, abs=2e-7), (i, j)
    assert abs(a[3:6, 6]).max() > 1e3  # drag is felt: d(accel)/d(1/beta) ~ -rho v^2 / 2
    np.testing.assert_allclose(num[:3, 3:6], np.eye(3), atol=2e-3)


def _nees_runs(n_runs, kind):
    """Truth flown by the filter's own model with its process noise (the standard NEES test,
    Bar-Shalom, Li and Kirubarajan, *Estimation with Applications to Tracking and
    Navigation*, 2001, sec. 5.4.2): an RV from 100 km at 3 km/s, 25 deg down, 150 km from
    the radar, measured every 0.5 s for 65 s, down to 9 km."""
    b0, sb0 = 1 / 2000, 0.3 / 2000
    q, qb = 1.0, (0.02 / 2000) ** 2 / 100
    dt, k_steps = 0.5, 130
    sr, sa = 10.0, 3e-4
    R = np.tile(np.diag([sr**2, sa**2, sa**2]), (k_steps, 1, 1))
    lq = np.linalg.cholesky(process_noise(dt, q, qb))
    t = np.arange(k_steps) * dt
    nees = np.empty((n_runs, k_steps))
    b_err, b_sig = np.empty(n_runs), np.empty(n_runs)
    for run in range(n_runs):
        rng = np.random.default_rng(1000 + run)
        x = _start_state(37.0, 127.0, 100e3, 3000.0, 140.0, -25.0, b0 + sb0 * rng.normal())
        X = np.empty((k_steps, 7))
        Z = np.empty((k_steps, 3))
        for k in range(k_steps):
            if k:
                x = fly(x, dt, ENV) + lq @ rng.standard_normal(7)
            X[k] = x
            Z[k] = _measure(x, rng, sr, sa)
        xs, Ps, _ = T.run_filter(kind, t, Z, R, SITE, ENU, ENV, q, qb, b0, sb0, 3000.0)
        for k in range(k_steps):
            d = xs[k, :6] - X[k, :6]
            nees[run, k] = d @ np.linalg.solve(Ps[k, :6, :6], d)
        b_err[run] = xs[-1, 6] - X[-1, 6]
        b_sig[run] = math.sqrt(Ps[-1, 6, 6])
    return nees, b_err, b_sig, sb0


@pytest.mark.parametrize("kind", [T.FILTER_EKF, T.FILTER_UKF], ids=["ekf", "ukf"])
def test_nees_inside_its_95_percent_chi_square_bounds(kind):
    from scipy import stats

    n_runs, n = 50, 6
    nees, b_err, b_sig, sb0 = _nees_runs(n_runs, kind)
    anees = nees.mean(axis=0)[10:]  # after the first 5 s (one-point initiation)
    lo, hi = stats.chi2.ppf([0.025, 0.975], n_runs * n) / n_runs  # 5.08 .. 7.00
    inside = np.mean((anees >= lo) & (anees <= hi))
    assert inside >= 0.88, (inside, anees.min(), anees.max())
    assert 0.9 * n < anees.mean() < 1.1 * n
    # the ballistic coefficient is learnt during reentry: its sigma falls 20-fold and the
    # errors are consistent with it
    assert np.all(b_sig < sb0 / 20)
    assert np.mean(np.abs(b_err) < 2 * b_sig) > 0.85


def test_default_threat_tracked_to_its_impact_point():
    """The default SRBM seen from Seongju every 0.2 s with 10 m and 0.3 mrad noise: both
    filters converge to tens of metres, learn beta = 4880 kg/m2 during reentry, and predict
    the impact point within its own uncertainty."""
    import thaad
    from thaad.analysis.track import simulate_measurements, track

    traj = thaad.fly_trajectory((39.2, 125.67), (35.8714, 128.6014), max_step_s=0.5)
    sensor = (36.0513, 128.2229, 680.0)
    t, z, truth = simulate_measurements(traj.t_s, traj.ecef, sensor,
                                        traj.burnout_time_s + 5.0, seed=3)  # fmt: skip
    from thaad.analysis.track import Measurements

    meas = Measurements(t_s=t, z=z, line=np.arange(2, len(t) + 2), object_id=["rv"] * len(t))
    for name in ("ekf", "ukf"):
        res = track(meas, sensor, filter=name)
        (tr,) = res.tracks
        est = np.array([s["ecef_m"] for s in tr["states"]])
        err = np.linalg.norm(est - truth[:, :3], axis=1)
        late = t > t[0] + 20.0
        assert np.sqrt(np.mean(err[late] ** 2)) < 40.0
        assert tr["ballistic_coefficient_kgpm2"] == pytest.approx(4880.0, rel=0.02)
        d_north = (tr["impact_lat_deg"] - traj.impact_lat_deg) * 111.0e3
        d_east = (tr["impact_lon_deg"] - traj.impact_lon_deg) * 111.0e3 * math.cos(0.626)
        miss = math.hypot(d_north, d_east)
        assert miss < 3 * tr["impact_sigma_major_m"] + 5.0 and miss < 100.0
        assert tr["impact_t_s"] == pytest.approx(traj.flight_time_s, abs=1.0)


def test_impact_prediction_in_vacuum_is_keplerian():
    """Without air and rotation, with point gravity, the predicted impact is where the
    integrator's own flight lands (the textbook two-body conic): check against a fine DP5
    flight from thaad.core.flight."""
    from thaad.core.flight import EV_IMPACT, coast_phase, fly

    env = Env(0, 0, 0, 0)
    x = _start_state(37.0, 127.0, 100e3, 3000.0, 140.0, 10.0, 0.0)
    ok, t_imp, r_imp = T.impact_point(x, env, 2000.0)
    y0 = np.concatenate([x[:6], [1.0]])
    _, _, ev_t, ev_y = fly(0.0, y0, 5000.0, coast_phase(0.0), env, 1e-12, 5.0, 0.0, 1e5)
    assert ok
    assert t_imp == pytest.approx(ev_t[EV_IMPACT], abs=1e-3)
    assert np.linalg.norm(r_imp - ev_y[EV_IMPACT, :3]) < 5.0


# ---------------------------------------------------------------- association, track management


def test_hungarian_assignment_matches_scipy():
    from scipy.optimize import linear_sum_assignment

    from thaad.core.association import assign

    rng = np.random.default_rng(7)
    for n, m in [(1, 1), (3, 3), (4, 9), (7, 7), (10, 25)]:
        for _ in range(20):
            c = rng.normal(size=(n, m)) * rng.choice([1.0, 100.0])
            col = assign(c)
            r_ref, c_ref = linear_sum_assignment(c)
            assert len(set(col)) == n
            assert c[np.arange(n), col].sum() == pytest.approx(c[r_ref, c_ref].sum(), abs=1e-9)


def _params(m=3, n=5, max_misses=5):
    from thaad.core.tracks import TrackerParams

    return TrackerParams(T.FILTER_EKF, m, n, max_misses, 16.27, 1.0, 1e-12, 1 / 4880, 1e-3,
                         3000.0, 5000.0)  # fmt: skip


def test_m_of_n_initiation_and_deletion():
    """3 of 5: hits on scans 1, 2, 4 confirm at scan 4; hits on 1 then none drop the
    tentative track at scan 4 (it can no longer reach 3 of 5); a confirmed track dies after
    five missed scans in a row."""
    from thaad.core.tracks import CONFIRMED, FREE, TENTATIVE, new_track_table, tracker_scan

    prm = _params()
    rng = np.random.default_rng(0)
    x = _start_state(38.0, 126.0, 150e3, 2500.0, 140.0, 0.0, 1 / 4880)
    R1 = np.diag([100.0, 9e-8, 9e-8])[None]
    none = np.empty((0, 3))
    for pattern, want in [([1, 1, 0, 1], [TENTATIVE, TENTATIVE, TENTATIVE, CONFIRMED]),
                          ([1, 0, 0, 0], [TENTATIVE, TENTATIVE, TENTATIVE, FREE])]:  # fmt: skip
        tab = new_track_table(4, 4)
        xi = x.copy()
        got = []
        for k, hit in enumerate(pattern):
            if k:
                xi = fly(xi, 0.2, ENV)
            Z = _measure(xi, rng, 10.0, 3e-4)[None] if hit else none
            tracker_scan(tab, prm, 0.2 * k, Z, R1 if hit else np.empty((0, 3, 3)), SITE, ENU, ENV)
            got.append(int(tab.status[0]))
        assert got == want
    # confirmed, then five misses
    for k in range(4, 9):
        tracker_scan(tab, prm, 0.2 * k, none, np.empty((0, 3, 3)), SITE, ENU, ENV)
    assert tab.status[0] == FREE
    tab = new_track_table(4, 4)
    xi = x.copy()
    for k in range(10):
        if k:
            xi = fly(xi, 0.2, ENV)
        tracker_scan(tab, prm, 0.2 * k, _measure(xi, rng, 10.0, 3e-4)[None], R1, SITE, ENU, ENV)
    assert tab.status[0] == CONFIRMED and tab.hits[0] == 10
    status = []
    for k in range(10, 15):
        tracker_scan(tab, prm, 0.2 * k, none, np.empty((0, 3, 3)), SITE, ENU, ENV)
        status.append(int(tab.status[0]))
    assert status == [CONFIRMED] * 4 + [FREE]


def test_gnn_keeps_close_objects_apart_and_clutter_out():
    """An RV, a spent stage 300 m away and a piece of debris 400 m away, drifting apart at a
    few m/s, seen with Pd 0.9 plus a false alarm in 30 % of the scans within a few km: three
    tracks, each fed by one object only, and no track from the clutter."""
    from thaad.core.tracks import CONFIRMED, new_track_table, tracker_scan

    lat, lon = math.radians(38.0), math.radians(126.0)
    e = enu_basis(lat, lon)
    rv = _start_state(38.0, 126.0, 150e3, 2500.0, 140.0, 10.0, 1 / 4880)
    stage = rv.copy()
    stage[:3] += 300 * e[0]
    stage[3:6] += 3 * e[0] - 2 * e[2]
    stage[6] = 1 / 500
    debris = rv.copy()
    debris[:3] -= 400 * e[1]
    debris[3:6] -= 4 * e[1]
    debris[6] = 1 / 100
    objs = [rv, stage, debris]
    rng = np.random.default_rng(3)
    tab = new_track_table(16, 4)
    prm = _params()
    R = np.diag([100.0, 9e-8, 9e-8])
    fed: dict[int, list[int]] = {}
    for k in range(300):
        Z, who = [], []
        for o in range(3):
            if k:
                objs[o] = fly(objs[o], 0.2, ENV)
            if rng.random() < 0.9:
                Z.append(_measure(objs[o], rng, 10.0, 3e-4))
                who.append(o)
        if rng.random() < 0.3:
            az, el, r = ecef_to_aer(SITE, ENU, objs[0][:3])
            Z.append([r + rng.uniform(-5e3, 5e3), az + rng.uniform(-0.01, 0.01),
                      el + rng.uniform(-0.01, 0.01)])  # fmt: skip
            who.append(-1)
        Z = np.array(Z)
        tracker_scan(tab, prm, 0.2 * k, Z, np.tile(R, (len(Z), 1, 1)), SITE, ENU, ENV)
        for j, s in enumerate(tab.slots[: len(Z)]):
            fed.setdefault(int(tab.ident[s]), []).append(who[j])
    live = [i for i in range(16) if tab.status[i] == CONFIRMED]
    assert len(live) == 3
    seen = set()
    for i in live:
        w = np.array(fed[int(tab.ident[i])])
        o = np.bincount(w[w >= 0]).argmax()
        assert np.mean(w == o) > 0.99
        assert np.linalg.norm(tab.x[i, :3] - objs[o][:3]) < 30.0
        seen.add(o)
    assert seen == {0, 1, 2}


def test_in_place_ekf_matches_the_reference_joseph_form():
    """The allocation-free 7-state predict and update agree with the plain ones (matrix
    products and the Joseph-form update, tests/reference_tracking.py) to rounding."""
    x = _start_state(37.0, 127.0, 40e3, 2500.0, 140.0, -30.0, 1 / 2000)
    a = np.random.default_rng(1).standard_normal((7, 7))
    P = a @ a.T * 10.0
    P[6, :] *= 1e-4
    P[:, 6] *= 1e-4
    work = np.empty((5, 7, 7))
    for dt in (0.5, 2.5):  # one and three substeps
        xr, Pr = ekf_predict(x, P, dt, ENV, 1.0, 1e-12)
        xi, Pi = x.copy(), P.copy()
        T.ekf_predict_into(xi, Pi, dt, ENV, 0.0, 1.0, work, 1e-12)
        np.testing.assert_allclose(xi, xr, rtol=0, atol=1e-9)
        np.testing.assert_allclose(Pi, Pr, rtol=1e-12, atol=1e-12 * abs(Pr).max())
    az, el, rng = ecef_to_aer(SITE, ENU, x[:3])
    z = np.array([rng + 12.0, az - 2e-4, el + 1e-4])
    R = np.diag([100.0, 9e-8, 9e-8])
    xr, Pr, nis_r = ekf_update(x, P, z, R, SITE, ENU)
    xi, Pi = x.copy(), P.copy()
    nis_i = T.ekf_update_into(xi, Pi, z, R, SITE, ENU, work)
    np.testing.assert_allclose(xi, xr, rtol=0, atol=1e-9)
    np.testing.assert_allclose(Pi, Pr, rtol=1e-9, atol=1e-9 * abs(Pr).max())
    assert nis_i == pytest.approx(nis_r, rel=1e-9)


def test_measurement_jacobian_matches_finite_differences():
    """H = d(range, az, el)/dr of the one measurement builder against central differences
    of the radar geometry (thaad.core.earth.ecef_to_aer), 1 m steps at 150 km."""
    x = _start_state(37.0, 127.0, 80e3, 2500.0, 140.0, -30.0, 1 / 2000)
    hx, H = T.measure_aer(x, SITE, ENU)
    az, el, rng = ecef_to_aer(SITE, ENU, x[:3])
    assert hx == pytest.approx([rng, az, el], rel=1e-15)
    for j in range(3):
        d = np.zeros(3)
        d[j] = 1.0
        zp = np.array(ecef_to_aer(SITE, ENU, x[:3] + d))
        zm = np.array(ecef_to_aer(SITE, ENU, x[:3] - d))
        num = (zp - zm) / 2.0  # (az, el, range)
        np.testing.assert_allclose(H[:, j], num[[2, 0, 1]], rtol=1e-6, atol=1e-13)


@pytest.mark.parametrize("kind", [T.FILTER_EKF, T.FILTER_UKF], ids=["ekf", "ukf"])
def test_typed_tracker_params_compile_one_filter_and_track_alike(kind):
    """tracker_params gives a type that compiles only its own filter into tracker_scan (the
    overloads pick the extended or unscented calls by the type); its scans leave the track
    table bit for bit as the plain TrackerParams, which chooses at run time."""
    import numba

    from thaad.core.tracks import (
        _ol_filter_predict,
        _ol_filter_update,
        new_track_table,
        tracker_params,
        tracker_scan,
    )

    plain = _params()._replace(filter_kind=kind)
    typed = tracker_params(*plain)
    assert type(typed) is not type(plain) and typed == plain
    other = "_ukf" if kind == T.FILTER_EKF else "_ekf"
    for ol in (_ol_filter_predict, _ol_filter_update):
        impl = ol(numba.typeof(typed), *[None] * (ol.__code__.co_argcount - 1))
        assert not any(n.startswith(other) for n in impl.__code__.co_names)
    rng = np.random.default_rng(5)
    x = _start_state(38.0, 126.0, 150e3, 2500.0, 140.0, 0.0, 1 / 4880)
    R1 = np.diag([100.0, 9e-8, 9e-8])[None]
    tabs = [new_track_table(4, 4), new_track_table(4, 4)]
    for k in range(8):
        if k:
            x = fly(x, 0.2, ENV)
        Z = _measure(x, rng, 10.0, 3e-4)[None]
        for tab, prm in zip(tabs, (plain, typed), strict=True):
            tracker_scan(tab, prm, 0.2 * k, Z, R1, SITE, ENU, ENV)
    for a, b in zip(tabs[0][:10], tabs[1][:10], strict=True):  # the tracks, not the scratch
        np.testing.assert_array_equal(a, b)
    assert tabs[1].hits[0] == 8


def test_the_unambiguous_assignment_is_the_hungarian_one():
    """When no two tracks gate one detection and no track gates two, the tracker skips the
    Hungarian search (``tracks._unambiguous``): on 2,000 random gate patterns its columns are
    the ones ``association.assign`` finds, and it declines every pattern with an overlap."""
    from thaad.core.association import FORBIDDEN, MISS_COST, assign
    from thaad.core.tracks import _unambiguous

    rng = np.random.default_rng(11)
    taken = declined = 0
    for _ in range(2000):
        nl, k = int(rng.integers(1, 7)), int(rng.integers(1, 8))
        cost = np.full((nl, k + nl), FORBIDDEN)
        for a in range(nl):
            cost[a, k + a] = MISS_COST
        gated = rng.random((nl, k)) < rng.uniform(0.05, 0.5)
        cost[:, :k][gated] = rng.uniform(-30.0, 20.0, gated.sum())
        col = np.empty(nl, np.int64)
        overlap = (gated.sum(axis=1) > 1).any() or (gated.sum(axis=0) > 1).any()
        if _unambiguous(cost, nl, k, col):
            taken += 1
            assert not overlap
            np.testing.assert_array_equal(col, assign(cost))
        else:
            declined += 1
            assert overlap
    assert taken > 200 and declined > 200
