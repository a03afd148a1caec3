"""The numeric core imports nothing from the layers above it (nor pydantic or YAML)."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "src" / "thaad" / "core"
ALLOWED = {"math", "typing", "numba", "numpy", "__future__"}


def test_core_imports_only_numpy_numba_and_itself():
    for f in CORE.glob("*.py"):
        tree = ast.parse(f.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for n in names:
                top = n.split(".")[0]
                assert top in ALLOWED or n.startswith("thaad.core"), f"{f.name} imports {n}"


# Physical constants written out as numbers (SI and the km forms seen in code), each with the
# name in thaad.core.constants that replaces it; a number within 1e-9 of one of them anywhere
# in src/thaad outside constants.py is a failure. Comments and docstrings are not numbers.
FORBIDDEN_LITERALS = {
    6371000.0: "R_MEAN_M",
    6371.0: "R_MEAN_M / 1e3",
    6378137.0: "WGS84_A_M",
    6378.137: "WGS84_A_M / 1e3",
    298.257223563: "WGS84_F",
    3.986004418e14: "MU_EARTH_M3PS2",
    398600.4418: "MU_EARTH_M3PS2 / 1e9",
    7.292115e-5: "OMEGA_EARTH_RADPS",
    1.08262668e-3: "J2_EARTH",
    9.80665: "G0_MPS2",
    9.81: "G0_MPS2",
    9.8: "G0_MPS2",
    299792458.0: "C_MPS",
    3.0e8: "C_MPS",
    1.380649e-23: "BOLTZMANN_JPK",
    1.38e-23: "BOLTZMANN_JPK",
    8314.32: "US76_R_STAR_JPKMOLK",
    28.9644: "US76_M0_KGPKMOL",
    6356766.0: "US76_R0_M",
    101325.0: "US76_P0_PA",
    288.15: "US76_T0_K",
    111e3: "R_MEAN_M (a degree of arc)",
    111320.0: "R_MEAN_M (a degree of arc)",
}
SRC = Path(__file__).resolve().parents[1] / "src" / "thaad"


def _literal_constants(text: str) -> list[tuple[int, str]]:
    """(line, what) of every forbidden number, and of ``4/3`` (the refraction factor)."""
    import io
    import math
    import tokenize

    toks = [t for t in tokenize.generate_tokens(io.StringIO(text).readline)
            if t.type in (tokenize.NUMBER, tokenize.OP)]  # fmt: skip
    out = []
    for i, t in enumerate(toks):
        if t.type != tokenize.NUMBER or t.string.endswith(("j", "J")):
            continue
        v = float(ast.literal_eval(t.string))
        for c, name in FORBIDDEN_LITERALS.items():
            if math.isclose(v, c, rel_tol=1e-9):
                out.append((t.start[0], f"{t.string} (use {name})"))
        if v == 4.0 and i + 2 < len(toks) and toks[i + 1].string == "/":
            if toks[i + 2].type == tokenize.NUMBER and toks[i + 2].string in ("3", "3.0"):
                out.append((t.start[0], "4/3 (use K_REFRACTION)"))
    return out


def test_the_scan_finds_written_out_constants():
    found = _literal_constants("g = 9.80665\nre = 6371e3  # 6371 km\nk = 4.0 / 3.0\nx = 9.0\n")
    assert [line for line, _ in found] == [1, 2, 3]


def test_no_literal_physical_constants_outside_core_constants():
    bad = []
    for f in sorted(SRC.rglob("*.py")):
        if f.relative_to(SRC).as_posix() == "core/constants.py":
            continue
        for line, what in _literal_constants(f.read_text(encoding="utf-8")):
            bad.append(f"{f.relative_to(SRC)}:{line}: {what}")
    assert not bad, "\n".join(bad)
