"""Text: the engagement timeline as ``thaad run`` prints it and the report shows it."""

from __future__ import annotations

__all__ = ["event_details", "format_event"]


def event_details(e: dict) -> str:
    """The details of one event of ``result.json`` as text (used by the report too)."""
    bits = []
    if "interceptor" in e:
        bits.append(f"#{e['interceptor']}")
    if "launcher" in e:
        bits.append(f"from launcher {e['launcher']}")
    if "track" in e:
        bits.append(f"track {e['track']} (on the {e['object']})")
    elif "object" in e:
        bits.append(f"on the {e['object']}")
    if "threat_alt_m" in e:
        bits.append(f"threat at {e['threat_alt_m'] / 1e3:.1f} km")
    if "range_m" in e:
        bits.append(f"range {e['range_m'] / 1e3:.1f} km")
    if "speed_mps" in e:
        bits.append(f"{e['speed_mps']:.0f} m/s")
    if "miss_distance_m" in e:
        bits.append(f"miss {e['miss_distance_m']:.3f} m")
    if "alt_m" in e:
        bits.append(f"alt {e['alt_m'] / 1e3:.1f} km")
    if "ground_range_m" in e:
        bits.append(f"{e['ground_range_m'] / 1e3:.1f} km from the battery")
    if "lat_deg" in e:
        bits.append(f"at {e['lat_deg']:.3f}N {e['lon_deg']:.3f}E")
    return ", ".join(bits)


def format_event(e: dict) -> str:
    kind = e["kind"].replace("_", " ")
    return f"  T+{e['t_s']:8.2f} s  {kind:<22s} {event_details(e)}"
