"""The manual parser: file bytes -> :class:`ParsedManual` (sections per defect type, linked by code/name)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from station.adapters.guidance.manuals.readers import ManualFormatError, read_manual
from station.adapters.guidance.manuals.splitter import ManualSplitter
from station.domain.manuals import DefectName, ParsedManual


class DocumentManualParser:
    """Parses DOCX (python-docx), PDF (pypdf text layer, page numbers kept), Markdown and plain text."""

    def parse(self, data: bytes, file_name: str, defects: Sequence[DefectName]) -> ParsedManual:
        """Sections of the manual; ``defects`` empty -> defect codes are guessed from the headings.

        Raises :class:`ManualFormatError` (a StationError) for unreadable, encrypted, image-only or
        empty files and for files in which no text section at all was found.
        """
        result = read_manual(data, file_name)
        title = result.title or Path(file_name).stem
        split = ManualSplitter(defects, title=title).split(result.blocks)
        if not split.sections:
            raise ManualFormatError(f"{file_name}: no text sections found in the manual")
        return ParsedManual(title=title, file_type=result.file_type, sections=tuple(split.sections),
                            page_count=result.page_count, unlinked_headings=tuple(split.unlinked_headings))

    def parse_file(self, path: Path, defects: Sequence[DefectName]) -> ParsedManual:
        try:
            data = Path(path).read_bytes()
        except FileNotFoundError as exc:
            raise ManualFormatError(f"manual file not found: {path}") from exc
        except OSError as exc:
            raise ManualFormatError(f"cannot read {path}: {exc.strerror or exc}") from exc
        return self.parse(data, Path(path).name, defects)
