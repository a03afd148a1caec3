"""``thaad report``: one self-contained HTML file from a run's output directory.

The file opens offline: the figures are PNGs drawn with matplotlib and inlined as base64
``data:`` URIs, the style sheet is inline, nothing is linked from outside. Sections:

- the outcome, the software version, seed and scenario hash, and the command that
  reproduces the run;
- the engagement timeline as a chart and a table of events;
- altitude against time; ground tracks on a map with coastlines and borders
  (:func:`thaad.output.maps.plot_base_map`) and the radar's field of view;
- the radar track's error against the truth with the filter's 3-sigma bound, and its
  normalised innovations (NIS) with their 95 % chi-square bounds;
- Monte Carlo, footprint and coverage results where ``thaad montecarlo``, ``thaad footprint``
  or ``thaad coverage`` left them in the directory (``montecarlo.json`` and Parquet,
  ``footprint.json`` and ``footprint.nc``, GeoJSON, ``coverage.json``);
- every scenario parameter with its value (from ``scenario.yaml``) and its source (from
  ``thaad/data/parameter_sources.yaml``, which points to ``docs/parameters.md``).
"""

from thaad.output.report.document import REPORT_FILE, build_report, write_report
from thaad.output.report.sources import parameter_rows, parameter_sources

__all__ = ["REPORT_FILE", "build_report", "parameter_rows", "parameter_sources", "write_report"]
