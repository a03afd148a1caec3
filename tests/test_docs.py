"""The documentation site builds offline with ``mkdocs build --strict`` and says what the code
does: every command's options (from its argparse parser), every scenario key (from the
pydantic schema), equations as MathML, and no file fetched from the network to show a page.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from thaad.cli.main import COMMANDS, build_parser
from thaad.model.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
         "--config-file", str(ROOT / "mkdocs.yml"), "--site-dir", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    for a in build_parser()._actions:
        if isinstance(a, argparse._SubParsersAction):
            return dict(a.choices)
    raise AssertionError("no subcommands")


def test_every_command_page_lists_every_option(site: Path) -> None:
    subs = _subparsers()
    assert list(subs) == COMMANDS
    for name, p in subs.items():
        page = (site / "guide" / f"{name}.html").read_text(encoding="utf-8")
        for a in p._actions:
            for opt in a.option_strings:
                if opt not in ("-h", "--help"):
                    assert f"<code>{opt}</code>" in page, f"guide/{name}: {opt} missing"


def _leaf_keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    keys = []
    for name, f in model.model_fields.items():
        key = f"{prefix}{f.alias or name}"
        ann = f.annotation
        sub = ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None
        if sub is None:
            for arg in typing.get_args(ann):
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    sub = arg
        if sub is not None:
            keys += _leaf_keys(sub, key + ".")
        else:
            keys.append(key)
    return keys


def test_scenario_reference_has_every_key_with_its_default(site: Path) -> None:
    page = (site / "scenario.html").read_text(encoding="utf-8")
    keys = _leaf_keys(Scenario)
    assert len(keys) > 80  # the schema has about a hundred keys
    for key in keys:
        section, _, leaf = key.rpartition(".")
        if section:
            assert f'id="{section.replace(".", "")}"' in page, section
        assert f"<code>{leaf}</code>" in page, key
    # a default and its bounds, as the schema has them
    row = re.search(r"<code>half_fov_deg</code></td>\s*<td>(.*?)</tr>", page, re.DOTALL)
    assert row is not None
    from thaad.model.scenario import RadarSpec, field_range

    rng = str(field_range(RadarSpec.model_fields["half_fov_deg"]))
    assert "<code>60</code>" in row.group(1) and f"<code>{rng}</code>" in row.group(1)


def test_equations_are_mathml_and_nothing_is_fetched(site: Path) -> None:
    radar = (site / "physics" / "radar.html").read_text(encoding="utf-8")
    assert radar.count("<math") >= 10
    assert 'class="arithmatex"' not in radar
    pages = list(site.rglob("*.html"))
    assert len(pages) >= 30
    for html in pages:
        text = html.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]+src=\"(https?:)?//", text), html.name
        assert not re.search(r"<link[^>]+rel=\"stylesheet\"[^>]+href=\"(https?:)?//", text)
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, html.name
        assert "cdnjs" not in text and "cdn.jsdelivr" not in text and "unpkg.com" not in text


def test_the_notebook_is_executed_by_the_build(site: Path) -> None:
    """docs/api/notebook.ipynb runs at every build: its outputs are the current model's."""
    page = (site / "api" / "notebook.html").read_text(encoding="utf-8")
    assert re.search(r"P\(kill\) [01]\.\d{3}, 95% interval", page)
    assert page.count("data:image/png") >= 4  # footprint, histogram, sweep, coverage


def test_reference_tests_page_lists_every_test_module(site: Path) -> None:
    page = (site / "validation" / "tests.html").read_text(encoding="utf-8")
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        assert f"tests/{path.name}" in page


def test_api_pages_document_every_public_module(site: Path) -> None:
    for layer in ("core", "model", "analysis", "output"):
        page = (site / "api" / f"{layer}.html").read_text(encoding="utf-8")
        for path in sorted((ROOT / "src" / "thaad" / layer).glob("[!_]*.py")):
            assert f'id="thaad.{layer}.{path.stem}"' in page, f"thaad.{layer}.{path.stem}"
    index = (site / "api" / "index.html").read_text(encoding="utf-8")
    for name in ("load_scenario", "run", "fly_trajectory", "EngagementResult"):
        assert f'id="thaad.{name}"' in index, name


def test_every_examples_out_parent_exists_in_a_fresh_clone() -> None:
    # thaad creates only the last directory of an --out path (a typo is an error, not a new
    # tree), so `thaad run --out runs/a` from the README needs runs/ in the clone: it is
    # shipped (runs/README.md). Every example's --out parent must be a tracked folder.
    tracked = set(
        subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                       check=True).stdout.split()
    )  # fmt: skip
    folders = {str(Path(f).parent) for f in tracked}
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    seen = 0
    for page in pages:
        for m in re.finditer(r"--out\s+([A-Za-z0-9_.\-/]+)", page.read_text()):
            parent = str(Path(m.group(1).rstrip("/")).parent)
            if parent in (".", "") or parent.startswith(("/", "DIR", "$")):
                continue
            seen += 1
            assert parent in folders, (
                f"{page.relative_to(ROOT)}: --out {m.group(1)}: {parent}/ is not in the repository"
            )
    assert seen >= 10  # the README's and the guide's examples were found
