"""Repair manuals as the station understands them: parsed sections, stored manuals, stored sections."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

SUPPORTED_MANUAL_SUFFIXES = (".docx", ".pdf", ".md", ".markdown", ".txt")


class DefectName(Protocol):
    """Anything with a defect's code and names (``DefectTypeSpec``, ``DefectTypeInfo``)."""

    @property
    def code(self) -> str: ...

    @property
    def name_ko(self) -> str: ...

    @property
    def name_en(self) -> str | None: ...


@dataclass(frozen=True)
class ParsedSection:
    """One section found in a manual.

    ``defect_code`` is the product's defect code the heading was linked to (None: general text);
    ``section_type`` is ``cause`` / ``action`` / ``other``; ``page`` is the 1-based page where the
    section's text starts (PDF) or None (formats without pages); ``heading`` is the defect heading
    as written in the manual.
    """

    defect_code: str | None
    section_type: str
    title: str
    text: str
    page: int | None
    chunk_index: int
    heading: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"defect_code": self.defect_code, "section_type": self.section_type, "page": self.page,
                "title": self.title, "text": self.text, "chunk_index": self.chunk_index}


@dataclass(frozen=True)
class ParsedManual:
    title: str
    file_type: str
    sections: tuple[ParsedSection, ...]
    page_count: int | None = None
    unlinked_headings: tuple[str, ...] = ()

    def defects_with(self, section_type: str) -> set[str]:
        return {s.defect_code for s in self.sections if s.section_type == section_type and s.defect_code}


@dataclass(frozen=True)
class SectionToStore:
    """A parsed section resolved to the database: defect type id and embedding (float32 bytes)."""

    section: ParsedSection
    defect_type_id: int | None
    embedding: bytes | None


@dataclass(frozen=True)
class NewManual:
    product_id: int
    title: str
    file_name: str
    file_path: str
    file_size: int
    file_type: str
    uploaded_by: int | None = None
    sections: tuple[SectionToStore, ...] = ()


@dataclass(frozen=True)
class ManualInfo:
    manual_id: int
    product_id: int
    title: str
    file_name: str
    file_path: str
    file_type: str | None
    version: str | None
    vector_indexed: bool
    indexed_at: datetime | None
    section_count: int = 0
    is_active: bool = True


@dataclass(frozen=True)
class StoredSection:
    """A section of an active manual as retrieval sees it."""

    section_id: int
    manual_id: int
    manual_title: str
    file_name: str
    defect_type_id: int | None
    defect_code: str | None
    section_type: str
    title: str
    text: str
    page: int | None
    chunk_index: int
    embedding: bytes | None = None


@dataclass(frozen=True)
class IngestReport:
    """What one ingested file produced."""

    manual: ManualInfo
    sections: int
    linked: dict[str, list[str]] = field(default_factory=dict)  # defect code -> section types
    missing: list[str] = field(default_factory=list)  # defect codes with no cause/action section
    embedder: str | None = None
    already_present: bool = False
    deployment_id: int | None = None
    notes: list[str] = field(default_factory=list)  # one line each: what was cut to keep indexing bounded
