"""The pricing tables: their schema (one pydantic model per table), the bundled catalog and the user overlay,
safe edits of the user's files, browsing (`tco pricing list/show`) and the importers (LiteLLM, SkyPilot,
genai-prices).
"""
