"""A Griffe extension for the API pages: thaad's docstrings are numpydoc with reST roles
(``:func:`name```) and bare doctest lines (``>>> ...``), which Markdown would show as
literal roles and nested quotes. Roles become code, and doctest runs become fenced
``pycon`` blocks, before mkdocstrings renders them."""

from __future__ import annotations

import re

import griffe

ROLE = re.compile(r":(?:func|mod|class|meth|attr|data|obj|exc|ref):`~?([^`]+)`")


def _fence_doctests(text: str) -> str:
    out: list[str] = []
    block: list[str] = []
    indent = ""

    def flush() -> None:
        if block:
            out.extend([f"{indent}```pycon", *block, f"{indent}```"])
            block.clear()

    for line in text.splitlines():
        stripped = line.lstrip()
        if stripped.startswith((">>>", "... ")):
            if not block:
                indent = line[: len(line) - len(stripped)]
            block.append(line)
        else:
            flush()
            out.append(line)
    flush()
    return "\n".join(out)


class RstToMarkdown(griffe.Extension):
    """Rewrite each docstring once, when its object is loaded."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: object) -> None:
        doc = obj.docstring
        if doc is not None:
            doc.value = _fence_doctests(ROLE.sub(r"`\1`", doc.value))
