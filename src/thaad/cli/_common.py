"""Argument helpers shared by subcommands."""

from __future__ import annotations

import argparse
import math

MAX_SEED = 2**63 - 1  # numpy's and numba's int64


def latlon(text: str) -> tuple[float, float]:
    """``LAT,LON`` in degrees."""
    parts = text.split(",")
    if len(parts) != 2:
        raise argparse.ArgumentTypeError(f"'{text}' is not LAT,LON")
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not LAT,LON in degrees") from None
    if not -90.0 <= lat <= 90.0:
        raise argparse.ArgumentTypeError(f"latitude {lat} in '{text}' is outside [-90, 90]")
    if not -180.0 <= lon <= 180.0:
        raise argparse.ArgumentTypeError(f"longitude {lon} in '{text}' is outside [-180, 180]")
    return lat, lon


def bounded_int(lo: int, hi: int):
    """An argparse type: a whole number in ``[lo, hi]`` (the error names value and range)."""

    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text[:40]}' is not an integer") from None
        if not lo <= v <= hi:
            raise argparse.ArgumentTypeError(f"{v} is outside the allowed range [{lo}, {hi}]")
        return v

    return parse


MAX_WORKERS = 1024
MAX_DRAWS = 100_000_000


def nonneg_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text[:40]}' is not an integer") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"{v} is negative")
    if v > MAX_SEED:
        raise argparse.ArgumentTypeError(f"{v} is above {MAX_SEED} (2^63 - 1)")
    return v


def dump_yaml(sc) -> str:
    """A validated scenario as the YAML that reproduces it."""
    import yaml

    return yaml.safe_dump(sc.model_dump(mode="json", by_alias=True), sort_keys=False)


def out_dir(args: argparse.Namespace, command: str, sc, default: str | None = None):
    """``--out DIR`` made ready for ``command``: created (its last part only, or the whole
    default path), and refused if another command left output for another scenario there."""
    from thaad.io import check_provenance, output_dir

    parents = default is not None and args.out == default
    out = output_dir(args.out, "--out", parents=parents)
    check_provenance(out, command, sc.digest())
    return out


def record(args: argparse.Namespace, command: str, out, sc, files: list[str]) -> None:
    """Write ``DIR/scenario.yaml`` and this command's entry of ``DIR/provenance.json``."""
    from thaad.io import write_provenance

    write_provenance(
        out,
        command,
        argv=getattr(args, "_argv", None),
        overrides=list(getattr(args, "set", []) or []),
        scenario_yaml=dump_yaml(sc),
        scenario_sha256=sc.digest(),
        seed=sc.seed,
        files=files,
    )


def bounded(lo: float, hi: float):
    """An argparse type: a finite number in ``[lo, hi]`` (the error names value and range)."""

    def parse(text: str) -> float:
        try:
            v = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text[:40]}' is not a number") from None
        if not math.isfinite(v):
            raise argparse.ArgumentTypeError(f"'{text[:40]}' is not a finite number")
        if not lo <= v <= hi:
            raise argparse.ArgumentTypeError(f"{v:g} is outside the allowed range [{lo:g}, {hi:g}]")
        return v

    return parse
