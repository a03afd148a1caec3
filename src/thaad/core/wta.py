"""Weapon-target assignment: spread the rounds of several batteries over many threats.

The static weapon-target assignment problem (Manne 1958; den Broeder, Ellison and Emerling
1959): batteries ``b`` hold ``rounds[b]`` interceptors, a shot from battery ``b`` at threat
``t`` kills it with probability ``p[b, t]`` (0 where ``t`` is outside ``b``'s envelope), threat
``t`` threatens an asset of value ``value[t]``. Choose the shots ``x[b, t]`` (at most
``max_shots`` at each threat) to minimise the expected value of what leaks::

    L(x) = sum_t value[t] * prod_b (1 - p[b, t]) ** x[b, t]

:func:`assign_greedy` is the maximum-marginal-return rule: give the next round to the shot that
lowers ``L`` most, ``value[t] * q[t] * p[b, t]`` with ``q[t]`` the threat's current survival
probability. With one kind of weapon (``p[b, t]`` the same for every battery) it is optimal
(den Broeder et al. 1959). With several, :func:`assign` follows it with a pairwise exchange
(move one round from one shot to another while ``L`` falls), which the tests check against
brute-force enumeration on small cases.

References
----------
- Manne, A. S., "A target-assignment problem", Operations Research 6(3), 346-351 (1958).
- den Broeder, G. G., Ellison, R. E. and Emerling, L., "On optimum target assignments",
  Operations Research 7(3), 322-326 (1959).
- Ahuja, R. K., Kumar, A., Jha, K. C. and Orlin, J. B., "Exact and heuristic algorithms for
  the weapon-target assignment problem", Operations Research 55(6), 1136-1146 (2007).
"""

import numpy as np

from thaad.core.jit import jit


@jit
def expected_leak(x: np.ndarray, p: np.ndarray, value: np.ndarray) -> float:
    """``L(x)``: the value-weighted expected number of threats that survive the shots ``x``."""
    n_b, n_t = p.shape
    total = 0.0
    for t in range(n_t):
        q = 1.0
        for b in range(n_b):
            q *= (1.0 - p[b, t]) ** x[b, t]
        total += value[t] * q
    return total


@jit
def assign_greedy(p: np.ndarray, value: np.ndarray, rounds: np.ndarray,
                  max_shots: int) -> np.ndarray:  # fmt: skip
    """Maximum marginal return: one round at a time to the largest drop of ``L``.

    Returns the shots ``x[b, t]`` (int64). Ties go to the lower threat index, then the lower
    battery index, so the result is deterministic.
    """
    n_b, n_t = p.shape
    x = np.zeros((n_b, n_t), dtype=np.int64)
    left = rounds.astype(np.int64).copy()
    q = np.ones(n_t)
    shots = np.zeros(n_t, dtype=np.int64)
    while True:
        best = 0.0
        bb = -1
        bt = -1
        for t in range(n_t):
            if shots[t] >= max_shots:
                continue
            for b in range(n_b):
                if left[b] <= 0:
                    continue
                gain = value[t] * q[t] * p[b, t]
                if gain > best:
                    best = gain
                    bb = b
                    bt = t
        if bb < 0:
            return x
        x[bb, bt] += 1
        left[bb] -= 1
        shots[bt] += 1
        q[bt] *= 1.0 - p[bb, bt]


@jit
def _survival(x: np.ndarray, p: np.ndarray, t: int) -> float:
    q = 1.0
    for b in range(p.shape[0]):
        q *= (1.0 - p[b, t]) ** x[b, t]
    return q


@jit
def _move(x, p, value, q, b1, t1, b2, t2, b3, t3, b4, t4) -> float:
    """Take a round of ``b1`` off ``t1`` and give ``b2`` one at ``t2``; when ``b3 >= 0`` also
    take ``b3``'s off ``t3`` and give ``b4`` one at ``t4``. Keep the change when ``L`` falls
    (updating ``q``) and return the fall, else undo it and return 0."""
    x[b1, t1] -= 1
    x[b2, t2] += 1
    if b3 >= 0:
        x[b3, t3] -= 1
        x[b4, t4] += 1
    ts = (t1, t2, t3 if b3 >= 0 else t1, t4 if b3 >= 0 else t1)
    fall = 0.0
    for k in range(4):
        t = ts[k]
        seen = False
        for m in range(k):
            seen = seen or ts[m] == t
        if not seen:
            fall += value[t] * (q[t] - _survival(x, p, t))
    if fall > 1e-12:
        for k in range(4):
            q[ts[k]] = _survival(x, p, ts[k])
        return fall
    x[b1, t1] += 1
    x[b2, t2] -= 1
    if b3 >= 0:
        x[b3, t3] += 1
        x[b4, t4] -= 1
    return 0.0


@jit
def improve(x: np.ndarray, p: np.ndarray, value: np.ndarray, rounds: np.ndarray,
            max_shots: int, max_passes: int = 20) -> np.ndarray:  # fmt: skip
    """Local search from ``x``; each accepted move lowers ``L``. The moves: a battery's round
    goes to another threat (a shift); a battery takes over another's target, which moves on
    to a third threat or the first one (an ejection chain of two, which includes trading
    targets); a battery with a round left takes over another's shot, which keeps its round,
    moves on, or takes over a third battery's shot; and any round left goes where a shot is
    still allowed."""
    n_b, n_t = p.shape
    x = x.copy()
    q = np.empty(n_t)
    for t in range(n_t):
        q[t] = _survival(x, p, t)
    for _ in range(max_passes):
        gained = 0.0
        shots = x.sum(axis=0)
        left = rounds - x.sum(axis=1)
        for b in range(n_b):  # rounds left, where a shot is allowed and helps most
            while left[b] > 0:
                best, bt = 0.0, -1
                for t in range(n_t):
                    if shots[t] < max_shots and value[t] * q[t] * p[b, t] > best:
                        best, bt = value[t] * q[t] * p[b, t], t
                if bt < 0:
                    break
                x[b, bt] += 1
                q[bt] = _survival(x, p, bt)
                left[b] -= 1
                shots[bt] += 1
                gained += best
        for b in range(n_b):
            for t1 in range(n_t):
                for t2 in range(n_t):
                    if t2 == t1 or x[b, t1] == 0 or p[b, t2] <= 0.0:
                        continue
                    if shots[t2] < max_shots:  # shift b: t1 -> t2
                        g = _move(x, p, value, q, b, t1, b, t2, -1, 0, 0, 0)
                        if g > 0.0:
                            gained += g
                            shots[t1] -= 1
                            shots[t2] += 1
                            continue
                    for b2 in range(n_b):  # chain: b takes t2 from b2, b2 moves to t4
                        if b2 == b or x[b2, t2] == 0 or x[b, t1] == 0:
                            continue
                        for t4 in range(n_t):
                            if t4 == t2 or p[b2, t4] <= 0.0:
                                continue
                            if t4 != t1 and shots[t4] >= max_shots:
                                continue
                            g = _move(x, p, value, q, b, t1, b, t2, b2, t2, b2, t4)
                            if g > 0.0:
                                gained += g
                                shots[t1] -= 1
                                shots[t4] += 1
                                break
                        if x[b, t1] == 0:
                            break
        for b in range(n_b):  # b (a round left) takes b1's shot at t; b1 keeps its round
            for b1 in range(n_b):
                for t in range(n_t):
                    if left[b] > 0 and b1 != b and x[b1, t] > 0 and p[b, t] > p[b1, t]:
                        g = _move(x, p, value, q, b1, t, b, t, -1, 0, 0, 0)
                        if g > 0.0:
                            gained += g
                            left[b] -= 1
                            left[b1] += 1
        for b in range(n_b):  # b (a round left) takes b1's shot at t; b1 takes b3's at t2
            for b1 in range(n_b):
                for t in range(n_t):
                    for t2 in range(n_t):
                        for b3 in range(n_b):
                            if (left[b] <= 0 or b1 == b or b3 == b1 or t2 == t
                                    or x[b1, t] == 0 or x[b3, t2] == 0
                                    or p[b, t] <= 0.0 or p[b1, t2] <= 0.0):  # fmt: skip
                                continue
                            g = _move(x, p, value, q, b1, t, b, t, b3, t2, b1, t2)
                            if g > 0.0:
                                gained += g
                                left[b] -= 1
                                left[b3] += 1
        for b in range(n_b):  # b (a round left) takes b1's shot at t; b1 moves to t2
            for b1 in range(n_b):
                for t in range(n_t):
                    for t2 in range(n_t):
                        if (left[b] <= 0 or b1 == b or t2 == t or x[b1, t] == 0
                                or p[b, t] <= 0.0 or p[b1, t2] <= 0.0
                                or shots[t2] >= max_shots):  # fmt: skip
                            continue
                        x[b, t] += 1
                        x[b1, t] -= 1
                        x[b1, t2] += 1
                        qt, qt2 = _survival(x, p, t), _survival(x, p, t2)
                        g = value[t] * (q[t] - qt) + value[t2] * (q[t2] - qt2)
                        if g > 1e-12:
                            q[t], q[t2] = qt, qt2
                            left[b] -= 1
                            shots[t2] += 1
                            gained += g
                        else:
                            x[b, t] -= 1
                            x[b1, t] += 1
                            x[b1, t2] -= 1
        if gained <= 1e-12:
            break
    return x


@jit
def _fill(x: np.ndarray, p: np.ndarray, value: np.ndarray, rounds: np.ndarray,
          max_shots: int, order: np.ndarray) -> None:  # fmt: skip
    """Give the rounds still left, battery by battery in ``order``, each to the shot that
    lowers ``L`` most (in place)."""
    n_t = p.shape[1]
    left = rounds - x.sum(axis=1)
    shots = x.sum(axis=0)
    q = np.empty(n_t)
    for t in range(n_t):
        q[t] = _survival(x, p, t)
    for b in order:
        while left[b] > 0:
            best, bt = 0.0, -1
            for t in range(n_t):
                if shots[t] < max_shots and value[t] * q[t] * p[b, t] > best:
                    best, bt = value[t] * q[t] * p[b, t], t
            if bt < 0:
                break
            x[b, bt] += 1
            left[b] -= 1
            shots[bt] += 1
            q[bt] *= 1.0 - p[b, bt]


RESTARTS = 24
"""Perturbed restarts of the local search in :func:`assign`."""


@jit
def assign(p: np.ndarray, value: np.ndarray, rounds: np.ndarray, max_shots: int) -> np.ndarray:
    """Greedy maximum marginal return and local search (:func:`improve`), then
    :data:`RESTARTS` restarts: drop all the shots, or a third of them, refill battery by
    battery in a rotated (and every other time reversed) order, search again. The best
    assignment found; no randomness, so the result is the same every time."""
    best = improve(assign_greedy(p, value, rounds, max_shots), p, value, rounds, max_shots)
    best_leak = expected_leak(best, p, value)
    n_b, n_t = p.shape
    for r in range(RESTARTS):
        x = best.copy()
        for b in range(n_b):
            for t in range(n_t):
                if r % 3 == 0 or (b + 3 * t + r) % 3 == 0:
                    x[b, t] = 0
        order = np.empty(n_b, dtype=np.int64)
        for k in range(n_b):
            order[k] = (k + r) % n_b
        if (r // n_b) % 2 == 1:
            order = order[::-1].copy()
        _fill(x, p, value, rounds, max_shots, order)
        x = improve(x, p, value, rounds, max_shots)
        leak = expected_leak(x, p, value)
        if leak < best_leak - 1e-12:
            best, best_leak = x, leak
    return best
