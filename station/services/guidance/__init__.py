"""Guidance for a failed part: manual ingestion, excerpt retrieval, the LLM guide (prompt, schema, stream, verification) and its template fallback."""
