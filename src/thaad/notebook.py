"""The notebook-friendly API: each study in one call, its result as xarray or pandas.

>>> import thaad
>>> fp = thaad.footprint(launch=(39.2, 125.67), grid=60)       # doctest: +SKIP
>>> fp.p_kill.plot()                                             # doctest: +SKIP
>>> mc = thaad.montecarlo(draws=200)                             # doctest: +SKIP
>>> mc.intercept_alt_m.hist()                                    # doctest: +SKIP
>>> sw = thaad.sweep(["lethality.sspk=0.5:0.9:5"], draws=100)   # doctest: +SKIP
>>> sw.p_kill.plot()                                             # doctest: +SKIP
>>> thaad.coverage(rcs_m2=0.01, target_alt_km=100).plot.bar()    # doctest: +SKIP

Each function takes a scenario (a :class:`~thaad.Scenario`, a YAML path, or None for the
default Seongju one) plus ``overrides`` in the ``--set`` form, and runs the same code as the
command of the same name. Studies that write chunks (Monte Carlo, sweep) use ``out`` when
given (and can then be resumed), else a temporary directory that is removed afterwards.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["coverage", "footprint", "montecarlo", "sweep"]


def _scenario(scenario: Any, overrides: list[str] | None) -> Any:
    from thaad.model.scenario import Scenario, load_scenario

    if isinstance(scenario, Scenario):
        if not overrides:
            return scenario
        from thaad.model.scenario import parse_override, set_dotted

        data = scenario.model_dump(by_alias=True)
        for text in overrides:
            key, value = parse_override(text)
            set_dotted(data, key, value)
        return Scenario.model_validate(data)
    return load_scenario(scenario, overrides=list(overrides or []))


def footprint(
    scenario: Any = None, launch: tuple[float, float] = (39.2, 125.67), grid: int = 100,
    extent_km: float = 400.0, mode: str = "kinematic", draws: int = 20,
    threshold: float = 0.5, overrides: list[str] | None = None, workers: int = 0,
):  # fmt: skip
    """The defended footprint as an :class:`xarray.Dataset` over ``latitude`` and
    ``longitude``: ``p_kill`` (NaN where the aim point is out of the threat's reach),
    ``shots`` and ``first_intercept_alt_m``; ``attrs['summary']`` is the JSON summary
    (defended area, each named asset's kill probability, the lethality model).
    ``ds.p_kill.plot()`` draws it."""
    import xarray as xr

    from thaad.analysis.footprint import compute_footprint

    sc = _scenario(scenario, overrides)
    with tempfile.TemporaryDirectory() as d:
        res = compute_footprint(sc, (float(launch[0]), float(launch[1])), grid=grid,
                                extent_km=extent_km, mode=mode, draws=draws,
                                threshold=threshold, workers=workers, progress=False,
                                out=d)  # fmt: skip
    dims = ("latitude", "longitude")
    return xr.Dataset(
        {
            "p_kill": (dims, res.p_kill, {"long_name": "kill probability", "units": "1"}),
            "shots": (dims, res.shots, {"long_name": "interceptor shots"}),
            "first_intercept_alt_m": (dims, res.first_intercept_alt_m, {"units": "m"}),
        },
        coords={"latitude": ("latitude", res.lats, {"units": "degrees_north"}),
                "longitude": ("longitude", res.lons, {"units": "degrees_east"})},
        attrs={"summary": json.dumps(res.summary, default=str), "mode": mode,
               "threshold": threshold},
    )  # fmt: skip


def montecarlo(
    scenario: Any = None, draws: int = 1000, seed: int | None = None,
    overrides: list[str] | None = None, workers: int = 1, out: str | Path | None = None,
):  # fmt: skip
    """Kill probability over ``draws`` dispersed engagements: a :class:`pandas.DataFrame`,
    one row per draw (``intercepted``, ``miss_distance_m``, ``intercept_alt_m``, ...), with
    the summary (``p_kill`` and its 95 % interval, the lethality model) in ``df.attrs``.

    On a battle scenario (``batteries:`` or ``threats:``) each row is one battle of the
    kinematic battle model (:mod:`thaad.analysis.battle`): ``leakers``, ``p_kill`` (the
    fraction of threats killed), ``interceptors_fired`` and ``leakers_at:<asset>``; the
    summary (``mean_leakers``, ``p_zero_leakers``, ``p_kill``, ``mean_interceptors_fired``
    with 95 % intervals) is in ``df.attrs``."""
    from thaad.analysis.montecarlo import read_draws, run_montecarlo

    sc = _scenario(scenario, overrides)
    if out is not None:
        s = run_montecarlo(sc, draws, out, seed=seed, workers=workers, progress=False)
        df = read_draws(out).to_pandas()
    else:
        with tempfile.TemporaryDirectory() as d:
            s = run_montecarlo(sc, draws, Path(d, "mc"), seed=seed, workers=workers,
                               progress=False)  # fmt: skip
            df = read_draws(Path(d, "mc")).to_pandas()
    df.attrs.update(s)
    return df


def sweep(
    vary: list[str], draws: int = 200, scenario: Any = None, seed: int | None = None,
    overrides: list[str] | None = None, zipped: bool = False, workers: int = 1,
    out: str | Path | None = None,
):  # fmt: skip
    """The Monte Carlo over a grid of scenario values (``vary``: ``KEY=SPEC`` as for
    ``thaad sweep``): an :class:`xarray.Dataset` with one dimension per varied key holding
    ``p_kill``, ``p_kill_lo``, ``p_kill_hi``, ``mean_interceptors_fired`` and intercept
    statistics. ``scenario`` must be a path or None here (each point reloads it)."""
    from thaad.analysis.sweep import read_sweep, run_sweep

    if scenario is not None and not isinstance(scenario, str | Path):
        raise TypeError("sweep: scenario must be a YAML path or None")
    kw = dict(scenario=scenario, sets=list(overrides or []), seed=seed, zipped=zipped,
              workers=workers, progress=False)  # fmt: skip
    if out is not None:
        run_sweep(vary, draws, out, **kw)
        return read_sweep(out)
    with tempfile.TemporaryDirectory() as d:
        run_sweep(vary, draws, Path(d, "sweep"), **kw)
        return read_sweep(Path(d, "sweep"))


def coverage(
    scenario: Any = None, rcs_m2: float = 1.0, target_alt_km: float = 100.0,
    mode: str | None = None, boresight_az_deg: float | None = None,
    min_elevation_deg: float | None = None, overrides: list[str] | None = None,
):  # fmt: skip
    """What the radar sees of an object of ``rcs_m2`` at ``target_alt_km``: a
    :class:`pandas.DataFrame` of the covered area by country (km², one row per country code,
    ``sea`` for open water), with every range and setting of the coverage in ``df.attrs``
    (the polygon in ``df.attrs['polygon']``). ``df.plot.bar()`` draws it. The radar's site,
    mode and face default to the scenario's battery."""
    import pandas as pd

    from thaad.analysis.coverage import coverage as _coverage

    sc = _scenario(scenario, overrides)
    site = sc.battery.site
    res = _coverage((site.lat_deg, site.lon_deg, site.alt_m), mode or sc.battery.radar.mode,
                    rcs_m2, target_alt_km, boresight_az_deg=boresight_az_deg,
                    min_elevation_deg=min_elevation_deg, scenario=sc)  # fmt: skip
    areas = res.area_by_country_km2
    df = pd.DataFrame({"area_km2": pd.Series(areas, dtype=float)})
    df.index.name = "country"
    df.attrs.update(res.to_dict())
    df.attrs["polygon"] = res.polygon
    return df
