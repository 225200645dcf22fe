"""Reading a scenario: YAML with positions, the schema, validation, `--set` overrides, quantities such as
`40K` or `5%`, ranges, and the JSON Schema. Nothing here knows prices or GPUs.
"""
