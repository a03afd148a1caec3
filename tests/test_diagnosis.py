"""Why no intercept: read from the threat's true path, the battery's envelope (40-150 km
altitude within 200 km of a launcher), the fly-out times and the track-firm time."""

import pytest

from thaad.analysis.diagnosis import explain_no_intercept
from thaad.analysis.engagement import run
from thaad.model.scenario import load_scenario


def _why(*overrides):
    sc = load_scenario(overrides=list(overrides))
    res = run(sc)
    return res, explain_no_intercept(sc, res.to_dict(), res.history)


def test_an_intercept_needs_no_reason():
    res, why = _why()
    assert res.intercepted and why is None


def test_seoul_is_never_inside_the_envelope():
    """docs/guide/footprint.md: a threat aimed at Seoul is still about 245 km from Seongju
    when it falls below 40 km; no point of its path lies inside the envelope."""
    res, why = _why("threat.aim=Seoul")
    assert not res.intercepted and why.code == "never-in-envelope"
    km = float(why.text.split("comes no closer than ")[1].split(" km")[0])
    assert 230.0 < km < 260.0 and km > 200.0  # beyond the 200 km range at every in-band point


def test_no_track_when_the_radar_never_sees_it():
    res, why = _why("battery.radar.max_range_km=50")
    assert not res.intercepted and why.code == "no-track"
    assert "never detected" in why.text
    # the envelope window is the default engagement's: it contains the T+206 s intercept
    assert why.envelope_from_s < 206.0 < why.envelope_to_s


@pytest.mark.parametrize(("reaction_s", "code"), [(300.0, "track-too-late"),
                                                  (235.0, "too-late-to-reach")])  # fmt: skip
def test_too_late(reaction_s, code):
    res, why = _why(f"battery.fire_control.reaction_s={reaction_s}")
    assert not res.intercepted and why.code == code
    assert why.earliest_launch_s == pytest.approx(why.track_firm_s + reaction_s)
    if code == "track-too-late":  # the earliest launch comes after the threat left
        assert why.earliest_launch_s >= why.envelope_to_s and "no launch in time" in why.text
    else:  # launched while it is still inside, but no interceptor gets there in time
        assert why.earliest_launch_s < why.envelope_to_s and "late by at least" in why.text
