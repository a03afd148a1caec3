"""The report's HTML: the style sheet, the sections (engagement, Monte Carlo, footprint,
coverage, parameters, reproduce) and :func:`build_report` / :func:`write_report`."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

import numpy as np

from thaad.output.report.figures import (
    altitude_figure,
    battle_altitude_figure,
    battle_map_figure,
    footprint_figure,
    geojson_figure,
    map_figure,
    parquet_figure,
    timeline_figure,
    tracking_figure,
)
from thaad.output.report.sources import fmt_num, parameter_rows
from thaad.output.report.tables import (
    COVERAGE_KEYS,
    FOOTPRINT_KEYS,
    MONTECARLO_KEYS,
    coverage_rows,
    footprint_rows,
    montecarlo_rows,
    other_rows,
)
from thaad.output.rundir import Run, finite, load_run
from thaad.version import __version__

REPORT_FILE = "report.html"

CSS = """
:root { --ink:#1c2833; --muted:#5d6d7e; --rule:#d5dbdb; --accent:#1f5fa8; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", sans-serif;
  color: var(--ink); margin: 0; background: #f4f6f7; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 28px 60px; background: white; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 10px; padding-top: 8px; border-top: 2px solid var(--rule); }
.sub { color: var(--muted); margin: 0 0 16px; }
.outcome { font-size: 18px; font-weight: 600; padding: 10px 14px; border-radius: 6px;
  margin: 12px 0; }
.outcome.ok { background: #e9f7ef; border-left: 5px solid #1e8449; }
.outcome.bad { background: #fdedec; border-left: 5px solid #c0392b; }
.why { background: #fef9e7; border-left: 5px solid #b7950b; padding: 8px 14px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 10px; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: 8px 12px; }
.card b { display: block; font-size: 18px; }
.card span { color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; margin: 8px 0; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px;
  border-bottom: 1px solid var(--rule); }
th { background: #eaf0f6; }
tr:nth-child(even) td { background: #fafbfc; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; }
pre { background: #f8f9f9; border: 1px solid var(--rule); padding: 10px; overflow-x: auto; }
figure { margin: 12px 0; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { color: var(--muted); font-size: 13px; }
nav { font-size: 14px; margin: 8px 0 0; }
nav a { margin-right: 12px; color: var(--accent); }
.missing { color: #a04000; }
table.rows th { width: 38%; background: #f4f6f7; font-weight: 500; }
#parameters td:nth-child(1) { width: 30%; } #parameters td:nth-child(2) { width: 22%; }
footer { color: var(--muted); font-size: 13px; margin-top: 40px; }
"""


def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _md(text: str) -> str:
    """Escape text and render the inline Markdown of docs/parameters.md (*italic*, `code`)."""
    s = _e(text)
    s = re.sub(r"`([^`]+)`", r"<code>\1</code>", s)
    return re.sub(r"\*([^*]+)\*", r"<i>\1</i>", s)


def _figure_html(uri: str, alt: str, caption: str, fig_id: str) -> str:
    return (
        f'<figure id="{fig_id}"><img src="{uri}" alt="{_e(alt)}">'
        f"<figcaption>{caption}</figcaption></figure>"
    )


def _flatten(d: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(d, dict):
        out = []
        for k, v in d.items():
            out += _flatten(v, f"{prefix}.{k}" if prefix else str(k))
        return out
    if isinstance(d, list) and d and all(isinstance(v, dict) for v in d):
        out = []
        for i, v in enumerate(d):
            label = v.get("name", i) if isinstance(v, dict) else i
            out += _flatten({kk: vv for kk, vv in v.items() if kk != "name"}, f"{prefix}.{label}")
        return out
    return [(prefix, d)]


def _kv_table(pairs: list[tuple[str, Any]], cls: str = "") -> str:
    rows = []
    for k, v in pairs:
        if isinstance(v, float):
            text = fmt_num(v)
        elif isinstance(v, list) and all(isinstance(x, int | float) for x in v):
            text = ", ".join(fmt_num(x) for x in v)
        else:
            text = str(v)
        rows.append(f'<tr><td><code>{_e(k)}</code></td><td class="num">{_e(text)}</td></tr>')
    return f'<table class="{cls}"><tr><th>key</th><th>value</th></tr>{"".join(rows)}</table>'


def _engagement_html(run: Run, nav: list[tuple[str, str]]) -> list[str]:
    from thaad.output.text import event_details

    res = run.result
    th = res["threat"]
    out = []
    if res["intercepted"]:
        headline = (
            f"INTERCEPT at {res['intercept_alt_m'] / 1e3:.1f} km altitude, "
            f"{res['intercept_ground_range_m'] / 1e3:.1f} km from the battery, miss distance "
            f"{res['miss_distance_m']:.3f} m; {res['interceptors_fired']} interceptor(s) fired"
        )
    else:
        miss = res.get("miss_distance_m")
        extra = f" (closest miss {miss:.2f} m)" if finite(miss) else ""
        headline = f"NO INTERCEPT{extra}; {res['interceptors_fired']} interceptor(s) fired"
    cls = "ok" if res["intercepted"] else "bad"
    out.append(f'<p class="outcome {cls}" id="outcome">{_e(headline)}</p>')
    if run.scenario is not None:
        out.append(f'<p class="sub" id="lethality">Lethality: {_e(_lethality_of(run, {}))}.</p>')
    why = None
    if not res["intercepted"] and run.scenario is not None:
        from thaad.analysis.diagnosis import explain_no_intercept

        why = explain_no_intercept(run.scenario, res, run.history)
        if why is not None:
            out.append(f'<p class="why" id="why"><b>Why:</b> {_e(why.text)}.</p>')
    cards = [
        (f"{th['apogee_alt_m'] / 1e3:.1f} km", "threat apogee"),
        (f"{th['impact_time_s']:.1f} s", "threat flight time (unopposed)"),
    ]
    if finite(th.get("burnout_speed_mps")):
        cards.append((f"{th['burnout_speed_mps']:,.0f} m/s", "threat burnout speed"))
    det = [e for e in res["events"] if e["kind"] == "first_detection"]
    if det and finite(det[0].get("range_m")):
        cards.append(
            (f"{det[0]['range_m'] / 1e3:.0f} km at T+{det[0]['t_s']:.1f} s", "first detection")
        )
    if res["intercepted"]:
        cards.append((f"T+{res['intercept_time_s']:.2f} s", "intercept time"))
        cards.append(
            (
                f"{res['intercept_lat_deg']:.3f}°N {res['intercept_lon_deg']:.3f}°E",
                "intercept point",
            )
        )
    out.append(
        '<div class="cards">'
        + "".join(f'<div class="card"><b>{_e(a)}</b><span>{_e(b)}</span></div>' for a, b in cards)
        + "</div>"
    )
    if th.get("file"):  # a user's threat file: name it and its sources
        body = "" if th.get("separates", True) else " (the payload does not separate)"
        out.append(
            f'<p class="threat-file">Threat <b>{_e(th["class"])}</b> from the threat file '
            f"<code>{_e(th['file'])}</code>{_e(body)}. Source: {_e(th.get('source', ''))}</p>"
        )

    nav.append(("timeline", "Timeline"))
    out.append('<h2 id="timeline">Engagement timeline</h2>')
    out.append(
        _figure_html(
            timeline_figure(run),
            "engagement timeline chart",
            "Bars: the threat's boost and free flight, the radar's track "
            "initiation and firm track, each interceptor's boost and flight. "
            "Markers: the events below.",
            "fig-timeline",
        )
    )
    rows = []
    for n, e in enumerate(res["events"], start=1):
        try:
            detail = event_details(e)
        except (KeyError, TypeError, ValueError):
            detail = ", ".join(f"{k}={v}" for k, v in e.items() if k not in ("t_s", "kind"))
        rows.append(
            f'<tr><td class="num">{n}</td><td class="num">{e["t_s"]:.2f}</td>'
            f"<td>{_e(str(e['kind']).replace('_', ' '))}</td><td>{_e(detail)}</td></tr>"
        )
    out.append(
        '<table id="events"><tr><th>#</th><th>T+ (s)</th><th>event</th><th>details</th>'
        f"</tr>{''.join(rows)}</table>"
    )

    nav.append(("trajectories", "Trajectories"))
    out.append('<h2 id="trajectories">Altitude and ground tracks</h2>')
    out.append(
        _figure_html(
            altitude_figure(run, why),
            "altitude against time",
            "Altitude above the Earth model of the run "
            f"({_e(run.scenario.models.earth)}) against time. The shaded band "
            "is the fire control's intercept-altitude envelope."
            + (f" <b>No intercept:</b> {_e(why.text)}." if why is not None else ""),
            "fig-altitude",
        )
    )
    cov = run.radar_coverage
    out.append(
        _figure_html(
            map_figure(run),
            "ground tracks on a map",
            f"Ground tracks over Natural Earth coastlines and borders. Green: the radar face's "
            f"field of view, ±{cov['half_fov_deg']:g}° about {cov['boresight_az_deg']:g}°, out to "
            f"{cov['range_m'] / 1e3:,.0f} km, the range at which the radar equation detects the "
            f"reentry vehicle's {cov['rcs_m2']:g} m² (minimum elevation "
            f"{cov['min_elevation_deg']:g}° and the horizon limit it further at low altitude).",
            "fig-map",
        )
    )

    tk = run.tracking
    if len(tk["t_s"]):
        nav.append(("tracking", "Tracking"))
        inside = float(np.mean(tk["error_m"] <= 3 * tk["sigma_m"]))
        ok = np.isfinite(tk["nis"])
        mean_nis = float(np.mean(tk["nis"][ok])) if ok.any() else float("nan")
        ratio = float(np.mean((tk["error_m"] / tk["sigma_m"]) ** 2))
        out.append('<h2 id="tracking">Tracking error</h2>')
        out.append(
            _figure_html(
                tracking_figure(run),
                "tracking error with 3-sigma bounds",
                f"Top: the distance between the radar track and the true threat position "
                f"(truth interpolated with cubic Hermite polynomials), with the filter's own "
                f"σ = √(trace of the position covariance), the RMS of that distance if the filter "
                f"is consistent. {inside:.1%} of the {len(tk['t_s'])} track points lie inside 3σ; "
                f"the mean of (error/σ)² is {ratio:.2f} (1 for a consistent filter). Bottom: "
                f"normalised innovation squared of each update, mean {mean_nis:.2f} (3 expected).",
                "fig-tracking",
            )
        )
    return out


def _pk_table_html(table: list[dict[str, Any]], nav: list[tuple[str, str]],
                   prefix: str = "battle") -> list[str]:  # fmt: skip
    """The single-shot kill probability each battery's shots were drawn at, per threat entry
    (``pk_table`` of a battle's result or Monte Carlo summary): its value, 95 % interval and
    source; ``prefix`` names its ids."""
    nav.append((f"{prefix}-pk-h", "Pk per shot"))
    rows = []
    for r in table:
        pk, ci = r.get("pk"), r.get("pk_ci95")
        miss = r.get("miss_median_m")
        flown = f"{r['kills']} of {r['fired']}" if r.get("draws") else "–"
        rows.append(
            f"<tr><td>{_e(r['battery'])}</td><td>{_e(r['threat'])}</td>"
            f'<td class="num">{"–" if pk is None else f"{pk:.3f}"}</td>'
            f'<td class="num">{"–" if not ci else f"{ci[0]:.3f}-{ci[1]:.3f}"}</td>'
            f'<td class="num">{flown}</td>'
            f'<td class="num">{r.get("no_shot", 0) if r.get("draws") else "–"}</td>'
            f'<td class="num">{"–" if not finite(miss) else f"{miss * 100:.1f} cm"}</td>'
            f"<td>{_e(r['source'])}</td></tr>"
        )
    return [
        f'<h2 id="{prefix}-pk-h">Pk per shot, by battery and threat entry</h2>',
        '<p class="why">Each battery\'s single-shot kill probability against each threat '
        "entry, as the battle drew its shots: flown (single-shot engagements of the pair with "
        "the staged core and the scenario's dispersions; kills of the draws that fired, with "
        "the 95 % Wilson interval; draws that fired no shot are counted apart) or the stated "
        "sspk.</p>",
        f'<table id="{prefix}-pk"><tr><th>battery</th><th>threat entry</th><th>Pk</th>'
        "<th>95 % interval</th><th>kills of shots flown</th><th>draws with no shot</th>"
        f"<th>median miss</th><th>source</th></tr>{''.join(rows)}</table>",
    ]


def _battle_html(run: Run, nav: list[tuple[str, str]]) -> list[str]:
    """A battle run: the outcome, each threat's and each battery's table, the map and
    altitudes of every threat with every shot, and the timeline (kinematic battle model)."""
    res = run.result
    model = res.get("model", "kinematic battle model")
    n = len(res["threats"])
    verdict = "NO LEAKERS" if res["intercepted"] else f"{res['leakers']} LEAKER(S)"
    headline = (f"{verdict} of {n} threats; {res['interceptors_fired']} interceptor(s) fired "
                f"({model})")  # fmt: skip
    cls = "ok" if res["intercepted"] else "bad"
    out = [f'<p class="outcome {cls}" id="outcome">{_e(headline)}</p>']
    if res.get("assumptions"):
        out.append(
            f'<p class="why" id="battle-model"><b>The {_e(model)}:</b> '
            f"{_e(res['assumptions'])}. The battle's interceptors are not flown: each is "
            "drawn as the segment from its launcher to its planned intercept point.</p>"
        )
    if res.get("pk_table"):
        out += _pk_table_html(res["pk_table"], nav)
    nav.append(("battle-threats-h", "Threats"))
    out.append('<h2 id="battle-threats-h">Threats</h2>')
    rows = []
    for th in res["threats"]:
        alt = th.get("intercept_alt_m")
        ti = th.get("intercept_time_s")
        rows.append(
            f"<tr><td>{_e(th['id'])}</td><td>{_e(th['class'])}</td><td>{_e(th['aim'])}</td>"
            f"<td>{_e(th.get('asset', ''))}</td>"
            f"<td>{'yes' if th['intercepted'] else 'no (leaker)'}</td>"
            f'<td class="num">{th["interceptors_fired"]}</td>'
            f'<td class="num">{"–" if not finite(alt) else f"{alt / 1e3:.1f} km"}</td>'
            f'<td class="num">{"–" if not finite(ti) else f"T+{ti:.1f} s"}</td>'
            f"<td>{_e(th.get('battery') or '–')}</td><td>{_e(th.get('tier') or '–')}</td></tr>"
        )
    out.append(
        '<table id="battle-threats"><tr><th>threat</th><th>class</th><th>aim</th>'
        "<th>asset</th><th>intercepted</th><th>interceptors fired</th>"
        "<th>intercept altitude</th><th>intercept time</th><th>battery</th><th>tier</th></tr>"
        f"{''.join(rows)}</table>"
    )
    nav.append(("battle-batteries-h", "Batteries"))
    out.append('<h2 id="battle-batteries-h">Batteries and inventory</h2>')
    rows = []
    for b in res["batteries"]:
        rev = fmt_num(b["max_revisit_s"]) if finite(b.get("max_revisit_s")) else "–"
        rows.append(
            f"<tr><td>{_e(b['name'])}</td><td>{_e(b['tier'])}</td>"
            f'<td class="num">{b["rounds"]}</td><td class="num">{b["interceptors_fired"]}</td>'
            f'<td class="num">{b["interceptors_left"]}</td>'
            f'<td class="num">{b.get("threats_detected", "–")}</td>'
            f'<td class="num">{b.get("threats_engageable", "–")}</td>'
            f'<td class="num">{b.get("tracks_dropped", "–")}</td>'
            f'<td class="num">{b.get("shots_lost_to_launch_rate", "–")}</td>'
            f'<td class="num">{rev}</td></tr>'
        )
    out.append(
        '<table id="battle-batteries"><tr><th>battery</th><th>tier</th><th>rounds</th>'
        "<th>fired</th><th>left</th><th>threats detected</th><th>threats engageable</th>"
        "<th>tracks dropped</th><th>shots lost to the launch rate</th>"
        f"<th>longest track revisit (s)</th></tr>{''.join(rows)}</table>"
    )
    nav.append(("battle-map-h", "Map"))
    out.append('<h2 id="battle-map-h">Threat paths, shots and intercepts</h2>')
    out.append(_figure_html(
        battle_map_figure(run), "battle map",
        "Each threat's ground track to its intercept or impact (leakers bold, with a cross at "
        "impact); stars: intercept points; white circles: the planned points of shots that "
        "missed; dashed: each interceptor as the segment from its launcher to its planned "
        f"intercept point ({_e(model)}: no interceptor is flown).", "fig-battle-map"))  # fmt: skip
    out.append(_figure_html(
        battle_altitude_figure(run), "threat altitudes",
        "Altitude of every threat against time after the first launch, with each shot's "
        "planned intercept point.", "fig-battle-altitude"))  # fmt: skip
    nav.append(("timeline", "Timeline"))
    out.append('<h2 id="timeline">Battle timeline</h2>')
    rows = []
    for k, e in enumerate(res["events"], start=1):
        who = e.get("threat", "")
        if e.get("battery"):
            who += f" by {e['battery']}"
        if e.get("asset"):
            who += f" at {e['asset']}"
        if finite(e.get("alt_m")):
            who += f", planned at {e['alt_m'] / 1e3:.1f} km"
        kind = _e(str(e["kind"]).replace("_", " "))
        rows.append(f'<tr><td class="num">{k}</td><td class="num">{e["t_s"]:.2f}</td>'
                    f"<td>{kind}</td><td>{_e(who)}</td></tr>")  # fmt: skip
    out.append('<table id="events"><tr><th>#</th><th>T+ (s)</th><th>event</th><th>details</th>'
               f"</tr>{''.join(rows)}</table>")  # fmt: skip
    return out


def _assets_table(assets: dict[str, Any]) -> str:
    """The footprint summary's per-asset kill probabilities as a table."""
    rows = []
    for name, a in assets.items():
        if not isinstance(a, dict):
            continue
        pk = a.get("p_kill")
        alt = a.get("first_intercept_alt_m")
        verdict = (
            "defended"
            if a.get("defended")
            else ("not threatened" if a.get("threatened") is False else "not defended")
        )
        rows.append(
            f'<tr><td>{_e(name)}</td><td class="num">{"–" if pk is None else f"{pk:.3f}"}</td>'
            f'<td>{_e(verdict)}</td><td class="num">'
            f"{'–' if not finite(alt) else f'{alt / 1e3:.1f} km'}</td></tr>"
        )
    return ('<table id="assets"><tr><th>asset</th><th>P(kill)</th><th>verdict</th>'
            f"<th>first intercept altitude</th></tr>{''.join(rows)}</table>")  # fmt: skip


def _rows_table(rows: list[tuple[str, str]], table_id: str = "") -> str:
    """Labelled rows (label, value with its unit) as a two-column table."""
    body = "".join(f'<tr><th scope="row">{_e(k)}</th><td>{_e(v)}</td></tr>' for k, v in rows)
    tid = f' id="{table_id}"' if table_id else ""
    return f'<table class="rows"{tid}>{body}</table>'


def _other_values(d: dict[str, Any], known: set[str], label: str) -> str:
    rest = other_rows(d, known)
    if not rest:
        return ""
    return (f"<details><summary>Other values in <code>{_e(label)}</code></summary>"
            f"{_rows_table(rest)}</details>")  # fmt: skip


def _lethality_of(run: Run, s: dict[str, Any], kinematic: bool = False) -> str | None:
    """The lethality model of a summary: its own ``lethality``, else from scenario.yaml."""
    if s.get("lethality"):
        return str(s["lethality"])
    if run.scenario is None:
        return None
    from thaad.analysis.engagement import lethality_text

    return lethality_text(run.scenario, kinematic=kinematic)


def _analysis_html(run: Run, nav: list[tuple[str, str]]) -> list[str]:
    """Monte Carlo (montecarlo.json with p_kill, draws/*.parquet), footprint (footprint.nc,
    footprint.json with defended_area_km2, footprint.geojson) and coverage (other GeoJSON,
    coverage.json) sections, each only when its files are in the directory."""
    out: list[str] = []
    mc, fp = run.montecarlo, run.footprint
    s = mc or {}
    is_fp = run.footprint_file is not None or fp is not None
    if run.parquet_files or mc is not None:
        nav.append(("montecarlo", "Monte Carlo"))
        out.append('<h2 id="montecarlo">Monte Carlo</h2>')
        if s.get("battle") and finite(s.get("mean_leakers")):
            out.append(f'<p class="outcome ok">Mean leakers {s["mean_leakers"]:.3f} per '
                       f"battle, P(no leaker) {s.get('p_zero_leakers', float('nan')):.3f} over "
                       f"{s.get('draws', 0):,} draws ({_e(s.get('model', ''))})</p>")  # fmt: skip
        elif finite(s.get("p_kill")):
            ci = s.get("p_kill_ci95")
            ci_text = (f" (95 % interval {ci[0]:.3f} to {ci[1]:.3f})"
                       if isinstance(ci, list) and len(ci) == 2 and all(map(finite, ci))
                       else "")  # fmt: skip
            draws = f" over {s['draws']:,} draws" if isinstance(s.get("draws"), int) else ""
            leth = _lethality_of(run, s)
            leth = f"; {leth}" if leth else ""
            out.append(f'<p class="outcome ok">Kill probability {s["p_kill"]:.3f}'
                       f"{_e(ci_text)}{_e(draws)}{_e(leth)}</p>")  # fmt: skip
        if mc is not None:
            rows = montecarlo_rows({**s, "lethality": _lethality_of(run, s)})
            out.append(_rows_table(rows, "mc-summary"))
            out.append(_other_values(s, MONTECARLO_KEYS, run.summary_files["montecarlo"]))
            if s.get("pk_table"):
                out += _pk_table_html(s["pk_table"], nav, "mc")
        if run.parquet_files:
            uri, n, names = parquet_figure(run.parquet_files)
            files = run.parquet_files[0].relative_to(run.path).as_posix()
            more = f" and {len(run.parquet_files) - 1} more" if len(run.parquet_files) > 1 else ""
            out.append(f"<p>Per-draw results: {n:,} rows in {_e(files)}{_e(more)}; columns "
                       f"{_e(', '.join(names))}.</p>")  # fmt: skip
            if uri:
                out.append(_figure_html(uri, "per-draw histograms",
                                        "Distributions over the draws.", "fig-draws"))  # fmt: skip
    fp_geojson = [p for p in run.geojson_files if p.name.startswith("footprint")]
    s = fp or {}
    if is_fp:
        nav.append(("footprint", "Footprint"))
        out.append('<h2 id="footprint">Defended footprint</h2>')
        thr = s.get("threshold") if finite(s.get("threshold")) else 0.5
        leth = _lethality_of(run, s, kinematic=s.get("mode") == "kinematic")
        if finite(s.get("defended_area_km2")):
            out.append(f'<p class="outcome ok">Defended area {s["defended_area_km2"]:,.0f} km² '
                       f"(kill probability ≥ {thr:g})</p>")  # fmt: skip
        if leth:
            out.append(f"<p>Every kill probability here comes from the {_e(leth)}.</p>")
        if fp is not None:
            out.append(_rows_table(footprint_rows({**s, "lethality": leth}), "fp-summary"))
        if run.footprint_file is not None:
            launch = s.get("launch_deg")
            launch = launch if isinstance(launch, list) and len(launch) == 2 else None
            uri, stats = footprint_figure(run.footprint_file, run, thr, launch)
            out.append(_figure_html(
                uri, "defended footprint map",
                f"Kill probability for each aim point of the grid in footprint.nc over "
                f"coastlines and borders; the black contour is the threshold {thr:g} (the same "
                f"map as <code>thaad footprint</code> draws).",
                "fig-footprint"))  # fmt: skip
            out.append(_rows_table(stats, "fp-grid"))
        if isinstance(s.get("assets"), dict) and s["assets"]:
            out.append("<p>Named assets:</p>" + _assets_table(s["assets"]))
        if fp is not None:
            out.append(_other_values(s, FOOTPRINT_KEYS, run.summary_files["footprint"]))
        if fp_geojson:
            names = ", ".join(p.name for p in fp_geojson)
            out.append(f"<p>The threshold contour as GeoJSON: <code>{_e(names)}</code>.</p>")
    regions = [p for p in run.geojson_files if p not in fp_geojson or not is_fp]
    if regions or run.coverage is not None:
        nav.append(("coverage", "Coverage"))
        out.append('<h2 id="coverage">Coverage and regions</h2>')
        if run.coverage is not None:
            out.append(_rows_table(coverage_rows(run.coverage), "coverage-summary"))
            out.append(_other_values(run.coverage, COVERAGE_KEYS, "coverage.json"))
        if regions:
            uri, props = geojson_figure(regions, run)
            names = ", ".join(p.name for p in regions)
            out.append(_figure_html(uri, "coverage map", f"Regions in {_e(names)}.",
                                    "fig-coverage"))  # fmt: skip
            for label, pr in props:
                if set(pr) & COVERAGE_KEYS:
                    continue  # the coverage region's properties: the table above
                out.append(f"<p>{_e(label)}:</p>" + _kv_table(_flatten(pr)))
    return out


def _parameters_html(run: Run) -> str:
    rows = []
    for key, value, src in parameter_rows(run.scenario):
        if src is None:
            s = '<span class="missing">no source recorded (add it to docs/parameters.md)</span>'
        else:
            where = f"docs/parameters.md, {src['section']}: “{src['row']}”" if "row" in src else ""
            s = _md(src["source"]) + (f'<br><span class="sub">{_md(where)}</span>' if where else "")
        rows.append(f"<tr><td><code>{_e(key)}</code></td><td>{_e(value)}</td><td>{s}</td></tr>")
    return (
        '<table id="parameters"><tr><th>parameter (<code>--set</code> key)</th>'
        f"<th>value</th><th>source</th></tr>{''.join(rows)}</table>"
    )


def build_report(run: Run) -> str:
    """The report of a loaded output directory as one HTML document."""
    nav: list[tuple[str, str]] = []
    body: list[str] = []
    res = run.result
    sc = run.scenario
    title = (
        (res or {}).get("scenario_name")
        or (sc.name if sc else None)
        or (run.summary or {}).get("scenario")
        or run.path.name
    )
    if res is not None:
        body += _battle_html(run, nav) if run.is_battle else _engagement_html(run, nav)
    body += _analysis_html(run, nav)
    if sc is not None:
        nav.append(("parameters", "Parameters"))
        body.append('<h2 id="parameters-h">Scenario and parameters</h2>')
        nav[-1] = ("parameters-h", "Parameters")
        body.append(f"<p><b>{_e(sc.name)}</b>. {_e(sc.description)}</p>")
        body.append(
            "<p>Every value of the run's <code>scenario.yaml</code>, with its public "
            "source or derivation. Change any of them with "
            "<code>thaad run --set KEY=VALUE</code>.</p>"
        )
        body.append(_parameters_html(run))
        body.append(
            "<details><summary>scenario.yaml as run</summary>"
            f"<pre>{_e(run.scenario_text)}</pre></details>"
        )
    nav.append(("reproduce", "Reproduce"))
    repro = ['<h2 id="reproduce">Reproduce</h2>', '<table id="provenance">']
    info = []
    if res is not None:
        info += [
            ("software version", f"thaad {res['version']}"),
            ("seed", res["seed"]),
            ("scenario hash (SHA-256)", res["scenario_sha256"]),
        ]
    elif run.summary is not None:
        for k in ("version", "seed", "scenario_sha256"):
            if k in run.summary:
                info.append((k, run.summary[k]))
    info.append(("report made by", f"thaad {__version__}"))
    commands = (run.provenance or {}).get("commands")
    if isinstance(commands, dict):
        for name, entry in commands.items():
            if isinstance(entry, dict) and isinstance(entry.get("command_line"), str):
                info.append((f"thaad {name} was run as", entry["command_line"]))
    repro += [f"<tr><th>{_e(k)}</th><td><code>{_e(v)}</code></td></tr>" for k, v in info]
    repro.append("</table>")
    if res is not None:
        repro.append(
            "<pre>thaad run scenario.yaml --seed "
            f"{_e(res['seed'])} --out DIR --report</pre>"
            "<p>with the <code>scenario.yaml</code> of this directory gives the same "
            "result (the same scenario hash and seed give identical numbers).</p>"
        )
    body += repro
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    links = "".join(f'<a href="#{a}">{_e(b)}</a>' for a, b in nav)
    sub = f"Run directory <code>{_e(run.path.name)}</code>"
    if res is not None:
        sub += f" · seed {_e(res['seed'])} · thaad {_e(res['version'])}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>thaad report: {_e(title)}</title>
<style>{CSS}</style></head>
<body><main>
<h1>thaad report: {_e(title)}</h1>
<p class="sub">{sub}</p>
<nav>{links}</nav>
{chr(10).join(body)}
<footer>Made by thaad {_e(__version__)} on {when}. All figures are public and unclassified
and many are uncertain: results say what follows from these assumptions, not what any real
system does.</footer>
</main></body></html>
"""


def write_report(run_dir: str | Path, out: str | Path | None = None) -> Path:
    """Read ``run_dir`` and write its report (default ``run_dir/report.html``) atomically."""
    from thaad.io import atomic_write_text

    run = load_run(run_dir, need_engagement=False)
    text = build_report(run)
    target = Path(out) if out is not None else run.path / REPORT_FILE
    return atomic_write_text(target, text, label="--out" if out is not None else None)
