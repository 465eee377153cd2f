"""The local LLM that writes guides, on llama.cpp: the generator, the GGUF models it can fetch and verify,
the chat-template rendering of a prompt's parts, grammar-constrained sampling and saved prompt states."""
