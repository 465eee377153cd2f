"""Guidance for a failed part: manual ingestion, excerpt retrieval, and the corrective-action guide — the
local LLM's (prompt, grammar, streamed structure, verification against the manual) or, without one, the
template guide composed from the excerpts.

Modules of this package import one another by their full module path; this file only gathers the names
other layers use.
"""

from station.services.guidance.detection import describe_regions, detection_text, location_label
from station.services.guidance.grammar import ITEM_COUNTS, guide_grammar
from station.services.guidance.ingestion import ManualService
from station.services.guidance.markdown import render_markdown, split_guide_sections
from station.services.guidance.prompt import build_prompt, refs_by_section
from station.services.guidance.quality import QualityReport, assess_guide
from station.services.guidance.retrieval import LexicalIndex, pack_embedding, rank_sections, unpack_embedding
from station.services.guidance.service import GuidanceService, fallback_notice
from station.services.guidance.states import PromptStates
from station.services.guidance.stream import GuideStreamReader, parse_guide
from station.services.guidance.terms import glossary_lines
from station.services.guidance.text import char_ngrams
from station.services.guidance.verify import GuideVerifier, Verification, script_problem
from station.services.guidance.ports import GuideGenerator, ManualRepository, TextEmbedder

__all__ = [
    "assess_guide",
    "build_prompt",
    "char_ngrams",
    "describe_regions",
    "detection_text",
    "fallback_notice",
    "glossary_lines",
    "GuidanceService",
    "guide_grammar",
    "GuideGenerator",
    "GuideStreamReader",
    "GuideVerifier",
    "ITEM_COUNTS",
    "LexicalIndex",
    "location_label",
    "ManualRepository",
    "ManualService",
    "pack_embedding",
    "parse_guide",
    "PromptStates",
    "QualityReport",
    "rank_sections",
    "refs_by_section",
    "render_markdown",
    "script_problem",
    "split_guide_sections",
    "TextEmbedder",
    "unpack_embedding",
    "Verification",
]
