"""Small dense linear algebra by explicit loops, for the filters' 3x3 to 7x7 matrices.

At these sizes plain loops beat calls into BLAS and LAPACK, and they compile several times
faster under numba than ``@``, ``np.outer`` or ``np.linalg.inv``.
"""

import math

import numba as nb
import numpy as np

from thaad.core.jit import jit


@jit
def mm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b``."""
    n = a.shape[0]
    k = a.shape[1]
    m = b.shape[1]
    c = np.zeros((n, m))
    for i in range(n):
        for p in range(k):
            aip = a[i, p]
            if aip != 0.0:
                for j in range(m):
                    c[i, j] += aip * b[p, j]
    return c


@jit
def mmt(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b.T``."""
    n = a.shape[0]
    k = a.shape[1]
    m = b.shape[0]
    c = np.empty((n, m))
    for i in range(n):
        for j in range(m):
            s = 0.0
            for p in range(k):
                s += a[i, p] * b[j, p]
            c[i, j] = s
    return c


@jit
def mv(a: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``a @ v``."""
    n = a.shape[0]
    k = a.shape[1]
    out = np.empty(n)
    for i in range(n):
        s = 0.0
        for p in range(k):
            s += a[i, p] * v[p]
        out[i] = s
    return out


@jit
def sandwich(f: np.ndarray, p: np.ndarray) -> np.ndarray:
    """``f @ p @ f.T``, symmetrised."""
    c = mmt(mm(f, p), f)
    n = c.shape[0]
    for i in range(n):
        for j in range(i + 1, n):
            s = 0.5 * (c[i, j] + c[j, i])
            c[i, j] = s
            c[j, i] = s
    return c


@jit
def add_outer(m: np.ndarray, w: float, a: np.ndarray, b: np.ndarray) -> None:
    """``m += w a b^T`` in place."""
    for i in range(a.shape[0]):
        wa = w * a[i]
        for j in range(b.shape[0]):
            m[i, j] += wa * b[j]


@jit
def quad3(y: np.ndarray, si: np.ndarray) -> float:
    """``y^T si y`` for a 3-vector."""
    s = 0.0
    for i in range(3):
        for j in range(3):
            s += y[i] * si[i, j] * y[j]
    return s


@jit
def inv3_into(a: np.ndarray, out: np.ndarray) -> float:
    """Inverse of a 3x3 matrix (cofactors) into ``out`` (at least 3x3); returns the determinant."""
    c00 = a[1, 1] * a[2, 2] - a[1, 2] * a[2, 1]
    c01 = a[1, 2] * a[2, 0] - a[1, 0] * a[2, 2]
    c02 = a[1, 0] * a[2, 1] - a[1, 1] * a[2, 0]
    det = a[0, 0] * c00 + a[0, 1] * c01 + a[0, 2] * c02
    out[0, 0] = c00 / det
    out[1, 0] = c01 / det
    out[2, 0] = c02 / det
    out[0, 1] = (a[0, 2] * a[2, 1] - a[0, 1] * a[2, 2]) / det
    out[1, 1] = (a[0, 0] * a[2, 2] - a[0, 2] * a[2, 0]) / det
    out[2, 1] = (a[0, 1] * a[2, 0] - a[0, 0] * a[2, 1]) / det
    out[0, 2] = (a[0, 1] * a[1, 2] - a[0, 2] * a[1, 1]) / det
    out[1, 2] = (a[0, 2] * a[1, 0] - a[0, 0] * a[1, 2]) / det
    out[2, 2] = (a[0, 0] * a[1, 1] - a[0, 1] * a[1, 0]) / det
    return det


@jit
def inv3(a: np.ndarray):
    """Inverse and determinant of a 3x3 matrix (cofactors)."""
    out = np.empty((3, 3))
    det = inv3_into(a, out)
    return out, det


@jit
def cholesky(p: np.ndarray) -> np.ndarray:
    """Lower Cholesky factor of a covariance; a little diagonal loading if it is not PD."""
    n = p.shape[0]
    load = 0.0
    L = np.zeros((n, n))
    for _ in range(30):
        ok = True
        L[:, :] = 0.0
        for j in range(n):
            s = 0.5 * (p[j, j] + p[j, j]) + load * max(p[j, j], 1e-30)
            for k in range(j):
                s -= L[j, k] * L[j, k]
            if s <= 0.0:
                ok = False
                break
            L[j, j] = math.sqrt(s)
            for i in range(j + 1, n):
                t = 0.5 * (p[i, j] + p[j, i])
                for k in range(j):
                    t -= L[i, k] * L[j, k]
                L[i, j] = t / L[j, j]
        if ok:
            return L
        load = 1e-12 if load == 0.0 else load * 10.0
    L[:, :] = 0.0
    for j in range(n):
        L[j, j] = math.sqrt(abs(p[j, j]))
    return L


try:  # numba's own binding of LAPACK's dgesv (the one its np.linalg.solve calls)
    from numba.np.linalg import _LAPACK, F_INT_nptype, _dummy_liveness_func

    _DGESV = _LAPACK().numba_xgesv(nb.float64)
except Exception:  # pragma: no cover - another numba: np.linalg.solve itself
    _DGESV = None
_KIND_DOUBLE = ord("d")

if _DGESV is None:  # pragma: no cover

    @jit
    def solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """``np.linalg.solve(a, b)``."""
        return np.linalg.solve(a, b)

else:

    @jit
    def solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """``np.linalg.solve(a, b)`` for a float64 ``(n, n)`` matrix and ``(n,)`` vector: the
        same LAPACK call (dgesv on copies, so the same solution bit for bit, and the same
        errors), the copies made by loops. numba's own copies ``b`` by a slice assignment,
        whose shape-error message routine costs its caller seconds of compile."""
        n = a.shape[0]
        acpy = np.empty((n, n))  # a in column-major order: row j of acpy is column j of a
        x = np.empty(n)
        for i in range(n):
            if not math.isfinite(b[i]):
                raise np.linalg.LinAlgError("Array must not contain infs or NaNs.")
            x[i] = b[i]
            for j in range(n):
                if not math.isfinite(a[i, j]):
                    raise np.linalg.LinAlgError("Array must not contain infs or NaNs.")
                acpy[j, i] = a[i, j]
        ipiv = np.empty(n, dtype=F_INT_nptype)
        r = _DGESV(_KIND_DOUBLE, n, 1, acpy.ctypes, n, ipiv.ctypes, x.ctypes, n)
        if r != 0:
            raise np.linalg.LinAlgError("Matrix is singular to machine precision.")
        _dummy_liveness_func([acpy.size, ipiv.size])  # as numba: keep them to the call's end
        return x
