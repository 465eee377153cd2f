"""Corrective-action guides: manual excerpts, the guide request, the prompt and the guide itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Language = Literal["ko", "en"]

# The four sections every guide has, in order, with their headings per language.
GUIDE_SECTIONS: tuple[str, ...] = ("status", "cause", "action", "prevention")
SECTION_HEADINGS: dict[str, dict[str, str]] = {
    "ko": {"status": "상황", "cause": "원인", "action": "조치", "prevention": "예방"},
    "en": {"status": "Status", "cause": "Cause", "action": "Action", "prevention": "Prevention"},
}


@dataclass(frozen=True)
class ManualExcerpt:
    """A manual section chosen for an inspection, with the reason it was chosen.

    ``ref`` is the citation number used in the guide (``[1]``...). ``reason`` is ``defect`` (a
    cause/action section of the detected defect), ``summary`` (the defect's row of a summary table)
    or ``related`` (semantically / lexically close). ``score`` orders excerpts within a reason.
    """

    ref: int
    section_id: int
    manual_id: int
    manual_title: str
    file_name: str
    defect_code: str | None
    section_type: str
    title: str
    text: str
    page: int | None
    score: float
    reason: str

    def citation(self) -> str:
        page = f", p.{self.page}" if self.page else ""
        return f"[{self.ref}] {self.file_name}{page} — {self.title}"


@dataclass(frozen=True)
class LineTranslation:
    """A manual line in the guide's language: ``text`` is the checked translation when ``verified``,
    else the original line (shown marked as untranslated); ``problems`` say why a translation was refused."""

    source: str
    text: str
    language: Language
    verified: bool
    problems: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "text": self.text, "language": self.language, "verified": self.verified,
                "problems": list(self.problems)}


@dataclass(frozen=True)
class RegionSummary:
    """A detected region described for people: where on the part, how big, how strong."""

    location: str
    area_ratio: float | None = None
    width: int | None = None
    height: int | None = None
    score: float | None = None


@dataclass(frozen=True)
class GuideRequest:
    """Everything a guide is written from (built by ``GuidanceService.build_request``)."""

    product_code: str
    product_name: str
    defect_code: str | None
    defect_name_ko: str | None
    defect_name_en: str | None
    severity: int | None
    language: Language
    regions: tuple[RegionSummary, ...] = ()
    scores: dict[str, float] = field(default_factory=dict)
    excerpts: tuple[ManualExcerpt, ...] = ()
    retrieval_mode: str = "lexical"
    # names (code, ko, en) of the product's other defect types: a guide item naming one is refused
    other_defects: tuple[tuple[str, ...], ...] = ()
    # the excerpts' lines written in the other language, each with its translation into ``language``
    translations: dict[str, LineTranslation] = field(default_factory=dict)

    def line_text(self, line: str) -> tuple[str, bool]:
        """A manual line as the guide gives it: (its checked translation, True) or (the line itself, False
        when it needed a translation that was refused or is missing, True when it needed none)."""
        found = self.translations.get(line)
        if found is None:
            return line, True
        return found.text, found.verified

    @property
    def known_defect(self) -> bool:
        return self.defect_code is not None

    def grounding_excerpts(self) -> tuple[ManualExcerpt, ...]:
        """The excerpts the guide may rest on: with a known defect its own cause/action sections and its
        summary row(s) only; with an unknown defect (or a defect without sections) all retrieved ones."""
        chosen = self.excerpts
        if self.defect_code:
            own = tuple(e for e in self.excerpts if e.defect_code == self.defect_code
                        and e.reason in ("defect", "summary"))
            chosen = own or self.excerpts
        seen: set[tuple[str | None, str, str]] = set()
        unique = []
        for excerpt in chosen:  # the same section in two files of one manual (DOCX and PDF) once
            key = (excerpt.defect_code, excerpt.section_type, "".join(excerpt.text.split()))
            if key not in seen:
                seen.add(key)
                unique.append(excerpt)
        return tuple(unique)

    def defect_label(self) -> str:
        if self.language == "ko":
            return self.defect_name_ko or self.defect_name_en or self.defect_code or "미분류 결함"
        return self.defect_name_en or self.defect_code or self.defect_name_ko or "unclassified defect"


@dataclass(frozen=True)
class PromptParts:
    """A chat prompt split for KV caching: ``system`` is fixed per language, ``stable`` depends only
    on product/defect/excerpts (cached per defect), ``variable`` holds this inspection's details.

    ``grammar`` (GBNF text) constrains decoding to the guide structure when set; ``key`` names the
    stable part for saved KV state (``<language>/<product>/<defect>``)."""

    system: str
    stable: str
    variable: str
    answer_prefix: str = ""  # the start of the answer, written for the model (e.g. the first heading)
    # the start of the answer that comes before ``answer_prefix`` and is the same for every inspection (the
    # guide structure's opening): with an empty ``variable`` it is cached with the stable part
    answer_stable: str = ""
    grammar: str | None = None
    key: str | None = None


@dataclass(frozen=True)
class GuideItem:
    """One line of a guide: a short text and the excerpt numbers it rests on. ``origin`` is ``llm`` (as
    the model wrote it), ``manual`` (the manual's own sentence, replacing or filling in) or ``station``."""

    text: str
    refs: tuple[int, ...] = ()
    origin: str = "llm"

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "refs": list(self.refs)}


@dataclass(frozen=True)
class StructuredGuide:
    """The fixed structure a guide is written in; the Markdown the worker reads is rendered from it."""

    status: tuple[GuideItem, ...] = ()
    cause: tuple[GuideItem, ...] = ()
    action: tuple[GuideItem, ...] = ()
    prevention: tuple[GuideItem, ...] = ()

    def section(self, key: str) -> tuple[GuideItem, ...]:
        return getattr(self, key)

    def as_dict(self) -> dict[str, list[dict[str, Any]]]:
        return {key: [item.as_dict() for item in self.section(key)] for key in GUIDE_SECTIONS}


@dataclass(frozen=True)
class Generation:
    """What a local LLM produced for one prompt."""

    text: str
    model_name: str
    prompt_tokens: int
    completion_tokens: int
    cached_tokens: int
    first_token_s: float | None
    total_s: float
    cancelled: bool = False
    gpu_layers: int = 0


@dataclass(frozen=True)
class Guide:
    """A finished guide: ``content`` is what the worker reads and what is stored in
    ``inspection_results.guide_content``. ``source`` is ``llm`` or ``template``."""

    content: str
    language: Language
    source: Literal["llm", "template"]
    quality_score: float
    quality_issues: tuple[str, ...] = ()
    citations: tuple[int, ...] = ()
    excerpts: tuple[ManualExcerpt, ...] = ()
    model_name: str | None = None
    cancelled: bool = False
    first_token_s: float | None = None
    tokens_per_s: float | None = None
    notice: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    structure: StructuredGuide | None = None  # the four sections as items with their excerpt numbers
    grounding: tuple[ManualExcerpt, ...] = ()  # the excerpts the guide was written from (cited by number)
