"""numba's optimisation level for the numeric core (imported first, by ``thaad/__init__.py``).

numba optimises each function's machine code with LLVM at ``NUMBA_OPT`` (default 3), and
once more every callee's code linked into each caller; on a fresh machine that is most of
the first command's time. thaad sets level 1 unless ``NUMBA_OPT`` is set already: the
first ``thaad run`` compiles in about three quarters of the CPU time (bench/compile.py:
66.6 -> 55-59 CPU-s, critical path 36.3 -> 31-33 s on 2 cores), an engagement runs as fast
(6.9 ms both; the core is scalar loops, which the extra passes of level 3 barely touch)
and gives the same numbers bit for bit (no fast-math at any level). numba reads the
variable at import and again before each compile, so this holds wherever numba was
imported first; worker processes inherit it.
"""

import os

os.environ.setdefault("NUMBA_OPT", "1")
