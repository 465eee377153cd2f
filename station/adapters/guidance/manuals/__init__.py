"""Manual adapters: readers for DOCX/PDF/Markdown/text and the section splitter/linker."""
