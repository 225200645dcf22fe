"""From a scenario file to numbers: the resolver turns a validated scenario and the pricing tables into
the engine's inputs, the loader ties loading and resolving together, and `compare` runs the engine.
"""
