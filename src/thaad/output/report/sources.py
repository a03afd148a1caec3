"""The scenario-parameter table of the report: each ``--set`` key, its value with units, and
its public source (``thaad/data/parameter_sources.yaml``, generated from ``docs/parameters.md``)."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

__all__ = ["fmt_num", "parameter_rows", "parameter_sources", "source_of"]

SOURCES_FILE = "parameter_sources.yaml"

UNITS = (
    ("_m2ps3", "m²/s³"),
    ("_kgpm2", "kg/m²"),
    ("_mps2", "m/s²"),
    ("_mps", "m/s"),
    ("_m2", "m²"),
    ("_km", "km"),
    ("_deg", "°"),
    ("_mrad", "mrad"),
    ("_urad", "µrad"),
    ("_hz", "Hz"),
    ("_db", "dB"),
    ("_kg", "kg"),
    ("_w", "W"),
    ("_k", "K"),
    ("_s", "s"),
    ("_m", "m"),
)


# ----------------------------------------------------------------------------- parameters


@functools.cache
def parameter_sources() -> dict[str, dict[str, str]]:
    """The shipped table ``scenario key -> {row, section, source}`` (see the file's header)."""
    import yaml

    text = resources.files("thaad.data").joinpath(SOURCES_FILE).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def source_of(key: str) -> dict[str, str] | None:
    """The source entry of a dotted key, or of the nearest section above it."""
    table = parameter_sources()
    parts = key.split(".")
    for n in range(len(parts), 0, -1):
        k = ".".join(parts[:n])
        if k in table:
            return table[k]
    return None


def _unit(key: str) -> str:
    last = key.rsplit(".", 1)[-1]
    for suffix, unit in UNITS:
        if last.endswith(suffix):
            return unit
    return ""


def fmt_num(v: float) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if v != 0.0 and (abs(v) >= 1e6 or abs(v) < 1e-3):
        return f"{v:.6g}"
    return f"{v:,.10g}"


def _fmt_site(d: dict[str, Any]) -> str:
    lat, lon = d.get("lat_deg"), d.get("lon_deg")
    text = f"{abs(lat):.4f}°{'N' if lat >= 0 else 'S'}, {abs(lon):.4f}°{'E' if lon >= 0 else 'W'}"
    if d.get("alt_m"):
        text += f", {fmt_num(d['alt_m'])} m"
    if d.get("name"):
        text = f"{d['name']}: {text}"
    return text


def _is_site(v: Any) -> bool:
    return isinstance(v, dict) and {"lat_deg", "lon_deg"} <= v.keys()


def parameter_rows(scenario: Any) -> list[tuple[str, str, dict[str, str] | None]]:
    """``(key, value as text, source entry)`` for every value of a scenario, in file order.

    Sites (latitude, longitude, height, name) are one row each; a threat cross-section left
    to the class default says so and gives the default.
    """
    data = scenario.model_dump(mode="json", by_alias=True)
    rcs = dict(zip(("rcs_boost_m2", "rcs_rv_m2"), scenario.threat_rcs(), strict=True))
    rows: list[tuple[str, str, dict[str, str] | None]] = []

    def walk(prefix: str, v: Any) -> None:
        if _is_site(v):
            rows.append((prefix, _fmt_site(v), source_of(prefix)))
        elif isinstance(v, dict):
            for k, sub in v.items():
                walk(f"{prefix}.{k}" if prefix else k, sub)
        elif isinstance(v, list):
            if not v:
                rows.append((prefix, "(none)", source_of(prefix)))
            for i, sub in enumerate(v):
                walk(f"{prefix}.{i}", sub)
        else:
            unit = _unit(prefix)
            last = prefix.rsplit(".", 1)[-1]
            if v is None and last in rcs:
                text = f"class default: {fmt_num(rcs[last])} {unit}"
            elif v is None:
                text = "(default)"
            elif isinstance(v, int | float):
                text = f"{fmt_num(v)} {unit}".strip()
            else:
                text = str(v)
            rows.append((prefix, text, source_of(prefix)))

    walk("", data)
    return rows
