"""Guidance adapters: the local LLM that writes guides (llama.cpp, ``llm``), the sentence embedder for
retrieval, and the manual parser (``manuals``)."""
