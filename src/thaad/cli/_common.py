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
