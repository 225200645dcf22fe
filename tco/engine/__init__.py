"""The pure cost engine over resolved inputs: the formulas, the month-by-month projection (scalar and
vectorised), mixed options, break-even, `optimize` and the load profiles. No files, no tables.
"""
