"""Compile benchmark: the first ``thaad run`` on a fresh machine (an empty numba cache).

Runs ``thaad run`` twice in subprocesses sharing a new temporary ``NUMBA_CACHE_DIR`` (so the
user's cache is left alone): cold (everything compiles) and warm (everything loads from the
cache), and reports each one's wall and CPU (user + system) seconds. The cold run records
numba's ``numba:compile`` events: per core function, the compile seconds spent in it alone
(its callees' compiles, which nest inside, taken out), the seconds including them, and how
many type specialisations (``len(f.signatures)``) one run compiles; ``here``: how many of
them the command's own process compiled (the rest came from the cache, written by the
compile helper of :mod:`thaad.analysis.precompile`).

Run: ``.venv/bin/python bench/compile.py`` (``--top N`` rows, default 25;
``--command "footprint --grid 5"`` another command's arguments). Ends with one JSON line of
the figures. Goal (issue 9): the cold ``thaad run`` compiles in <= 30 s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _child(profile: str, argv: list[str]) -> int:
    """In the subprocess: run the command with numba's compile events recorded, then write
    the per-function figures to ``profile``."""
    import numba
    from numba.core import event

    from thaad.cli.main import main

    t0 = time.perf_counter()
    with event.install_recorder("numba:compile") as rec:
        rc = main(argv)
    wall = time.perf_counter() - t0
    # nested START/END pairs: a callee compiles while its caller is being typed
    stack: list[list] = []  # [name, t_start, child_seconds]
    per: dict[str, dict] = {}
    top_level = 0.0
    tree: list[tuple[int, str, float]] = []  # (depth, name, seconds) in start order
    for ts, ev in rec.buffer:
        disp = ev.data["dispatcher"]
        name = f"{disp.py_func.__module__}.{disp.py_func.__qualname__}"
        if ev.is_start:
            stack.append([name, ts, 0.0, len(tree)])
            tree.append((len(stack) - 1, name, 0.0))
            continue
        nm, t_start, child, pos = stack.pop()
        dur = ts - t_start
        tree[pos] = (tree[pos][0], nm, dur)
        row = per.setdefault(nm, {"self_s": 0.0, "incl_s": 0.0, "compiles": 0})
        row["self_s"] += dur - child
        row["incl_s"] += dur
        row["compiles"] += 1
        if stack:
            stack[-1][2] += dur
        else:
            top_level += dur
    # specialisations of every core dispatcher that one run compiled or loaded
    for mod_name, mod in list(sys.modules.items()):
        if not mod_name.startswith("thaad.core.") or mod is None:
            continue
        for obj in vars(mod).values():
            if isinstance(obj, numba.core.registry.CPUDispatcher):
                if obj.py_func.__module__ != mod_name or not obj.signatures:
                    continue
                name = f"{mod_name}.{obj.py_func.__qualname__}"
                row = per.setdefault(name, {"self_s": 0.0, "incl_s": 0.0, "compiles": 0})
                row["signatures"] = len(obj.signatures)
    from thaad.analysis.precompile import LAST

    cpu = time.process_time()
    Path(profile).write_text(json.dumps({"wall_s": wall, "compile_s": top_level, "per": per,
                                         "tree": tree, "cpu_s": cpu, "helper": LAST}))  # fmt: skip
    return rc


def _timed(cmd: list[str], env: dict) -> tuple[float, float, int]:
    """Wall and CPU (user + system, the child's) seconds of one subprocess."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if p.returncode != 0:
        sys.stderr.write(p.stderr)
    return wall, cpu, p.returncode


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--command", default="run", help="thaad command and arguments (no --out)")
    ap.add_argument("--out", metavar="DIR", help="keep the cold run's output in DIR")
    ap.add_argument("--tree", metavar="FILE", help="write the cold run's nested compile tree")
    ap.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        return _child(a.child[0], a.child[1:])

    with tempfile.TemporaryDirectory(prefix="thaad-compile-") as tmp:
        env = dict(os.environ, NUMBA_CACHE_DIR=str(Path(tmp) / "numba"),
                   THAAD_NO_COMPILE_NOTICE="1")  # fmt: skip
        argv = shlex.split(a.command)
        runs = {}
        for kind in ("cold", "warm"):
            prof = str(Path(tmp) / f"{kind}.json")
            out = a.out if a.out and kind == "cold" else str(Path(tmp) / kind)
            cmd = [sys.executable, __file__, "--child", prof, *argv, "--out", out]
            wall, cpu, rc = _timed(cmd, env)
            if rc != 0:
                print(f"thaad {a.command} failed ({kind}, exit {rc})", file=sys.stderr)
                return 1
            runs[kind] = (wall, cpu, json.loads(Path(prof).read_text()))
    (cw, cc, cold), (ww, wc, _) = runs["cold"], runs["warm"]
    if a.tree:
        Path(a.tree).write_text("".join(f"{'  ' * d}{s:6.2f} {n.removeprefix('thaad.core.')}\n"
                                        for d, n, s in cold["tree"]))  # fmt: skip
    per = cold["per"]
    rows = sorted(per.items(), key=lambda kv: -kv[1]["self_s"])
    n_spec = sum(r.get("signatures", 0) for r in per.values())
    multi = {k: r["signatures"] for k, r in per.items() if r.get("signatures", 0) > 1}
    print(f"thaad {a.command}: cold {cw:.1f} s wall, {cc:.1f} s CPU (numba compiles "
          f"{cold['compile_s']:.1f} s); warm {ww:.1f} s wall, {wc:.1f} s CPU")  # fmt: skip
    h = cold["helper"]
    crit = cold["cpu_s"]
    if h:  # the critical path on two idle cores: both shares side by side, then the rest
        pre = h["main_cpu_at_join_s"]
        crit = max(pre, h["helper_cpu_s"]) + cold["cpu_s"] - pre
        print(f"compile helper: {h['helper_cpu_s']:.1f} s CPU; the command {cold['cpu_s']:.1f} s "
              f"CPU ({pre:.1f} s before it waited {h['waited_s']:.1f} s for the helper); "
              f"critical path {crit:.1f} s CPU")  # fmt: skip
    print(f"{len(per)} core functions, {n_spec} specialisations "
          f"({len(multi)} with more than one)")  # fmt: skip
    print(f"{'function':58s} {'self s':>7s} {'incl s':>7s} {'sigs':>4s} {'here':>4s}")
    for name, r in rows[: a.top]:
        print(f"{name.removeprefix('thaad.core.'):58s} {r['self_s']:7.2f} {r['incl_s']:7.2f} "
              f"{r.get('signatures', 0):4d} {r['compiles']:4d}")  # fmt: skip
    for name, n in sorted(multi.items(), key=lambda kv: -kv[1]):
        print(f"  {n} specialisations: {name.removeprefix('thaad.core.')}")
    print(json.dumps({
        "bench": "compile", "command": a.command, "cores": os.cpu_count(),
        "cold_wall_s": round(cw, 1), "cold_cpu_s": round(cc, 1),
        "cold_compile_s": round(cold["compile_s"], 1),
        "cold_command_cpu_s": round(cold["cpu_s"], 1),
        "cold_helper_cpu_s": round(h["helper_cpu_s"], 1) if h else None,
        "cold_critical_path_cpu_s": round(crit, 1),
        "warm_wall_s": round(ww, 2), "warm_cpu_s": round(wc, 2),
        "functions": len(per), "specialisations": n_spec,
        "top": [[k.removeprefix("thaad.core."), round(r["self_s"], 2)] for k, r in rows[:10]],
    }))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
