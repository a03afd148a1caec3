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
