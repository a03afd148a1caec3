"""thaad.core.linalg.solve: numba's np.linalg.solve LAPACK call (dgesv) without its
slice-assignment copy. The threat's aim solver steps with it, so it must give the very same
solution bits and raise the same errors."""

import numba
import numpy as np
import pytest

from thaad.core.linalg import solve


@numba.njit
def _numba_solve(a, b):
    return np.linalg.solve(a, b)


def test_solve_is_numpy_s_solve_bit_for_bit():
    rng = np.random.default_rng(1)
    for _ in range(500):  # 3x3 systems as the aim solver's Jacobian, scales 1e-8..1e8
        a = rng.normal(size=(3, 3)) * 10.0 ** rng.uniform(-8, 8, size=(3, 3))
        b = rng.normal(size=3)
        x = solve(a, b)
        assert np.array_equal(x, _numba_solve(a, b))
        assert np.array_equal(x, np.linalg.solve(a, b))
    a = rng.normal(size=(7, 7))
    assert np.array_equal(solve(a, np.arange(7.0)), np.linalg.solve(a, np.arange(7.0)))


@pytest.mark.parametrize(
    ("a", "b", "msg"),
    [(np.zeros((3, 3)), np.ones(3), "singular"),
     (np.eye(3), np.array([1.0, np.nan, 0.0]), "infs or NaNs"),
     (np.diag([1.0, np.inf, 1.0]), np.ones(3), "infs or NaNs")],
)  # fmt: skip
def test_solve_raises_as_numpy(a, b, msg):
    for f in (solve, _numba_solve):
        with pytest.raises(np.linalg.LinAlgError, match=msg):
            f(a, b)
