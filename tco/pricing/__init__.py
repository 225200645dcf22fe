"""The pricing tables: the bundled catalog and the user overlay, safe edits of the user's files, browsing
(`tco pricing list/show`) and the importers (LiteLLM, SkyPilot, genai-prices).
"""
