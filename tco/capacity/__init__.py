"""How many tokens a GPU serves: the memory and roofline model (`model`), the closed-loop latency model
at a target (`latency`), and their application to pricing-table entries (`sizing`).
"""
