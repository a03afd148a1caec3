"""The notebook-friendly API: thaad.analysis.footprint, montecarlo, sweep and coverage return xarray
and pandas objects holding the same numbers as the commands."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import thaad


def test_footprint_is_a_dataset_with_the_closed_form_kill_probabilities():
    ds = thaad.footprint(launch=(39.2, 125.67), grid=12, extent_km=300)
    assert isinstance(ds, xr.Dataset) and ds["p_kill"].dims == ("latitude", "longitude")
    pk, shots = ds["p_kill"].values, ds["shots"].values
    ok = ~np.isnan(pk)
    # the kinematic footprint with a fixed single-shot kill probability: 1 - (1 - p)^shots
    assert ok.any() and np.allclose(pk[ok], 1 - (1 - 0.8) ** shots[ok])


def test_montecarlo_is_a_dataframe_with_its_summary():
    df = thaad.montecarlo(draws=8, overrides=["lethality.model=fixed"])
    assert isinstance(df, pd.DataFrame) and len(df) == 8
    assert list(df["draw"]) == list(range(8))
    assert df.attrs["p_kill"] == pytest.approx(df["intercepted"].mean())


def test_sweep_is_a_dataset_over_the_varied_key():
    ds = thaad.sweep(["lethality.sspk=0.3,0.9"], draws=10, overrides=["lethality.model=fixed"])
    assert ds["p_kill"].dims == ("lethality.sspk",)
    lo, hi = ds["p_kill"].values
    assert lo <= hi  # common random numbers: a higher sspk never loses a kill


def test_coverage_is_a_dataframe_of_areas_by_country():
    df = thaad.coverage(rcs_m2=0.01, target_alt_km=100, mode="forward-based")
    assert df.index.name == "country" and (df["area_km2"] >= 0).all()
    assert df["area_km2"].sum() == pytest.approx(df.attrs["coverage_area_km2"], rel=1e-6)
    assert "KOR" in df.index
