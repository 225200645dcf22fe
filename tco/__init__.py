"""tco: what an LLM workload costs on an API versus self-hosted GPUs, and when self-hosting breaks even."""

__version__ = "0.1.0"
