"""Guidance adapters: the local LLM (llama.cpp), sentence embeddings, and the manual parser."""
