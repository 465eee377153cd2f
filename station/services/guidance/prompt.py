"""Guide prompts: the fixed system prompt per language, the stable and variable parts, and the excerpt
numbers each guide section may cite.

Lines of the excerpts written in the other language are given in their checked translation
(``GuideRequest.translations``), so the model restates lines in the guide's own language.

The prompt is split for KV caching: the system prompt never changes; the stable part (product, defect,
manual excerpts, instructions, the end of the user turn and the opening of the guide structure) depends
only on the product, the defect and the manual, so its KV state is saved and a guide for a known
defect evaluates no prompt token of its own. The detection's location, sizes and scores are the
station's own first status line (``detection_text``), not the model's words.
"""

from __future__ import annotations

from station.domain.guidance import GuideRequest, PromptParts
from station.services.guidance.grammar import STRUCTURE_OPENING, guide_grammar
from station.services.guidance.terms import glossary_lines
from station.services.guidance.text import excerpt_lines

MAX_EXCERPT_CHARS = 500
MAX_EXCERPTS_CHARS = 1800

SYSTEM_PROMPTS: dict[str, str] = {
    "ko": (
        "당신은 제조 품질 검사 스테이션의 현장 기술 지원 도우미입니다. 작업자가 바로 따라 할 수 있는 불량 조치 "
        "가이드를 JSON으로 씁니다: {\"status\": [...], \"cause\": [...], \"action\": [...], "
        "\"prevention\": [...]}, 각 항목은 {\"text\": 짧은 한국어 문장 하나, \"refs\": [근거 발췌 번호]}.\n"
        "규칙: cause와 action의 각 항목은 주어진 매뉴얼 발췌의 원인/조치 문장 하나를 한국어로 짧게 옮겨 쓰고, "
        "그 문장이 있는 발췌 번호를 refs에 넣습니다. 제목이나 결함 이름만 쓰지 말고 내용을 쓰세요. "
        "검출된 결함만 다루고 다른 결함은 언급하지 마세요. 한자나 외국 문자를 섞지 말고 한글로 쓰세요. "
        "status는 검출 결과 요약, prevention은 재발 방지 방법입니다."
    ),
    "en": (
        "You are the shop-floor support assistant of a manufacturing quality inspection station. You write "
        "corrective-action guides a worker can follow right away, as JSON: {\"status\": [...], \"cause\": "
        "[...], \"action\": [...], \"prevention\": [...]}, each item {\"text\": one short English "
        "sentence, \"refs\": [numbers of the excerpts it rests on]}.\n"
        "Rules: each cause and action item restates one cause or action sentence of the manual excerpts given, "
        "translated into plain English when the manual is in Korean, and lists that excerpt's number in refs. "
        "Write the content, not a heading or the defect's name. Cover only the detected defect; never mention "
        "other defects. Write English only. status sums up the inspection, prevention says how to avoid a "
        "recurrence."
    ),
}
_TYPE_LABELS = {"ko": {"cause": "원인", "action": "조치", "other": "요약"},
                "en": {"cause": "cause", "action": "action", "other": "summary"}}


def refs_by_section(request: GuideRequest) -> dict[str, list[int]]:
    """The excerpt numbers each guide section may cite: cause items the cause sections and summary rows,
    action items the action sections and summary rows; prevention any grounding excerpt, status none."""
    grounding = request.grounding_excerpts()
    every = [e.ref for e in grounding]
    out: dict[str, list[int]] = {"status": [], "prevention": every}
    for kind in ("cause", "action"):
        refs = [e.ref for e in grounding if e.section_type == kind or e.reason == "summary"]
        out[kind] = refs or every
    return out


def _readable_lines(request: GuideRequest, text: str) -> list[str]:
    """An excerpt's lines as the prompt gives them: each in its checked translation. A Korean guide leaves
    out an English line whose translation was refused when the excerpt has translated lines (the model
    otherwise copies the English line into the Korean guide; the manual's own line can still fill in,
    marked); an English guide keeps such a Korean line, with the glossary's terms listed for it."""
    lines = [request.line_text(line) for line in excerpt_lines(text)]
    if request.language == "ko" and any(ok for _, ok in lines):
        return [line for line, ok in lines if ok]
    return [line for line, _ in lines]


def build_prompt(request: GuideRequest) -> PromptParts:
    """System / stable / variable parts and the grammar of the guide structure. With a known defect the
    stable part holds only that defect's cause/action sections and summary row(s); with an unknown defect
    the retrieved sections of other defects, each labelled as such."""
    ko = request.language == "ko"
    severity = f" ({'심각도' if ko else 'severity'} {request.severity}/5)" if request.severity else ""
    names = " / ".join(n for n in (request.defect_name_ko, request.defect_name_en) if n) or \
        (request.defect_code or ("미분류 (결함 종류를 모름)" if ko else "unclassified (defect type unknown)"))
    stable = [
        f"{'제품' if ko else 'Product'}: {request.product_name} ({request.product_code})",
        f"{'검출 결함' if ko else 'Detected defect'}: {names}{severity}",
        "",
        "매뉴얼 발췌:" if ko else "Manual excerpts:",
    ]
    grounding = request.grounding_excerpts()
    labels = _TYPE_LABELS[request.language]
    budget = MAX_EXCERPTS_CHARS
    for excerpt in grounding:
        if budget <= 0:
            break
        text = "\n".join(f"- {line}" for line in _readable_lines(request, excerpt.text))[:min(MAX_EXCERPT_CHARS, budget)]
        budget -= len(text)
        kind = labels.get(excerpt.section_type, excerpt.section_type)
        if request.defect_code and excerpt.defect_code == request.defect_code:
            head = f"[{excerpt.ref}] ({kind}) {excerpt.title}"
        else:
            other = excerpt.defect_code or ("일반" if ko else "general")
            head = (f"[{excerpt.ref}] ({kind}, 참고: 결함 종류를 몰라 가져온 '{other}' 구역) {excerpt.title}" if ko
                    else f"[{excerpt.ref}] ({kind}; for reference: section of '{other}', the defect type is "
                         f"unknown) {excerpt.title}")
        stable.append(f"{head}\n{text}")
    if not grounding:
        stable.append("(매뉴얼 발췌 없음)" if ko else "(no manual excerpts)")
    stable.append("")
    if not ko:  # the terms of the Korean lines left untranslated
        terms = glossary_lines(line for excerpt in grounding for line in excerpt_lines(excerpt.text)
                               if not request.line_text(line)[1])
        if terms:
            stable.append("Terms used in the manual (Korean = English): " + "; ".join(terms))
    stable.append("이 검사의 가이드 JSON을 쓰세요. 검출 위치, 크기와 점수는 스테이션이 따로 표시합니다." if ko
                  else "Write the guide JSON for this inspection; the station shows the detected region's "
                       "location, size and score itself.")
    key = f"{request.language}/{request.product_code}/{request.defect_code or '-'}"
    # with a known defect the whole prompt, up to the structure's opening, is the same for every inspection
    # of the defect (its KV state is saved): a guide evaluates no prompt token of its own; the detection's
    # location, sizes and scores are the station's own first status line (``detection_text``)
    return PromptParts(system=SYSTEM_PROMPTS[request.language], stable="\n".join(stable) + "\n",
                       variable="", answer_stable=STRUCTURE_OPENING, answer_prefix="",
                       grammar=guide_grammar(request.language, refs_by_section(request), status_opened=0),
                       key=key)
