"""Readers that turn a manual file (DOCX, PDF, Markdown, plain text) into an ordered list of blocks.

A block is one line or paragraph with its page (PDF; DOCX only when Word recorded page breaks),
a hint whether the source marked it as a heading, a bullet, or a table row (cells and header).
Anything that cannot be read raises :class:`ManualFormatError` with one clear line.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from station.domain.errors import ValidationError
from station.domain.manuals import SUPPORTED_MANUAL_SUFFIXES

BULLET_RE = re.compile(r"^\s*[•·▪▫◦‣∙○●■□\-*+–]\s*")
NUMBERED_RE = re.compile(r"^\s*(?:\d{1,2}[.)]|[①-⑳]|\d\ufe0f?\u20e3)\s*")
MD_HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
MD_TABLE_SEP_RE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
# Beyond these a file is not a repair manual (a dump, a generated file): refused in one line, not parsed
# for minutes. The largest real manual in ../shared/data has well under a hundred headings.
MAX_BLOCKS = 250_000  # lines/paragraphs
MAX_HEADINGS = 5_000
MD_BOLD_LINE_RE = re.compile(r"^\s*(\*\*|__)(.+?)\1\s*:?\s*$")


class ManualFormatError(ValidationError):
    """The file is not a readable manual (corrupt, encrypted, image-only, empty, unsupported)."""


@dataclass(frozen=True)
class Block:
    text: str
    page: int | None = None
    kind: str = "para"  # "heading" | "para" | "bullet" | "numbered" | "row"
    level: int = 0
    cells: tuple[str, ...] = ()
    header: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReadResult:
    blocks: list[Block]
    file_type: str
    title: str | None
    page_count: int | None


def read_manual(data: bytes, file_name: str) -> ReadResult:
    """Blocks of a manual given its bytes; the file name's suffix picks the reader."""
    suffix = Path(file_name).suffix.lower()
    if suffix not in SUPPORTED_MANUAL_SUFFIXES:
        raise ManualFormatError(
            f"{file_name}: unsupported manual type {suffix or '(none)'}; use {', '.join(SUPPORTED_MANUAL_SUFFIXES)}")
    if not data.strip():
        raise ManualFormatError(f"{file_name}: the file is empty")
    if suffix == ".docx":
        result = _read_docx(data, file_name)
    elif suffix == ".pdf":
        result = _read_pdf(data, file_name)
    else:
        text = _decode_text(data, file_name)
        result = _read_markdown(text) if suffix in (".md", ".markdown") else _read_plain(text)
    if not any(b.text.strip() for b in result.blocks):
        raise ManualFormatError(f"{file_name}: no text found in the manual")
    if len(result.blocks) > MAX_BLOCKS:
        raise ManualFormatError(f"{file_name}: {len(result.blocks):,} lines/paragraphs is more than a manual "
                                f"holds (limit {MAX_BLOCKS:,}): split it into several files")
    headings = sum(1 for b in result.blocks if b.kind == "heading")
    if headings > MAX_HEADINGS:
        raise ManualFormatError(f"{file_name}: {headings:,} headings is more than a manual holds "
                                f"(limit {MAX_HEADINGS:,}): split it into several files")
    return result


# DOCX -------------------------------------------------------------------------------------
def _read_docx(data: bytes, file_name: str) -> ReadResult:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ManualFormatError(f"{file_name}: not a readable DOCX file (truncated or corrupt: {exc})") from exc
    except Exception as exc:  # python-docx raises its own PackageNotFoundError and lxml errors
        raise ManualFormatError(f"{file_name}: not a readable DOCX file ({type(exc).__name__}: {exc})") from exc
    body = document.element.body
    has_breaks = bool(body.xpath(".//w:lastRenderedPageBreak | .//w:br[@w:type='page']"))
    page = 1 if has_breaks else None
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            text = item.text.strip()
            if text:
                style = (item.style.name if item.style is not None else "") or ""
                blocks.append(_docx_paragraph_block(item, text, style, page))
            if page is not None:
                page += len(item.rendered_page_breaks) + int(_has_hard_page_break(item))
        elif isinstance(item, Table):
            blocks.extend(_docx_table_blocks(item, page))
    title = (document.core_properties.title or "").strip() or None
    return ReadResult(blocks=blocks, file_type="docx", title=title, page_count=page)


def _docx_paragraph_block(paragraph, text: str, style: str, page: int | None) -> Block:  # type: ignore[no-untyped-def]
    lowered = style.lower()
    match = re.match(r"(heading|제목)\s*(\d)", lowered)
    if match or lowered == "title":
        return Block(text, page, "heading", int(match.group(2)) if match else 0)
    p_pr = paragraph._p.pPr
    is_list = (p_pr is not None and p_pr.numPr is not None) or "list" in lowered
    if NUMBERED_RE.match(text):
        return Block(text, page, "numbered")
    if is_list or BULLET_RE.match(text):
        return Block(BULLET_RE.sub("", text, count=1) or text, page, "bullet")
    return Block(text, page, "para")


def _has_hard_page_break(paragraph) -> bool:  # type: ignore[no-untyped-def]
    return bool(paragraph._p.xpath(".//w:br[@w:type='page']"))


def _docx_table_blocks(table, page: int | None) -> list[Block]:  # type: ignore[no-untyped-def]
    rows = []
    for row in table.rows:
        cells = tuple(" ".join(cell.text.split()) for cell in row.cells)
        if any(cells):
            rows.append(cells)
    if not rows:
        return []
    header = rows[0]
    blocks = [Block(" | ".join(header), page, "row", cells=header, header=())]
    blocks += [Block(" | ".join(r), page, "row", cells=r, header=header) for r in rows[1:]]
    return blocks


# PDF --------------------------------------------------------------------------------------
def _read_pdf(data: bytes, file_name: str) -> ReadResult:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ManualFormatError(f"{file_name}: the PDF is password-protected; save an unprotected copy")
        pages = list(reader.pages)
        texts = [page.extract_text() or "" for page in pages]
    except ManualFormatError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AttributeError) as exc:
        message = str(exc)
        if "decrypt" in message.lower() or "encrypt" in message.lower():
            raise ManualFormatError(f"{file_name}: the PDF is encrypted and cannot be read ({message})") from exc
        raise ManualFormatError(f"{file_name}: not a readable PDF (truncated or corrupt: {message})") from exc
    except Exception as exc:  # pypdf raises assorted errors on damaged files
        raise ManualFormatError(f"{file_name}: not a readable PDF ({type(exc).__name__}: {exc})") from exc
    if not pages:
        raise ManualFormatError(f"{file_name}: the PDF has no pages")
    if not any(t.strip() for t in texts):
        raise ManualFormatError(
            f"{file_name}: the PDF has no text layer (scanned images only); export it with text or OCR it first")
    blocks: list[Block] = []
    for number, text in enumerate(texts, start=1):
        blocks.extend(_text_lines(text, page=number))
    title = None
    if reader.metadata is not None and reader.metadata.title:
        title = str(reader.metadata.title).strip() or None
    return ReadResult(blocks=blocks, file_type="pdf", title=title, page_count=len(pages))


# Markdown and plain text -----------------------------------------------------------------
def _decode_text(data: bytes, file_name: str) -> str:
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ManualFormatError(f"{file_name}: text is neither UTF-8 nor CP949 (EUC-KR)")


def _read_markdown(text: str) -> ReadResult:
    blocks: list[Block] = []
    title = None
    header: tuple[str, ...] | None = None
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip():
            header = None
            continue
        heading = MD_HEADING_RE.match(line)
        if heading:
            level, value = len(heading.group(1)), _strip_md(heading.group(2))
            title = title or (value if level == 1 else None)
            blocks.append(Block(value, None, "heading", level))
            header = None
            continue
        if line.lstrip().startswith("|"):
            if MD_TABLE_SEP_RE.match(line):
                continue
            cells = tuple(_strip_md(c.strip()) for c in line.strip().strip("|").split("|"))
            if header is None:
                header = cells
                blocks.append(Block(" | ".join(cells), None, "row", cells=cells))
            else:
                blocks.append(Block(" | ".join(cells), None, "row", cells=cells, header=header))
            continue
        header = None
        bold = MD_BOLD_LINE_RE.match(line)
        if bold:
            blocks.append(Block(_strip_md(bold.group(2)), None, "heading", 6))
            continue
        blocks.extend(_text_lines(_strip_md(line), page=None))
    return ReadResult(blocks=blocks, file_type="markdown", title=title, page_count=None)


def _read_plain(text: str) -> ReadResult:
    blocks: list[Block] = []
    pages = text.split("\f")
    paged = len(pages) > 1
    for number, page_text in enumerate(pages, start=1):
        blocks.extend(_text_lines(page_text, page=number if paged else None))
    return ReadResult(blocks=blocks, file_type="text", title=None, page_count=len(pages) if paged else None)


# Inline markup spans are bounded and stop at the next marker, so that a huge line full of stray ``*``, ``_``
# or ``[`` is scanned in linear time, not quadratic.
_BOLD_RE = re.compile(r"(\*\*|__)(.{1,500}?)\1")
_EMPHASIS_RE = re.compile(r"(?<!\w)[*_]([^*_\s][^*_]{0,500}?)[*_](?!\w)")
_CODE_RE = re.compile(r"`([^`\n]{0,500})`")
_LINK_RE = re.compile(r"\[([^\[\]]{1,500})\]\([^()\s]{0,2000}\)")


def _strip_md(text: str) -> str:
    if not any(mark in text for mark in "*_`["):
        return text.strip()
    text = _BOLD_RE.sub(r"\2", text)
    text = _EMPHASIS_RE.sub(r"\1", text)
    text = _CODE_RE.sub(r"\1", text)
    return _LINK_RE.sub(r"\1", text).strip()


def _text_lines(text: str, *, page: int | None) -> list[Block]:
    """Lines of extracted text; bullets are recognised by their markers (wrapped lines are joined later,
    by the splitter, which knows which lines are headings)."""
    blocks: list[Block] = []
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line:
            continue
        stripped = BULLET_RE.sub("", line, count=1)
        if stripped != line and stripped:
            blocks.append(Block(stripped, page, "bullet"))
        elif NUMBERED_RE.match(line):
            blocks.append(Block(line, page, "numbered"))
        else:
            blocks.append(Block(line, page, "para"))
    return blocks
