"""Guidance for a failed part: manual ingestion, excerpt retrieval, manual lines in the worker's language
(checked translations), and the corrective-action guide — the local LLM's (prompt, grammar, streamed
structure, each item verified against the manual and its words as it is written, shown or struck) or,
without one, the template guide composed from the excerpts.

Modules of this package import one another by their full module path; this file only gathers the names
other layers use.
"""

from station.services.guidance.detection import describe_regions, detection_text, location_label
from station.services.guidance.grammar import ITEM_COUNTS, guide_grammar
from station.services.guidance.ingestion import ManualService
from station.services.guidance.live import LiveGuide, struck_reason
from station.services.guidance.markdown import MANUAL_MARK, UNTRANSLATED_MARK, render_markdown, split_guide_sections
from station.services.guidance.prompt import build_prompt, refs_by_section
from station.services.guidance.quality import QualityReport, assess_guide
from station.services.guidance.retrieval import LexicalIndex, pack_embedding, rank_sections, unpack_embedding
from station.services.guidance.service import GuidanceService, fallback_notice
from station.services.guidance.states import PromptStates
from station.services.guidance.stream import GuideStreamReader, parse_guide
from station.services.guidance.terms import glossary_lines, missing_terms
from station.services.guidance.translation import ManualTranslator, TranslationCheck, needs_translation
from station.services.guidance.text import char_ngrams
from station.services.guidance.verify import GuideVerifier, Verification, script_problem
from station.services.guidance.wording import WordCheck, dangling_end, english_words, manual_words
from station.services.guidance.ports import GuideGenerator, Lexicon, ManualRepository, TextEmbedder, TranslationStore

__all__ = [
    "assess_guide",
    "build_prompt",
    "char_ngrams",
    "dangling_end",
    "describe_regions",
    "detection_text",
    "english_words",
    "fallback_notice",
    "glossary_lines",
    "GuidanceService",
    "guide_grammar",
    "GuideGenerator",
    "GuideStreamReader",
    "GuideVerifier",
    "ITEM_COUNTS",
    "LexicalIndex",
    "Lexicon",
    "LiveGuide",
    "location_label",
    "MANUAL_MARK",
    "manual_words",
    "ManualRepository",
    "ManualService",
    "ManualTranslator",
    "missing_terms",
    "needs_translation",
    "pack_embedding",
    "parse_guide",
    "PromptStates",
    "QualityReport",
    "rank_sections",
    "refs_by_section",
    "render_markdown",
    "script_problem",
    "split_guide_sections",
    "struck_reason",
    "TextEmbedder",
    "TranslationCheck",
    "TranslationStore",
    "unpack_embedding",
    "UNTRANSLATED_MARK",
    "Verification",
    "WordCheck",
]
