"""How the core is compiled: numba's options in one place.

``jit`` compiles a function in nopython mode and caches it on disk.

``leaf`` does the same without numba's reference counting (its NRT). Numba counts the
references of every array it passes: a call increfs and decrefs each array of each argument
(every array of a record such as ``Shots`` or ``Objects``) with an atomic operation, and so
does each row view made in a loop. In the engagement's inner loops (each RK4 step of an
interceptor, each track's prediction and gate, each object of a look) this was about half of
the run time. A ``leaf`` function does none of it. The price: it may not allocate (no
``np.empty``, no array arithmetic that makes a new array, and numba compiles what it calls
under the same rule, so neither may they) and it must not return an array, which a
reference-counting caller would release. Numba refuses the first at compile time; the second
is checked by ``tests/test_core_jit.py``. Work arrays come from the caller.
"""

import numba as nb

__all__ = ["jit", "leaf"]

jit = nb.njit(cache=True)
leaf = nb.njit(cache=True, _nrt=False)
