"""MkDocs hooks: the pages that must never drift from the code are filled in at build time.

A page asks for generated content with a marker comment on a line of its own:

- ``<!-- thaad:options COMMAND -->``: the usage line, the option table and the examples of
  ``thaad COMMAND``, read from the argparse parser (:func:`thaad.cli.main.build_parser`);
- ``<!-- thaad:commands -->``: one row per command with its one-line help;
- ``<!-- thaad:scenario -->``: every scenario key with its type, default, bounds and source,
  read from the pydantic schema (:class:`thaad.model.scenario.Scenario`) and
  ``src/thaad/data/parameter_sources.yaml``;
- ``<!-- thaad:modules PACKAGE -->``: a mkdocstrings ``:::`` block for every public module of
  ``PACKAGE`` (``thaad.core``, ...), so a module added or removed shows at the next build;
- ``<!-- thaad:tests -->`` and ``<!-- thaad:benchmarks -->``: the reference tests and the
  benchmarks, from the docstrings of ``tests/test_*.py`` and ``bench/*.py``.

Equations are written as LaTeX (``$...$`` inline, ``$$...$$`` displayed;
``pymdownx.arithmatex`` keeps Markdown out of them) and turned into MathML here, so the site
needs no script and no network to show them. An unknown marker or an equation that does not
convert stops the build.
"""

from __future__ import annotations

import argparse
import ast
import html
import posixpath
import re
import sys
import typing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
if str(SRC) not in sys.path:  # document this tree's code, not an installed copy
    sys.path.insert(0, str(SRC))

MARKER = re.compile(r"^<!-- thaad:(\w+)(?: ([\w.-]+))? -->$", re.MULTILINE)
MATH = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.DOTALL)


# --- markers ----------------------------------------------------------------------------


def on_page_markdown(markdown: str, page, config, files) -> str:
    def fill(m: re.Match) -> str:
        kind, arg = m.group(1), m.group(2)
        if kind == "options":
            return command_section(arg)
        if kind == "commands":
            return commands_table(posixpath.dirname(page.file.src_uri))
        if kind == "scenario":
            return scenario_reference()
        if kind == "threatfile":
            return threatfile_reference()
        if kind == "modules":
            return module_pages(arg)
        if kind == "tests":
            return python_files_section(sorted((ROOT / "tests").glob("test_*.py")), tests=True)
        if kind == "benchmarks":
            return python_files_section(sorted((ROOT / "bench").glob("*.py")), tests=False)
        raise ValueError(f"{page.file.src_uri}: unknown marker thaad:{kind}")

    return MARKER.sub(fill, markdown)


def on_page_content(content: str, page, config, files) -> str:
    from latex2mathml.converter import convert

    def to_mathml(m: re.Match) -> str:
        tag, text = m.group(1), html.unescape(m.group(2)).strip()
        block = tag == "div"
        tex = text[2:-2] if text[:2] in ("\\(", "\\[") else text
        try:
            mathml = convert(tex.strip(), display="block" if block else "inline")
        except Exception as exc:  # latex2mathml raises its own exception types
            raise ValueError(f"{page.file.src_uri}: cannot convert ${tex}$ ({exc})") from None
        return f'<{tag} class="math">{mathml}</{tag}>'

    return MATH.sub(to_mathml, content)


def _cell(text: object) -> str:
    s = " ".join(str(text).split())
    return s.replace("|", "\\|")


# --- the API pages ----------------------------------------------------------------------

# the order a reader meets the modules in (physics bottom-up); modules not listed follow
# alphabetically, listed ones that no longer exist are skipped
MODULE_ORDER = {
    "thaad.core": [
        "constants", "earth", "atmosphere", "flight", "kepler", "threat", "radar", "tracking",
        "association", "tracks", "scene", "interceptor", "guidance", "seeker", "firecontrol",
        "doctrine", "engagement", "footprint", "linalg",
    ],
    "thaad.model": ["scenario", "catalog", "shapes", "geo"],
    "thaad.analysis": ["engagement", "montecarlo", "sweep", "footprint", "coverage", "track"],
    "thaad.output": ["rundir", "text", "maps", "plots", "report", "export", "viewer"],
}  # fmt: skip


def module_pages(package: str) -> str:
    folder = SRC.joinpath(*package.split("."))
    if not (folder / "__init__.py").exists():
        raise ValueError(f"{package} is not a package under src/")
    names = [p.stem for p in folder.glob("*.py") if not p.stem.startswith("_")]
    rank = {n: i for i, n in enumerate(MODULE_ORDER.get(package, []))}
    names.sort(key=lambda n: (rank.get(n, len(rank)), n))
    return "\n".join(f"::: {package}.{n}\n" for n in names)


# --- the command line -------------------------------------------------------------------


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    from thaad.cli.main import build_parser

    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise ValueError("thaad.cli.main.build_parser has no subcommands")


def _helps() -> dict[str, str]:
    from thaad.cli.main import build_parser

    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return {a.dest: a.help or "" for a in action._choices_actions}
    return {}


def commands_table(page_dir: str) -> str:
    helps = _helps()
    rows = ["| command | what it does |", "|---|---|"]
    for name in _subparsers():
        link = posixpath.relpath(f"guide/{name}.md", page_dir or ".")
        rows.append(f"| [`thaad {name}`]({link}) | {_cell(helps.get(name, ''))} |")
    return "\n".join(rows) + "\n"


_TYPES = {"int": "integer", "float": "number", "nonneg_int": "integer >= 0"}


def _value(action: argparse.Action) -> str:
    if action.nargs == 0:
        return ""
    if action.choices is not None:
        return " \\| ".join(f"`{c}`" for c in action.choices)
    text = f"`{action.metavar or (action.dest or '').upper()}`"
    kind = _TYPES.get(getattr(action.type, "__name__", ""), "")
    return f"{text} ({kind})" if kind else text


def _default(action: argparse.Action) -> str:
    d = action.default
    if action.nargs == 0 or d is None or d is argparse.SUPPRESS:
        return ""
    if isinstance(d, list):
        return "" if not d else ", ".join(f"`{x}`" for x in d)
    return f"`{d}`"


def command_section(name: str) -> str:
    subs = _subparsers()
    if name not in subs:
        raise ValueError(f"thaad has no command '{name}' (known: {', '.join(subs)})")
    p = subs[name]
    fmt = p.formatter_class(prog=p.prog, width=72)
    fmt.add_usage(p.usage, p._actions, p._mutually_exclusive_groups, prefix="")
    out = [f"```text\n{fmt.format_help().strip()}\n```\n"]
    if p.description:
        out.append(_cell(p.description) + "\n")
    rows = ["| option | value | default | meaning |", "|---|---|---|---|"]
    for a in p._actions:
        if isinstance(a, argparse._HelpAction):
            continue
        opt = ", ".join(f"`{o}`" for o in a.option_strings) or f"`{a.metavar or a.dest}`"
        meaning = a.help or ""
        if a.option_strings and a.required:
            meaning = f"**required.** {meaning}"
        elif not a.option_strings:
            meaning = f"positional{' (optional)' if a.nargs == '?' else ''}. {meaning}"
        if isinstance(a, argparse._AppendAction):
            meaning += " (repeatable)"
        rows.append(f"| {opt} | {_value(a)} | {_default(a)} | {_cell(meaning)} |")
    out.append("\n".join(rows) + "\n")
    if p.epilog:
        out.append("Examples (from `thaad " + name + " --help`):\n")
        out.append(
            "```text\n" + "\n".join(ln.strip() for ln in p.epilog.splitlines()[1:]) + "\n```\n"
        )
    return "\n".join(out)


# --- the scenario schema ----------------------------------------------------------------


def _type_name(ann: object) -> str:
    origin = typing.get_origin(ann)
    args = typing.get_args(ann)
    if origin is typing.Literal:
        return " \\| ".join(f'`"{a}"`' if isinstance(a, str) else f"`{a}`" for a in args)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        parts = [_type_name(a) for a in args if a is not type(None)]
        return " \\| ".join(parts) + (" or `null`" if type(None) in args else "")
    if origin is list:
        return f"list of {_type_name(args[0])}" if args else "list"
    if isinstance(ann, type):
        return {"float": "number", "int": "integer", "bool": "`true` \\| `false`"}.get(
            ann.__name__, ann.__name__
        )
    return str(ann)


def _bounds(field) -> str:
    from thaad.model.scenario import field_range

    rng = field_range(field)
    if rng is not None:  # the schema's own allowed range, as the error messages state it
        return f"`{rng}`"
    parts = []
    for m in field.metadata:
        for attr, sym in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            v = getattr(m, attr, None)
            if v is not None:
                parts.append(f"{sym} {v:.10g}" if isinstance(v, float | int) else f"{sym} {v}")
    return ", ".join(parts)


def _default_text(d: object) -> str:
    from pydantic import BaseModel
    from pydantic_core import PydanticUndefined

    if d is PydanticUndefined:
        return "required"
    if isinstance(d, BaseModel):
        return ""
    if d is None:
        return "`null`"
    if isinstance(d, bool):
        return f"`{str(d).lower()}`"
    if isinstance(d, str):
        return f'`"{d}"`' if d else '`""`'
    if isinstance(d, list):
        return "`[]`" if not d else f"`{d}`"
    if isinstance(d, float):
        return f"`{d:.10g}`"
    return f"`{d}`"


def _sources() -> dict:
    import yaml

    path = SRC / "thaad" / "data" / "parameter_sources.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _source_for(key: str, sources: dict) -> dict | None:
    parts = key.split(".")
    for i in range(len(parts), 0, -1):
        hit = sources.get(".".join(parts[:i]))
        if hit:
            return hit
    return None


def threatfile_reference() -> str:
    """Every key of a threat file, from its pydantic schema (``thaad.model.threatfile``)."""
    from pydantic import BaseModel

    from thaad.model.threatfile import ThreatFileSpec

    out: list[str] = []

    def walk(model: type, prefix: str) -> None:
        nested = []
        out.append(f"## {prefix or 'top level'}\n")
        out.append("| key | type | default | bounds |")
        out.append("|---|---|---|---|")
        for name, field in model.model_fields.items():
            sub = None
            for a in (field.annotation, *typing.get_args(field.annotation)):
                if isinstance(a, type) and issubclass(a, BaseModel):
                    sub = a
            key = f"{prefix}.{name}" if prefix else name
            if sub is not None:
                nested.append((key, sub))
            default = "required" if field.is_required() else _default_text(field.get_default(
                call_default_factory=True))  # fmt: skip
            out.append(f"| `{name}` | {_type_name(field.annotation)} | {default} | "
                       f"{_bounds(field)} |")  # fmt: skip
        out.append("")
        for key, sub in nested:
            walk(sub, key)

    walk(ThreatFileSpec, "")
    return "\n".join(out)


def scenario_reference() -> str:
    from markdown.extensions.toc import slugify
    from pydantic import BaseModel

    from thaad.model.scenario import Scenario

    sources = _sources()
    sections: list[tuple[str, type, list[str]]] = []

    def model_of(ann: object) -> type | None:
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            return ann
        for a in typing.get_args(ann):
            if isinstance(a, type) and issubclass(a, BaseModel):
                return a
        return None

    def walk(model: type, prefix: str, instance: BaseModel | None) -> None:
        """One table per section; defaults from the default instance of the enclosing
        section (``battery.site`` defaults to Seongju, ``threat.aim`` to Daegu)."""
        rows: list[str] = []
        nested: list[tuple[str, type, BaseModel | None]] = []
        sections.append((prefix, model, rows))
        for name, field in model.model_fields.items():
            default = getattr(instance, name) if instance is not None else field.default
            key_name = field.alias or name
            key = f"{prefix}.{key_name}" if prefix else key_name
            sub = model_of(field.annotation)
            if sub is not None and typing.get_origin(field.annotation) is not list:
                nested.append((key, sub, default))
                rows.append(f"| `{key_name}` | section: [{key}](#{slugify(key, '-')}) | | | |")
                continue
            src = _source_for(key, sources)
            if field.description:
                text = field.description
            elif src:
                text = src.get("source", "")
                if src.get("row"):
                    anchor = slugify(src.get("section", ""), "-")
                    text = f"*{src['row']}* ([parameters](parameters.md#{anchor})): {text}"
            else:
                text = ""
            type_text = _type_name(field.annotation)
            if sub is not None:  # a list of sections (assets)
                type_text = f"list of [{sub.__name__}](#{slugify(key, '-')})"
                nested.append((key, sub, None))
            rows.append(
                f"| `{key_name}` | {type_text} | {_default_text(default)} | {_bounds(field)} "
                f"| {_cell(text)} |"
            )
        for key, sub, inst in nested:
            walk(sub, key, inst)

    walk(Scenario, "", Scenario())
    out = []
    for prefix, model, rows in sections:
        title = prefix or "top level"
        out.append(f"## {title}\n")
        doc = (model.__doc__ or "").strip()
        if doc and not doc.startswith(("A base class", "Usage docs")):
            out.append(_cell(doc) + "\n")
        out.append("| key | type | default | bounds | source or meaning |")
        out.append("|---|---|---|---|---|")
        out.extend(rows)
        out.append("")
    return "\n".join(out)


# --- tests and benchmarks ---------------------------------------------------------------


def _rst_to_md(text: str) -> str:
    """Docstrings use reST roles; keep their text as code."""
    text = re.sub(r":(?:func|mod|class|meth|attr|data):`~?([^`]+)`", r"`\1`", text)
    return text


def _first_paragraph(doc: str) -> str:
    return " ".join(doc.strip().split("\n\n")[0].split())


def python_files_section(paths: list[Path], tests: bool) -> str:
    out = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        doc = ast.get_docstring(tree) or ""
        rel = path.relative_to(ROOT).as_posix()
        out.append(f"### `{rel}`\n")
        if doc:
            out.append(_indent_safe(_rst_to_md(doc)) + "\n")
        if tests:
            funcs = [
                n
                for n in ast.walk(tree)
                if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
                and n.name.startswith("test_")
            ]
            if funcs:
                out.append(f"{len(funcs)} test{'' if len(funcs) == 1 else 's'}:\n")
                for f in funcs:
                    d = ast.get_docstring(f)
                    what = f": {_first_paragraph(_rst_to_md(d))}" if d else ""
                    out.append(f"- `{f.name}`{what}")
                out.append("")
    return "\n".join(out)


def _indent_safe(doc: str) -> str:
    """Docstring text as Markdown: numpydoc underlined headings become bold lines, and
    indented formula lines become code blocks (they are already aligned text)."""
    lines = doc.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        if i + 1 < len(lines) and re.fullmatch(r"-{3,}", lines[i + 1].strip()) and ln.strip():
            out.append(f"**{ln.strip()}**")
            i += 2
            continue
        out.append(ln)
        i += 1
    text = "\n".join(out)
    # a run of lines indented by 4+ spaces after a blank line is a code block in Markdown
    # already; make sure a blank line precedes each such run
    return re.sub(r"(\S)\n( {4,}\S)", r"\1\n\n\2", text)


# --- notebooks ----------------------------------------------------------------------------

_NB_NETWORK = (
    # nbconvert's template: a MathJax loader with an empty address and its configuration
    re.compile(r"<!-- Load mathjax -->\s*<script src=\"\">\s*</script>", re.S),
    re.compile(r"<!-- MathJax configuration -->\s*<script type=\"text/x-mathjax-config\">"
               r".*?</script>\s*<!-- End of mathjax configuration -->", re.S),
    # and a Mermaid loader that would import its library from a CDN
    re.compile(r"<script type=\"module\">(?:(?!</script>).)*?mermaid.*?</script>", re.S),
)  # fmt: skip


def on_post_page(output: str, page, config) -> str:
    """Strip from the executed notebooks' pages the template's scripts that would reach the
    network (MathJax and Mermaid from a CDN): nothing on the site loads from outside."""
    if not page.file.src_uri.endswith(".ipynb"):
        return output
    for pat in _NB_NETWORK:
        output = pat.sub("", output)
    return output
