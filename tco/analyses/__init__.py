"""Analyses over many variants of a scenario: Monte Carlo simulation, sensitivity, sweeps.

Each returns a plain result object that the renderers in `tco.render` read; all evaluate the
variants at once on the vectorised engine path (`tco.engine.vectorised`) through a `BatchPlan`.
These modules import numpy; only the commands that need them import them.
"""
