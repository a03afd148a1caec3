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
would unbalance numba's allocation counters, which ``tests/test_core_jit.py`` checks over
whole engagements. Work arrays come from the caller.

A function that is not marked takes the setting of the function that compiles it first
(numba inherits it): called from a ``leaf`` it is compiled without reference counting too.
``counted`` marks the few functions that must allocate (a new track's initiation, the
unscented filter's sigma points, the fire-control plan and the launch) but are called from
leaves: they keep their reference counting wherever they are called from; they too return
no array.

All three use NumPy's error model for arithmetic: a float division by zero gives an
infinity or a NaN instead of raising ``ZeroDivisionError``, so that numba need not test
every divisor before dividing (about 6 % of an engagement's time, and 2-3 s of the first
run's compile). The scenario's bounds keep divisors away from zero
(``tests/test_hardening.py``, the fuzz tests); a NaN that got through would show in the
outputs, which the tests check against physics.

A few functions take numba's decorator with options of their own: small ones inlined into
their callers (``inline="always"``), the threaded batches (``parallel=True``) and the event
log's writer, compiled for one signature.
"""

import numba as nb

__all__ = ["counted", "jit", "leaf"]

jit = nb.njit(cache=True, error_model="numpy")
leaf = nb.njit(cache=True, _nrt=False, error_model="numpy")
counted = nb.njit(cache=True, _nrt=True, error_model="numpy")
