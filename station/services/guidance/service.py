"""Guidance for a failed part: the manual excerpts to read and a corrective-action guide.

Qt-free and blocking: the GUI calls it from a worker thread. Typical use::

    excerpts = guidance.excerpts("prod1", "hole", regions, {"anomaly": 0.93})      # fast, no LLM
    request = guidance.build_request("prod1", "hole", regions, {"anomaly": 0.93}, language="ko")
    guide = guidance.stream_guide(request, on_update=show_text, cancel_event=stop)  # the guide so far
    guidance.save_guide(result_id, guide)

Without a local LLM (or when it fails) ``stream_guide`` returns the deterministic template guide built
from the excerpts, labelled as such and with a hint how to install a model; a guide is never empty.
Excerpt lines in the other language than the guide's are given in translation (``translations``):
checked translations by the local LLM, kept between runs; a refused one is shown marked untranslated.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from station.domain.engine import CancelToken
from station.domain.errors import NotFoundError, StationError
from station.domain.guidance import (
    GUIDE_SECTIONS,
    Guide,
    GuideItem,
    GuideRequest,
    Language,
    LineTranslation,
    ManualExcerpt,
    PromptParts,
    StructuredGuide,
)
from station.services.guidance.detection import describe_regions, detection_text, location_label
from station.services.guidance.live import LiveGuide
from station.services.guidance.markdown import markdown_structure
from station.services.guidance.ports import GuideGenerator, Lexicon, ManualRepository, TextEmbedder, TranslationStore
from station.services.guidance.prompt import build_prompt
from station.services.guidance.quality import assess_guide
from station.services.guidance.retrieval import pack_embedding, rank_sections, to_excerpts, unpack_embedding
from station.services.guidance.states import manual_hash
from station.services.guidance.stream import GuideStreamReader
from station.services.guidance.template import (
    AFTER_ACTION,
    INSTALL_HINT,
    TEMPLATE_NOTICE,
    sources_footer,
    template_body,
)
from station.services.guidance.text import excerpt_lines, section_text
from station.services.guidance.translation import ManualTranslator, needs_translation
from station.services.guidance.verify import GuideVerifier, ItemCheck, support_lines
from station.services.shared.ports import CatalogReader

log = logging.getLogger(__name__)
LLM_NOTICE = {
    "ko": "{model}이(가) 매뉴얼을 근거로 작성한 가이드입니다. 인용 번호로 원문을 확인하세요.",
    "en": "Written by {model} from the manual; check the cited excerpts.",
}
CANCELLED_NOTICE = {"ko": "(생성이 중단되었습니다)", "en": "(generation was cancelled)"}


def fallback_notice(language: str, written: int, unsupported: int) -> str:
    """Why the guide shows the manual's own lines (marked ※), in one line of the worker's language: how
    many of the cause and action items the model wrote did not pass the checks (``written`` of them in
    all; they are struck through with the reason), and what "Write again" does. The verifier's score
    stays in the guide's extra data, not here."""
    if language == "ko":
        why = ("작성된 가이드에 원인·조치 항목이 없어" if written == 0 else
               f"작성된 원인·조치 {written}개 중 {unsupported}개가 검사를 통과하지 못해 (줄을 그어 표시)")
        return f"{why} 매뉴얼 원문(※)을 함께 표시합니다. \"다시 작성\"을 누르면 다시 작성합니다."
    why = ("The written guide had no cause or action items" if written == 0 else
           f"{unsupported} of the {written} cause and action items written did not pass the checks (struck through)")
    return f"{why}, so the manual's own lines (※) are shown as well; \"Write again\" tries once more."


def manual_lines(excerpt: ManualExcerpt) -> list[str]:
    """The lines of an excerpt a guide may show: its sentences, and a summary row's values whole and one
    by one."""
    lines = excerpt_lines(excerpt.text) + support_lines(excerpt)
    if excerpt.reason == "summary":
        lines += [value.strip() for line in excerpt_lines(excerpt.text)
                  for _, sep, value in [line.partition(":")] if sep and value.strip()]
    return list(dict.fromkeys(lines))


class GuidanceService:
    """Retrieval of manual excerpts and guide generation for one station.

    ``embedder`` None -> lexical retrieval only (``retrieval_mode`` says so); ``generator`` None ->
    template guides. Both adapters load their models lazily, on first use, in the calling thread.
    """

    def __init__(self, catalog: CatalogReader, manuals: ManualRepository, *, embedder: TextEmbedder | None = None,
                 generator: GuideGenerator | None = None, language: Language = "en",
                 lexicon: Lexicon | None = None, translations: TranslationStore | None = None) -> None:
        self._catalog = catalog
        self._manuals = manuals
        self._embedder = embedder
        self.generator = generator
        self.language: Language = language
        self.lexicon = lexicon  # the English word list the items are checked against (None: no word check)
        self._translation_store = translations
        self._translator: ManualTranslator | None = None
        self._lock = threading.Lock()
        self._query_cache: dict[str, np.ndarray] = {}
        self.states: Any = None  # states.PromptStates: saved KV state of the prompts, when set

    @property
    def retrieval_mode(self) -> str:
        return "semantic+lexical" if self._embedder is not None else "lexical only (embedder not installed)"

    def llm_status(self, language: Language | None = None) -> str:
        lang = language or self.language
        if self.generator is None:
            return INSTALL_HINT[lang]
        return self.generator.model_name

    # Retrieval --------------------------------------------------------------------------------
    def excerpts(self, product_code: str, defect_code: str | None, regions: Sequence[Mapping[str, Any]] = (),
                 scores: Mapping[str, float] | None = None, *, related_limit: int = 3) -> list[ManualExcerpt]:
        """Manual sections for an inspection, numbered for citation: the defect's cause and action sections
        first, then its summary rows, then up to ``related_limit`` sections semantically/lexically close to
        the defect (to the regions' locations when the defect type is unknown)."""
        product = self._catalog.get_product(product_code)
        sections = self._manuals.active_sections(product.product_id)
        if not sections:
            return []
        defect = product.defect_by_code(defect_code) if defect_code else None
        words = [defect_code or "", *(v for v in (defect.name_ko, defect.name_en, defect.full_name_ko) if v)] \
            if defect else ["결함 원인 조치", "defect cause action"]
        if defect is None:  # unknown defect: where it is on the part is the best clue left
            for region in describe_regions(regions):
                if region.location:
                    words += [region.location, location_label(region.location, "ko")]
        # (with a known defect the excerpts depend on the defect only, so the prompt part built from them
        # is the same for every inspection of that defect and its KV state can be reused)
        query = " ".join(w for w in words if w)
        query_vector = None
        if self._embedder is not None:
            try:
                if self._embed_missing(sections):
                    sections = self._manuals.active_sections(product.product_id)
                query_vector = self._query_vector(query)
            except Exception as exc:  # a broken embedder must not cost the worker the excerpts
                log.warning("embedder failed, lexical retrieval only: %s", exc)
        ranked = rank_sections(sections, defect_code, query, query_vector=query_vector,
                               embedder_tag=self._embedder.name if self._embedder else None,
                               related_limit=related_limit)
        return to_excerpts(ranked)

    def _query_vector(self, query: str) -> np.ndarray:
        """The query's embedding, remembered: queries repeat (same defect, same region places)."""
        assert self._embedder is not None
        vector = self._query_cache.pop(query, None)
        if vector is None:
            vector = np.asarray(self._embedder.embed([query])[0], dtype=np.float32)
        self._query_cache[query] = vector
        while len(self._query_cache) > 256:
            self._query_cache.pop(next(iter(self._query_cache)))
        return vector

    def _embed_missing(self, sections: Sequence[Any]) -> bool:
        """Embeds sections stored without (or with another embedder's) vectors; True if any were."""
        assert self._embedder is not None
        missing = [s for s in sections if unpack_embedding(s.embedding, self._embedder.name) is None]
        if not missing:
            return False
        vectors = self._embedder.embed([section_text(s) for s in missing])
        self._manuals.set_section_embeddings(
            {s.section_id: pack_embedding(self._embedder.name, v) for s, v in zip(missing, vectors)})
        return True

    def build_request(self, product_code: str, defect_code: str | None,
                      regions: Sequence[Mapping[str, Any]] = (), scores: Mapping[str, float] | None = None,
                      *, language: Language | None = None, excerpts: Sequence[ManualExcerpt] | None = None,
                      ) -> GuideRequest:
        """Everything a guide is written from; ``excerpts`` None -> retrieved now."""
        product = self._catalog.get_product(product_code)
        defect = product.defect_by_code(defect_code) if defect_code else None
        if defect_code and defect is None:
            raise NotFoundError(f"product {product_code} has no defect type {defect_code!r}")
        found = list(excerpts) if excerpts is not None else self.excerpts(product_code, defect_code, regions, scores)
        lang = language or self.language
        return GuideRequest(
            product_code=product.code, product_name=product.name, defect_code=defect_code,
            defect_name_ko=defect.name_ko if defect else None, defect_name_en=defect.name_en if defect else None,
            severity=defect.severity_level if defect else None, language=lang,
            regions=describe_regions(regions), scores={k: float(v) for k, v in (scores or {}).items()},
            excerpts=tuple(found), retrieval_mode=self.retrieval_mode,
            other_defects=tuple(tuple(n for n in (d.code, d.name_ko, d.name_en, d.full_name_ko) if n)
                                for d in product.defect_types if d.code != defect_code),
            translations=self.translations(found, lang),
        )

    # Translated manual lines ---------------------------------------------------------------------
    @property
    def translator(self) -> ManualTranslator | None:
        """Translates manual lines with the local LLM (None without one)."""
        if self._translator is None and self.generator is not None:
            self._translator = ManualTranslator(self.generator, self._translation_store, self.lexicon,
                                                self._embedder)
        return self._translator

    def translations(self, excerpts: Sequence[ManualExcerpt], language: Language) -> dict[str, LineTranslation]:
        """Every line of ``excerpts`` written in the other language, in ``language``: a checked
        translation (stored ones read back, missing ones translated now by the local LLM) or, when it is
        refused or there is no model, the line itself marked unverified."""
        lines = [line for e in excerpts for line in manual_lines(e) if needs_translation(line, language)]
        if not lines:
            return {}
        translator = self.translator
        found: dict[str, LineTranslation] = {}
        # translating needs a model that reads the line's language and writes the guide's (SmolLM2: English only)
        if translator is not None and {"ko", "en"} <= set(getattr(self.generator, "languages", ())):
            try:
                with self._lock:
                    found = translator.translate(lines, language)
            except (StationError, RuntimeError, ValueError, OSError) as exc:
                log.warning("manual lines not translated: %s", exc)
                found = translator.cached(lines, language)
        reason = ("이 줄을 번역할 수 있는 로컬 LLM이 없습니다" if language == "ko"
                  else "no installed local LLM translates this line")
        return {line: found.get(line) or LineTranslation(line, line, language, False, (reason,)) for line in lines}

    # Guides ----------------------------------------------------------------------------------
    def stream_guide(self, request: GuideRequest, on_update: Callable[[str], None] | None = None,
                     cancel_event: CancelToken | None = None, *, use_llm: bool = True,
                     max_tokens: int = 400) -> Guide:
        """The guide for ``request``. With a local LLM the model fills the guide structure (enforced by a
        grammar while decoding); each item it finishes is checked against its cited excerpts and the
        worker's language at once (see ``verify``) and shown, or struck through with the reason.
        ``on_update`` gets the whole guide's Markdown so far after every token (the item being written in
        italics); its last call is the finished ``Guide.content``, which is what is stored. A cause or
        action section left with too few items gets the manual's own lines, marked. Without a model, or
        when it fails before writing, the labelled template guide. ``cancel_event.set()`` stops
        generation within a token (``cancelled=True``)."""
        if self.generator is None or not use_llm:
            return self._announce(self.template_guide(request), on_update)
        if request.language not in self.generator.languages:
            notice = (f"설치된 모델({self.generator.model_name})은 한국어 가이드를 쓰지 못해 기본 가이드를 표시합니다. "
                      "`station models fetch qwen2.5-coder-1.5b`로 한국어 모델을 설치하세요."
                      if request.language == "ko" else
                      f"The installed model ({self.generator.model_name}) cannot write {request.language} guides; "
                      "showing the basic guide. Install `station models fetch qwen2.5-coder-1.5b`.")
            return self._announce(self.template_guide(request, notice=notice), on_update)
        prompt = build_prompt(request)
        reader = GuideStreamReader(request.language)
        verifier = GuideVerifier(request, self._embedder, self.lexicon)
        notice = LLM_NOTICE[request.language].format(model=self.generator.model_name)
        live = LiveGuide(request.language, notice)
        # the detection's sizes and scores: the station's own first status line (not the model's words)
        detected = GuideItem(detection_text(request), (), origin="station")
        live.show("status", detected)
        checks: list[ItemCheck] = []

        def emit(piece: str) -> None:
            reader.feed(piece)
            for section, item in reader.take_completed():
                check = verifier.check(section, item)
                checks.append(check)
                if check.ok:
                    live.show(section, item)
                else:
                    live.strike(section, item, check.problems)
            if on_update is not None:
                on_update(live.markdown(reader.pending()))

        try:
            with self._lock:
                generation = self.generator.generate(prompt, on_token=emit, cancel=cancel_event,
                                                     max_tokens=max_tokens)
        except (StationError, RuntimeError, ValueError, OSError) as exc:
            log.warning("local LLM failed, template guide instead: %s", exc)
            notice = ("로컬 LLM 오류로 기본 가이드를 표시합니다: " if request.language == "ko"
                      else "The local LLM failed; showing the basic guide: ") + str(exc)
            return self._announce(self.template_guide(request, notice=notice), on_update)
        raw = generation.text.strip()
        if not raw:
            guide = (self.template_guide(request, cancelled=True) if generation.cancelled else
                     self.template_guide(request, notice="The local LLM returned no text."))
            return self._announce(guide, on_update)
        left = reader.pending()
        if left is not None and left[1].strip():  # the item being written when generation stopped
            item = GuideItem(left[1].strip(), ())
            checks.append(ItemCheck(left[0], item, False, ("cut off when writing stopped",)))
            live.strike(left[0], item, ("cut off when writing stopped",))
        verification = verifier.summarise(checks)
        shown_texts = {i.text for i in live.shown()}
        for key in ("cause", "action"):
            for item in verification.guide.section(key):
                if item.origin != "llm" and item.text not in shown_texts:
                    live.show(key, item)
        if not live.shown("prevention"):
            live.show("prevention", GuideItem(AFTER_ACTION[request.language], (), origin="station"))
        grounded = [c for c in checks if c.section in ("cause", "action")]
        fell_back = bool(verification.filled) or not grounded
        if fell_back and not generation.cancelled:
            live.header = notice + "\n\n" + fallback_notice(
                request.language, len(grounded), sum(1 for c in grounded if not c.ok))
        seconds = generation.total_s - (generation.first_token_s or 0.0)
        timing = {"first_token_s": generation.first_token_s,
                  "tokens_per_s": (generation.completion_tokens - 1) / seconds if seconds > 0 and
                  generation.completion_tokens > 1 else None}
        extra = {"prompt_tokens": generation.prompt_tokens, "cached_tokens": generation.cached_tokens,
                 "completion_tokens": generation.completion_tokens, "gpu_layers": generation.gpu_layers,
                 "llm_text": raw, "llm_quality": verification.score, "llm_issues": list(verification.issues),
                 "faithful_share": verification.faithful_share, "filled_from_manual": verification.filled,
                 "struck": [{"section": i.section, "text": i.item.text, "reason": i.struck} for i in live.struck()],
                 "fell_back": fell_back, "model_name": generation.model_name, **timing}
        structure = StructuredGuide(**{key: tuple(live.shown(key)) for key in GUIDE_SECTIONS})
        cited = tuple(dict.fromkeys(r for item in live.shown() for r in item.refs))
        parts = [live.markdown(final=True)]
        if generation.cancelled:
            parts.append(CANCELLED_NOTICE[request.language])
        footer = sources_footer(request, cited)
        if footer:
            parts += ["", footer]
        guide = Guide(
            content="\n".join(parts), language=request.language, source="llm", quality_score=verification.score,
            quality_issues=verification.issues, citations=cited, excerpts=request.excerpts,
            model_name=generation.model_name, cancelled=generation.cancelled, notice=live.header, extra=extra,
            structure=structure, grounding=request.grounding_excerpts(), **timing,
        )
        return self._announce(guide, on_update)

    @staticmethod
    def _announce(guide: Guide, on_update: Callable[[str], None] | None) -> Guide:
        """Shows the finished guide: the last update is the stored content."""
        if on_update is not None:
            on_update(guide.content)
        return guide

    def template_guide(self, request: GuideRequest, *, notice: str | None = None, cancelled: bool = False) -> Guide:
        """The deterministic guide from the excerpts, labelled, with the install hint when no model is set."""
        body = template_body(request)
        report = assess_guide(body, request.language, [e.ref for e in request.excerpts])
        label = notice or TEMPLATE_NOTICE[request.language]
        parts = [label]
        if self.generator is None:
            parts.append(INSTALL_HINT[request.language])
        parts += ["", body]
        footer = sources_footer(request, tuple(report.citations))
        if footer:
            parts += ["", footer]
        return Guide(content="\n".join(parts), language=request.language, source="template",
                     quality_score=report.score, quality_issues=report.issues, citations=report.citations,
                     excerpts=request.excerpts, cancelled=cancelled, notice=label,
                     structure=markdown_structure(body),
                     grounding=tuple(e for e in request.excerpts
                                     if e in request.grounding_excerpts() or e.ref in report.citations))

    def save_guide(self, result_id: int, guide: Guide) -> None:
        """Stores the guide on the inspection result (content, generated flag, quality score) and its
        provenance: the manual of the excerpts (the first cited one, else the first excerpt's) and the model
        that wrote it (``template`` for the deterministic guide)."""
        cited = [e for e in guide.excerpts if e.ref in guide.citations] or list(guide.excerpts)
        self._manuals.save_guide(
            result_id, guide.content, guide.quality_score, manual_id=cited[0].manual_id if cited else None,
            guide_model=(guide.model_name or "llm") if guide.source == "llm" else "template")

    def prewarm(self, product_code: str, language: Language | None = None) -> int:
        """Caches the LLM's system prompt and each defect's stable prompt part; returns how many.
        With saved prompt states (``states``) they are loaded from disk (a missing or stale one is
        computed and saved). Call it from a worker thread when a product is selected."""
        if self.generator is None:
            return 0
        lang = language or self.language
        if self.states is not None and self.states.cache is not None:
            report = self.states.load(product_code, lang, rebuild=True)
            return len(report["loaded"]) + len(report["rebuilt"])
        count = 0
        for _, prompt in self.stable_prompts(product_code, lang):
            with self._lock:
                self.generator.warm(prompt)
            count += 1
        return count

    # For saved prompt states (states.PromptStates) ----------------------------------------
    def stable_prompts(self, product_code: str, language: Language) -> list[tuple[str, PromptParts]]:
        """Each defect type's prompt without inspection details: its system and stable parts are what
        every guide for that defect starts with."""
        product = self._catalog.get_product(product_code)
        return [(d.code, build_prompt(self.build_request(product_code, d.code, language=language)))
                for d in product.defect_types]

    def manual_hash(self, product_code: str) -> str:
        product = self._catalog.get_product(product_code)
        return manual_hash(self._manuals.active_sections(product.product_id))

    def product_id(self, product_code: str) -> int:
        return self._catalog.get_product(product_code).product_id
