"""Analyses built on the model: one engagement, trajectories, Monte Carlo, footprints,
radar coverage and the track command's logic. Results are data; drawing them is
:mod:`thaad.output`'s job."""
